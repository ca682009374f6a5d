import type { Comparison } from "@promptfirst/core";
import { STATUS_MARK } from "../wording.ts";
import { measureText, type SizeUnit, trimMarkdownLines } from "./budget.ts";
import { type CaseLimits, renderFlipList, renderImprovementIds, renderRegressionIds } from "./cases.ts";
import { renderMermaidChart } from "./chart.ts";
import { renderDataSection } from "./data.ts";
import { escapeMarkdown } from "./escape.ts";
import { describeFullReport, type ReportLinks } from "./footer.ts";
import { renderHeadline } from "./headline.ts";
import { renderPromptFirstSection } from "./prompt-first.ts";
import {
  collectSuiteFindings,
  describeSuiteFacts,
  renderCandidateTable,
  renderFlakyLines,
  renderSuiteFindings,
  renderSuiteHeading,
} from "./suite.ts";

/**
 * How much detail a markdown report carries, from most to least: every flipped case (`all`), regressions only
 * (`regressions`), or no case at all (`summary`). Renderers drop to the next level when a budget is exceeded.
 */
export type DetailLevel = "all" | "regressions" | "summary";

/** The levels in the order they are tried. */
export const DETAIL_LEVELS: readonly DetailLevel[] = ["all", "regressions", "summary"];

/** The two parts of a markdown report: the top (verdict and reasons) and the rest. */
export interface MarkdownParts {
  head: string;
  body: string;
}

/** Render a comparison as markdown at one level of detail (no footer, no budget). */
export function renderMarkdownParts(
  comparison: Comparison,
  level: DetailLevel,
  limits: CaseLimits,
): MarkdownParts {
  const head = renderHeadline(comparison);
  const body: string[] = [];
  const brief = level === "summary";
  for (const suite of comparison.suites) {
    body.push(renderSuiteHeading(suite), "", describeSuiteFacts(suite), "");
    body.push(renderCandidateTable(suite, comparison.thresholds.confidence), "");
    body.push(...renderSuiteFindings(collectSuiteFindings(comparison, suite.name)));
    body.push(...renderFlakyLines(suite));
    if (level === "summary") {
      body.push(...renderRegressionIds(suite));
      body.push(...renderImprovementIds(suite));
      continue;
    }
    for (const candidate of suite.candidates)
      body.push(...renderFlipList(suite, candidate, "regressions", limits));
    if (level === "all") {
      for (const candidate of suite.candidates) {
        body.push(...renderFlipList(suite, candidate, "improvements", limits));
      }
    } else body.push(...renderImprovementIds(suite));
  }
  body.push(...renderPromptFirstSection(comparison, { brief }));
  body.push(...renderDataSection(comparison, { brief }));
  const chart = renderMermaidChart(comparison);
  if (chart.length > 0) body.push("### Scores, base vs head", "", ...chart, "");
  if (comparison.warnings.length > 0) {
    body.push(
      "### Warnings",
      "",
      ...comparison.warnings.map((w) => `- ${STATUS_MARK.warn} ${escapeMarkdown(w)}`),
      "",
    );
  }
  return { head: head.join("\n"), body: body.join("\n") };
}

/** What a budgeted render needs. */
export interface FitOptions {
  /** Most characters (or bytes) of the whole text, footer included. */
  budget: number;
  unit: SizeUnit;
  /** What the limit is called in the note (`GitHub's 65,536-character comment limit`). */
  limitName: string;
  links: ReportLinks;
  limits: CaseLimits;
  /** The footer, always kept whole at the end (it carries the marker). */
  footer: string;
}

/** The result of a budgeted render. */
export interface FittedMarkdown {
  text: string;
  level: DetailLevel;
  /** Whether the summary still did not fit and its end was cut. */
  cut: boolean;
}

function describeDropped(level: DetailLevel, cut: boolean): string {
  const parts: string[] = [];
  if (level === "regressions") parts.push("the improved cases' details were left out");
  if (level === "summary")
    parts.push("the regressed and improved cases' details were left out (their ids are listed)");
  if (cut) parts.push("the end of the report was cut");
  return parts.join(", and ");
}

function renderNotice(level: DetailLevel, cut: boolean, options: FitOptions): string {
  if (level === "all" && !cut) return "";
  return `> [!NOTE]\n> Shortened to fit ${options.limitName}: ${describeDropped(level, cut)}. ${describeFullReport(options.links)}.\n\n`;
}

/**
 * Render within a size budget, dropping detail in stages: every case, then regressions only, then the summary;
 * when even the summary is too long it is cut on line boundaries (open fences and `<details>` closed again). A
 * note under the verdict says what was dropped and where the full report is; the footer is always kept.
 */
export function fitMarkdown(comparison: Comparison, options: FitOptions): FittedMarkdown {
  const footer = options.footer;
  let parts: MarkdownParts | undefined;
  for (const level of DETAIL_LEVELS) {
    parts = renderMarkdownParts(comparison, level, options.limits);
    const text = `${parts.head}\n${renderNotice(level, false, options)}${parts.body}${footer}`;
    if (measureText(text, options.unit) <= options.budget) return { text, level, cut: false };
  }
  const last = parts!;
  const notice = renderNotice("summary", true, options);
  const room = options.budget - measureText(footer, options.unit);
  const trimmed = trimMarkdownLines(`${last.head}\n${notice}${last.body}`, room, options.unit);
  return { text: `${trimmed.text}${footer}`, level: "summary", cut: true };
}
