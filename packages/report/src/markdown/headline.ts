import type { Comparison, GateFinding } from "@promptfirst/core";
import { type ChangeSegment, type ChangeSummary, collectChanges } from "../changes.ts";
import {
  describeOutcome,
  isQuietStatus,
  listGates,
  listVerdictParts,
  markStatus,
  rankStatus,
  STATUS_MARK,
  selectWorstStatus,
  shortSha,
} from "../wording.ts";
import { escapeMarkdown, formatCount, inlineCode } from "./escape.ts";
import { describeRecommendation, formatDaysLeft, PROMPT_FIRST_MARK } from "./prompt-first.ts";

/** Most reasons listed under the verdict before `and N more`. */
const MAX_HEADLINE_REASONS = 6;

/** Reasons per gate listed under the verdict. */
const MAX_REASONS_PER_GATE = 3;

/** Changes listed in the "What changed" line before `and N more`. */
const MAX_CHANGE_ITEMS = 8;

/**
 * The verdict line: each gate with its mark and, unless it passed, its status in words
 * (`✅ quality · ❌ cost failed · 🟡 prompt first inconclusive`). A gate the comparison lacks is shown as not
 * evaluated, never as a pass; the errors gate is shown only when it did not pass.
 */
export function renderVerdictLine(comparison: Pick<Comparison, "verdict" | "thresholds">): string {
  return listVerdictParts(comparison)
    .map((p) => p.text)
    .join(" · ");
}

/** The mark of the whole comparison: ❌ when the check fails, ✅ only when every gate passed. */
export function markVerdict(comparison: Pick<Comparison, "verdict" | "thresholds">): string {
  if (comparison.verdict.failed) return STATUS_MARK.fail;
  return markStatus(selectWorstStatus(listVerdictParts(comparison).map((p) => p.status)));
}

/** What was compared: head against base, suites, candidates and the cases both sides ran. */
export function renderScopeLine(comparison: Comparison): string {
  const run = (r: Comparison["head"]): string => {
    const ref = inlineCode(r.git?.ref ?? r.file ?? r.config.file);
    return r.git?.sha ? `${ref} (${inlineCode(shortSha(r.git.sha))})` : ref;
  };
  const candidates = comparison.suites.reduce((n, s) => n + s.candidates.length, 0);
  const matched = comparison.suites.reduce((n, s) => n + s.cases.matched, 0);
  return [
    `head ${run(comparison.head)} against base ${run(comparison.base)}`,
    formatCount(comparison.suites.length, "suite"),
    formatCount(candidates, "candidate"),
    `${formatCount(matched, "case")} on both sides`,
  ].join(" · ");
}

/** A change's segments as inline markdown: names as code, words escaped. */
export function renderChangeSegments(segments: readonly ChangeSegment[]): string {
  return segments
    .map((s) => ("code" in s ? inlineCode(s.code.slice(0, 120)) : escapeMarkdown(s.text)))
    .join("");
}

/** `**What changed:** `prompt-v3`: gpt-4o-mini → gpt-4.1-mini · config hash …`, empty when nothing did. */
export function renderChangesLine(changes: ChangeSummary): string {
  if (changes.items.length === 0) return "";
  const shown = changes.items.slice(0, MAX_CHANGE_ITEMS).map((item) => renderChangeSegments(item.segments));
  const more = changes.items.length - shown.length;
  return `**What changed:** ${shown.join(" · ")}${more > 0 ? ` · and ${more} more` : ""}`;
}

/**
 * The findings that explain a verdict that is not a pass: per gate, the worst ones first. The prompt-first
 * gate's findings are left out when the comparison carries the rule's report: the headline summarises each
 * suite under the rule instead (see renderPromptFirstHeadline), and the prompt-first section lists them.
 */
export function selectHeadlineFindings(comparison: Comparison): GateFinding[] {
  const out: GateFinding[] = [];
  for (const { name, gate } of listGates(comparison)) {
    if (isQuietStatus(gate.status)) continue;
    if (name === "promptFirst" && comparison.promptFirst) continue;
    const worst = gate.findings
      .map((finding, index) => ({ finding, index }))
      .filter(({ finding }) => !isQuietStatus(finding.status))
      .sort((a, b) => rankStatus(b.finding.status) - rankStatus(a.finding.status) || a.index - b.index)
      .map(({ finding }) => finding);
    out.push(...worst.slice(0, MAX_REASONS_PER_GATE));
  }
  return out.slice(0, MAX_HEADLINE_REASONS);
}

/** A finding as a list item: its mark and its (escaped) message. */
export function renderFindingItem(finding: Pick<GateFinding, "status" | "message">): string {
  return `- ${markStatus(finding.status)} ${escapeMarkdown(finding.message)}`;
}

/**
 * One line per suite the prompt-first rule did not let pass (violated, warning): its status, how many
 * violations and warnings, the nearest model shutdown with its days left, and the recommendation. The
 * findings themselves are listed once, in the prompt-first section.
 */
export function renderPromptFirstHeadline(comparison: Comparison): string[] {
  const report = comparison.promptFirst;
  if (!report) return [];
  const lines: string[] = [];
  for (const suite of report.suites) {
    if (suite.status !== "violated" && suite.status !== "warning") continue;
    const violations = suite.findings.filter((f) => f.severity === "violation").length;
    const warnings = suite.findings.filter((f) => f.severity === "warning").length;
    const counts = [
      violations > 0 ? formatCount(violations, "violation") : "",
      warnings > 0 ? formatCount(warnings, "warning") : "",
    ].filter(Boolean);
    const soonest = [...suite.lifecycle].sort((a, b) => a.daysLeft - b.daysLeft)[0];
    const shutdown = soonest
      ? ` · model shutdown: ${inlineCode(soonest.candidate)} (**${formatDaysLeft(soonest.daysLeft)}**)`
      : "";
    const mark = PROMPT_FIRST_MARK[suite.status] ?? STATUS_MARK.unknown;
    lines.push(
      `- ${mark} prompt first · ${inlineCode(suite.suite)}: ${suite.status}${counts.length > 0 ? ` (${counts.join(", ")})` : ""}${shutdown} · recommendation: ${describeRecommendation(suite.recommendation.kind)} (see Prompt first below)`,
    );
  }
  return lines;
}

/**
 * The top of the comment, readable in five seconds: the verdict line with what changed as a heading, whether
 * the check fails, what was compared, what changed in detail, and the reasons behind every gate that did not
 * pass (or, when all pass, what held). Findings shown here are not repeated under their suite.
 */
export function renderHeadline(
  comparison: Comparison,
  findings = selectHeadlineFindings(comparison),
): string[] {
  const changes = collectChanges(comparison);
  const outcome = describeOutcome(comparison);
  const lines = [
    `## ${markVerdict(comparison)} promptfirst: ${renderVerdictLine(comparison)} — ${changes.brief}`,
    "",
    `**${outcome.lead}**${outcome.rest} ${renderScopeLine(comparison)}`,
    "",
  ];
  const changed = renderChangesLine(changes);
  if (changed !== "") lines.push(changed, "");
  for (const part of listVerdictParts(comparison)) {
    if (part.note !== undefined && !isQuietStatus(part.status)) {
      lines.push(`- ${STATUS_MARK[part.status]} ${part.words}: ${part.note}`);
    }
  }
  if (findings.length === 0 && !comparison.verdict.failed && isQuietStatus(comparison.verdict.status)) {
    const t = comparison.thresholds;
    lines.push(
      `- ${STATUS_MARK.pass} No candidate's score dropped more than ${(t.maxScoreDrop * 100).toFixed(1)} points beyond noise, and no cost per call rose more than ${t.maxCostIncrease}%.`,
    );
  }
  for (const finding of findings) lines.push(renderFindingItem(finding));
  const more = countHeadlineCandidates(comparison) - findings.length;
  if (more > 0) lines.push(`- … and ${more} more under the suites below`);
  lines.push(...renderPromptFirstHeadline(comparison));
  if (lines[lines.length - 1] !== "") lines.push("");
  return lines;
}

/** How many findings could explain the verdict (those not quiet, outside the summarised prompt-first gate). */
function countHeadlineCandidates(comparison: Comparison): number {
  return listGates(comparison)
    .filter(
      ({ name, gate }) => !isQuietStatus(gate.status) && !(name === "promptFirst" && comparison.promptFirst),
    )
    .reduce((n, { gate }) => n + gate.findings.filter((f) => !isQuietStatus(f.status)).length, 0);
}
