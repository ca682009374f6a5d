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

/** `✅ quality`, `❌ cost failed`, `🟡 quality inconclusive`, `⚪ prompt first not evaluated`. */
export function formatGateWord(label: string, status: string): string {
  if (status === "pass") return `${STATUS_MARK.pass} ${label}`;
  if (status === "fail") return `${STATUS_MARK.fail} ${label} failed`;
  if (status === "warn") return `${STATUS_MARK.warn} ${label} warning`;
  return `${markStatus(status)} ${label} ${status}`;
}

/** The gates present in a verdict, in display order. */
export function listGates(comparison: Pick<Comparison, "verdict">): Array<{ name: GateName; gate: Gate }> {
  const gates = comparison.verdict.gates as Partial<Record<GateName, Gate>>;
  return (Object.keys(GATE_LABELS) as GateName[]).flatMap((name) => {
    const gate = gates[name];
    return gate ? [{ name, gate }] : [];
  });
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
