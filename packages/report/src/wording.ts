import type { Comparison, Gate, GateStatus, RunIdentity } from "@promptfirst/core";

/**
 * Every status a report shows: the gate statuses (among them `warn`, a rule broken under `warn`, and `not
 * applicable`) and `info` (a finding that explains but never decides).
 */
export type DisplayStatus = GateStatus | "warn" | "not applicable" | "info";

/**
 * The mark of each status. Only `pass` is green; `not evaluated`, `inconclusive` and `not applicable` never look
 * like a pass.
 */
export const STATUS_MARK: Readonly<Record<DisplayStatus, string>> = {
  pass: "✅",
  fail: "❌",
  warn: "⚠️",
  inconclusive: "🟡",
  unknown: "❔",
  "not evaluated": "⚪",
  "not applicable": "➖",
  info: "ℹ️",
};

/** How bad each status is, worst highest (`info` lowest: it never decides). */
export const STATUS_SEVERITY: Readonly<Record<DisplayStatus, number>> = {
  info: -2,
  "not applicable": -1,
  pass: 0,
  "not evaluated": 1,
  inconclusive: 2,
  unknown: 3,
  warn: 4,
  fail: 5,
};

/** The mark of a status, with a neutral mark for a status this version does not know. */
export function markStatus(status: string): string {
  return STATUS_MARK[status as DisplayStatus] ?? "❔";
}

/** The severity of a status; an unknown status counts as `unknown`. */
export function rankStatus(status: string): number {
  return STATUS_SEVERITY[status as DisplayStatus] ?? STATUS_SEVERITY.unknown;
}

/** Whether a finding's status needs no attention: a pass, a note, or a rule that does not apply. */
export function isQuietStatus(status: string): boolean {
  return status === "pass" || status === "info" || status === "not applicable";
}

/** The gates of a verdict, in the order reports show them, with their labels. */
export const GATE_LABELS = {
  quality: "quality",
  cost: "cost",
  promptFirst: "prompt first",
  errors: "errors",
} as const;

/** A gate's name. */
export type GateName = keyof typeof GATE_LABELS;

/** A gate's status in words, without its mark: `quality`, `cost failed`, `quality inconclusive`. */
export function describeGateStatus(label: string, status: string): string {
  if (status === "pass") return label;
  if (status === "fail") return `${label} failed`;
  if (status === "warn") return `${label} warning`;
  return `${label} ${status}`;
}

/** `✅ quality`, `❌ cost failed`, `🟡 quality inconclusive`, `⚪ prompt first not evaluated`. */
export function formatGateWord(label: string, status: string): string {
  return `${markStatus(status)} ${describeGateStatus(label, status)}`;
}

/** The gates present in a verdict, in display order. */
export function listGates(comparison: Pick<Comparison, "verdict">): Array<{ name: GateName; gate: Gate }> {
  const gates = comparison.verdict.gates as Partial<Record<GateName, Gate>>;
  return (Object.keys(GATE_LABELS) as GateName[]).flatMap((name) => {
    const gate = gates[name];
    return gate ? [{ name, gate }] : [];
  });
}

/** One gate as a verdict line shows it. */
export interface VerdictPart {
  name: GateName;
  status: DisplayStatus;
  /** The mark and words together: `❌ cost failed`, `⚪ prompt first not evaluated`. */
  text: string;
  /** The words alone: `cost failed`. */
  words: string;
  /** Why a gate the comparison lacks shows as it does (prompt first not applied, or turned off). */
  note?: string;
}

/** Whether the prompt-first rule was turned off for this comparison (`--prompt-first off`). */
export function isPromptFirstOff(comparison: Pick<Comparison, "thresholds">): boolean {
  return comparison.thresholds.promptFirst === "off";
}

/**
 * The gates every report's verdict shows, in order: quality, cost and prompt first always (a prompt-first gate
 * the comparison lacks is `not evaluated`, or `off` when the rule was turned off; never a pass), then errors
 * when it did not pass. The markdown comment and the HTML report both read this, so they show the same gates.
 */
export function listVerdictParts(comparison: Pick<Comparison, "verdict" | "thresholds">): VerdictPart[] {
  const gates = listGates(comparison);
  const part = (name: GateName, status: string, note?: string, words?: string): VerdictPart => {
    const shown = words ?? describeGateStatus(GATE_LABELS[name], status);
    const known = status in STATUS_MARK ? (status as DisplayStatus) : "unknown";
    return {
      name,
      status: known,
      text: `${markStatus(status)} ${shown}`,
      words: shown,
      ...(note === undefined ? {} : { note }),
    };
  };
  const parts: VerdictPart[] = [];
  for (const name of ["quality", "cost", "promptFirst"] as const) {
    const found = gates.find((g) => g.name === name);
    if (found) parts.push(part(name, found.gate.status));
    else if (name === "promptFirst" && isPromptFirstOff(comparison)) {
      parts.push(
        part(name, "not applicable", "the rule was turned off (--prompt-first off)", "prompt first off"),
      );
    } else if (name === "promptFirst") {
      parts.push(part(name, "not evaluated", "the rule was not applied to this comparison"));
    } else parts.push(part(name, "not evaluated"));
  }
  const errors = gates.find((g) => g.name === "errors");
  if (errors && errors.gate.status !== "pass") parts.push(part("errors", errors.gate.status));
  return parts;
}

/** The worst status of a verdict's parts (`pass` when there are none). */
export function selectWorstStatus(statuses: readonly string[]): string {
  return statuses.reduce((a, b) => (rankStatus(b) > rankStatus(a) ? b : a), "pass");
}

/**
 * The outcome of the whole check in two parts, the lead to emphasise and the rest: `The check fails` +
 * ` (fail on: any).`; `No gate fails the check, but not every gate passed` + ` (quality inconclusive).`; or
 * `The check passes.`. A gate that is not evaluated (a missing prompt-first gate too) is never a pass.
 */
export function describeOutcome(comparison: Pick<Comparison, "verdict" | "thresholds">): {
  lead: string;
  rest: string;
} {
  const v = comparison.verdict;
  if (v.failed) return { lead: "The check fails", rest: ` (fail on: ${v.failOn}).` };
  const notPassed = listVerdictParts(comparison).filter((p) => !isQuietStatus(p.status));
  if (notPassed.length === 0) return { lead: "The check passes.", rest: "" };
  return {
    lead: "No gate fails the check, but not every gate passed",
    rest: ` (${notPassed.map((p) => p.words).join(", ")}).`,
  };
}

/** `12.3 s`, `850 ms`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** A latency: `850 ms`, `1.2 s`; `—` when unknown. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A whole number with thousands separators. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** The short form of a commit: its first 7 characters. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** How a run is named: `main@1a2b3c4`, else the result file, else the config file. */
export function describeRun(run: RunIdentity): string {
  const ref = run.git?.ref ?? run.file ?? run.config.file;
  return run.git?.sha ? `${ref}@${shortSha(run.git.sha)}` : ref;
}

/** The confidence level as people write it: `95%`. */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 1000) / 10}%`;
}
