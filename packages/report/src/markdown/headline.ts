import type { Comparison, GateFinding } from "@promptfirst/core";
import {
  formatGateWord,
  GATE_LABELS,
  isQuietStatus,
  listGates,
  markStatus,
  rankStatus,
  STATUS_MARK,
  shortSha,
} from "../wording.ts";
import { escapeMarkdown, formatCount, inlineCode } from "./escape.ts";

/** Most reasons listed under the verdict before `and N more`. */
const MAX_HEADLINE_REASONS = 6;

/** Reasons per gate listed under the verdict. */
const MAX_REASONS_PER_GATE = 3;

/**
 * The verdict line: each gate with its mark and, unless it passed, its status in words
 * (`✅ quality · ❌ cost failed · 🟡 prompt first inconclusive`). A gate the comparison lacks is shown as not
 * evaluated, never as a pass; the errors gate is shown only when it did not pass.
 */
export function renderVerdictLine(comparison: Pick<Comparison, "verdict" | "thresholds">): string {
  const gates = listGates(comparison);
  const parts: string[] = [];
  for (const name of ["quality", "cost", "promptFirst"] as const) {
    const found = gates.find((g) => g.name === name);
    if (found) parts.push(formatGateWord(GATE_LABELS[name], found.gate.status));
    else if (name === "promptFirst" && isPromptFirstOff(comparison))
      parts.push(`${STATUS_MARK["not applicable"]} prompt first off`);
    else parts.push(formatGateWord(GATE_LABELS[name], "not evaluated"));
  }
  const errors = gates.find((g) => g.name === "errors");
  if (errors && errors.gate.status !== "pass")
    parts.push(formatGateWord(GATE_LABELS.errors, errors.gate.status));
  return parts.join(" · ");
}

/** Whether the prompt-first rule was turned off for this comparison (`--prompt-first off`). */
function isPromptFirstOff(comparison: Pick<Comparison, "thresholds">): boolean {
  return comparison.thresholds.promptFirst === "off";
}

/** The mark of the whole comparison: ❌ when the check fails, ✅ only when every gate passed. */
export function markVerdict(comparison: Pick<Comparison, "verdict" | "thresholds">): string {
  if (comparison.verdict.failed) return STATUS_MARK.fail;
  const statuses = listGates(comparison).map((g) => g.gate.status as string);
  const hasPromptFirst = listGates(comparison).some((g) => g.name === "promptFirst");
  if (!hasPromptFirst && !isPromptFirstOff(comparison)) statuses.push("not evaluated");
  const worst = statuses.reduce((a, b) => (rankStatus(b) > rankStatus(a) ? b : a), "pass");
  return markStatus(worst);
}

/** One sentence on the whole check: fails, passes, or passes nothing yet. */
function describeOutcome(comparison: Comparison): string {
  const v = comparison.verdict;
  if (v.failed) return `**The check fails** (fail on: ${v.failOn}).`;
  const notPassed = listGates(comparison).filter((g) => !isQuietStatus(g.gate.status));
  if (notPassed.length === 0) return "**The check passes.**";
  return `**No gate fails the check, but not every gate passed** (${notPassed
    .map((g) => `${GATE_LABELS[g.name]} ${g.gate.status === "warn" ? "warning" : g.gate.status}`)
    .join(", ")}).`;
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

/** The findings that explain a verdict that is not a pass: per gate, the worst ones first. */
export function selectHeadlineFindings(comparison: Comparison): GateFinding[] {
  const out: GateFinding[] = [];
  for (const { gate } of listGates(comparison)) {
    if (isQuietStatus(gate.status)) continue;
    const worst = gate.findings
      .map((finding, index) => ({ finding, index }))
      .filter(({ finding }) => !isQuietStatus(finding.status))
      .sort((a, b) => rankStatus(b.finding.status) - rankStatus(a.finding.status) || a.index - b.index)
      .map(({ finding }) => finding);
    out.push(...worst.slice(0, MAX_REASONS_PER_GATE));
  }
  return out;
}

/** A finding as a list item: its mark and its (escaped) message. */
export function renderFindingItem(finding: Pick<GateFinding, "status" | "message">): string {
  return `- ${markStatus(finding.status)} ${escapeMarkdown(finding.message)}`;
}

/**
 * The top of the comment, readable in five seconds: the verdict line as a heading, whether the check fails,
 * what was compared, and the reasons behind every gate that did not pass (or, when all pass, what held).
 */
export function renderHeadline(comparison: Comparison): string[] {
  const lines = [
    `## ${markVerdict(comparison)} promptfirst: ${renderVerdictLine(comparison)}`,
    "",
    `${describeOutcome(comparison)} ${renderScopeLine(comparison)}`,
    "",
  ];
  if (!listGates(comparison).some((g) => g.name === "promptFirst") && !isPromptFirstOff(comparison)) {
    lines.push(`- ${STATUS_MARK["not evaluated"]} prompt first: the rule was not applied to this comparison`);
  }
  const findings = selectHeadlineFindings(comparison);
  if (findings.length === 0 && !comparison.verdict.failed && isQuietStatus(comparison.verdict.status)) {
    const t = comparison.thresholds;
    lines.push(
      `- ${STATUS_MARK.pass} No candidate's score dropped more than ${(t.maxScoreDrop * 100).toFixed(1)} points beyond noise, and no cost per call rose more than ${t.maxCostIncrease}%.`,
    );
  }
  for (const finding of findings.slice(0, MAX_HEADLINE_REASONS)) lines.push(renderFindingItem(finding));
  if (findings.length > MAX_HEADLINE_REASONS) {
    lines.push(`- … and ${findings.length - MAX_HEADLINE_REASONS} more below`);
  }
  if (lines[lines.length - 1] !== "") lines.push("");
  return lines;
}
