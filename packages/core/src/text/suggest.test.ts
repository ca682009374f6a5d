import { describe, expect, it } from "vitest";
import { SCORER_KINDS } from "../scorers/schema.ts";
import { computeLevenshteinDistance, formatDidYouMean, suggestClosest } from "./suggest.ts";

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

describe("suggestClosest without prefix matching", () => {
  it.each<[string, readonly string[], string | undefined]>([
    ["similar", SCORER_KINDS, undefined],
    ["expectedAnswer", ["expected", "cluster"], undefined],
    ["clusterName", ["expected", "cluster"], undefined],
    ["expcted", ["expected", "cluster"], "expected"],
    ["Cluster", ["expected", "cluster"], "cluster"],
  ])("%s → %s", (word, candidates, expected) => {
    expect(suggestClosest(word, candidates, { matchPrefix: false })).toBe(expected);
  });
});

describe("formatDidYouMean", () => {
  it("names the closest candidate", () => {
    expect(formatDidYouMean("usr", ["system", "user", "assistant"])).toBe(' (did you mean "user"?)');
    expect(formatDidYouMean("topP", ["temperature", "top_p"])).toBe(' (did you mean "top_p"?)');
  });

  it("is empty when nothing is close", () => {
    expect(formatDidYouMean("zzz", ["system", "user"])).toBe("");
  });
});
