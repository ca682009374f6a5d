/**
 * @promptfirst/test-utils: a loopback OpenAI-compatible server with latency, faults and scripted answers, the
 * answer builders that script it, and seeded PRNG helpers for deterministic simulations.
 */

/** Answer builders for the mock server and helpers to read a request's messages. */
export {
  /** The default mock model: answers `echo: <last user message>`. */
  deterministicEcho,
  /** The OpenAI error `type` usually sent with an HTTP status. */
  getErrorType,
  /** The text of the last `user` message of a request, or `""`. */
  getLastUserText,
  /** The text of one message's content (string, content parts, or null). */
  getMessageText,
  /** The default sample marker of `noisyModel`: the request's `seed` and `metadata.sample`. */
  getSampleMarker,
  /** Options of `mockError`. */
  type MockErrorOptions,
  /** An OpenAI-style error response for a `respond` function or scripted rule to answer. */
  mockError,
  /** Options of `noisyModel`. */
  type NoisyModelOptions,
  /** A mock model right with probability `accuracy`, deterministic per request. */
  noisyModel,
  /** One rule of a `scriptedModel`. */
  type ScriptRule,
  /** A mock model answering with the first matching rule. */
  scriptedModel,
} from "./answers.ts";
export * from "./examples/index.ts";
/**
 * The GitHub REST stand-in checked against GitHub's own API description (`@octokit/openapi`), and real webhook
 * payloads from `@octokit/webhooks-examples`.
 */
export * from "./github/index.ts";
/** The loopback OpenAI-compatible server. */
export {
  /** Statuses injected when `faults.statuses` is not given: 429 and 500. */
  DEFAULT_FAULT_STATUSES,
  /** Characters per token of the server's usage estimate (4). */
  MOCK_CHARS_PER_TOKEN,
  /** A running mock server with its Batch API's control. */
  type MockOpenAIServerWithBatch,
  /** The fault injected on chat request number `requestIndex`, or undefined: pure in (seed, index). */
  pickFault,
  /** Starts a loopback OpenAI-compatible server on an ephemeral port. */
  startMockOpenAI,
} from "./mock-openai.ts";
/** Seeded pseudo-random helpers. */
export {
  /** Combines several numeric seeds into one unsigned 32-bit seed. */
  combineSeeds,
  /** Creates a seeded PRNG (mulberry32) returning numbers in [0, 1). */
  createRng,
  /** Hashes a string to an unsigned 32-bit integer. */
  hashString,
  /** A function returning uniformly distributed numbers in [0, 1). */
  type Rng,
} from "./rng.ts";
/** A loopback CONNECT proxy that records its tunnels, for model calls sent through a proxy. */
export { startTunnelProxy, type TunnelProxy } from "./tunnel-proxy.ts";
/** Types of the mock server's options, requests, answers and counters. */
export type {
  /** Seeded, deterministic fault injection on chat completions. */
  FaultOptions,
  /** HTTP statuses that fault injection can produce. */
  FaultStatus,
  /** A successful answer of the mock model. */
  MockAnswer,
  /** One chat message as received on the wire. */
  MockChatMessage,
  /** The parsed JSON body of a chat completions request. */
  MockChatRequest,
  /** A model served by `GET /v1/models`. */
  MockModel,
  /** Options of `startMockOpenAI`. */
  MockOpenAIOptions,
  /** A running mock server. */
  MockOpenAIServer,
  /** Live counters of a mock server. */
  MockOpenAIStats,
  /** An HTTP response sent verbatim instead of a completion. */
  MockRawResponse,
  /** Anything a `respond` function may answer. */
  MockReply,
  /** Produces the mock model's answer to one chat request. */
  MockRespond,
  /** Context handed to a `respond` function with each request. */
  MockRespondContext,
} from "./types.ts";
