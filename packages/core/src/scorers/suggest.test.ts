import { describe, expect, it } from "vitest";
import { SCORER_KINDS } from "./schema.ts";
import { computeLevenshteinDistance, suggestClosest } from "./suggest.ts";

describe("computeLevenshteinDistance", () => {
  it.each<[string, string, number]>([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
    ["flaw", "lawn", 2],
    ["contains", "containz", 1],
    ["same", "same", 0],
    ["😀", "😃", 1],
    ["naïve", "naive", 1],
    ["short", "a much longer text", 14],
  ])("%s → %s = %i", (a, b, distance) => {
    expect(computeLevenshteinDistance(a, b)).toBe(distance);
    expect(computeLevenshteinDistance(b, a)).toBe(distance);
  });
});

describe("suggestClosest", () => {
  it.each<[string, readonly string[], string | undefined]>([
    ["containz", SCORER_KINDS, "contains"],
    ["contain", SCORER_KINDS, "contains"],
    ["Contains", SCORER_KINDS, "contains"],
    ["starts_with", SCORER_KINDS, "startsWith"],
    ["ends-with", SCORER_KINDS, "endsWith"],
    ["not_contains", SCORER_KINDS, "notContains"],
    ["regexp", SCORER_KINDS, "regex"],
    ["similar", SCORER_KINDS, "similarity"],
    ["jsn", SCORER_KINDS, "json"],
    ["exactly", SCORER_KINDS, "exact"],
    ["treshold", ["name", "threshold"], "threshold"],
    ["bleu", SCORER_KINDS, undefined],
    ["rouge", SCORER_KINDS, undefined],
    ["", SCORER_KINDS, undefined],
    ["anything", [], undefined],
  ])("%s → %s", (word, candidates, expected) => {
    expect(suggestClosest(word, candidates)).toBe(expected);
  });

  it("prefers the closest candidate, then the earlier one", () => {
    expect(suggestClosest("cat", ["cut", "cast", "cat"])).toBe("cat");
    expect(suggestClosest("bat", ["cat", "hat"])).toBe("cat");
  });
});
