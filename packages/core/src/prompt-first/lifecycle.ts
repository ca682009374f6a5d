import { formatPoints, formatPointsAbs } from "../compare/wording.ts";
import { computeDaysLeft, lookupLifecycle } from "../pricing/lifecycle.ts";
import { OPENAI_FINE_TUNING_JOBS_END_DATE } from "../pricing/openai-shutdowns.ts";
import type { CandidateResult } from "../result/schema.ts";
import { computeCandidateGain } from "./pairing.ts";
import type { LifecycleWarning } from "./schema.ts";

/** A model a candidate depends on that has an announced shutdown date. */
export interface CandidateShutdown {
  model: string;
  shutdownDate: string;
  /** Where the date came from (`built-in`, `config`, the endpoint…). */
  source: string;
}

/** The model a candidate calls: its own, or a fine-tune's trained model. */
export function readCandidateModel(candidate: CandidateResult): string | undefined {
  return candidate.model ?? candidate.fineTune?.model;
}

/**
 * The announced shutdown of the model a candidate depends on: the lifecycle its run recorded (which knows the
 * config's `models:` facts and the endpoint's), else the built-in table for its model and, for a fine-tune, its
 * base model. Undefined when none is known.
 */
export function findCandidateShutdown(candidate: CandidateResult): CandidateShutdown | undefined {
  const recorded = candidate.lifecycle;
  if (recorded?.shutdownDate) {
    return { model: recorded.model, shutdownDate: recorded.shutdownDate, source: recorded.source };
  }
  const models = [readCandidateModel(candidate), candidate.fineTune?.baseModel].filter(
    (m): m is string => m !== undefined,
  );
  for (const model of [...new Set(models)]) {
    const found = lookupLifecycle(model, { baseURL: candidate.baseURL });
    if (found?.shutdownDate) return { model, shutdownDate: found.shutdownDate, source: found.source };
  }
  return undefined;
}

/** `49 days left`, `1 day left`, `today`, `3 days ago`. */
export function formatDaysLeft(days: number): string {
  if (days > 1) return `${days} days left`;
  if (days === 1) return "1 day left";
  if (days === 0) return "shuts down today";
  return `shut down ${-days} day${days === -1 ? "" : "s"} ago`;
}

/** What a lifecycle check compares with. */
export interface LifecycleInput {
  candidate: CandidateResult;
  shutdown: CandidateShutdown;
  /** Prompt candidates on models with no announced shutdown, evaluated, best first. */
  currentPrompts: readonly CandidateResult[];
  today: Date;
  confidence: number;
  maxScoreDrop: number;
}

const DRIFT = 1e-12;

/**
 * The lifecycle warning of a candidate whose model shuts down: the days left, and whether the best prompt on a
 * current model matches it on the cases both scored (the prompt-first rule applied to a migration):
 * `better` when the interval of (replacement − retiring) is above 0; `worse` when the replacement is lower by
 * more than `maxScoreDrop` and the drop is significant (one-sided, at `confidence`); `matches` when it is lower
 * by at most `maxScoreDrop` (or higher, within noise); `inconclusive` when it is lower by more, within noise.
 */
export function assessLifecycle(input: LifecycleInput): LifecycleWarning {
  const { candidate, shutdown, today } = input;
  const daysLeft = computeDaysLeft(shutdown.shutdownDate, today);
  const when = `${shutdown.shutdownDate} (${formatDaysLeft(daysLeft)})`;
  const isFineTune = candidate.kind === "fine-tune";
  const own = readCandidateModel(candidate);
  const viaBase = isFineTune && shutdown.model !== own;
  const subject = viaBase
    ? `${candidate.name}'s base model ${shutdown.model} shuts down on ${when}`
    : isFineTune
      ? `your fine-tune ${candidate.name} (${shutdown.model}) retires on ${when}`
      : `${candidate.name}'s model ${shutdown.model} shuts down on ${when}`;
  const jobs =
    isFineTune && shutdown.source === "built-in"
      ? `; OpenAI accepts no new fine-tuning jobs from ${OPENAI_FINE_TUNING_JOBS_END_DATE}`
      : "";
  const warning: LifecycleWarning = {
    candidate: candidate.name,
    kind: candidate.kind,
    model: shutdown.model,
    shutdownDate: shutdown.shutdownDate,
    daysLeft,
    message: "",
  };

  const evaluated = !candidate.skipped && candidate.summary.meanScore !== null;
  const replacement = input.currentPrompts.find((p) => p !== candidate);
  if (!replacement) {
    warning.message = `${subject}${jobs}; no prompt candidate on a current model in this suite: add one to see whether a prompt matches it`;
    return warning;
  }
  const replacementName = `prompt ${replacement.name} on ${readCandidateModel(replacement) ?? "its model"}`;
  if (!evaluated) {
    const score = replacement.summary.meanScore;
    warning.message = `${subject}${jobs}; a fine-tune of it would retire with it, while ${replacementName} scores ${score === null ? "—" : `${(score * 100).toFixed(1)}%`}`;
    return warning;
  }
  const gain = computeCandidateGain(candidate, replacement, input.confidence);
  if (!gain) {
    warning.message = `${subject}${jobs}; ${replacementName} scored none of the cases it did, so they cannot be compared`;
    return warning;
  }
  const alpha = 1 - input.confidence;
  const drop = -gain.meanDiff;
  const verdict: NonNullable<LifecycleWarning["matchedBy"]>["verdict"] =
    gain.ciLow !== null && gain.ciLow > 0
      ? "better"
      : drop > input.maxScoreDrop + DRIFT && gain.pValueDrop !== null && gain.pValueDrop < alpha
        ? "worse"
        : drop <= input.maxScoreDrop + DRIFT
          ? "matches"
          : "inconclusive";
  warning.matchedBy = {
    candidate: replacement.name,
    model: readCandidateModel(replacement) ?? null,
    meanDiff: gain.meanDiff,
    ciLow: gain.ciLow,
    ciHigh: gain.ciHigh,
    n: gain.n,
    verdict,
  };
  const level = `${Math.round(input.confidence * 1000) / 10}%`;
  const interval =
    gain.ciLow === null || gain.ciHigh === null
      ? `on ${gain.n} case(s)`
      : `${level} CI ${formatPoints(gain.ciLow)} to ${formatPoints(gain.ciHigh)} on ${gain.n} case(s)`;
  const figures = `${formatPoints(gain.meanDiff)} points, ${interval}`;
  const retire = isFineTune ? "retire the fine-tune" : `switch to ${replacement.name}`;
  switch (verdict) {
    case "better":
      warning.message = `${subject}${jobs}; ${replacementName} beats it (${figures}) — ${retire}`;
      break;
    case "matches":
      warning.message = `${subject}${jobs}; ${replacementName} matches it (${figures}) — ${retire}`;
      break;
    case "worse": {
      const fix = isFineTune
        ? "improve it, or move the fine-tune to a model that stays available"
        : "improve it, or find another current model";
      warning.message = `${subject}${jobs}; the best prompt on a current model, ${replacementName}, scores ${formatPointsAbs(drop)} points lower (${interval}): ${fix}, before then`;
      break;
    }
    case "inconclusive":
      warning.message = `${subject}${jobs}; ${replacementName} scores ${formatPointsAbs(drop)} points lower, but within noise (${interval}): add cases to tell whether it matches`;
      break;
  }
  return warning;
}
