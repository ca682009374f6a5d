import type { CandidateResult } from "../result/schema.ts";
import type { DataReport } from "../training/report.ts";
import type { FineTuneCosts } from "./schema.ts";

/** Hours billed a month for a dedicated endpoint (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Months over which `costPerPointUsd` adds the monthly difference to the training cost. */
export const COST_HORIZON_MONTHS = 12;

const TOKENS_PER_MTOK = 1_000_000;

/** The training cost of a fine-tune: the DataReport's estimate, else checked tokens × epochs × config price. */
export function computeTrainingCost(
  fineTune: NonNullable<CandidateResult["fineTune"]>,
  report: DataReport | undefined,
): Pick<FineTuneCosts, "trainingUsd" | "trainingSource" | "trainingReason"> {
  if (!report) {
    return {
      trainingUsd: null,
      trainingSource: null,
      trainingReason: `${fineTune.trainingData} was not checked, so its tokens are not known`,
    };
  }
  if (report.cost.usd !== null) {
    return { trainingUsd: report.cost.usd, trainingSource: "data report", trainingReason: null };
  }
  if (fineTune.trainingPricePerMTok !== undefined) {
    const epochs = fineTune.epochs ?? report.epochs.value;
    return {
      trainingUsd: (report.tokens.billedPerEpoch * epochs * fineTune.trainingPricePerMTok) / TOKENS_PER_MTOK,
      trainingSource: "tokens × epochs × price",
      trainingReason: null,
    };
  }
  return {
    trainingUsd: null,
    trainingSource: null,
    trainingReason:
      report.cost.reason ??
      `no training price is known for ${fineTune.baseModel}: set fineTune.trainingPricePerMTok`,
  };
}

/** What the cost figures are computed from. */
export interface FineTuneCostInput {
  fineTune: CandidateResult;
  /** The best prompt candidate, when there is one. */
  prompt: CandidateResult | undefined;
  /** The suite's expected calls a month. */
  volume: number | undefined;
  report: DataReport | undefined;
  /** Fine-tune − best prompt, mean score; null when not measured. */
  meanDiff: number | null;
}

function readCostPerCall(candidate: CandidateResult): number | null {
  return candidate.summary.costKnown ? candidate.summary.costPerCallUsd : null;
}

/**
 * The fine-tune's cost against the best prompt (see `fineTuneCostsSchema` for every formula):
 * monthly inference = cost per call × volume + hostingPerHour × 730; delta = fine-tune − prompt; payback =
 * training ÷ monthly saving (only when cheaper); cost per point = (training + 12 × delta) ÷ points gained.
 */
export function computeFineTuneCosts(input: FineTuneCostInput): FineTuneCosts {
  const { fineTune: candidate, prompt, volume, report, meanDiff } = input;
  const spec = candidate.fineTune!;
  const training = computeTrainingCost(spec, report);
  const evaluated = !candidate.skipped && candidate.summary.calls > 0;
  let monthlyInferenceUsd: number | null = null;
  let inferenceReason: string | null = null;
  const perCall = readCostPerCall(candidate);
  if (!evaluated) inferenceReason = "not trained and evaluated yet: its cost per call is not known";
  else if (perCall === null)
    inferenceReason = `no price is known for ${candidate.model ?? spec.model ?? "its model"}`;
  else if (volume === undefined) inferenceReason = "the suite sets no volume (calls a month)";
  else monthlyInferenceUsd = perCall * volume + (spec.hostingPerHour ?? 0) * HOURS_PER_MONTH;

  const promptPerCall = prompt ? readCostPerCall(prompt) : null;
  const promptMonthlyUsd = promptPerCall !== null && volume !== undefined ? promptPerCall * volume : null;
  const monthlyDeltaUsd =
    monthlyInferenceUsd !== null && promptMonthlyUsd !== null ? monthlyInferenceUsd - promptMonthlyUsd : null;
  const paybackMonths =
    monthlyDeltaUsd !== null && monthlyDeltaUsd < 0 && training.trainingUsd !== null
      ? training.trainingUsd / -monthlyDeltaUsd
      : null;
  const costPerPointUsd =
    meanDiff !== null && meanDiff > 0 && monthlyDeltaUsd !== null && training.trainingUsd !== null
      ? (training.trainingUsd + COST_HORIZON_MONTHS * monthlyDeltaUsd) / (meanDiff * 100)
      : null;
  return {
    ...training,
    monthlyInferenceUsd,
    inferenceReason,
    promptMonthlyUsd,
    monthlyDeltaUsd,
    paybackMonths,
    costPerPointUsd,
    horizonMonths: COST_HORIZON_MONTHS,
  };
}
