import { type Comparison, formatDollars, formatPoints, formatScorePercent } from "@promptfirst/core";
import { markdownTable } from "markdown-table";
import { formatConfidence, formatInt, STATUS_MARK } from "../wording.ts";
import { escapeCell, escapeMarkdown, inlineCode } from "./escape.ts";

/** The prompt-first report of a comparison. */
export type PromptFirstReportView = NonNullable<Comparison["promptFirst"]>;
/** The rule applied to one suite. */
export type SuitePromptFirstView = PromptFirstReportView["suites"][number];

/** Most cluster rows shown per suite. */
const MAX_CLUSTER_ROWS = 15;

/** The mark of a suite's status under the rule; only `holds` is green. */
export const PROMPT_FIRST_MARK: Readonly<Record<string, string>> = {
  holds: STATUS_MARK.pass,
  violated: STATUS_MARK.fail,
  warning: STATUS_MARK.warn,
  "not applicable": STATUS_MARK["not applicable"],
};

const SEVERITY_MARK: Readonly<Record<string, string>> = {
  violation: STATUS_MARK.fail,
  warning: STATUS_MARK.warn,
  info: STATUS_MARK.info,
};

const RECOMMENDATION_LABEL: Readonly<Record<string, string>> = {
  prompt: "keep the prompt",
  "fine-tune": "fine-tune",
  improve: "improve the prompt or the data",
  "measure-first": "measure a prompt first",
  none: "nothing to recommend",
};

/** A recommendation's kind in words: `keep the prompt`, `fine-tune`, `improve the prompt or the data`. */
export function describeRecommendation(kind: string): string {
  return RECOMMENDATION_LABEL[kind] ?? kind;
}

/** `49 days left`, `1 day left`, `shuts down today`, `shut down 3 days ago`. */
export function formatDaysLeft(days: number): string {
  if (days > 1) return `${formatInt(days)} days left`;
  if (days === 1) return "1 day left";
  if (days === 0) return "shuts down today";
  return `shut down ${formatInt(-days)} day${days === -1 ? "" : "s"} ago`;
}

function formatInterval(low: number | null, high: number | null): string {
  return low === null || high === null ? "" : ` (${formatPoints(low)} to ${formatPoints(high)})`;
}

function formatMonths(months: number | null): string {
  if (months === null) return "—";
  if (months < 1) return "< 1 month";
  return `${months.toFixed(1)} months`;
}

/** `$335 / pt`, or `saves $119 / pt` when the fine-tune saves money for each point it gains; `—` unknown. */
function formatCostPerPoint(usd: number | null): string {
  if (usd === null) return "—";
  return usd < 0 ? `saves ${formatDollars(-usd)} / pt` : `${formatDollars(usd)} / pt`;
}

/** The fine-tunes of a suite against its best prompt, one row each. */
function renderFineTuneTable(suite: SuitePromptFirstView, confidence: number): string[] {
  if (suite.fineTunes.length === 0) return [];
  const rows: string[][] = [
    [
      "fine-tune",
      "model",
      "score",
      `gain over best prompt (${formatConfidence(confidence)} CI)`,
      "must reach",
      "training",
      "monthly (prompt)",
      "payback",
      "cost per point",
    ],
  ];
  for (const f of suite.fineTunes) {
    const gain = f.gain
      ? `${formatPoints(f.gain.meanDiff)} pts${formatInterval(f.gain.ciLow, f.gain.ciHigh)}${f.beatsPrompt === true ? " ✅" : f.beatsPrompt === false ? " ❌" : ""}`
      : f.trained
        ? "—"
        : "not trained yet";
    const training =
      f.costs.trainingUsd !== null
        ? formatDollars(f.costs.trainingUsd)
        : `unknown${f.costs.trainingReason ? `: ${escapeCell(f.costs.trainingReason)}` : ""}`;
    const monthly =
      f.costs.monthlyInferenceUsd === null
        ? "unknown"
        : `${formatDollars(f.costs.monthlyInferenceUsd)} (${formatDollars(f.costs.promptMonthlyUsd)})`;
    rows.push([
      `${inlineCode(f.candidate, true)}${f.dataChanged ? " · data changed" : ""}`,
      escapeCell(f.model ?? `${f.baseModel} (untrained)`),
      formatScorePercent(f.score),
      gain,
      formatScorePercent(f.requiredScore),
      training,
      monthly,
      formatMonths(f.costs.paybackMonths),
      formatCostPerPoint(f.costs.costPerPointUsd),
    ]);
  }
  return [markdownTable(rows, { alignDelimiters: false }), ""];
}

/** Where prompting falls short and where it suffices, per cluster of cases. */
function renderClusterTable(suite: SuitePromptFirstView): string[] {
  if (suite.clusters.length === 0) return [];
  const rows: string[][] = [["cluster", "cases", "best prompt", "target", "prompting", "fine-tune"]];
  const sorted = [...suite.clusters].sort(
    (a, b) =>
      (a.status === b.status ? 0 : a.status === "falls short" ? -1 : 1) ||
      a.bestPromptScore - b.bestPromptScore,
  );
  for (const c of sorted.slice(0, MAX_CLUSTER_ROWS)) {
    rows.push([
      inlineCode(c.cluster, true),
      formatInt(c.n),
      `${formatScorePercent(c.bestPromptScore)}${c.stdErr === null ? "" : ` ± ${(c.stdErr * 100).toFixed(1)}`}`,
      formatScorePercent(c.target),
      c.status === "suffices" ? `${STATUS_MARK.pass} suffices` : `${STATUS_MARK.fail} falls short`,
      c.fineTune
        ? `${formatScorePercent(c.fineTune.score)} (${inlineCode(c.fineTune.candidate, true)})`
        : "—",
    ]);
  }
  const lines = [
    "Per cluster: where prompting falls short",
    "",
    markdownTable(rows, { alignDelimiters: false }),
    "",
  ];
  if (sorted.length > MAX_CLUSTER_ROWS) {
    lines.push(`<sub>${sorted.length - MAX_CLUSTER_ROWS} more cluster(s) in the full report.</sub>`, "");
  }
  return lines;
}

/**
 * Model shutdowns the rule's findings do not already state (the rule words each one as a finding, listed above;
 * a report from elsewhere may carry shutdowns alone).
 */
function renderLifecycle(suite: SuitePromptFirstView, stated: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const w of suite.lifecycle) {
    if (stated.has(w.message)) continue;
    const days = formatDaysLeft(w.daysLeft);
    const match = w.matchedBy
      ? `; ${inlineCode(w.matchedBy.candidate)}${w.matchedBy.model ? ` (${escapeMarkdown(w.matchedBy.model)})` : ""} ${w.matchedBy.verdict === "better" ? "does better" : w.matchedBy.verdict === "matches" ? "matches it" : w.matchedBy.verdict === "worse" ? "does worse" : "cannot yet tell"}: ${formatPoints(w.matchedBy.meanDiff)} pts${formatInterval(w.matchedBy.ciLow, w.matchedBy.ciHigh)} on ${formatInt(w.matchedBy.n)} cases`
      : "; no prompt candidate on a current model matches it yet";
    lines.push(
      `- ${STATUS_MARK.warn} ${inlineCode(w.candidate)}: ${escapeMarkdown(w.model)} shuts down on ${escapeMarkdown(w.shutdownDate)} (**${days}**)${match}`,
    );
  }
  if (lines.length > 0) lines.unshift("Model shutdowns", "");
  if (lines.length > 0) lines.push("");
  return lines;
}

/**
 * One suite under the rule: status, recommendation, the violations and warnings (each once), the rule's notes
 * folded (left out when `brief`), best prompt, fine-tunes, clusters, and shutdowns no finding states.
 */
export function renderSuitePromptFirst(
  suite: SuitePromptFirstView,
  report: PromptFirstReportView,
  options: { brief: boolean },
): string[] {
  const mark = PROMPT_FIRST_MARK[suite.status] ?? STATUS_MARK.unknown;
  const lines = [
    `#### ${mark} ${inlineCode(suite.suite)}: ${suite.status} · recommendation: ${describeRecommendation(suite.recommendation.kind)}`,
    "",
    escapeMarkdown(suite.recommendation.text, { lineStart: true }),
    "",
  ];
  const open = suite.findings.filter((f) => f.severity !== "info");
  const notes = suite.findings.filter((f) => f.severity === "info");
  const item = (f: (typeof suite.findings)[number]): string =>
    `- ${SEVERITY_MARK[f.severity] ?? STATUS_MARK.info} ${escapeMarkdown(f.message)}`;
  lines.push(...open.map(item));
  if (open.length > 0) lines.push("");
  if (!options.brief && notes.length > 0) {
    lines.push(
      `<details><summary>${notes.length === 1 ? "1 note" : `${notes.length} notes`} of the rule</summary>`,
      "",
      ...notes.map(item),
      "",
      "</details>",
      "",
    );
  }
  if (suite.bestPrompt) {
    const b = suite.bestPrompt;
    const se = b.stdErr === null ? "" : ` ± ${(b.stdErr * 100).toFixed(1)}`;
    const target =
      b.reachesTarget === null
        ? ""
        : b.reachesTarget
          ? ` · reaches the target ${formatScorePercent(suite.target)}`
          : ` · below the target ${formatScorePercent(suite.target)}`;
    lines.push(
      `Best prompt: ${inlineCode(b.candidate)}${b.model ? ` (${escapeMarkdown(b.model)})` : ""} at ${formatScorePercent(b.score)}${se} on ${formatInt(b.scored)} cases${target}`,
      "",
    );
  }
  lines.push(...renderFineTuneTable(suite, report.confidence));
  lines.push(...renderClusterTable(suite));
  lines.push(...renderLifecycle(suite, new Set(suite.findings.map((f) => f.message))));
  return lines;
}

/**
 * The prompt-first section: the mode, the blend across suites, then each applicable suite (suites the rule
 * does not apply to are named in one line). Empty when the comparison has no prompt-first report.
 */
export function renderPromptFirstSection(comparison: Comparison, options: { brief: boolean }): string[] {
  const report = comparison.promptFirst;
  if (!report) return [];
  const mark = PROMPT_FIRST_MARK[report.status] ?? STATUS_MARK.unknown;
  const heading = `### ${mark} Prompt first (${escapeMarkdown(report.mode)})`;
  const applicable = report.suites.filter((s) => s.status !== "not applicable" || s.lifecycle.length > 0);
  const others = report.suites.filter((s) => !applicable.includes(s));
  const notApplicable =
    others.length > 0
      ? [
          `${STATUS_MARK["not applicable"]} Not applicable (no fine-tune candidate or training data): ${others.map((s) => inlineCode(s.suite)).join(", ")}`,
          "",
        ]
      : [];
  if (applicable.length === 0) return [heading, "", ...notApplicable];
  const lines = [
    heading,
    "",
    `A fine-tune must gain ${formatPoints(report.minFineTuneGain)} pts over the best prompt, with the interval's lower bound above 0.`,
    "",
  ];
  for (const suite of applicable) lines.push(...renderSuitePromptFirst(suite, report, options));
  lines.push(...notApplicable);
  return lines;
}
