import { describe, expect, it } from "vitest";
import { combineSeeds, createRng, hashString } from "./rng.ts";

describe("createRng", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c())).not.toEqual(seqA);
  });

  it("is uniform on [0, 1)", () => {
    const rng = createRng(1);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = rng();
      if (!(x >= 0 && x < 1)) throw new Error(`out of range: ${x}`);
      sum += x;
      const bucket = Math.floor(x * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(n / 100);
  });

  it("accepts fractional and negative seeds deterministically", () => {
    expect(createRng(0.5)()).toBe(createRng(0.5)());
    expect(createRng(0.5)()).not.toBe(createRng(0.25)());
    expect(createRng(-1)()).toBe(createRng(-1)());
  });
});

describe("hashString", () => {
  it("is a stable unsigned 32-bit hash", () => {
    const h = hashString("hello");
    expect(h).toBe(hashString("hello"));
    expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    expect(hashString("hello")).not.toBe(hashString("hellp"));
    expect(hashString("")).toBe(hashString(""));
  });

  it("does not change between releases (recorded fixtures depend on it)", () => {
    expect([hashString(""), hashString("a"), hashString("promptfirst")]).toMatchInlineSnapshot(`
      [
        2872998923,
        444641715,
        2604171844,
      ]
    `);
  });
});

describe("combineSeeds", () => {
  it("depends on every part and on their order", () => {
    expect(combineSeeds(1, 2)).toBe(combineSeeds(1, 2));
    expect(combineSeeds(1, 2)).not.toBe(combineSeeds(2, 1));
    expect(combineSeeds(1, 2)).not.toBe(combineSeeds(1, 3));
    expect(combineSeeds(1)).not.toBe(combineSeeds(1, 0));
  });
});
