import type { Comparison } from "@promptfirst/core";
import { MAX_COMMENT_CHARS, MAX_JOB_SUMMARY_BYTES } from "./markdown/budget.ts";
import { type CaseLimits, renderTrimmedBlock } from "./markdown/cases.ts";
import { fitMarkdown } from "./markdown/document.ts";
import {
  DEFAULT_MAX_OUTPUT_CHARS,
  DEFAULT_MAX_OUTPUT_LINES,
  formatCount,
  inlineCode,
} from "./markdown/escape.ts";
import { type ReportLinks, renderCommentMarker, renderFooterLine } from "./markdown/footer.ts";
import { renderLink } from "./markdown/links.ts";
import { STATUS_MARK, shortSha } from "./wording.ts";

/** The smallest budget a comment can be rendered in (the verdict, a note and the footer must fit). */
export const MIN_COMMENT_CHARS = 2_000;

/** Regressions (and improvements) shown in full per candidate in a comment. */
export const DEFAULT_COMMENT_CASES_PER_LIST = 10;

/** Options of renderComment. */
export interface RenderCommentOptions extends ReportLinks {
  /** The marker key: one comment per key (the Action passes workflow, job and config). */
  key: string;
  /** Most characters of the body (default 65,536, GitHub's limit). */
  maxChars?: number;
  /** Characters of each model output kept (default 1,500). */
  maxOutputChars?: number;
  /** Lines of each model output kept (default 40). */
  maxOutputLines?: number;
  /** Flipped cases shown in full per candidate and kind (default 10). */
  maxCasesPerList?: number;
}

function checkBudget(maxChars: number, name: string): void {
  if (!Number.isInteger(maxChars) || maxChars < MIN_COMMENT_CHARS) {
    throw new RangeError(`${name} must be a whole number of at least ${MIN_COMMENT_CHARS}, got ${maxChars}`);
  }
}

function caseLimits(options: Omit<RenderCommentOptions, "key">): CaseLimits {
  return {
    maxOutputChars: options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
    maxOutputLines: options.maxOutputLines ?? DEFAULT_MAX_OUTPUT_LINES,
    maxCasesPerList: options.maxCasesPerList ?? DEFAULT_COMMENT_CASES_PER_LIST,
  };
}

/**
 * The pull-request comment for a comparison (pure). Top line: the verdicts (quality, cost, prompt first; errors
 * when it did not pass), each with a mark that only a pass makes green, and what changed in a few words; then
 * whether the check fails, what changed in detail (models base → head, candidates, suites, cases, training
 * data, config hash), and the reasons, each finding shown once;
 * a table per suite (base → head score, the change with its interval and whether it is within noise, cost per
 * 1k calls with its change, monthly projection, p95 latency, errors, status); regressions and improvements with
 * inputs, both outputs and the scorers' reasons in `<details>`; the prompt-first findings and the training data;
 * a Mermaid chart; a footer with the evaluation's own cost and the hidden marker.
 *
 * Model outputs and names from the pull request are untrusted: escaped, fenced, trimmed, and mentions
 * neutralised. The body never exceeds `maxChars`: detail is dropped in stages (every case → regressions →
 * summary), then cut on line boundaries, and a note says exactly what was dropped (the details, the sections cut
 * short or left out) and where the full report is.
 */
export function renderComment(comparison: Comparison, options: RenderCommentOptions): string {
  const maxChars = options.maxChars ?? MAX_COMMENT_CHARS;
  checkBudget(maxChars, "maxChars");
  const footer = `\n---\n${renderFooterLine(comparison, options)}\n\n${renderCommentMarker(options.key)}\n`;
  return fitMarkdown(comparison, {
    budget: maxChars,
    unit: "chars",
    limitName: `the ${maxChars.toLocaleString("en-US")}-character limit of a GitHub comment`,
    links: options,
    limits: caseLimits(options),
    footer,
  }).text;
}

/** Options of renderJobSummary. */
export interface RenderJobSummaryOptions extends ReportLinks {
  /** Most bytes (UTF-8) of the summary (default 1 MiB, GitHub's limit for one step). */
  maxChars?: number;
  /** Characters of each model output kept (default 10,000). */
  maxOutputChars?: number;
  /** Lines of each model output kept (default 200). */
  maxOutputLines?: number;
  /** Flipped cases shown in full per candidate and kind (default 100). */
  maxCasesPerList?: number;
}

/**
 * The GitHub job summary for a comparison (pure): the same content as the comment with more room (outputs up
 * to 10,000 characters, 100 cases per list) and no marker, within `maxChars` bytes (default 1 MiB, GitHub's
 * limit; detail is dropped in the same stages).
 */
export function renderJobSummary(comparison: Comparison, options: RenderJobSummaryOptions = {}): string {
  const maxBytes = options.maxChars ?? MAX_JOB_SUMMARY_BYTES;
  checkBudget(maxBytes, "maxChars");
  const footer = `\n---\n${renderFooterLine(comparison, options)}\n`;
  return fitMarkdown(comparison, {
    budget: maxBytes,
    unit: "bytes",
    limitName: `the ${maxBytes.toLocaleString("en-US")}-byte limit of a job summary`,
    links: options,
    limits: {
      maxOutputChars: options.maxOutputChars ?? 10_000,
      maxOutputLines: options.maxOutputLines ?? 200,
      maxCasesPerList: options.maxCasesPerList ?? 100,
    },
    footer,
  }).text;
}

/** Options of renderEvaluatingComment. */
export interface RenderEvaluatingOptions {
  key: string;
  /** The head commit being evaluated. */
  sha: string;
  /** The suites being evaluated. */
  suites: readonly string[];
  runUrl?: string;
}

/** Most suite names listed in the evaluating comment. */
const MAX_LISTED_SUITES = 20;

function listSuites(suites: readonly string[]): string {
  const shown = suites.slice(0, MAX_LISTED_SUITES).map((s) => inlineCode(s.slice(0, 100)));
  const more = suites.length > shown.length ? ` and ${suites.length - shown.length} more` : "";
  return `${shown.join(", ")}${more}`;
}

/**
 * The comment the Action posts while it evaluates: the commit, the suites being evaluated, a link to the run,
 * and no verdict yet (no mark that could read as a pass). Carries the same marker, so the result replaces it.
 */
export function renderEvaluatingComment(options: RenderEvaluatingOptions): string {
  const suites =
    options.suites.length === 0
      ? "the suites this change touches"
      : `${formatCount(options.suites.length, "suite")}: ${listSuites(options.suites)}`;
  const lines = [
    "## ⏳ promptfirst: evaluating…",
    "",
    `Evaluating ${suites} at ${inlineCode(shortSha(options.sha))}. **No verdict yet**: this comment will be updated with quality, cost and prompt first when the evaluation finishes.`,
    "",
  ];
  if (options.runUrl) lines.push(`Follow the ${renderLink("workflow run", options.runUrl)}.`, "");
  lines.push(renderCommentMarker(options.key), "");
  return lines.join("\n");
}

/** Options of renderNothingTouchedComment. */
export interface RenderNothingTouchedOptions {
  key: string;
  /** The head commit. */
  sha: string;
  /** The base the change was compared with (a branch or a commit). */
  base: string;
  runUrl?: string;
}

/**
 * The short comment for a pull request that touches no suite: nothing was evaluated, so no gate passed or
 * failed (the Action decides whether to post it).
 */
export function renderNothingTouchedComment(options: RenderNothingTouchedOptions): string {
  const lines = [
    `## ${STATUS_MARK["not applicable"]} promptfirst: no suite touched`,
    "",
    `This change (${inlineCode(shortSha(options.sha))} against ${inlineCode(options.base.slice(0, 100))}) touches no prompt, case file, training data or config that a suite uses, so nothing was evaluated and no gate applies.`,
    "",
  ];
  if (options.runUrl) lines.push(`${renderLink("Workflow run", options.runUrl)}`, "");
  lines.push(renderCommentMarker(options.key), "");
  return lines.join("\n");
}

/** Options of renderStoppedComment. */
export interface RenderStoppedOptions {
  key: string;
  /** The head commit. */
  sha: string;
  /** Why the check stopped (the Action's error message: untrusted, shown as text). */
  message: string;
  runUrl?: string;
}

/** Characters and lines of the error kept in the stopped comment. */
const STOPPED_LIMITS: CaseLimits = { maxOutputChars: 2000, maxOutputLines: 20, maxCasesPerList: 0 };

/**
 * The comment for a check that stopped with an error after its "evaluating…" comment was posted: the error and
 * the run, and no verdict (no mark that could read as a pass). Replaces the evaluating comment, which would
 * otherwise say an evaluation is still running.
 */
export function renderStoppedComment(options: RenderStoppedOptions): string {
  const lines = [
    `## ${STATUS_MARK["not evaluated"]} promptfirst: stopped before a verdict`,
    "",
    `The check of ${inlineCode(shortSha(options.sha))} stopped with an error, so no gate passed or failed:`,
    "",
    ...renderTrimmedBlock(options.message, STOPPED_LIMITS),
    "",
  ];
  if (options.runUrl) lines.push(`See the ${renderLink("workflow run", options.runUrl)}.`, "");
  lines.push(renderCommentMarker(options.key), "");
  return lines.join("\n");
}
