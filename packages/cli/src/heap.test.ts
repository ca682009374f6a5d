import { describe, expect, it } from "vitest";
import { limitHeapGrowth } from "./heap.ts";

describe("limitHeapGrowth", () => {
  it("leaves a growth the user gave Node alone", () => {
    expect(limitHeapGrowth(["--heap-growing-percent=20"])).toBe(false);
    expect(limitHeapGrowth(["--inspect", "--heap_growing_percent", "30"])).toBe(false);
  });

  it("bounds it otherwise", () => {
    expect(limitHeapGrowth(["--enable-source-maps"])).toBe(true);
  });
});
