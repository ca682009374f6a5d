/**
 * Training-data checks: stream a fine-tuning file (OpenAI chat JSONL or the preference format) and produce a
 * DataReport (format, size, tokens, epochs, cost, quality signals, leakage, diff against base).
 */
export {
  type CheckTrainingDataOptions,
  checkTrainingData,
  DEFAULT_MAX_DISTINCT_INPUTS,
  DEFAULT_MAX_FINDINGS_PER_CODE,
  LONG_ANSWER_MEDIAN_WORDS,
  MIN_TRAINING_EXAMPLES,
  RECOMMENDED_TRAINING_EXAMPLES,
  SHORT_ANSWER_MAX_WORDS,
} from "./check-training-data.ts";
export { type EvalCaseRef, EvalIndex, type LeakMatch } from "./eval-index.ts";
export type { DataFinding, DataFindingCount, DataFindingSeverity } from "./findings.ts";
export {
  computeEpochEstimate,
  computeOpenAIDefaultEpochs,
  type EpochEstimate,
  lookupTrainingModel,
  parseParameterCount,
  resolveTrainingPrice,
  type TokenEncoding,
  type TrainingModelFacts,
  type TrainingPrice,
} from "./models.ts";
export {
  type ExampleView,
  type ReadExampleContext,
  readTrainingExample,
  type TrainingFormat,
} from "./read-example.ts";
export {
  DATA_REPORT_SCHEMA_VERSION,
  type DataReport,
  type DataTokenStats,
  dataFindingSchema,
  dataReportSchema,
  dataTokenStatsSchema,
} from "./report.ts";
export {
  isTokenEncoding,
  loadTokenCounter,
  TOKEN_ENCODINGS,
  TOKENS_PER_EXAMPLE,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  type TokenCounter,
} from "./tokens.ts";
