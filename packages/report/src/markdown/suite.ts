import {
  type CandidateComparison,
  type Comparison,
  formatChangePct,
  formatDollars,
  formatIdList,
  formatPoints,
  formatScorePercent,
  type GateFinding,
  type SuiteComparison,
} from "@promptfirst/core";
import { markdownTable } from "markdown-table";
import {
  formatConfidence,
  formatInt,
  formatLatency,
  isQuietStatus,
  markStatus,
  rankStatus,
  STATUS_MARK,
} from "../wording.ts";
import { escapeCell, escapeHtmlInline, escapeMarkdown, formatCount, inlineCode } from "./escape.ts";
import { renderFindingItem } from "./headline.ts";

/** The score cell: `81.2% → 78.0%`, `new → 90.0%`, `81.2% → removed`, `not evaluated`. */
export function formatScoreChange(c: CandidateComparison): string {
  if (c.status === "removed") return `${formatScorePercent(c.base?.mean)} → removed`;
  if (c.status === "skipped")
    return c.base ? `${formatScorePercent(c.base.mean)} → not evaluated` : "not evaluated";
  if (c.status === "new") return `new → ${formatScorePercent(c.head?.mean)}`;
  return `${formatScorePercent(c.base?.mean)} → ${formatScorePercent(c.head?.mean)}`;
}

/** The change cell: `-3.2 (-6.1 to -0.3) within noise`, `+1.0 (-0.5 to +2.5)`, `-4.0 (…) significant drop`. */
export function formatDifference(c: CandidateComparison): string {
  const p = c.paired;
  if (!p || p.meanDiff === null) return "—";
  const interval =
    p.ciLow === null || p.ciHigh === null ? "" : ` (${formatPoints(p.ciLow)} to ${formatPoints(p.ciHigh)})`;
  const note = p.significantDrop ? ", significant drop" : p.withinNoise ? ", within noise" : "";
  return `${formatPoints(p.meanDiff)} pts${interval}${note}`;
}

/** The cost cell: `$0.40 → $0.52 (+31%)`, or head's cost for a new candidate. */
export function formatCostChange(c: CandidateComparison): string {
  if (!c.head) return c.base ? `${formatDollars(c.base.costPer1kUsd)} → —` : "—";
  if (c.status !== "compared" || !c.base) return formatDollars(c.head.costPer1kUsd);
  const change = c.cost.perCallChangePct === null ? "" : ` (${formatChangePct(c.cost.perCallChangePct)})`;
  return `${formatDollars(c.base.costPer1kUsd)} → ${formatDollars(c.head.costPer1kUsd)}${change}`;
}

/** The monthly projection cell at the suite's volume: `$20 → $26`; `—` without a volume. */
export function formatMonthly(c: CandidateComparison): string {
  const { monthlyBaseUsd, monthlyHeadUsd } = c.cost;
  if (monthlyHeadUsd === null && monthlyBaseUsd === null) return "—";
  if (c.status !== "compared") return formatDollars(monthlyHeadUsd ?? monthlyBaseUsd);
  return `${formatDollars(monthlyBaseUsd)} → ${formatDollars(monthlyHeadUsd)}`;
}

/** The p95 latency cell: `1.2 s → 1.4 s`. */
export function formatLatencyChange(c: CandidateComparison): string {
  if (!c.head) return "—";
  if (c.status !== "compared" || !c.base) return formatLatency(c.head.latencyP95Ms);
  return `${formatLatency(c.base.latencyP95Ms)} → ${formatLatency(c.head.latencyP95Ms)}`;
}

/** The errors cell: `0`, `3 (2.5%)`. */
export function formatErrors(c: CandidateComparison): string {
  if (!c.head) return "—";
  return c.head.errors === 0 ? "0" : `${formatInt(c.head.errors)} (${formatScorePercent(c.head.errorRate)})`;
}

/**
 * The model a candidate ran: `gpt-4o-mini → gpt-4.1-mini` when base and head differ, else the one model
 * (untrusted: from the pull request's config; renderers escape it). Undefined when neither side names one.
 */
export function describeModelChange(c: CandidateComparison): string | undefined {
  const base = c.base?.model;
  const head = c.head?.model;
  if (base !== undefined && head !== undefined && base !== head) return `${base} → ${head}`;
  return head ?? base;
}

/** The status cell: `✅`, or every gate that did not pass with its mark (`❌ cost · 🟡 quality`). */
export function formatCandidateStatus(c: CandidateComparison): string {
  if (c.status === "removed") return `${STATUS_MARK.info} removed on head`;
  if (c.status === "skipped") {
    return `${STATUS_MARK["not evaluated"]} not evaluated: ${escapeCell(c.skipReason ?? "skipped")}`;
  }
  const gates = (["quality", "cost", "errors"] as const)
    .filter((g) => c.gates[g] !== "pass")
    .sort((a, b) => rankStatus(c.gates[b]) - rankStatus(c.gates[a]));
  if (gates.length === 0) return STATUS_MARK.pass;
  return gates
    .map((g) => {
      const status = c.gates[g];
      return `${markStatus(status)} ${g}${status === "fail" ? "" : ` ${status}`}`;
    })
    .join(" · ");
}

/** `12 cases on both sides · 2 added · target 85.0% · 50,000 calls a month · 3 samples per case`. */
export function describeSuiteFacts(suite: SuiteComparison): string {
  const counts = suite.cases;
  const facts = [`${formatCount(counts.matched, "case")} on both sides`];
  if (counts.added.length) facts.push(`${formatInt(counts.added.length)} added`);
  if (counts.removed.length) facts.push(`${formatInt(counts.removed.length)} removed`);
  if (counts.changed.length) facts.push(`${formatInt(counts.changed.length)} changed (not paired)`);
  if (suite.target !== undefined) facts.push(`target ${formatScorePercent(suite.target)}`);
  if (suite.volume !== undefined) facts.push(`${formatInt(suite.volume)} calls a month`);
  const repeat = suite.repeat.head ?? suite.repeat.base;
  if (repeat !== undefined && repeat > 1) facts.push(`${repeat} samples per case`);
  return facts.join(" · ");
}

/** The candidates' table of a suite, one row per candidate. */
export function renderCandidateTable(suite: SuiteComparison, confidence: number): string {
  const rows: string[][] = [
    [
      "candidate",
      "model",
      "score (base → head)",
      `change (${formatConfidence(confidence)} CI)`,
      "cost / 1k calls",
      "monthly",
      "p95 latency",
      "errors",
      "status",
    ],
  ];
  for (const c of suite.candidates) {
    const model = describeModelChange(c);
    const target = c.reachesTarget.head === true ? " 🎯" : "";
    const kind = c.kind === "fine-tune" ? " (fine-tune)" : "";
    rows.push([
      `${inlineCode(c.name, true)}${kind}`,
      model === undefined ? "—" : escapeCell(model),
      `${formatScoreChange(c)}${target}`,
      formatDifference(c),
      formatCostChange(c),
      formatMonthly(c),
      formatLatencyChange(c),
      formatErrors(c),
      formatCandidateStatus(c),
    ]);
  }
  return markdownTable(rows, {
    alignDelimiters: false,
    align: ["l", "l", "l", "l", "l", "l", "l", "r", "l"],
  });
}

/**
 * A suite's findings from the quality, cost and errors gates, worst first, without those already shown
 * (`shown`: the headline's). The prompt-first gate's findings are the rule's own, listed in the prompt-first
 * section; they are included only when the comparison lacks the rule's report.
 */
export function collectSuiteFindings(
  comparison: Comparison,
  suite: string,
  shown: ReadonlySet<GateFinding> = new Set(),
): GateFinding[] {
  const gates = comparison.verdict.gates;
  const all = [
    gates.quality,
    gates.cost,
    gates.errors,
    ...(gates.promptFirst && !comparison.promptFirst ? [gates.promptFirst] : []),
  ];
  return all
    .flatMap((g) => g.findings.filter((f) => f.suite === suite && !shown.has(f)))
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rankStatus(b.finding.status) - rankStatus(a.finding.status) || a.index - b.index)
    .map(({ finding }) => finding);
}

/**
 * A suite's findings as lists: those that did not pass in view (with their reasons), the passing and
 * informational ones folded in a `<details>` as evidence.
 */
export function renderSuiteFindings(findings: readonly GateFinding[]): string[] {
  const open = findings.filter((f) => !isQuietStatus(f.status));
  const folded = findings.filter((f) => isQuietStatus(f.status));
  const lines: string[] = open.map(renderFindingItem);
  if (open.length > 0) lines.push("");
  if (folded.length > 0) {
    const passed = folded.filter((f) => f.status === "pass").length;
    const info = folded.length - passed;
    const label = [
      passed > 0 ? `${passed} passed` : "",
      info > 0 ? `${info} note${info === 1 ? "" : "s"}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    lines.push(`<details><summary>Checks: ${label}</summary>`, "");
    lines.push(...folded.map(renderFindingItem));
    lines.push("", "</details>", "");
  }
  return lines;
}

/** Flaky cases per candidate (samples that disagree), one line each. */
export function renderFlakyLines(suite: SuiteComparison): string[] {
  const lines: string[] = [];
  for (const c of suite.candidates) {
    if (c.flaky.head.length === 0) continue;
    lines.push(
      `- ${STATUS_MARK.warn} ${inlineCode(c.name)}: ${formatCount(c.flaky.head.length, "flaky case")} on head (samples disagree): ${escapeMarkdown(formatIdList(c.flaky.head, 8))}`,
    );
  }
  if (lines.length > 0) lines.push("");
  return lines;
}

/** The suite's heading: `### support` with its status on head when it is not a comparison. */
export function renderSuiteHeading(suite: SuiteComparison, level = "###"): string {
  const status =
    suite.status === "new"
      ? " (new on head: no base to compare with)"
      : suite.status === "removed"
        ? " (removed on head)"
        : "";
  return `${level} Suite ${inlineCode(suite.name)}${status}`;
}

/** `<summary>` text: HTML-escaped, one line. */
export function summaryText(text: string): string {
  return escapeHtmlInline(text);
}
