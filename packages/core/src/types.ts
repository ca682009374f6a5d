/**
 * Plain data types shared across promptfirst's packages. These are the contracts between the engine (core),
 * the providers, the reports and the shells; keep them serialisable (no functions, no classes) unless a type
 * is explicitly a port (`Provider`, `ResponseCache`).
 */

/** A chat message role accepted by OpenAI-compatible chat completions endpoints. */
export type ChatRole = "system" | "developer" | "user" | "assistant";

/** One chat message; content is plain text after template rendering. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** Sampling and output parameters forwarded to the endpoint (OpenAI chat completions names). */
export interface ModelParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  seed?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
  /** `{ type: "json_object" }` or `{ type: "json_schema", json_schema: {...} }`. */
  response_format?: Record<string, unknown>;
}

/**
 * One model call, the unit of planning and caching. Two requests with equal `baseURL`, `model`, `messages`,
 * `params` and `sample` are the same call and are made once.
 */
export interface ModelRequest {
  /** The endpoint's base URL (never carries a secret). */
  baseURL: string;
  model: string;
  messages: ChatMessage[];
  params: ModelParams;
  /** Sample index in [0, repeat): repeats are distinct requests, never one cached answer counted twice. */
  sample: number;
}

/** Token usage reported by the endpoint. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (billed at the cached-input price). */
  cachedInputTokens: number;
}

/** Why a model call failed; failures are data on the case, never exceptions out of the runner. */
export type ProviderErrorKind =
  | "rate_limit"
  | "server"
  | "timeout"
  | "network"
  | "auth"
  | "bad_request"
  | "not_found"
  | "not_recorded"
  | "invalid_response"
  | "no_api_key";

/** A failed model call. */
export interface ProviderError {
  kind: ProviderErrorKind;
  message: string;
  /** HTTP status, when the endpoint answered. */
  status?: number;
  /** Whether trying again may succeed (429, 5xx, timeouts, connection errors). */
  retryable: boolean;
  /** Delay the endpoint asked for (`retry-after` / `retry-after-ms`), in milliseconds. */
  retryAfterMs?: number;
}

/** What a provider returns for one request. */
export type ProviderResponse =
  | {
      ok: true;
      output: string;
      usage?: Usage;
      /** Model name the endpoint reports having used. */
      model?: string;
      finishReason?: string;
      /** Answered from a recording, not by the endpoint: no money was spent and no latency measured. */
      replayed?: boolean;
    }
  | { ok: false; error: ProviderError };

/** Port: something that answers model requests (the OpenAI-compatible client, a replay file, a test fake). */
export interface Provider {
  /** Stable, secret-free identifier, e.g. `openai:https://api.openai.com/v1`. */
  readonly id: string;
  complete(request: ModelRequest, options: { signal: AbortSignal }): Promise<ProviderResponse>;
}

/** A successful response as stored in the cache and in recordings. */
export interface StoredResponse {
  output: string;
  usage?: Usage;
  model?: string;
  finishReason?: string;
}

/** Port: content-addressed store of successful responses, keyed by `computeRequestKey`. */
export interface ResponseCache {
  get(key: string): Promise<StoredResponse | undefined>;
  set(key: string, value: StoredResponse): Promise<void>;
  /**
   * Make every `set` so far durable and release open files; the runner calls it once at the end of a run. The
   * cache stays usable afterwards (files are reopened when needed).
   */
  close?(): Promise<void>;
}

/** One test case of a suite. */
export interface Case {
  /** Stable id: given in the file, or derived from the case's content. */
  id: string;
  vars: Record<string, unknown>;
  expected?: unknown;
  /** Group for clustered standard errors and per-cluster views (e.g. an ICD-10 chapter). */
  cluster?: string;
  /** Where the case came from, for error messages: `evals/support.jsonl:12`. */
  source?: string;
}

/** The outcome of one scorer on one output. */
export interface ScoreResult {
  /** Scorer name, unique within the suite (e.g. `contains`, `judge`, or the configured `name`). */
  name: string;
  /** In [0, 1]; `null` when the scorer does not apply (e.g. no `expected` value). */
  score: number | null;
  pass: boolean;
  reason: string;
  /** Cost of the scorer itself (an LLM judge), in USD; `null` when unknown. */
  costUsd?: number | null;
  usage?: Usage;
  metadata?: Record<string, unknown>;
}

/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
  /** Where the price came from: `config`, `genai-prices`, … */
  source: string;
}

/** Lifecycle facts about a model: announced shutdown, deprecation. */
export interface ModelLifecycle {
  model: string;
  /** ISO date (YYYY-MM-DD) after which the model stops answering. */
  shutdownDate?: string;
  deprecated?: boolean;
  /** Where the fact came from: `models-endpoint`, `genai-prices`, `config`, `built-in`. */
  source: string;
  note?: string;
}
