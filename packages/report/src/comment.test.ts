import { comparisonSchema } from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import {
  renderComment,
  renderEvaluatingComment,
  renderJobSummary,
  renderNothingTouchedComment,
  renderStoppedComment,
} from "./comment.ts";
import { renderMarkdownParts } from "./markdown/document.ts";
import { escapeMarkdown } from "./markdown/escape.ts";
import { hasCommentMarker, renderCommentMarker } from "./markdown/footer.ts";
import { renderVerdictLine } from "./markdown/headline.ts";
import {
  makeCostFailScenario,
  makeFineTuneJustifiedScenario,
  makeModelShutdownScenario,
  makeNotEvaluatedScenario,
  makePassScenario,
  makePromptFirstViolationScenario,
  makeRegressionScenario,
} from "./test-fixtures.ts";

const OPTIONS = {
  key: "pr-check/evaluate/promptfirst.yaml",
  reportUrl: "https://github.com/acme/support-bot/actions/runs/123/artifacts/456",
  runUrl: "https://github.com/acme/support-bot/actions/runs/123",
};

/** The comparisons rendered as golden comments. */
const GOLDEN_SCENARIOS = {
  pass: makePassScenario,
  regression: makeRegressionScenario,
  "cost-fail": makeCostFailScenario,
  "prompt-first-violation": makePromptFirstViolationScenario,
  "fine-tune-justified": makeFineTuneJustifiedScenario,
  "model-shutdown": makeModelShutdownScenario,
  "not-evaluated": makeNotEvaluatedScenario,
} as const;

describe("renderComment golden files", () => {
  it.each(Object.entries(GOLDEN_SCENARIOS))("%s", async (name, make) => {
    const { comparison } = make();
    expect(comparisonSchema.safeParse(comparison).success).toBe(true);
    await expect(renderComment(comparison, OPTIONS)).toMatchFileSnapshot(`__golden__/${name}.md`);
  });

  it("nothing touched", async () => {
    await expect(
      renderNothingTouchedComment({
        key: OPTIONS.key,
        sha: "5d6e7f8a9b0c",
        base: "main",
        runUrl: OPTIONS.runUrl,
      }),
    ).toMatchFileSnapshot("__golden__/nothing-touched.md");
  });

  it("evaluating", async () => {
    await expect(
      renderEvaluatingComment({
        key: OPTIONS.key,
        sha: "5d6e7f8a9b0c",
        suites: ["support", "icd10"],
        runUrl: OPTIONS.runUrl,
      }),
    ).toMatchFileSnapshot("__golden__/evaluating.md");
  });
});

describe("the top of the comment", () => {
  it.each([
    ["cost-fail", makeCostFailScenario, "1 model changed", "`prompt-v3`: gpt-5.4-mini → gpt-5.4"],
    [
      "model-shutdown",
      makeModelShutdownScenario,
      "1 candidate added",
      "new candidate `prompt-v4` on gpt-6-luna",
    ],
    [
      "prompt-first-violation",
      makePromptFirstViolationScenario,
      "training data changed",
      "`training/coding.jsonl`: +49 −4 \\~0 examples",
    ],
    ["not-evaluated", makeNotEvaluatedScenario, "1 suite added", "new suite `summaries`"],
    ["pass", makePassScenario, "1 prompt edited", "`prompt-v3`: prompt `prompts/prompt-v3.md` edited"],
  ] as const)(
    "%s: the first line has the verdicts and what changed (%s), detailed below",
    (_, make, brief, detail) => {
      const { comparison } = make();
      const lines = renderComment(comparison, OPTIONS).split("\n");
      expect(lines[0]).toMatch(/^## \S+ promptfirst: /);
      expect(lines[0]!.endsWith(`: ${renderVerdictLine(comparison)} — ${brief}`)).toBe(true);
      expect(lines[0]!.length).toBeLessThanOrEqual(120);
      const changed = lines.find((line) => line.startsWith("**What changed:** "));
      expect(changed).toContain(detail);
      expect(lines.indexOf(changed!)).toBeLessThan(lines.findIndex((line) => line.startsWith("### ")));
    },
  );

  it.each(Object.entries(GOLDEN_SCENARIOS))("%s: each finding is shown once", (_, make) => {
    const { comparison } = make();
    const markdown = renderComment(comparison, OPTIONS);
    const gates = [
      comparison.verdict.gates.quality,
      comparison.verdict.gates.cost,
      comparison.verdict.gates.errors,
    ];
    const messages = [
      ...gates.flatMap((gate) => gate.findings.map((f) => f.message)),
      ...(comparison.promptFirst?.suites ?? []).flatMap((s) => s.findings.map((f) => f.message)),
    ];
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      if (messages.filter((m) => m === message).length > 1) continue;
      expect(markdown.split(escapeMarkdown(message)).length - 1, message).toBe(1);
    }
    // Shutdowns are stated once, as the rule's findings (every warning has one).
    for (const suite of comparison.promptFirst?.suites ?? []) {
      for (const warning of suite.lifecycle) {
        expect(markdown.split(escapeMarkdown(warning.message)).length - 1).toBe(1);
      }
    }
  });

  it("a prompt-first suite that is not holding is summed up in the headline, days left included", () => {
    const { comparison } = makeModelShutdownScenario();
    const markdown = renderComment(comparison, OPTIONS);
    const headline = markdown.slice(0, markdown.indexOf("### "));
    expect(headline).toContain(
      "- ⚠️ prompt first · `support`: warning (1 warning) · model shutdown: `support-ft` (**50 days left**) · recommendation: keep the prompt",
    );
    expect(headline).not.toContain("OpenAI accepts no new fine-tuning jobs");
  });
});

describe("the verdict line", () => {
  const gate = (status: string) => ({ status, reasons: [], findings: [] }) as never;
  const verdict = (quality: string, cost: string, promptFirst?: string, errors = "pass") => ({
    thresholds: {} as never,
    verdict: {
      status: "pass",
      failed: false,
      failOn: "any",
      gates: {
        quality: gate(quality),
        cost: gate(cost),
        errors: gate(errors),
        ...(promptFirst ? { promptFirst: gate(promptFirst) } : {}),
      },
    } as never,
  });

  it.each([
    ["pass", "✅ quality"],
    ["fail", "❌ quality failed"],
    ["inconclusive", "🟡 quality inconclusive"],
    ["not evaluated", "⚪ quality not evaluated"],
    ["unknown", "❔ quality unknown"],
    ["warn", "⚠️ quality warning"],
  ])("%s reads %j, and only a pass is green", (status, word) => {
    const line = renderVerdictLine(verdict(status, "pass", "pass"));
    expect(line.startsWith(word)).toBe(true);
    expect(line.split("✅").length - 1).toBe(status === "pass" ? 3 : 2);
  });

  it("a missing prompt-first gate is not evaluated, never a pass; the errors gate shows when it did not pass", () => {
    expect(renderVerdictLine(verdict("pass", "pass"))).toBe(
      "✅ quality · ✅ cost · ⚪ prompt first not evaluated",
    );
    expect(renderVerdictLine(verdict("pass", "pass", "not applicable", "fail"))).toBe(
      "✅ quality · ✅ cost · ➖ prompt first not applicable · ❌ errors failed",
    );
  });
});

describe("renderComment budget", () => {
  it("drops detail in stages and says so", () => {
    const { comparison } = makeRegressionScenario();
    const full = renderComment(comparison, OPTIONS);
    expect(full).toContain("improvement in support / prompt-v3");
    expect(full).not.toContain("[!NOTE]");

    const regressionsOnly = renderComment(comparison, { ...OPTIONS, maxChars: full.length - 1 });
    expect(regressionsOnly.length).toBeLessThan(full.length);
    expect(regressionsOnly).toContain(
      "Shortened to fit the 17,000-character limit of a GitHub comment: the improved cases' details (their ids are listed) were left out.".replace(
        "17,000",
        (full.length - 1).toLocaleString("en-US"),
      ),
    );
    expect(regressionsOnly).toContain("<summary>❌ 9 regressions");
    expect(regressionsOnly).toContain(
      "The [full report](https://github.com/acme/support-bot/actions/runs/123/artifacts/456) has every case",
    );

    const summary = renderComment(comparison, { ...OPTIONS, maxChars: 6_000 });
    expect(summary.length).toBeLessThanOrEqual(6_000);
    expect(summary).not.toContain("**Head output**");
    expect(summary).toContain("9 regressions (passed on base, fail on head): case-002");
    expect(summary).toContain(
      "the regressed and improved cases' details (their ids are listed) were left out.",
    );

    const cut = renderComment(comparison, { ...OPTIONS, maxChars: 2_000 });
    expect(cut.length).toBeLessThanOrEqual(2_000);
    expect(cut).toMatch(
      /the Suite `support` section was cut short; the Prompt first and Scores chart sections were left out\./,
    );
    expect(cut.endsWith(`${renderCommentMarker(OPTIONS.key)}\n`)).toBe(true);
  });

  /** The note of a shortened comment. */
  function readNote(markdown: string): string {
    return /^> Shortened to fit (.*)$/m.exec(markdown)?.[1] ?? "";
  }

  /** The sections a note says were cut short and left out. */
  function parseNote(note: string): { shortened?: string; dropped: string[] } {
    const shortened = /(?:: |; )the ([^;:]+?) section was cut short/.exec(note)?.[1];
    const dropped = /(?:: |; )the ([^;:]+?) sections? (?:were|was) left out/.exec(note)?.[1];
    return {
      ...(shortened === undefined ? {} : { shortened }),
      dropped: dropped === undefined ? [] : dropped.split(/, | and /),
    };
  }

  it("names the Training data section when a cut drops it (prompt-first violation at 3,000 characters)", () => {
    const { comparison } = makePromptFirstViolationScenario();
    const full = renderComment(comparison, OPTIONS);
    expect(full).toContain("### ❌ Training data");
    const cut = renderComment(comparison, { ...OPTIONS, maxChars: 3_000 });
    expect(cut.length).toBeLessThanOrEqual(3_000);
    expect(cut).not.toContain("### ❌ Training data");
    expect(readNote(cut)).toMatch(/the Training data and Scores chart sections were left out/);
    // The training-data findings are not said to be "listed": their section is gone.
    expect(readNote(cut)).not.toContain("training-data findings");
  });

  it.each(Object.entries(GOLDEN_SCENARIOS))(
    "%s: at every budget the note names each section the comment lost, and nothing else",
    (_, make) => {
      const { comparison } = make();
      const sections = renderMarkdownParts(comparison, "summary", {
        maxOutputChars: 1_500,
        maxOutputLines: 40,
        maxCasesPerList: 10,
      }).sections;
      for (const maxChars of [2_000, 2_500, 3_000, 4_000, 6_000]) {
        const markdown = renderComment(comparison, { ...OPTIONS, maxChars });
        expect(markdown.length).toBeLessThanOrEqual(maxChars);
        const text = readNote(markdown);
        const note = parseNote(text);
        const present = sections.filter((section) => markdown.includes(`${section.lines[0]!}\n`));
        const absent = sections.filter((section) => !present.includes(section));
        expect(note.dropped, `${maxChars}`).toEqual(absent.map((section) => section.title));
        // A section cut short is the last one still there.
        if (note.shortened !== undefined) expect(note.shortened).toBe(present[present.length - 1]!.title);
        if (text !== "") expect(text).toContain("[full report](");
        // Only what was there to drop: no cases' details for a comparison without flipped cases.
        const flipped = comparison.suites.some((s) =>
          s.candidates.some((c) => c.flips.regressions.length + c.flips.improvements.length > 0),
        );
        if (!flipped) expect(text).not.toContain("cases' details");
      }
    },
  );

  it("without links, the note names the command that lists every case, with both runs", () => {
    const { comparison } = makeRegressionScenario();
    const markdown = renderComment(comparison, { key: OPTIONS.key, maxChars: 6_000 });
    expect(readNote(markdown)).toContain(
      "`promptfirst report --format html --comparison FILE --head .promptfirst/head.json --base .promptfirst/base.json` shows every case.",
    );
    const spaced = {
      ...comparison,
      head: { ...comparison.head, file: "runs/my head.json" },
      base: { ...comparison.base, file: undefined },
    };
    expect(readNote(renderComment(spaced, { key: OPTIONS.key, maxChars: 6_000 }))).toContain(
      "--head 'runs/my head.json' --base BASE.json`",
    );
  });

  it("a note that only details were dropped never says a section was cut", () => {
    const { comparison } = makeFineTuneJustifiedScenario();
    const full = renderComment(comparison, OPTIONS);
    const note = readNote(renderComment(comparison, { ...OPTIONS, maxChars: full.length - 1 }));
    expect(note).toContain("the prompt-first rule's notes");
    expect(note).not.toMatch(/section|cases' details/);
  });

  it("refuses a budget too small for the verdict and the marker", () => {
    expect(() => renderComment(makePassScenario().comparison, { ...OPTIONS, maxChars: 100 })).toThrow(
      RangeError,
    );
  });

  it("the job summary has more room and no marker", () => {
    const { comparison } = makeFineTuneJustifiedScenario();
    const summary = renderJobSummary(comparison);
    expect(summary).not.toContain("promptfirst:comment");
    expect(summary).toContain("Per cluster: where prompting falls short");
  });
});

describe("the marker", () => {
  it("is found again by its key, and a key cannot end the comment early", () => {
    const body = renderEvaluatingComment({ key: "ci.yml/eval/promptfirst.yaml", sha: "abc1234", suites: [] });
    expect(hasCommentMarker(body, "ci.yml/eval/promptfirst.yaml")).toBe(true);
    expect(hasCommentMarker(body, "ci.yml/other/promptfirst.yaml")).toBe(false);
    expect(renderCommentMarker("a --> <b> c")).toBe("<!-- promptfirst:comment key=a_-___b__c -->");
    expect(renderCommentMarker("")).toBe("<!-- promptfirst:comment key=default -->");
  });
});

describe("the stopped comment", () => {
  it("says the check stopped with its error, carries the marker, and has no verdict", () => {
    const body = renderStoppedComment({
      key: "ci.yml/eval/promptfirst.yaml",
      sha: "abc1234def",
      message: "commit 0123 is not in the checkout and could not be fetched from origin",
      runUrl: "https://github.com/o/r/actions/runs/1",
    });
    expect(body).toContain("stopped before a verdict");
    expect(body).toContain("could not be fetched from origin");
    expect(body).toContain("`abc1234`");
    expect(hasCommentMarker(body, "ci.yml/eval/promptfirst.yaml")).toBe(true);
    expect(body).not.toMatch(/✅|❌/);
  });
});
