/**
 * Answer builders for the mock server: `respond` functions that make a loopback model behave in a known way.
 */

import { combineSeeds, createRng, hashString } from "./rng.ts";
import type { MockChatRequest, MockRawResponse, MockReply, MockRespond } from "./types.ts";

/**
 * The text of one message's content: a string as is, the `text` of the text parts of a content-part array
 * joined without separator, `""` for null or undefined, JSON for anything else.
 */
export function getMessageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) {
    let text = "";
    for (const part of content) {
      if (typeof part === "string") text += part;
      else if (
        part !== null &&
        typeof part === "object" &&
        typeof (part as { text?: unknown }).text === "string"
      ) {
        text += (part as { text: string }).text;
      }
    }
    return text;
  }
  return JSON.stringify(content);
}

/** The text of the last `user` message of a request, or `""` when there is none. */
export function getLastUserText(req: MockChatRequest): string {
  const messages = req.messages;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return getMessageText(message.content);
  }
  return "";
}

/**
 * The default mock model: answers `echo: <last user message>`, so an answer is a stable function of the
 * request and tests can predict it.
 */
export function deterministicEcho(req: MockChatRequest): string {
  return `echo: ${getLastUserText(req)}`;
}

/** One rule of a `scriptedModel`. */
export interface ScriptRule {
  /**
   * A RegExp or substring tested against the last user message, or a predicate over the whole request
   * (for rules about the system prompt, the model, or earlier turns).
   */
  match: RegExp | string | ((req: MockChatRequest) => boolean);
  /** The answer, or a function computing it from the request. */
  answer: MockReply | ((req: MockChatRequest) => MockReply);
}

/**
 * A mock model that answers with the first rule whose `match` hits, else `fallback` (default: the
 * `deterministicEcho` answer). A RegExp's `g`/`y` flags and `lastIndex` are ignored.
 */
export function scriptedModel(rules: ScriptRule[], fallback?: MockReply): MockRespond {
  return (req) => {
    const text = getLastUserText(req);
    for (const rule of rules) {
      const { match } = rule;
      let hit: boolean;
      if (typeof match === "string") hit = text.includes(match);
      else if (typeof match === "function") hit = match(req);
      else hit = text.search(match) !== -1;
      if (hit) return typeof rule.answer === "function" ? rule.answer(req) : rule.answer;
    }
    return fallback ?? deterministicEcho(req);
  };
}

/** Options of `noisyModel`. */
export interface NoisyModelOptions {
  /** Probability in [0, 1] of answering correctly, fixed or per request (e.g. per model or per case). */
  accuracy: number | ((req: MockChatRequest) => number);
  /** The correct answer to a request. */
  correct: (req: MockChatRequest) => MockReply;
  /** A wrong answer to a request. */
  wrong: (req: MockChatRequest) => MockReply;
  /** Seed of the whole simulation; default 0. */
  seed?: number;
  /**
   * What tells samples of the same messages apart; default `getSampleMarker` (the request's `seed`
   * parameter and `metadata.sample`).
   */
  sampleKey?: (req: MockChatRequest) => string;
}

/**
 * The default sample marker of `noisyModel`: the request's `seed` parameter and its `metadata.sample`, the
 * things a client can vary between repeated samples of the same messages.
 */
export function getSampleMarker(req: MockChatRequest): string {
  const metadata = req.metadata;
  const sample =
    metadata !== null && typeof metadata === "object"
      ? (metadata as Record<string, unknown>).sample
      : undefined;
  return `${String(req.seed ?? "")}|${String(sample ?? "")}`;
}

/**
 * A mock model that is right with probability `accuracy`. The draw is seeded from (`seed`, the request's
 * messages, its sample marker), so the same request always gets the same answer while different cases and
 * samples vary. The model is deliberately left out of the draw: two candidates seeing the same messages share
 * their random numbers, which makes paired comparisons less noisy (pass `sampleKey` to change that).
 */
export function noisyModel(options: NoisyModelOptions): MockRespond {
  const seed = options.seed ?? 0;
  const sampleKey = options.sampleKey ?? getSampleMarker;
  return (req) => {
    const draw = createRng(
      combineSeeds(seed, hashString(JSON.stringify(req.messages)), hashString(sampleKey(req))),
    )();
    const accuracy = typeof options.accuracy === "function" ? options.accuracy(req) : options.accuracy;
    return draw < accuracy ? options.correct(req) : options.wrong(req);
  };
}

/** Options of `mockError`. */
export interface MockErrorOptions {
  /** OpenAI error `type`; default derived from the status. */
  type?: string;
  /** OpenAI error `code`; default null. */
  code?: string | null;
  /** OpenAI error `param`; default null. */
  param?: string | null;
  /** Extra response headers, e.g. `{ "retry-after": "2" }`. */
  headers?: Record<string, string>;
}

/** The OpenAI error `type` usually sent with an HTTP status. */
export function getErrorType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/**
 * An OpenAI-style error response (`{ error: { message, type, param, code } }`) for a `respond` function or a
 * scripted rule to answer, e.g. `mockError(400, "Invalid prompt", { code: "content_filter" })`.
 */
export function mockError(status: number, message?: string, options: MockErrorOptions = {}): MockRawResponse {
  const raw: MockRawResponse["raw"] = {
    status,
    body: {
      error: {
        message: message ?? `mock error ${status}`,
        type: options.type ?? getErrorType(status),
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
  };
  if (options.headers) raw.headers = options.headers;
  return { raw };
}
