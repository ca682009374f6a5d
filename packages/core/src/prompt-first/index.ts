/**
 * The prompt-first rule: per suite, whether fine-tuning is justified against the best prompt (baseline, target,
 * gain, cost, training data, clusters, recommendation, model lifecycle), and the gate it adds to a comparison.
 */
export { computeClusterRows } from "./clusters.ts";
export {
  COST_HORIZON_MONTHS,
  computeFineTuneCosts,
  computeTrainingCost,
  type FineTuneCostInput,
  HOURS_PER_MONTH,
} from "./costs.ts";
export {
  applyPromptFirst,
  buildPromptFirstGate,
  type EvaluatePromptFirstInput,
  evaluatePromptFirst,
} from "./evaluate.ts";
export {
  assessLifecycle,
  type CandidateShutdown,
  findCandidateShutdown,
  formatDaysLeft,
  type LifecycleInput,
  readCandidateModel,
} from "./lifecycle.ts";
export { type CandidateGainTest, computeCandidateGain } from "./pairing.ts";
export * from "./schema.ts";
