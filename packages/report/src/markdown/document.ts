import type { Comparison } from "@promptfirst/core";
import { STATUS_MARK } from "../wording.ts";
import { measureText, type SizeUnit, trimMarkdownLines } from "./budget.ts";
import { type CaseLimits, renderFlipList, renderImprovementIds, renderRegressionIds } from "./cases.ts";
import { renderMermaidChart } from "./chart.ts";
import { renderDataSection } from "./data.ts";
import { escapeMarkdown, inlineCode } from "./escape.ts";
import { describeFullReport, type ReportLinks } from "./footer.ts";
import { renderHeadline, selectHeadlineFindings } from "./headline.ts";
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

/** A top-level section of a report's body (a suite, the prompt-first rule, the training data, …). */
export interface MarkdownSection {
  /** How a note names it (markdown): `Suite \`support\``, `Training data`. */
  title: string;
  lines: string[];
}

/** A markdown report at one level of detail: the top (verdict and reasons), the body, and what it left out. */
export interface MarkdownParts {
  head: string;
  body: string;
  sections: MarkdownSection[];
  /** What this level leaves out that the full report shows; empty at `all`. */
  omitted: Omission[];
}

/** Detail a level leaves out: the note's phrase, and the sections it is about. */
export interface Omission {
  text: string;
  /** Titles of the sections that lost this detail (a note leaves it unsaid when they were all cut out). */
  sections: string[];
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** Render a comparison as markdown at one level of detail (no footer, no budget). */
export function renderMarkdownParts(
  comparison: Comparison,
  level: DetailLevel,
  limits: CaseLimits,
): MarkdownParts {
  const shown = selectHeadlineFindings(comparison);
  const head = renderHeadline(comparison, shown);
  const shownSet = new Set(shown);
  const sections: MarkdownSection[] = [];
  for (const suite of comparison.suites) {
    const lines = [renderSuiteHeading(suite), "", describeSuiteFacts(suite), ""];
    lines.push(renderCandidateTable(suite, comparison.thresholds.confidence), "");
    lines.push(...renderSuiteFindings(collectSuiteFindings(comparison, suite.name, shownSet)));
    lines.push(...renderFlakyLines(suite));
    if (level === "summary") {
      lines.push(...renderRegressionIds(suite));
      lines.push(...renderImprovementIds(suite));
    } else {
      for (const candidate of suite.candidates)
        lines.push(...renderFlipList(suite, candidate, "regressions", limits));
      if (level === "all") {
        for (const candidate of suite.candidates) {
          lines.push(...renderFlipList(suite, candidate, "improvements", limits));
        }
      } else lines.push(...renderImprovementIds(suite));
    }
    sections.push({ title: `Suite ${inlineCode(suite.name)}`, lines });
  }
  const brief = level === "summary";
  const promptFirst = renderPromptFirstSection(comparison, { brief });
  if (promptFirst.length > 0) sections.push({ title: "Prompt first", lines: promptFirst });
  const data = renderDataSection(comparison, { brief });
  if (data.length > 0) sections.push({ title: "Training data", lines: data });
  const chart = renderMermaidChart(comparison);
  if (chart.length > 0) {
    sections.push({ title: "Scores chart", lines: ["### Scores, base vs head", "", ...chart, ""] });
  }
  if (comparison.warnings.length > 0) {
    sections.push({
      title: "Warnings",
      lines: [
        "### Warnings",
        "",
        ...comparison.warnings.map((w) => `- ${STATUS_MARK.warn} ${escapeMarkdown(w)}`),
        "",
      ],
    });
  }
  const omitted: Omission[] = [];
  const flipped = (kind: "regressions" | "improvements"): string[] =>
    comparison.suites
      .filter((s) => s.candidates.some((c) => c.flips[kind].length > 0))
      .map((s) => `Suite ${inlineCode(s.name)}`);
  const regressed = level === "summary" ? flipped("regressions") : [];
  const improved = level !== "all" ? flipped("improvements") : [];
  if (regressed.length > 0 || improved.length > 0) {
    const which =
      regressed.length > 0 && improved.length > 0
        ? "regressed and improved"
        : regressed.length > 0
          ? "regressed"
          : "improved";
    omitted.push({
      text: `the ${which} cases' details (their ids are listed)`,
      sections: [...new Set([...regressed, ...improved])],
    });
  }
  if (brief && !sameLines(promptFirst, renderPromptFirstSection(comparison, { brief: false }))) {
    omitted.push({ text: "the prompt-first rule's notes", sections: ["Prompt first"] });
  }
  if (brief && !sameLines(data, renderDataSection(comparison, { brief: false }))) {
    omitted.push({
      text: "the training-data findings (their counts are listed)",
      sections: ["Training data"],
    });
  }
  // One entry per line (a table or a fence is rendered as one multi-line string), so that a cut's line count
  // maps onto the sections.
  const split = sections.map((s) => ({ ...s, lines: s.lines.flatMap((line) => line.split("\n")) }));
  return {
    head: head.join("\n"),
    body: split.flatMap((s) => s.lines).join("\n"),
    sections: split,
    omitted,
  };
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

/** Which sections a cut after some lines of the body shortened, and which it left out entirely. */
export interface CutSections {
  /** The section the cut falls in (some of its lines kept), if any. */
  shortened?: string;
  /** Sections none of whose lines were kept. */
  dropped: string[];
}

/** `a`, `a and b`, `a, b and c`. */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/**
 * Which sections lose lines when only the first `kept` lines of the body are kept (blank lines do not count:
 * a section that loses only its trailing blank line is whole). Undefined when every section is whole.
 */
export function describeCut(sections: readonly MarkdownSection[], kept: number): CutSections | undefined {
  const cut: CutSections = { dropped: [] };
  let start = 0;
  for (const section of sections) {
    let total = 0;
    let keptHere = 0;
    section.lines.forEach((line, i) => {
      if (line.trim() === "") return;
      total++;
      if (start + i < kept) keptHere++;
    });
    start += section.lines.length;
    if (keptHere === total) continue;
    if (keptHere === 0) cut.dropped.push(section.title);
    else cut.shortened = section.title;
  }
  return cut.shortened === undefined && cut.dropped.length === 0 ? undefined : cut;
}

/**
 * What the note says was dropped: the details left out at this level (unless every section they are about was
 * cut out), and the sections a cut shortened or dropped.
 */
export function describeDropped(omitted: readonly Omission[], cut: CutSections | undefined): string {
  const gone = new Set(cut?.dropped ?? []);
  const details = omitted.filter((o) => !o.sections.every((s) => gone.has(s))).map((o) => o.text);
  const parts: string[] = [];
  if (details.length > 0)
    // Every phrase names plural things (details, notes, findings).
    parts.push(`${joinWords(details)} were left out`);
  if (cut?.shortened !== undefined) parts.push(`the ${cut.shortened} section was cut short`);
  if (cut && cut.dropped.length > 0) {
    const several = cut.dropped.length > 1;
    parts.push(
      `the ${joinWords(cut.dropped)} section${several ? "s" : ""} ${several ? "were" : "was"} left out`,
    );
  }
  return parts.join("; ");
}

function renderNotice(
  comparison: Comparison,
  omitted: readonly Omission[],
  cut: CutSections | undefined,
  options: FitOptions,
): string {
  const dropped = describeDropped(omitted, cut);
  if (dropped === "") return "";
  const runs = {
    ...(comparison.head.file === undefined ? {} : { head: comparison.head.file }),
    ...(comparison.base.file === undefined ? {} : { base: comparison.base.file }),
  };
  return `> [!NOTE]\n> Shortened to fit ${options.limitName}: ${dropped}. ${describeFullReport(options.links, runs)}.\n\n`;
}

/**
 * Render within a size budget, dropping detail in stages: every case, then regressions only, then the summary;
 * when even the summary is too long its body is cut on line boundaries (open fences and `<details>` closed
 * again). A note under the verdict says exactly what was dropped (the details each stage leaves out, and the
 * sections the cut shortened or left out) and where the full report is; the footer is always kept.
 */
export function fitMarkdown(comparison: Comparison, options: FitOptions): FittedMarkdown {
  const { footer, unit, budget } = options;
  let parts: MarkdownParts | undefined;
  for (const level of DETAIL_LEVELS) {
    parts = renderMarkdownParts(comparison, level, options.limits);
    const text = `${parts.head}\n${renderNotice(comparison, parts.omitted, undefined, options)}${parts.body}${footer}`;
    if (measureText(text, unit) <= budget) return { text, level, cut: false };
  }
  const last = parts!;
  const head = `${last.head}\n`;
  const noticeAfter = (kept: number): string =>
    renderNotice(comparison, last.omitted, describeCut(last.sections, kept), options);
  const room = budget - measureText(footer, unit) - measureText(head, unit);
  const body = trimMarkdownLines(last.body, room, unit, (kept) => measureText(noticeAfter(kept), unit));
  const kept = last.body.split("\n").length - body.droppedLines;
  const text = `${head}${noticeAfter(kept)}${body.text}${footer}`;
  if (measureText(text, unit) <= budget) return { text, level: "summary", cut: true };
  // The verdict and its reasons alone are over the budget: cut them too, with the note (every section went) right
  // under the verdict line so that it stays.
  const [title = "", , ...reasons] = head.split("\n");
  const top = `${title}\n\n${noticeAfter(0)}${reasons.join("\n")}`;
  const trimmed = trimMarkdownLines(top, budget - measureText(footer, unit), unit);
  return { text: `${trimmed.text}${footer}`, level: "summary", cut: true };
}
