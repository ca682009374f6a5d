import { describe, expect, it } from "vitest";
import { isTokenEncoding, loadTokenCounter } from "./tokens.ts";

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
      ];
      for (const text of texts) {
        expect(counter.countTokens(text), text).toBe(
          library.countTokens(text, { disallowedSpecial: new Set() }),
        );
      }
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
