/**
 * Types of the loopback OpenAI-compatible server: its options, the requests it records and the answers a
 * scripted model gives.
 */

/** One chat message as received on the wire (content is a string, an array of parts, or null). */
export interface MockChatMessage {
  role: string;
  content: unknown;
  [k: string]: unknown;
}

/** The parsed JSON body of a `POST /v1/chat/completions` request. */
export interface MockChatRequest {
  model: string;
  messages: MockChatMessage[];
  [k: string]: unknown;
}

/** Context handed to a `respond` function with each request. */
export interface MockRespondContext {
  /** 0-based index of this chat request since the server started (or since `resetStats()`). */
  requestIndex: number;
}

/** A successful answer of the mock model. */
export interface MockAnswer {
  content: string;
  /** Token usage to report; when absent the server estimates ceil(chars / 4) for prompt and completion. */
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
  /** `finish_reason` of the choice; default `stop`. */
  finishReason?: string;
  /** Model name the response reports; default the requested model. */
  model?: string;
}

/**
 * An HTTP response sent verbatim instead of a completion: errors (see `mockError`) or malformed bodies for
 * testing how a client copes. A `body` that is not a string is sent as JSON.
 */
export interface MockRawResponse {
  raw: { status: number; body?: unknown; headers?: Record<string, string> };
}

/** Anything a `respond` function may answer. A plain string is the assistant message content. */
export type MockReply = string | MockAnswer | MockRawResponse;

/** Produces the mock model's answer to one chat request. */
export type MockRespond = (req: MockChatRequest, ctx: MockRespondContext) => MockReply | Promise<MockReply>;

/** HTTP statuses that fault injection can produce. */
export type FaultStatus = 429 | 500 | 502 | 503;

/** Seeded, deterministic fault injection on chat completions. */
export interface FaultOptions {
  /** Fraction of chat requests, in [0, 1], that fail. */
  rate: number;
  /** Statuses to pick from (uniformly, seeded); default `[429, 500]`. */
  statuses?: FaultStatus[];
  /** Sent as `retry-after` on 429; default 0. */
  retryAfterSeconds?: number;
  /** When set, also sent as `retry-after-ms` on 429. */
  retryAfterMs?: number;
  /** Seed of the decision; request number i faults or not as a pure function of (seed, i). Default 0. */
  seed?: number;
}

/** A model served by `GET /v1/models`. */
export interface MockModel {
  id: string;
  /** Default `system`. */
  owned_by?: string;
  /** Unix seconds; default 1700000000. */
  created?: number;
  /** ISO date after which the model stops answering; omitted from the response when undefined. */
  shutdown_date?: string | null;
}

/** Options of `startMockOpenAI`; all can be changed later with `setOptions`. */
export interface MockOpenAIOptions {
  /** Delay before answering a chat request (fault or not), in milliseconds; default 0. */
  latencyMs?: number | ((req: MockChatRequest) => number);
  /** Seeded deterministic fault injection; default none. */
  faults?: FaultOptions;
  /** The mock model; default `deterministicEcho`. */
  respond?: MockRespond;
  /** When set, requests need `Authorization: Bearer <apiKey>` or an `api-key` header (Azure), else 401. */
  apiKey?: string;
  /** Served at `GET /v1/models` and `GET /v1/models/{id}`; default none. */
  models?: MockModel[];
  /** When true, chat requests for a model not in `models` get a 404 `model_not_found`; default false. */
  strictModels?: boolean;
  /** Loopback address to bind: 127.0.0.1 (default), another 127.x address, ::1 or localhost. Start only. */
  host?: string;
}

/** Live counters of a mock server. */
export interface MockOpenAIStats {
  /** Every HTTP request received, on any route. */
  requests: number;
  /** Chat completions answered successfully (2xx), streamed or not. */
  completions: number;
  /** Requests failed by fault injection. */
  faults: number;
  /** Other error responses: 400, 401, 404, raw responses with status ≥ 400, `respond` throwing. */
  errors: number;
  /** Requests currently being handled (from arrival until the response ends or the client goes away). */
  inFlight: number;
  /** Peak of `inFlight`. */
  maxInFlight: number;
  /** Well-formed chat requests received, per requested model (faulted ones included); a null-prototype object. */
  byModel: Record<string, number>;
}

/** A running mock server. */
export interface MockOpenAIServer {
  /** Base URL for an OpenAI client, e.g. `http://127.0.0.1:43123/v1`. */
  baseURL: string;
  /** Origin of the server, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Live counters (the same object is updated in place). */
  stats: MockOpenAIStats;
  /** Every well-formed chat body received, in order of arrival. */
  requests: MockChatRequest[];
  /** Zeroes the counters, empties `requests` and restarts request numbering (and so the fault sequence). */
  resetStats(): void;
  /** Changes options for subsequent requests; a key given as `undefined` goes back to its default. */
  setOptions(partial: Partial<MockOpenAIOptions>): void;
  /** Stops listening and drops every connection, including keep-alive ones. */
  close(): Promise<void>;
}
