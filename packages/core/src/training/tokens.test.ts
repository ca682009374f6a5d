import { describe, expect, it } from "vitest";
import { BpeCounter, buildRankTable } from "./bpe.ts";
import { scanCl100kPiece } from "./pretokenize.ts";
import { importRanks, isTokenEncoding, loadTokenCounter } from "./tokens.ts";

type Library = { encode: (t: string, o?: { disallowedSpecial: Set<string> }) => number[] };

async function importLibrary(encoding: string): Promise<Library> {
  return (await import(`gpt-tokenizer/encoding/${encoding}`)) as Library;
}

/** A small deterministic PRNG, so a failure names a reproducible text. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Fragments that exercise every branch of the pre-tokenizers, ASCII and not. */
const FRAGMENTS = [
  ..."abcxyzABCXYZ0123456789",
  ..." \t\n\r\v\f",
  ..."'\".,;:!?-_/\\()[]{}<>|@#$%^&*+=~`",
  "\u0000",
  "\u001f",
  "\u007f",
  "'s",
  "'S",
  "'ll",
  "'LL",
  "'Ve",
  "'re",
  "'d",
  "'m",
  "'t",
  "'x",
  "don't",
  "HELLO",
  "World",
  "camelCase",
  "iPhone",
  "  ",
  "\r\n",
  "\n\n",
  " \n ",
  "\t\t",
  "///",
  "...",
  "1234567",
  "é",
  "É",
  "ß",
  "ǅ",
  "ʰ",
  "中文",
  "\u0301",
  "\u0300a",
  "²",
  "٣",
  "Ⅻ",
  "\u00a0",
  "\u2003",
  "\u3000",
  "\ufeff",
  "\ufeffusing",
  "\ufeff#",
  "\ufeff//",
  "\u2028",
  "\u0085",
  "—",
  "“",
  "€",
  "🎉",
  "👩‍👩‍👧",
  "\ud83d",
  "\ude00",
  "<|endoftext|>",
  "<|im_start|>",
  "Straße",
  "ΣΑΣ",
  "naïve",
];

function randomText(random: () => number, pieces: number): string {
  let text = "";
  for (let i = 0; i < pieces; i++) text += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!;
  return text;
}

describe("loadTokenCounter", () => {
  // Known counts: OpenAI's cookbook ("How to count tokens with tiktoken") encodes "tiktoken is great!" to 6
  // tokens with cl100k_base and with o200k_base.
  it.each([
    ["cl100k_base", "tiktoken is great!", 6],
    ["o200k_base", "tiktoken is great!", 6],
    ["cl100k_base", "hello world", 2],
    ["o200k_base", "hello world", 2],
    ["cl100k_base", "", 0],
  ] as const)("%s counts %j as %i tokens", async (encoding, text, expected) => {
    const counter = await loadTokenCounter(encoding);
    expect(counter.encoding).toBe(encoding);
    expect(counter.countTokens(text)).toBe(expected);
  });

  it("counts special-token text as ordinary text instead of throwing", async () => {
    const counter = await loadTokenCounter("o200k_base");
    expect(counter.countTokens("before <|endoftext|> after")).toBeGreaterThan(3);
  });

  it.each(["cl100k_base", "o200k_base"] as const)(
    "%s: the piece-by-piece count equals the library's count on varied text",
    async (encoding) => {
      const counter = await loadTokenCounter(encoding);
      const library = (await import(`gpt-tokenizer/encoding/${encoding}`)) as {
        countTokens: (t: string, o?: { disallowedSpecial: Set<string> }) => number;
      };
      const texts = [
        "The patient is a 67-year-old man with community-acquired pneumonia (J18.9).",
        "naïve café — déjà vu; Straße, 東京都の天気は晴れです。 Привет, мир!",
        "emoji 🎉🎉 and ZWJ 👩‍👩‍👧 family",
        "  leading and trailing spaces   \n\n\ttabs\r\nand CRLF  ",
        "numbers 1234567890 3.14159 1e-9 0x1F and   runs      of spaces",
        "code: function f(x) { return x ** 2 && y !== 'it''s'; } // it's, I'll, we've, they're",
        '{"messages": [{"role": "user", "content": "<|endoftext|> <|im_start|>"}]}',
        "a".repeat(5000),
        "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
        // The library ranks UTF-8 that starts with a byte order mark as the text after it (TextDecoder drops it).
        "\ufeffusing System;\n\ufeffnamespace X\n\ufeff#include\n\ufeff//\n\ufeff\n\n\ufeff\ufeff\ufeff",
        "a\ufeffb \ufeffusing\ufeffnamespace \ufeff출장안마 /*\ufeff/*\n",
        // o200k_base: "\ufeff名单" is 1 token for the library (3 with the true rank lookup).
        "\ufeff名单 \ufeff名人\n\ufeffង",
      ];
      for (const text of texts) {
        expect(counter.countTokens(text), text).toBe(
          library.countTokens(text, { disallowedSpecial: new Set() }),
        );
      }
    },
  );

  it.each(["cl100k_base", "o200k_base"] as const)(
    "%s: counts exactly what gpt-tokenizer's encode() returns, on 3,000 random texts",
    async (encoding) => {
      const counter = await loadTokenCounter(encoding);
      const library = await importLibrary(encoding);
      const random = createRandom(encoding.length);
      const options = { disallowedSpecial: new Set<string>() };
      for (let i = 0; i < 3000; i++) {
        const text = randomText(random, 1 + Math.floor(random() * 40));
        expect(counter.countTokens(text), JSON.stringify(text)).toBe(library.encode(text, options).length);
      }
    },
  );

  it.each(["cl100k_base", "o200k_base"] as const)(
    "%s: counts words of every length and case exactly, fresh and from the letter pieces' cache, in ASCII text and not",
    async (encoding) => {
      const counter = await loadTokenCounter(encoding);
      const library = await importLibrary(encoding);
      const options = { disallowedSpecial: new Set<string>() };
      const random = createRandom(11);
      const letters = "abcdefghijklmnopqrstuvwxyz";
      // A small vocabulary (so words repeat and hit the cache) of 1 to 16 letters, in several cases.
      const vocabulary = Array.from({ length: 120 }, (_, i) => {
        let word = "";
        for (let j = 1 + (i % 16); j > 0; j--) word += letters[Math.floor(random() * 26)];
        const shape = Math.floor(random() * 5);
        if (shape === 1) return word[0]!.toUpperCase() + word.slice(1);
        if (shape === 2) return word.toUpperCase();
        if (shape === 3) return word.slice(0, word.length >> 1) + word.slice(word.length >> 1).toUpperCase();
        return word;
      });
      const glue = [
        " ",
        " ",
        " ",
        "  ",
        "\n",
        ", ",
        ". ",
        "'s ",
        "'LL ",
        "'t",
        "-",
        " 42 ",
        "(",
        "\t",
        "é",
        "’",
      ];
      for (let i = 0; i < 1500; i++) {
        let text = "";
        for (let j = 3 + Math.floor(random() * 60); j > 0; j--) {
          text += vocabulary[Math.floor(random() * vocabulary.length)]!;
          // Mostly ASCII texts (read as bytes); some with a character outside ASCII (read as a string).
          let sep = glue[Math.floor(random() * glue.length)]!;
          while (i % 3 !== 0 && sep.charCodeAt(0) > 127) sep = glue[Math.floor(random() * glue.length)]!;
          text += sep;
        }
        expect(counter.countTokens(text), JSON.stringify(text)).toBe(library.encode(text, options).length);
      }
    },
  );

  it.each(["cl100k_base", "o200k_base"] as const)(
    "%s: counts long pieces (heap merge), long white space and symbol runs, and repeats (cache) exactly",
    async (encoding) => {
      const counter = await loadTokenCounter(encoding);
      const library = await importLibrary(encoding);
      const options = { disallowedSpecial: new Set<string>() };
      const random = createRandom(7);
      const long = Array.from(
        { length: 300 },
        () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(random() * 26)],
      ).join("");
      const texts = [
        long,
        long.toUpperCase(),
        `${long}é${long}`,
        "x".repeat(1000),
        " ".repeat(500),
        `${" ".repeat(300)}word`,
        "\n".repeat(200),
        "-=".repeat(300),
        "🎉".repeat(120),
        "日本語のテキスト".repeat(40),
        "\ud83d".repeat(150),
        "ab\ud83dcd",
        "pneumonoultramicroscopicsilicovolcanoconiosis ".repeat(3),
      ];
      for (const text of texts) {
        // Twice: the second count comes from the piece cache.
        expect(counter.countTokens(text), text.slice(0, 40)).toBe(library.encode(text, options).length);
        expect(counter.countTokens(text), text.slice(0, 40)).toBe(library.encode(text, options).length);
      }
    },
  );

  it("merges with the heap exactly as with the scan (random bytes, both merges)", async () => {
    const table = buildRankTable(await importRanks("cl100k_base"));
    const counter = new BpeCounter(table, scanCl100kPiece, /./uy);
    const library = await importLibrary("cl100k_base");
    const random = createRandom(3);
    const options = { disallowedSpecial: new Set<string>() };
    for (let i = 0; i < 200; i++) {
      // One letter run (a single piece) of 50 to 400 letters: the scan merges up to 96 bytes, the heap beyond.
      const letters = "etaoinshrdlucmfwypvbgkqjxz";
      let text = "";
      const length = 50 + Math.floor(random() * 350);
      for (let j = 0; j < length; j++) text += letters[Math.floor(Math.min(25, -Math.log(random()) * 5))]!;
      expect(counter.count(text), text).toBe(library.encode(text, options).length);
    }
  });

  it.each(["cl100k_base", "o200k_base"] as const)(
    "%s: the rank table holds every token the library can find, once",
    async (encoding) => {
      const ranks = await importRanks(encoding);
      const seen = new Set<string>();
      const encoder = new TextEncoder();
      const problems: string[] = [];
      for (const [rank, token] of ranks.entries()) {
        const bytes = typeof token === "string" ? encoder.encode(token) : Uint8Array.from(token);
        const key = Buffer.from(bytes).toString("latin1");
        if (seen.has(key)) problems.push(`rank ${rank}: a second token with the same bytes`);
        seen.add(key);
        if (typeof token === "string" && Buffer.from(token).toString() !== token)
          problems.push(`rank ${rank}: a lone surrogate`);
      }
      expect(problems).toEqual([]);
      expect(seen.size).toBe(ranks.length);
    },
  );

  it("shares one counter per encoding", async () => {
    expect(await loadTokenCounter("cl100k_base")).toBe(await loadTokenCounter("cl100k_base"));
  });

  it("names the encodings it can load", () => {
    expect(isTokenEncoding("o200k_base")).toBe(true);
    expect(isTokenEncoding("llama3")).toBe(false);
  });
});
