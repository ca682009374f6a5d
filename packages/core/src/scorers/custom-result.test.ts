import { describe, expect, it } from "vitest";
import { normalizeCustomScore } from "./custom-result.ts";

describe("normalizeCustomScore", () => {
  it.each<[string, unknown, ReturnType<typeof normalizeCustomScore>]>([
    ["a score", 0.7, { ok: true, score: 0.7, reason: "custom scorer returned 0.7" }],
    ["zero", 0, { ok: true, score: 0, reason: "custom scorer returned 0" }],
    ["true", true, { ok: true, score: 1, pass: true, reason: "custom scorer returned true" }],
    ["false", false, { ok: true, score: 0, pass: false, reason: "custom scorer returned false" }],
    [
      "an object",
      { score: 0.4, pass: true, reason: "tone is fine", metadata: { words: 12 } },
      { ok: true, score: 0.4, pass: true, reason: "tone is fine", metadata: { words: 12 } },
    ],
    [
      "a null score",
      { score: null },
      { ok: true, score: null, reason: "does not apply (the custom scorer returned a null score)" },
    ],
    [
      "a score above 1",
      1.5,
      {
        ok: false,
        problem:
          "returned 1.5, which is not a score in [0, 1]; return a number in [0, 1], true/false, or { score, pass?, reason?, metadata? }",
      },
    ],
    ["NaN", Number.NaN, { ok: false, problem: expect.stringMatching(/^returned NaN, which is not a score/) }],
    [
      "an object score as a string",
      { score: "0.5" },
      {
        ok: false,
        problem: expect.stringMatching(/^returned score "0.5", which is not a number in \[0, 1\] or null/),
      },
    ],
    [
      "a bad pass",
      { score: 1, pass: "yes" },
      { ok: false, problem: 'returned pass "yes", which is not true or false' },
    ],
    [
      "a bad reason",
      { score: 1, reason: 5 },
      { ok: false, problem: "returned a reason that is not a string" },
    ],
    [
      "bad metadata",
      { score: 1, metadata: [1] },
      { ok: false, problem: "returned metadata that is not an object" },
    ],
    ["undefined", undefined, { ok: false, problem: expect.stringMatching(/^returned nothing; /) }],
    ["a string", "good", { ok: false, problem: expect.stringMatching(/^returned the string "good"; /) }],
    [
      "an object without score",
      { pass: true },
      { ok: false, problem: expect.stringMatching(/^returned an object without a score; /) },
    ],
  ])("%s", (_label, value, expected) => {
    expect(normalizeCustomScore(value)).toEqual(expected);
  });
});
