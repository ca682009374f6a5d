import { describe, expect, it } from "vitest";
import { FindingCollector } from "./findings.ts";
import { computeStringHash } from "./hash.ts";
import { HashSlotTable } from "./hash-table.ts";
import { INPUT_NEW, INPUT_SEEN, INPUT_SIMILAR, InputIndex } from "./input-index.ts";
import { LineSplitter } from "./line-splitter.ts";
import { normalizeExampleLoosely, normalizeExampleText, normalizeExampleWords } from "./normalize.ts";
import { QuantileHistogram } from "./quantile-histogram.ts";

describe("HashSlotTable", () => {
  it("stores, finds and keeps values across page splits", () => {
    const table = new HashSlotTable(2, 1_000_000);
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const slot = table.insert(computeStringHash(`key ${i}`));
      table.set(slot, 0, i + 1);
      table.set(slot, 1, i * 7);
    }
    expect(table.size).toBe(n);
    for (let i = 0; i < n; i += 997) {
      const slot = table.find(computeStringHash(`key ${i}`));
      expect(slot).not.toBe(-1);
      expect(table.get(slot, 0)).toBe(i + 1);
      expect(table.get(slot, 1)).toBe(i * 7);
    }
    expect(table.find(computeStringHash("absent"))).toBe(-1);
    let visited = 0;
    table.forEachSlot(() => visited++);
    expect(visited).toBe(n);
  });

  it("refuses inserts past its limit and says so", () => {
    const table = new HashSlotTable(1, 10);
    for (let i = 0; i < 10; i++) expect(table.insert(computeStringHash(`k${i}`))).not.toBe(-1);
    expect(table.saturated).toBe(false);
    expect(table.insert(computeStringHash("k10"))).toBe(-1);
    expect(table.saturated).toBe(true);
  });
});

describe("QuantileHistogram", () => {
  it("is exact below 4,096", () => {
    const h = new QuantileHistogram();
    for (const v of [5, 1, 4, 2, 3]) h.add(v);
    expect([h.min, h.quantile(0.5), h.quantile(0.95), h.max, h.sum, h.count]).toEqual([1, 3, 5, 5, 15, 5]);
  });
  it("is within 0.5% above 4,096, with exact min and max", () => {
    const h = new QuantileHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 5_000 + i * 37);
    for (const v of values) h.add(v);
    const p95 = values[Math.ceil(0.95 * values.length) - 1]!;
    expect(Math.abs(h.quantile(0.95)! - p95) / p95).toBeLessThan(0.005);
    expect(h.min).toBe(5_000);
    expect(h.max).toBe(values[values.length - 1]);
  });
  it("is empty without values", () => {
    expect(new QuantileHistogram().quantile(0.5)).toBeNull();
  });
});

describe("LineSplitter", () => {
  function split(chunks: Array<string | Uint8Array>, max?: number): Array<[number, string]> {
    const out: Array<[number, string]> = [];
    const splitter = new LineSplitter(
      (line, text) => out.push([line, text]),
      (line, length) => out.push([line, `<${length} chars>`]),
      max,
    );
    for (const c of chunks) splitter.push(c);
    splitter.end();
    return out;
  }
  it("splits across chunks, strips a BOM and CR, keeps a last line without a break", () => {
    expect(split(["\uFEFFone\r", "\ntwo\nth", "ree"])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
  });
  it("decodes UTF-8 split inside a character", () => {
    const bytes = new TextEncoder().encode("é€\n");
    expect(split([bytes.slice(0, 1), bytes.slice(1, 3), bytes.slice(3)])).toEqual([[1, "é€"]]);
  });
  it("reports a too-long line by length without keeping it", () => {
    expect(split(["ab\n", "x".repeat(30), "y".repeat(30), "\nok"], 50)).toEqual([
      [1, "ab"],
      [2, "<60 chars>"],
      [3, "ok"],
    ]);
  });
});

describe("normalisations", () => {
  it("folds case and spacing; loosely also punctuation and numbers; words keep numbers", () => {
    expect(normalizeExampleText("  Hello\tWORLD \n again ")).toBe("hello world again");
    expect(normalizeExampleLoosely("Order #1234 arrived, broken!")).toBe("order 0 arrived broken");
    expect(normalizeExampleWords("Order #1234: arrived, broken!")).toBe("order 1234 arrived broken");
  });
});

describe("FindingCollector", () => {
  it("stores the first findings per code and counts the rest", () => {
    const c = new FindingCollector(2);
    for (let i = 1; i <= 5; i++) c.add(i, "x", "error", `e${i}`);
    c.add(null, "y", "warning", "w");
    c.addUncounted("y", "warning", 3);
    expect(c.listFindings().map((f) => f.line)).toEqual([null, 1, 2]);
    expect(c.listCounts()).toEqual([
      { code: "x", severity: "error", count: 5, stored: 2 },
      { code: "y", severity: "warning", count: 4, stored: 1 },
    ]);
    expect([c.errorCount, c.warningCount]).toEqual([5, 4]);
  });
});

describe("values", () => {
  it("describes values in the words of prompts/issue-collector (the same messages)", async () => {
    const shared = await import("../prompts/issue-collector.ts");
    const { describeValue, isRecord } = await import("./values.ts");
    for (const value of [null, undefined, [], {}, "x".repeat(50), "short", 3, true, 1.5]) {
      expect(describeValue(value)).toBe(shared.describeValue(value));
      expect(isRecord(value)).toBe(shared.isRecord(value));
    }
  });
});

describe("InputIndex", () => {
  /** The duplicate checks' two tables as they were (one by exact input, one by loose input), for comparison. */
  function referenceIndex(maxInputs: number) {
    const exact = new HashSlotTable(2, maxInputs);
    const loose = new HashSlotTable(2, maxInputs);
    return {
      check(exactKey: number, looseKey: number, line: number, answer: number): [number, number, number] {
        const seen = exact.find(exactKey);
        if (seen !== -1) return [INPUT_SEEN, exact.get(seen, 0), exact.get(seen, 1)];
        let result: [number, number, number] = [INPUT_NEW, 0, 0];
        const similar = loose.find(looseKey);
        if (similar !== -1) result = [INPUT_SIMILAR, loose.get(similar, 0), loose.get(similar, 1)];
        else {
          const slot = loose.insert(looseKey);
          if (slot !== -1) {
            loose.set(slot, 0, line);
            loose.set(slot, 1, answer);
          }
        }
        const slot = exact.insert(exactKey);
        if (slot !== -1) {
          exact.set(slot, 0, line);
          exact.set(slot, 1, answer);
        }
        return result;
      },
      get saturated() {
        return exact.saturated || loose.saturated;
      },
    };
  }

  it.each([3, 20, 150, 100_000])(
    "answers as two tables by exact and loose input would (%i inputs at most)",
    (max) => {
      let state = max;
      const random = () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 4294967296;
      };
      const index = new InputIndex(max);
      const reference = referenceIndex(max);
      // 400 exact inputs over 60 loose ones (an exact input always has the same loose one), 3 answers.
      for (let line = 1; line <= 5000; line++) {
        const input = Math.floor(random() * random() * 400);
        const exactKey = computeStringHash(`exact ${input}`);
        const looseKey = computeStringHash(`loose ${input % 60}`);
        const answer = computeStringHash(`answer ${Math.floor(random() * 3)}`) >>> 0;
        const want = reference.check(exactKey, looseKey, line, answer);
        const kind = index.check(exactKey, looseKey, line, answer);
        const got = kind === INPUT_NEW ? [kind, 0, 0] : [kind, index.firstLine, index.firstAnswer];
        expect(got, `line ${line}`).toEqual(want);
        expect(index.saturated, `line ${line}`).toBe(reference.saturated);
      }
    },
  );
});

describe("HashSlotTable splits", () => {
  it("keeps every entry through many page splits", () => {
    const table = new HashSlotTable(1, 10_000_000);
    const n = 300_000;
    for (let i = 0; i < n; i++) table.set(table.insert(computeStringHash(`k${i}`)), 0, i);
    for (let i = 0; i < n; i += 7) expect(table.get(table.find(computeStringHash(`k${i}`)), 0)).toBe(i);
    expect(table.find(computeStringHash("absent"))).toBe(-1);
  });

  it("splits unevenly when many keys share their high bits", () => {
    const table = new HashSlotTable(1, 100_000);
    // High bits that share their first 15 of 21: every split down to that depth moves all or nothing.
    const key = (i: number) =>
      4294967296 * (1000 * 64 + (i % 64)) + (computeStringHash(`k${i}`) % 4294967296);
    for (let i = 0; i < 20_000; i++) table.set(table.insert(key(i)), 0, i);
    for (let i = 0; i < 20_000; i++) expect(table.get(table.find(key(i)), 0)).toBe(i);
    expect(table.size).toBe(20_000);
    expect(table.saturated).toBe(false);
  });
});

describe("formatInt", () => {
  it("writes whole numbers as toLocaleString('en-US') does", async () => {
    const { formatInt } = await import("./format.ts");
    for (const n of [
      0,
      7,
      999,
      1000,
      12_345,
      999_999,
      1_000_000,
      123_456_789,
      -1234,
      2 ** 53 - 1,
      1.5,
      1e21,
    ]) {
      expect(formatInt(n)).toBe(n.toLocaleString("en-US"));
    }
  });
});

describe("hashNormalizedText", () => {
  /** A small deterministic PRNG. */
  function createRandom(seed: number): () => number {
    let state = seed;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
  }
  const PARTS = [
    ..."aZ09 \t\n\r\v\f.,;'-\u0001\u0002",
    "word",
    "Word",
    "  ",
    "12",
    "3.5",
    "é",
    "İ",
    "K",
    "\u00a0",
    "Σ",
    "abcdefghi",
  ];
  function randomTexts(seed: number, count: number, asciiOnly: boolean): string[] {
    const random = createRandom(seed);
    const parts = asciiOnly ? PARTS.filter((p) => [...p].every((c) => c.charCodeAt(0) < 128)) : PARTS;
    const texts: string[] = [];
    for (let i = 0; i < count; i++) {
      let text = "";
      for (let j = Math.floor(random() * 30); j > 0; j--) text += parts[Math.floor(random() * parts.length)];
      texts.push(text);
    }
    return texts;
  }

  it("gives computeStringHash of the normalised strings, on ASCII and other text", async () => {
    const { hashNormalizedText, normalizedHashes } = await import("./normalize.ts");
    for (const text of [...randomTexts(5, 3000, false), ...randomTexts(6, 1000, true)]) {
      hashNormalizedText(text, true);
      expect(normalizedHashes.exact, JSON.stringify(text)).toBe(
        computeStringHash(normalizeExampleText(text)),
      );
      expect(normalizedHashes.loose, JSON.stringify(text)).toBe(
        computeStringHash(normalizeExampleLoosely(text)),
      );
    }
  });

  it("gives the same hashes for a text in parts, cut anywhere, and after a repeated prefix", async () => {
    const { hashNormalizedText, normalizedHashes, NormalizedTextHasher } = await import("./normalize.ts");
    const random = createRandom(9);
    const hasher = new NormalizedTextHasher();
    const prefixes = ["System: be brief.", "System: be brief!", "é prefix"];
    for (const text of [...randomTexts(7, 1500, true), ...randomTexts(8, 500, false)]) {
      const full = `${prefixes[Math.floor(random() * prefixes.length)]}${text}`;
      hashNormalizedText(full, true);
      const expected = { ...normalizedHashes };
      // Nine parts or more (the first eight a repeated prefix, often): cut at random places, some empty.
      const cuts = Array.from({ length: 10 }, () => Math.floor(random() * (full.length + 1))).sort(
        (a, b) => a - b,
      );
      const parts: string[] = [];
      let from = 0;
      for (const cut of [...cuts, full.length]) {
        parts.push(full.slice(from, cut));
        from = cut;
      }
      hasher.hashParts(parts, true);
      expect({ ...normalizedHashes }, JSON.stringify(parts)).toEqual(expected);
      hasher.hashParts(parts, true);
      expect({ ...normalizedHashes }, JSON.stringify(parts)).toEqual(expected);
    }
  });
});
