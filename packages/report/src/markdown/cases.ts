import {
  type CandidateComparison,
  type Flip,
  type FlipSide,
  formatIdList,
  formatScorePercent,
  type SuiteComparison,
} from "@promptfirst/core";
import { STATUS_MARK } from "../wording.ts";
import {
  escapeHtmlInline,
  escapeMarkdown,
  fenceCode,
  formatTrimNote,
  inlineCode,
  trimOutput,
} from "./escape.ts";

/** Limits on the cases shown in markdown. */
export interface CaseLimits {
  /** Characters of each output kept (the rest is trimmed with a note). */
  maxOutputChars: number;
  /** Lines of each output kept. */
  maxOutputLines: number;
  /** Regressions (and improvements) shown per candidate; the others are listed by id. */
  maxCasesPerList: number;
}

/** A block of untrusted text in a fence, trimmed to the limits with a note after it. */
export function renderTrimmedBlock(text: string, limits: CaseLimits, lang = "text"): string[] {
  const trimmed = trimOutput(text, { maxChars: limits.maxOutputChars, maxLines: limits.maxOutputLines });
  const note = formatTrimNote(trimmed);
  return note ? [fenceCode(trimmed.text, lang), `<sub>${note}</sub>`] : [fenceCode(trimmed.text, lang)];
}

/** A case's inputs as pretty JSON (strings and numbers as they are). */
export function formatVars(vars: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(vars, null, 2) ?? "{}";
  } catch {
    return String(vars);
  }
}

function describeSideScore(side: FlipSide): string {
  if (side.error !== undefined) return "error";
  const score = side.score === null ? "not scored" : `score ${side.score.toFixed(2)}`;
  const rate =
    side.passRate > 0 && side.passRate < 1 ? `, passed ${formatScorePercent(side.passRate)} of samples` : "";
  return `${score}${rate}`;
}

function renderSide(label: string, side: FlipSide, limits: CaseLimits): string[] {
  const lines = [`**${label}** (${describeSideScore(side)})`, ""];
  if (side.error !== undefined) lines.push(`Error: ${escapeMarkdown(side.error)}`, "");
  if (side.output !== null) lines.push(...renderTrimmedBlock(side.output, limits), "");
  else if (side.error === undefined) lines.push("_no output_", "");
  return lines;
}

function renderReasons(flip: Flip, limits: CaseLimits): string[] {
  const lines: string[] = [];
  const max = Math.min(400, limits.maxOutputChars);
  for (const [label, side] of [
    ["base", flip.base],
    ["head", flip.head],
  ] as const) {
    for (const s of side.scores) {
      const trimmed = trimOutput(s.reason, { maxChars: max, maxLines: 1_000 });
      const note = trimmed.omittedChars > 0 ? ` ${formatTrimNote(trimmed)}` : "";
      const score = s.score === null ? "n/a" : s.score.toFixed(2);
      lines.push(
        `- ${label} · ${inlineCode(s.name)} ${s.pass ? STATUS_MARK.pass : STATUS_MARK.fail} ${score}: ${escapeMarkdown(trimmed.text)}${escapeMarkdown(note)}`,
      );
    }
  }
  return lines.length > 0 ? ["**Why**", "", ...lines, ""] : [];
}

/** One flipped case: id, cluster, flakiness, inputs, expected, both outputs and the scorers' reasons. */
export function renderFlip(flip: Flip, candidate: CandidateComparison, limits: CaseLimits): string[] {
  const tags: string[] = [];
  if (flip.cluster !== undefined) tags.push(`cluster ${inlineCode(flip.cluster)}`);
  if (candidate.flaky.head.includes(flip.caseId)) tags.push(`${STATUS_MARK.warn} flaky on head`);
  if (candidate.flaky.base.includes(flip.caseId)) tags.push(`${STATUS_MARK.warn} flaky on base`);
  const score = (s: number | null): string => (s === null ? "—" : s.toFixed(2));
  const lines = [
    `#### ${inlineCode(flip.caseId)} · ${score(flip.base.score)} → ${score(flip.head.score)}${tags.length ? ` · ${tags.join(" · ")}` : ""}`,
    "",
    "**Inputs**",
    "",
    ...renderTrimmedBlock(
      formatVars(flip.vars),
      { ...limits, maxOutputChars: Math.min(600, limits.maxOutputChars) },
      "json",
    ),
    "",
  ];
  if (flip.expected !== undefined) {
    const expected =
      typeof flip.expected === "string" ? flip.expected : formatVars({ expected: flip.expected });
    lines.push("**Expected**", "", ...renderTrimmedBlock(expected, { ...limits, maxOutputChars: 400 }), "");
  }
  lines.push(...renderSide("Base output", flip.base, limits));
  lines.push(...renderSide("Head output", flip.head, limits));
  lines.push(...renderReasons(flip, limits));
  return lines;
}

/**
 * A candidate's regressions or improvements in a `<details>`: the first `maxCasesPerList` in full, the rest by
 * id. Empty when there are none.
 */
export function renderFlipList(
  suite: SuiteComparison,
  candidate: CandidateComparison,
  kind: "regressions" | "improvements",
  limits: CaseLimits,
): string[] {
  const flips = candidate.flips[kind];
  if (flips.length === 0) return [];
  const title =
    kind === "regressions"
      ? `${STATUS_MARK.fail} ${flips.length} regression${flips.length === 1 ? "" : "s"} in ${suite.name} / ${candidate.name}: passed on base, fail on head`
      : `${STATUS_MARK.pass} ${flips.length} improvement${flips.length === 1 ? "" : "s"} in ${suite.name} / ${candidate.name}: failed on base, pass on head`;
  const lines = [`<details><summary>${escapeHtmlInline(title)}</summary>`, ""];
  const shown = flips.slice(0, limits.maxCasesPerList);
  for (const flip of shown) lines.push(...renderFlip(flip, candidate, limits));
  const rest = flips.slice(limits.maxCasesPerList);
  if (rest.length > 0) {
    lines.push(
      `… and ${rest.length} more, not shown here: ${escapeMarkdown(
        formatIdList(
          rest.map((f) => f.caseId),
          20,
        ),
      )}`,
      "",
    );
  }
  lines.push("</details>", "");
  return lines;
}

/** One line per candidate with improvements, by id, for when their details are left out. */
export function renderImprovementIds(suite: SuiteComparison): string[] {
  const lines: string[] = [];
  for (const c of suite.candidates) {
    const ids = c.flips.improvements.map((f) => f.caseId);
    if (ids.length === 0) continue;
    lines.push(
      `- ${STATUS_MARK.pass} ${inlineCode(c.name)}: ${ids.length} improvement${ids.length === 1 ? "" : "s"}: ${escapeMarkdown(formatIdList(ids, 8))}`,
    );
  }
  if (lines.length > 0) lines.push("");
  return lines;
}

/** One line per candidate with regressions, by id (the summary level). */
export function renderRegressionIds(suite: SuiteComparison): string[] {
  const lines: string[] = [];
  for (const c of suite.candidates) {
    const ids = c.flips.regressions.map((f) => f.caseId);
    if (ids.length === 0) continue;
    lines.push(
      `- ${STATUS_MARK.fail} ${inlineCode(c.name)}: ${ids.length} regression${ids.length === 1 ? "" : "s"} (passed on base, fail on head): ${escapeMarkdown(formatIdList(ids, 8))}`,
    );
  }
  if (lines.length > 0) lines.push("");
  return lines;
}
