export { type NormalizedCustomScore, normalizeCustomScore } from "./custom-result.ts";
export {
  compileJsonSchema,
  formatJsonPointer,
  formatSchemaErrors,
  type JsonSchemaCheck,
} from "./json-schema.ts";
export {
  buildCustomJudgeMessages,
  buildRubricJudgeMessages,
  DEFAULT_JUDGE_CHOICES,
  DEFAULT_JUDGE_SYSTEM,
  fenceUntrusted,
  type JudgeChoice,
  type ParsedJudgeAnswer,
  parseJudgeAnswer,
  type RubricPromptParts,
  renderChoiceInstructions,
} from "./judge.ts";
export {
  type ContainsScorerConfig,
  CUSTOM_SCORER_EXTENSIONS,
  type CustomScorerConfig,
  type EndsWithScorerConfig,
  type ExactScorerConfig,
  getScorerKind,
  type JsonScorerConfig,
  type JudgeScorerConfig,
  type JudgeSettings,
  type NotContainsScorerConfig,
  type RegexScorerConfig,
  SCORER_KINDS,
  type ScorerConfig,
  type ScorerKind,
  type SimilarityScorerConfig,
  type StartsWithScorerConfig,
  scorerConfigSchema,
} from "./schema.ts";
export { combineScores, createScorer, createScorers, DEFAULT_THRESHOLDS } from "./scorers.ts";
export { computeLevenshteinSimilarity, computeTokenF1, tokenizeWords } from "./text.ts";
export type * from "./types.ts";
