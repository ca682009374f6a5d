import {
  type CandidateComparison,
  type Comparison,
  formatChangePct,
  formatIdList,
  formatPoints,
  formatPointsAbs,
  formatScorePercent,
  GATE_STATUS_SEVERITY,
  type Gate,
  type GateFinding,
  type GateStatus,
  type PromptFirstFinding,
  type PromptFirstReport,
  type PromptFirstStatus,
  type RunIdentity,
  type SuiteComparison,
  type SuitePromptFirst,
} from "@promptfirst/core";
import { formatDuration } from "./progress.ts";
import { formatColumns, formatUsd } from "./summary.ts";

/** The mark and word of each status: only `pass` gets a check mark. */
const STATUS_MARK: Readonly<Record<GateStatus | "info", string>> = {
  pass: "✓",
  fail: "✗",
  inconclusive: "~",
  "not evaluated": "–",
  unknown: "?",
  warn: "!",
  "not applicable": "○",
  info: "·",
};

const GATE_LABELS = {
  quality: "quality",
  cost: "cost",
  errors: "errors",
  promptFirst: "prompt first",
} as const;

/**
 * `✓ cost`, `✗ quality failed`, `~ quality inconclusive`, `– errors not evaluated`, `? cost unknown`,
 * `! prompt first warning`, `○ prompt first not applicable`.
 */
function formatGateWord(label: string, status: GateStatus): string {
  if (status === "pass") return `✓ ${label}`;
  if (status === "fail") return `✗ ${label} failed`;
  if (status === "warn") return `! ${label} warning`;
  return `${STATUS_MARK[status]} ${label} ${status}`;
}

/** The mark and words of a suite's prompt-first status. */
const RULE_MARK: Readonly<Record<PromptFirstStatus, string>> = {
  holds: "✓ holds",
  violated: "✗ violated",
  warning: "! warning",
  "not applicable": "○ not applicable",
};

const FINDING_MARK: Readonly<Record<PromptFirstFinding["severity"], string>> = {
  violation: "✗",
  warning: "!",
  info: "·",
};

const RECOMMENDATION_WORDS = {
  prompt: "prompt",
  "fine-tune": "fine-tune",
  improve: "improve the prompt or the data",
  "measure-first": "measure first",
  none: "none",
} as const;

function formatCostPerPoint(value: number | null): string {
  if (value === null) return "—";
  return value < 0 ? `saves ${formatUsd(-value)}` : formatUsd(value);
}

function formatFineTuneRows(suite: SuitePromptFirst, confidence: number): string[] {
  if (suite.fineTunes.length === 0) return [];
  const level = `${Math.round(confidence * 1000) / 10}%`;
  const best = suite.bestPrompt?.candidate ?? "best prompt";
  const rows: string[][] = [
    [
      "fine-tune",
      "model",
      "score",
      `vs ${best} (${level} CI)`,
      "must reach",
      "training",
      "monthly (vs prompt)",
      "payback",
      "$/point, 1st year",
    ],
  ];
  for (const ft of suite.fineTunes) {
    const gain = ft.gain;
    const interval =
      gain === null
        ? ""
        : gain.ciLow === null || gain.ciHigh === null
          ? `${formatPoints(gain.meanDiff)} (n=${gain.n})`
          : `${formatPoints(gain.meanDiff)} (${formatPoints(gain.ciLow)} to ${formatPoints(gain.ciHigh)})`;
    const c = ft.costs;
    const monthly =
      c.monthlyInferenceUsd === null
        ? "—"
        : `${formatUsd(c.monthlyInferenceUsd)}${c.monthlyDeltaUsd === null ? "" : ` (${c.monthlyDeltaUsd >= 0 ? "+" : "-"}${formatUsd(Math.abs(c.monthlyDeltaUsd))})`}`;
    rows.push([
      ft.candidate,
      ft.model ?? `not trained (${ft.baseModel})`,
      ft.trained ? formatScorePercent(ft.score) : "—",
      interval,
      formatScorePercent(ft.requiredScore),
      formatUsd(c.trainingUsd),
      monthly,
      c.paybackMonths === null ? "—" : `${c.paybackMonths.toFixed(1)} mo`,
      formatCostPerPoint(c.costPerPointUsd),
    ]);
  }
  return formatColumns(rows).split("\n");
}

function formatClusterRows(suite: SuitePromptFirst): string[] {
  if (suite.clusters.length === 0 || !suite.bestPrompt) return [];
  const ft = suite.clusters[0]?.fineTune?.candidate;
  const header = ["cluster", "cases", suite.bestPrompt.candidate, ...(ft ? [ft] : []), "target", "prompting"];
  const rows = suite.clusters.map((c) => [
    c.cluster,
    String(c.n),
    formatScorePercent(c.bestPromptScore),
    ...(ft ? [formatScorePercent(c.fineTune?.score)] : []),
    formatScorePercent(c.target),
    c.status,
  ]);
  return formatColumns([header, ...rows]).split("\n");
}

function formatDataRows(suite: SuitePromptFirst): string[] {
  if (suite.data.length === 0) return [];
  const rows: string[][] = [
    ["training data", "check", "examples", "errors", "warnings", "leaked cases", "change", "training (est.)"],
  ];
  for (const d of suite.data) {
    const change = !d.changed
      ? "unchanged"
      : d.diff
        ? `+${d.diff.added} −${d.diff.removed} ~${d.diff.changed}`
        : "changed";
    rows.push([
      d.file,
      d.status,
      String(d.examples),
      String(d.errorCount),
      String(d.warningCount),
      String(d.leakage),
      change,
      formatUsd(d.trainingCostUsd),
    ]);
  }
  return formatColumns(rows).split("\n");
}

/**
 * The prompt-first section: the mode and the recommendation per suite (the blend), then per suite its status,
 * recommendation, reasons (violations first), and the tables: fine-tunes against the best prompt (gain with
 * its interval, the score it must reach, training, monthly cost, payback, cost per point), the best prompt per
 * cluster against the target, and the training files checked. Announced model shutdowns are among the reasons,
 * with the days left.
 */
export function formatPromptFirst(report: PromptFirstReport): string[] {
  const out = [
    `Prompt first (${report.mode}; a fine-tune must gain ${formatPointsAbs(report.minFineTuneGain)} points over the best prompt): ${RULE_MARK[report.status]}`,
  ];
  if (report.summary) out.push(`  recommendations: ${report.summary}`);
  for (const suite of report.suites) {
    const rec = `${RECOMMENDATION_WORDS[suite.recommendation.kind]} — ${suite.recommendation.text}`;
    out.push(`  ${suite.suite}: ${RULE_MARK[suite.status]}; recommendation: ${rec}`);
    for (const f of suite.findings) out.push(`    ${FINDING_MARK[f.severity]} ${f.message}`);
    for (const block of [
      formatFineTuneRows(suite, report.confidence),
      formatClusterRows(suite),
      formatDataRows(suite),
    ]) {
      if (block.length > 0) out.push(...indent(block, "    "));
    }
  }
  return out;
}

/** The verdict line: each gate with its mark and, unless it passed, its status in words. */
export function formatVerdictLine(comparison: Pick<Comparison, "verdict">): string {
  const gates = comparison.verdict.gates;
  const parts = (Object.keys(GATE_LABELS) as Array<keyof typeof GATE_LABELS>).flatMap((name) => {
    const gate = gates[name];
    return gate ? [formatGateWord(GATE_LABELS[name], gate.status)] : [];
  });
  return parts.join(" · ");
}

function describeRun(run: RunIdentity): string {
  const ref = run.git?.ref ?? run.file ?? run.config.file;
  const sha = run.git?.sha ? `@${run.git.sha.slice(0, 7)}` : "";
  return `${ref}${sha}`;
}

function formatScoreChange(c: CandidateComparison): string {
  if (c.status === "removed") return `${formatScorePercent(c.base?.mean)} → removed`;
  if (c.status === "skipped") return "not evaluated";
  if (c.status === "new") return `new → ${formatScorePercent(c.head?.mean)}`;
  return `${formatScorePercent(c.base?.mean)} → ${formatScorePercent(c.head?.mean)}`;
}

function formatDifference(c: CandidateComparison): string {
  const p = c.paired;
  if (!p || p.meanDiff === null) return "";
  const interval =
    p.ciLow === null || p.ciHigh === null ? "" : ` (${formatPoints(p.ciLow)} to ${formatPoints(p.ciHigh)})`;
  const note = p.significantDrop ? " significant drop" : p.withinNoise ? " within noise" : "";
  return `${formatPoints(p.meanDiff)}${interval}${note}`;
}

function formatCost(c: CandidateComparison): string {
  if (!c.head) return "";
  if (c.status !== "compared" || !c.base) return formatUsd(c.head.costPer1kUsd);
  const change = c.cost.perCallChangePct === null ? "" : ` (${formatChangePct(c.cost.perCallChangePct)})`;
  return `${formatUsd(c.base.costPer1kUsd)} → ${formatUsd(c.head.costPer1kUsd)}${change}`;
}

function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${Math.round(value)} ms`;
}

function formatLatency(c: CandidateComparison): string {
  if (!c.head) return "";
  if (c.status !== "compared" || !c.base) return formatMs(c.head.latencyP95Ms);
  return `${formatMs(c.base.latencyP95Ms)} → ${formatMs(c.head.latencyP95Ms)}`;
}

function formatErrors(c: CandidateComparison): string {
  if (!c.head) return "";
  return c.head.errors === 0 ? "0" : `${c.head.errors} (${formatScorePercent(c.head.errorRate)})`;
}

function formatQuality(c: CandidateComparison): string {
  if (c.status === "removed" || (c.status === "skipped" && !c.base)) return "";
  return `${STATUS_MARK[c.gates.quality]} ${c.gates.quality}`;
}

function formatFlips(c: CandidateComparison): string[] {
  const out: string[] = [];
  const change = (f: CandidateComparison["flips"]["regressions"][number]): string =>
    `${f.caseId} (${f.base.score === null ? "error" : f.base.score.toFixed(2)} → ${f.head.score === null ? "error" : f.head.score.toFixed(2)})`;
  if (c.flips.regressions.length > 0) {
    out.push(
      `${c.name}: ${c.flips.regressions.length} regression(s), passed on base and fail on head: ${formatIdList(c.flips.regressions.map(change))}`,
    );
  }
  if (c.flips.improvements.length > 0) {
    out.push(
      `${c.name}: ${c.flips.improvements.length} improvement(s): ${formatIdList(c.flips.improvements.map(change))}`,
    );
  }
  if (c.status === "skipped") out.push(`${c.name}: not evaluated on head: ${c.skipReason ?? "skipped"}`);
  if (c.flaky.head.length > 0) {
    out.push(`${c.name}: ${c.flaky.head.length} flaky case(s) on head: ${formatIdList(c.flaky.head)}`);
  }
  return out;
}

function formatSuite(suite: SuiteComparison, confidence: number): string[] {
  const counts = suite.cases;
  const facts = [`${counts.matched} case(s) on both sides`];
  if (counts.added.length) facts.push(`${counts.added.length} added`);
  if (counts.removed.length) facts.push(`${counts.removed.length} removed`);
  if (counts.changed.length) facts.push(`${counts.changed.length} changed`);
  if (suite.repeat.head !== undefined && suite.repeat.head > 1) facts.push(`× ${suite.repeat.head} samples`);
  if (suite.target !== undefined) facts.push(`target ${formatScorePercent(suite.target)}`);
  const status = suite.status === "compared" ? "" : ` (${suite.status} on head)`;
  const lines = [`Suite ${suite.name}${status} — ${facts.join(" · ")}`];
  const level = `${Math.round(confidence * 1000) / 10}%`;
  const rows: string[][] = [
    [
      "candidate",
      "model",
      "score",
      `change (${level} CI)`,
      "quality",
      "cost/1k calls",
      "p95 latency",
      "errors",
    ],
  ];
  for (const c of suite.candidates) {
    const model = c.head?.model ?? c.base?.model ?? "—";
    const reaches = c.reachesTarget.head === true ? " ✓ target" : "";
    rows.push([
      c.name,
      model,
      `${formatScoreChange(c)}${reaches}`,
      formatDifference(c),
      formatQuality(c),
      formatCost(c),
      formatLatency(c),
      formatErrors(c),
    ]);
  }
  lines.push(...indent(formatColumns(rows).split("\n")));
  for (const c of suite.candidates) lines.push(...indent(formatFlips(c)));
  return lines;
}

function indent(lines: string[], by = "  "): string[] {
  return lines.map((l) => `${by}${l}`);
}

function rank(f: GateFinding): number {
  return f.status === "info" ? -1 : GATE_STATUS_SEVERITY[f.status];
}

function formatGate(label: string, gate: Gate): string[] {
  const title =
    gate.status === "pass"
      ? `${label}: pass`
      : `${label}: ${gate.status === "fail" ? "failed" : gate.status}`;
  const findings = gate.findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(b.finding) - rank(a.finding) || a.index - b.index)
    .map(({ finding }) => `${STATUS_MARK[finding.status]} ${finding.message}`);
  if (findings.length === 0) findings.push("– nothing was evaluated");
  return [`${STATUS_MARK[gate.status]} ${title}`, ...indent(findings)];
}

function formatRunStats(name: string, run: RunIdentity): string {
  const s = run.stats;
  return `${name}: ${s.calls} calls, ${s.cacheHits} from cache, ${s.errors} errors, spent ${formatUsd(s.spentUsd)}, ${formatDuration(s.durationMs)}`;
}

/**
 * A terminal rendering of a comparison: the verdict line first (only passing gates get a check mark), the
 * runs compared, a short table per suite (base → head score, the change with its confidence interval and
 * whether it is within noise, the candidate's quality status, cost per 1k calls, p95 latency, errors) with
 * regressions, improvements and flaky cases, then every gate's reasons, the prompt-first section (see
 * formatPromptFirst) when the rule was applied, and the runs' totals.
 */
export function formatComparison(comparison: Comparison): string {
  const out: string[] = [formatVerdictLine(comparison)];
  out.push(`base ${describeRun(comparison.base)} → head ${describeRun(comparison.head)}`);
  out.push("");
  for (const suite of comparison.suites) {
    out.push(...formatSuite(suite, comparison.thresholds.confidence));
    out.push("");
  }
  const gates = comparison.verdict.gates;
  out.push(...formatGate("Quality", gates.quality));
  out.push(...formatGate("Cost", gates.cost));
  out.push(...formatGate("Errors", gates.errors));
  out.push("");
  if (comparison.promptFirst) {
    out.push(...formatPromptFirst(comparison.promptFirst));
    out.push("");
  } else if (gates.promptFirst) {
    out.push(...formatGate("Prompt first", gates.promptFirst));
    out.push("");
  }
  for (const warning of comparison.warnings) out.push(`warning: ${warning}`);
  out.push(formatRunStats("base", comparison.base));
  out.push(formatRunStats("head", comparison.head));
  const notPassed = (Object.keys(GATE_LABELS) as Array<keyof typeof GATE_LABELS>).flatMap((name) => {
    const gate = gates[name];
    return gate && gate.status !== "pass" && gate.status !== "not applicable"
      ? [`${GATE_LABELS[name]} ${gate.status}`]
      : [];
  });
  const anyFailed = Object.values(gates).some((gate) => gate?.status === "fail");
  if (comparison.verdict.failed && !anyFailed) {
    out.push(
      `check fails (--fail-on ${comparison.verdict.failOn}): no case was evaluated, and zero cases is never a pass`,
    );
  } else if (comparison.verdict.failed) out.push(`check fails (--fail-on ${comparison.verdict.failOn})`);
  else if (notPassed.length === 0) out.push("check passes");
  else
    out.push(
      `no gate fails the check (--fail-on ${comparison.verdict.failOn}), but not every gate passed: ${notPassed.join(", ")}`,
    );
  return `${out.join("\n")}\n`;
}
