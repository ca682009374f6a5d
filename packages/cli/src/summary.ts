import type { CandidateResult, RunResult } from "@promptfirst/core";
import { formatDuration } from "./progress.ts";

/** Align rows of cells into columns (first row is the header). */
export function formatColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `0.8123` → `81.2%`. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(digits)}%`;
}

/** USD with sensible precision: `$0.0042`, `$1.27`, `$1,204`. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "unknown";
  if (value === 0) return "$0";
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  if (Math.abs(value) < 100) return `$${value.toFixed(2)}`;
  return `$${Math.round(value).toLocaleString("en-US")}`;
}

function scoreCell(c: CandidateResult): string {
  const { meanScore, stdErr } = c.summary;
  if (meanScore === null) return "—";
  if (stdErr === null) return formatPercent(meanScore);
  return `${formatPercent(meanScore)} ± ${(1.96 * stdErr * 100).toFixed(1)}`;
}

/** A readable terminal summary of a run: one table per suite, then warnings and the run's totals. */
export function formatRunSummary(result: RunResult): string {
  const out: string[] = [];
  for (const suite of Object.values(result.suites)) {
    const target = suite.target === undefined ? "" : ` · target ${formatPercent(suite.target, 0)}`;
    const repeat = suite.repeat > 1 ? ` × ${suite.repeat} samples` : "";
    out.push(`Suite ${suite.name} — ${suite.caseCount} cases${repeat}${target}`);
    const rows: string[][] = [
      ["candidate", "model", "score (95% CI)", "pass", "cost/1k calls", "p95", "errors"],
    ];
    for (const c of Object.values(suite.candidates)) {
      if (c.skipped) {
        rows.push([
          c.name,
          c.model ?? c.fineTune?.baseModel ?? "—",
          `not evaluated: ${c.skipped}`,
          "",
          "",
          "",
          "",
        ]);
        continue;
      }
      const reaches =
        suite.target !== undefined && c.summary.meanScore !== null && c.summary.meanScore >= suite.target
          ? " ✓"
          : "";
      rows.push([
        c.name,
        c.model ?? "—",
        `${scoreCell(c)}${reaches}`,
        formatPercent(c.summary.passRate, 0),
        formatUsd(c.summary.costPer1kUsd),
        c.summary.latencyP95Ms === null ? "—" : `${Math.round(c.summary.latencyP95Ms)} ms`,
        String(c.summary.errors),
      ]);
    }
    out.push(
      formatColumns(rows)
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n"),
    );
    for (const c of Object.values(suite.candidates)) {
      if (c.lifecycle?.shutdownDate) {
        out.push(`  ! ${c.name}: model ${c.lifecycle.model} shuts down on ${c.lifecycle.shutdownDate}`);
      }
    }
    out.push("");
  }
  for (const warning of result.warnings) out.push(`warning: ${warning}`);
  const s = result.stats;
  out.push(
    `${s.plannedCalls} calls${s.judgeCalls ? ` + ${s.judgeCalls} judge calls` : ""}: ${s.requests} requests, ${s.cacheHits} from cache${s.deduplicated ? `, ${s.deduplicated} deduplicated` : ""}, ${s.retries} retries, ${s.errors} errors · spent ${formatUsd(s.spentUsd)} · ${formatDuration(s.durationMs)}`,
  );
  return `${out.join("\n")}\n`;
}
