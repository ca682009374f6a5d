/**
 * Every default promptfirst applies, in one place. CLI flags and Action inputs override them; config files may
 * override the gate thresholds under `gates:`.
 */
export const DEFAULTS = {
  /** The prompt-first rule is the product; teams opt down to `warn` or `off`. */
  promptFirst: "enforce",
  /** A drop must be unlikely to be noise before it fails a check. */
  confidence: 0.95,
  /** A two-point drop that is also significant fails quality. */
  maxScoreDrop: 0.02,
  /** Percent increase of cost per call that fails the cost gate. */
  maxCostIncrease: 20,
  /** Provider errors per call that fail the errors gate. */
  maxErrorRate: 0.05,
  /** Five points over the best prompt, with the CI's lower bound above 0. */
  minFineTuneGain: 0.05,
  failOn: "any",
  comment: "always",
  /** Requests in flight per provider endpoint. */
  concurrency: 8,
  /** Per-request timeout, milliseconds. */
  timeoutMs: 60_000,
  /** Retries after the first attempt for 429, 5xx, timeouts and connection errors. */
  maxRetries: 4,
  /** First retry delay when the endpoint sends no retry-after, milliseconds (doubled each attempt, jittered). */
  retryBaseDelayMs: 500,
  /** Longest wait between two attempts, milliseconds (a longer retry-after is capped to this). */
  retryMaxDelayMs: 30_000,
  baseURL: "https://api.openai.com/v1",
  apiKeyEnv: "OPENAI_API_KEY",
  /** Where the content-addressed response cache lives, relative to the config file. */
  cacheDir: ".promptfirst/cache",
  /** Samples per case. */
  repeat: 1,
} as const;
