import type { Comparison } from "@promptfirst/core";
import { formatDollars } from "@promptfirst/core";
import { formatDuration, formatInt } from "../wording.ts";
import { escapeMarkdown, inlineCode } from "./escape.ts";
import { renderLink } from "./links.ts";

/** What opens the hidden marker the Action uses to find its comment again. */
export const COMMENT_MARKER_PREFIX = "<!-- promptfirst:comment key=";

/**
 * A marker key reduced to characters that cannot end an HTML comment or break the marker: letters, digits and
 * `._:/@+=-`, with runs of `-` shortened (an HTML comment must not contain `--`). Empty becomes `default`.
 */
export function sanitizeMarkerKey(key: string): string {
  const clean = key
    .replace(/[^A-Za-z0-9._:/@+=-]/g, "_")
    .replace(/-{2,}/g, "-")
    .replace(/-$/, "_")
    .slice(0, 200);
  return clean === "" ? "default" : clean;
}

/**
 * The hidden marker of a comment: `<!-- promptfirst:comment key=KEY -->`. One comment per key (the Action
 * passes workflow, job and config), found again by this exact string.
 */
export function renderCommentMarker(key: string): string {
  return `${COMMENT_MARKER_PREFIX}${sanitizeMarkerKey(key)} -->`;
}

/** Whether a comment body carries the marker of `key`. */
export function hasCommentMarker(body: string, key: string): boolean {
  return body.includes(renderCommentMarker(key));
}

/** Links the footer and notes may point to. */
export interface ReportLinks {
  /** Where the full report (HTML, artifacts) is. */
  reportUrl?: string;
  /** The workflow run. */
  runUrl?: string;
}

function sumNullable(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/**
 * The footer: calls made, cache hits, dollars spent on the evaluation itself, duration, config and its hash,
 * version, and links to the full report and the run.
 */
export function renderFooterLine(comparison: Comparison, links: ReportLinks): string {
  const { base, head } = comparison;
  const calls = base.stats.calls + head.stats.calls;
  const requests = base.stats.requests + head.stats.requests;
  const hits = base.stats.cacheHits + head.stats.cacheHits;
  const spent = sumNullable(base.stats.spentUsd, head.stats.spentUsd);
  const parts = [
    `promptfirst ${escapeMarkdown(comparison.tool.version.slice(0, 40))}`,
    `${formatInt(calls)} calls (${formatInt(requests)} requests, ${formatInt(hits)} from cache)`,
    `${formatDollars(spent)} spent on this evaluation`,
    `${formatDuration(base.stats.durationMs + head.stats.durationMs)}`,
    `config ${inlineCode(head.config.file.slice(0, 120))} ${inlineCode(head.config.hash.slice(0, 12))}`,
  ];
  if (links.reportUrl) parts.push(renderLink("full report", links.reportUrl));
  if (links.runUrl) parts.push(renderLink("workflow run", links.runUrl));
  return `<sub>${parts.join(" · ")}</sub>`;
}

/** The result files of a comparison's two sides, when it names them (`compare` records the paths it read). */
export interface RunFiles {
  head?: string;
  base?: string;
}

/** A path as one shell word: kept as it is when it is plain, else in single quotes. */
function quoteShellWord(word: string): string {
  return /^[A-Za-z0-9._/@:+=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * Where the full report is, as a sentence for notes about what a comment leaves out: the report link, else the
 * workflow run, else the command that renders every case. The HTML report lists every case only when it is
 * given both runs' results, so the command names them (the comparison's own paths when it has them).
 */
export function describeFullReport(links: ReportLinks, runs: RunFiles = {}): string {
  if (links.reportUrl) return `The ${renderLink("full report", links.reportUrl)} has every case`;
  if (links.runUrl) {
    return `The ${renderLink("workflow run", links.runUrl)} has more in its job summary, and every case in the \`report.html\` it writes`;
  }
  const head = quoteShellWord((runs.head ?? "HEAD.json").slice(0, 200));
  const base = quoteShellWord((runs.base ?? "BASE.json").slice(0, 200));
  return `${inlineCode(`promptfirst report --format html --comparison FILE --head ${head} --base ${base}`)} shows every case`;
}
