import { describe, expect, it } from "vitest";
import { FindingCollector } from "./findings.ts";
import { computeStringHash } from "./hash.ts";
import { HashSlotTable } from "./hash-table.ts";
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
