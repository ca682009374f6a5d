import {
  applyPromptFirst,
  type Comparison,
  comparisonSchema,
  evaluatePromptFirst,
  formatScorePercent,
} from "@promptfirst/core";
import { beforeEach, describe, expect, it } from "vitest";
import { renderComment } from "./comment.ts";
import {
  FIXTURE_NOW,
  makeFineTuneJustifiedScenario,
  makeModelShutdownScenario,
  makePromptFirstViolationScenario,
  type Scenario,
} from "./test-fixtures.ts";
import {
  CMARK,
  CMARK_MISSING,
  checkMarkdownTables,
  checkRenderedHtml,
  renderGfm,
  skipWithoutTool,
} from "./test-tools.ts";

const SCENARIOS = [
  ["prompt-first violation", makePromptFirstViolationScenario],
  ["fine-tune justified", makeFineTuneJustifiedScenario],
  ["model shutdown", makeModelShutdownScenario],
] as const;

/** Core's rule run again on a scenario's runs and data reports, in `mode`. */
function rerunRule({ base, head, comparison }: Scenario, mode: "enforce" | "warn"): Comparison {
  const dataReports = comparison.dataReports ?? [];
  const changed = (comparison.promptFirst?.suites ?? []).flatMap((s) =>
    s.data.filter((d) => d.changed).map((d) => d.file),
  );
  const report = evaluatePromptFirst({
    head,
    base,
    comparison,
    dataReports,
    changedTrainingFiles: changed,
    mode,
    minFineTuneGain: 0.05,
    maxScoreDrop: comparison.thresholds.maxScoreDrop,
    confidence: comparison.thresholds.confidence,
    today: FIXTURE_NOW,
  });
  return applyPromptFirst(comparison, report, dataReports, mode, "any");
}

/** The cells of a markdown table row (split on unescaped pipes), trimmed. */
function splitRow(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/**
 * Every score a comment prints for a candidate outside its cluster rows: its head score in the candidates'
 * table, its score in the fine-tune table, and the best-prompt line.
 */
function collectPrintedScores(markdown: string): Map<string, string[]> {
  const scores = new Map<string, string[]>();
  const add = (name: string, score: string): void => {
    scores.set(name, [...(scores.get(name) ?? []), score]);
  };
  let table = "";
  for (const line of markdown.split("\n")) {
    if (line.startsWith("| candidate |")) table = "candidates";
    else if (line.startsWith("| fine-tune |")) table = "fine-tunes";
    else if (!line.startsWith("|")) table = "";
    const name = /^\| `([^`]+)`/.exec(line)?.[1];
    if (name && table === "candidates") {
      const head = /(?:→ )?([\d.]+%)(?: 🎯)?$/.exec(splitRow(line)[2] ?? "")?.[1];
      if (head) add(name, head);
    }
    if (name && table === "fine-tunes") add(name, splitRow(line)[2]!);
    const best = /^Best prompt: `([^`]+)` \([^)]*\) at ([\d.]+%)/.exec(line);
    if (best) add(best[1]!, best[2]!);
  }
  return scores;
}

describe("the prompt-first fixtures: core's rule, every figure agreeing", () => {
  it.each(SCENARIOS)("%s: the report is what core's rule computes from the runs", (_, make) => {
    const scenario = make();
    expect(comparisonSchema.safeParse(scenario.comparison).success).toBe(true);
    expect(rerunRule(scenario, "enforce")).toEqual(scenario.comparison);
  });

  it.each(SCENARIOS)("%s: a candidate's score reads the same wherever the comment prints it", (_, make) => {
    const { comparison } = make();
    const markdown = renderComment(comparison, { key: "k" });
    const printed = collectPrintedScores(markdown);
    const report = comparison.promptFirst!;
    // The fine-tune table and the best-prompt line were found, so the comparison below is not vacuous.
    const expectedRows =
      report.suites.reduce((n, s) => n + s.fineTunes.length + (s.bestPrompt ? 1 : 0), 0) +
      comparison.suites.reduce((n, s) => n + s.candidates.length, 0);
    expect([...printed.values()].flat()).toHaveLength(expectedRows);
    for (const suite of comparison.suites) {
      for (const c of suite.candidates) {
        const everywhere = printed.get(c.name) ?? [];
        expect(everywhere.length, c.name).toBeGreaterThan(0);
        expect(new Set(everywhere), c.name).toEqual(new Set([formatScorePercent(c.head?.mean)]));
      }
    }
  });
});

describe("the comment with core's rule under warn", () => {
  beforeEach((context) => skipWithoutTool(context, CMARK, CMARK_MISSING));

  it("violations become warnings, leakage stays a violation, and GitHub's renderer shows it safely", () => {
    const comparison = rerunRule(makePromptFirstViolationScenario(), "warn");
    expect(comparisonSchema.safeParse(comparison).success).toBe(true);
    const markdown = renderComment(comparison, { key: "k" });
    expect(markdown).toContain("Prompt first (warn)");
    expect(markdown).toContain("❌ training/coding.jsonl leaks 1 eval case(s)");
    expect(markdown).toContain("⚠️ coding-ft gains only -15.0 points");
    expect(checkMarkdownTables(markdown).problems).toEqual([]);
    expect(checkRenderedHtml(renderGfm(markdown))).toEqual([]);
  });
});
