import { type Comparison, formatDollars } from "@promptfirst/core";
import { markdownTable } from "markdown-table";
import { formatInt, STATUS_MARK } from "../wording.ts";
import { escapeHtmlInline, escapeMarkdown, inlineCode } from "./escape.ts";

/** A training file's DataReport as a comparison carries it. */
export type DataReportView = NonNullable<Comparison["dataReports"]>[number];

/** First errors (and then warnings) listed per training file. */
export const MAX_DATA_FINDINGS = 5;

const DATA_MARK: Readonly<Record<string, string>> = {
  pass: STATUS_MARK.pass,
  warn: STATUS_MARK.warn,
  fail: STATUS_MARK.fail,
};

/** `1.2M`, `34k`, `812` tokens. */
export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  return formatInt(n);
}

/** `+20 −3 ~5 vs base`, `new file`, or `—` without a base. */
export function formatDataDiff(report: DataReportView): string {
  if (!report.diff) return "—";
  const d = report.diff;
  return `+${formatInt(d.added)} −${formatInt(d.removed)} ~${formatInt(d.changed)} (base ${formatInt(d.baseExamples)})`;
}

function formatCost(report: DataReportView): string {
  if (report.cost.usd !== null) return `${formatDollars(report.cost.usd)}`;
  return "unknown";
}

function formatBilled(report: DataReportView): string {
  const approx = report.tokens.approximate ? "≈" : "";
  return `${approx}${formatTokens(report.tokens.billed)} (${report.epochs.value} epoch${report.epochs.value === 1 ? "" : "s"})`;
}

/** One line of quality signals: duplicates, contradictions, leakage, with the first lines involved. */
export function describeDataQuality(report: DataReportView): string[] {
  const q = report.quality;
  const out: string[] = [];
  const pairs = (list: ReadonlyArray<{ line: number; otherLine: number }>): string =>
    list.length === 0
      ? ""
      : ` (line ${list
          .slice(0, 3)
          .map((p) => `${p.line} ↔ ${p.otherLine}`)
          .join(", ")})`;
  if (q.leakage.count > 0) {
    const first = q.leakage.examples
      .slice(0, 3)
      .map((e) => `line ${e.line} ↔ ${escapeMarkdown(`${e.suite}/${e.caseId}`)}`)
      .join(", ");
    out.push(
      `${STATUS_MARK.fail} ${formatInt(q.leakage.count)} example(s) contain an eval case (${first}): the eval would measure memory`,
    );
  }
  if (q.contradictions.count > 0) {
    out.push(
      `${STATUS_MARK.warn} ${formatInt(q.contradictions.count)} contradiction(s): same input, different answer${pairs(q.contradictions.pairs)}`,
    );
  }
  if (q.duplicates.count > 0) {
    out.push(`${STATUS_MARK.warn} ${formatInt(q.duplicates.count)} duplicate(s)${pairs(q.duplicates.pairs)}`);
  }
  if (q.nearDuplicates.count > 0) {
    out.push(
      `${STATUS_MARK.info} ${formatInt(q.nearDuplicates.count)} near-duplicate(s)${pairs(q.nearDuplicates.pairs)}`,
    );
  }
  if (q.shortAnswers.flagged && q.shortAnswers.count > 0) {
    out.push(
      `${STATUS_MARK.info} ${formatInt(q.shortAnswers.count)} short answer(s) (≤ ${q.shortAnswers.maxWords} words; median ${q.shortAnswers.medianAnswerWords ?? "—"})`,
    );
  }
  if (!q.complete)
    out.push(`${STATUS_MARK.info} the file is larger than the checks could remember: counts are partial`);
  return out;
}

/** A training file's first errors, then warnings, with their line numbers. */
export function renderDataFindings(report: DataReportView, max = MAX_DATA_FINDINGS): string[] {
  const sorted = [...report.findings].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) || (a.line ?? 0) - (b.line ?? 0),
  );
  const lines = sorted.slice(0, max).map((f) => {
    const where = f.line === null ? "file" : `line ${formatInt(f.line)}`;
    const mark = f.severity === "error" ? STATUS_MARK.fail : STATUS_MARK.warn;
    return `- ${mark} ${where} · ${inlineCode(f.code)}: ${escapeMarkdown(f.message)}`;
  });
  const total = report.errorCount + report.warningCount;
  if (total > lines.length)
    lines.push(`- … ${formatInt(total - lines.length)} more in \`promptfirst check-data\``);
  return lines;
}

/**
 * The training-data section: one table row per file (status, examples, invalid lines, errors, warnings,
 * billed tokens, estimated training cost, change against base), then each file's first errors with their line
 * numbers and its quality signals (folded unless `brief`, which lists only the counts). Empty without reports.
 */
export function renderDataSection(comparison: Comparison, options: { brief: boolean }): string[] {
  const reports = comparison.dataReports ?? [];
  if (reports.length === 0) return [];
  const rows: string[][] = [
    [
      "file",
      "status",
      "examples",
      "invalid lines",
      "errors",
      "warnings",
      "billed tokens",
      "training cost",
      "vs base",
    ],
  ];
  for (const r of reports) {
    rows.push([
      inlineCode(r.file, true),
      `${DATA_MARK[r.status] ?? STATUS_MARK.unknown} ${r.status}`,
      formatInt(r.examples),
      formatInt(r.invalidLines),
      formatInt(r.errorCount),
      formatInt(r.warningCount),
      formatBilled(r),
      formatCost(r),
      formatDataDiff(r),
    ]);
  }
  const worst = reports.some((r) => r.status === "fail")
    ? "fail"
    : reports.some((r) => r.status === "warn")
      ? "warn"
      : "pass";
  const lines = [
    `### ${DATA_MARK[worst]} Training data`,
    "",
    markdownTable(rows, { alignDelimiters: false, align: ["l", "l", "r", "r", "r", "r", "r", "r", "l"] }),
    "",
  ];
  for (const r of reports) {
    const findings = renderDataFindings(r);
    const quality = describeDataQuality(r);
    const notes: string[] = [];
    if (r.tokens.approximate && r.tokens.approximateReason) {
      notes.push(
        `${STATUS_MARK.info} token counts are approximate: ${escapeMarkdown(r.tokens.approximateReason)}`,
      );
    }
    if (r.cost.usd === null && r.cost.reason)
      notes.push(`${STATUS_MARK.info} no cost estimate: ${escapeMarkdown(r.cost.reason)}`);
    if (findings.length === 0 && quality.length === 0 && notes.length === 0) continue;
    if (options.brief) {
      if (r.errorCount > 0 || quality.length > 0) {
        lines.push(
          `- ${inlineCode(r.file)}: ${formatInt(r.errorCount)} error(s), ${formatInt(r.warningCount)} warning(s)${quality.length > 0 ? `; ${quality.length} quality signal(s)` : ""}`,
        );
      }
      continue;
    }
    lines.push(
      `<details${r.status === "fail" ? " open" : ""}><summary>${escapeHtmlInline(`${r.file}: ${r.errorCount} error(s), ${r.warningCount} warning(s)`)}</summary>`,
      "",
      ...findings,
      ...quality.map((q) => `- ${q}`),
      ...notes.map((n) => `- ${n}`),
      "",
      "</details>",
      "",
    );
  }
  if (lines[lines.length - 1] !== "") lines.push("");
  return lines;
}
