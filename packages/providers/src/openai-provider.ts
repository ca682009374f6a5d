import {
  inferProviderFromBaseURL,
  type ModelLifecycle,
  type ModelRequest,
  type ProviderError,
  type ProviderResponse,
  SELF_HOSTED_PROVIDER,
  type SelfTimedProvider,
  timeoutError,
  type Usage,
} from "@promptfirst/core";
import OpenAI from "openai";
import { z } from "zod";
import { createNodeHttpFetch } from "./node-http-fetch.ts";

let sharedFetch: typeof fetch | undefined;
/** One keep-alive transport for every provider in the process. */
function getSharedFetch(): typeof fetch {
  sharedFetch ??= createNodeHttpFetch();
  return sharedFetch;
}

/**
 * The official client, with two of its documented hooks put to use to spare per-request work: the auth header
 * (the same key for every request) is built once, and each request's `Headers` becomes a plain record before
 * the SDK copies it for its log line and the transport copies it again.
 */
class OpenAIClient extends OpenAI {
  #auth: ReturnType<OpenAI["authHeaders"]> | undefined;

  protected override authHeaders(
    options: Parameters<OpenAI["authHeaders"]>[0],
  ): ReturnType<OpenAI["authHeaders"]> {
    // The key is a string fixed at construction (never a function the SDK calls again).
    this.#auth ??= super.authHeaders(options);
    return this.#auth;
  }

  protected override async prepareRequest(request: RequestInit): Promise<void> {
    const headers = request.headers;
    if (headers instanceof Headers) {
      const record: Record<string, string> = {};
      headers.forEach((value, name) => {
        record[name] = value;
      });
      request.headers = record;
    }
  }
}
// The SDK names itself in the User-Agent after its constructor: keep sending "OpenAI/JS <version>".
Object.defineProperty(OpenAIClient, "name", { value: OpenAI.name });

/** How to reach one OpenAI-compatible endpoint. */
export interface OpenAIProviderOptions {
  baseURL: string;
  /** The key, read by the shell from the environment; never logged. Undefined: requests fail with `no_api_key`. */
  apiKey?: string;
  /** Name of the variable the key should come from, for the error message when it is missing. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  /** Azure OpenAI `api-version` query parameter. */
  apiVersion?: string;
  /** Replaces the transport (tests, proxies); default: keep-alive `node:http`, see `createNodeHttpFetch`. */
  fetch?: typeof fetch;
}

/** The parts of a chat completion promptfirst depends on, validated (also a Batch API output line's body). */
export const chatCompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1, "the response has no choices"),
  usage: z
    .object({
      prompt_tokens: z.number().int().min(0),
      completion_tokens: z.number().int().min(0),
      prompt_tokens_details: z.object({ cached_tokens: z.number().int().min(0).optional() }).nullish(),
    })
    .nullish(),
});

const modelSchema = z.object({
  id: z.string(),
  shutdown_date: z.string().nullish(),
});

type ChatCompletion = z.infer<typeof chatCompletionSchema>;

function isOptionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether `raw` passes `chatCompletionSchema` (a cheap check of the same rules, without the schema's per-call
 * work). False is no verdict: the caller then runs the schema, which decides and explains.
 */
function isPlainChatCompletion(raw: unknown): raw is ChatCompletion {
  if (!isRecord(raw)) return false;
  const value = raw;
  if (value.model !== undefined && typeof value.model !== "string") return false;
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices) {
    if (!isRecord(choice)) return false;
    const { message, finish_reason } = choice;
    if (!isRecord(message)) return false;
    const { content, refusal } = message;
    if (!isOptionalString(content) || !isOptionalString(refusal) || !isOptionalString(finish_reason))
      return false;
  }
  const usage = value.usage;
  if (usage === undefined || usage === null) return true;
  if (!isRecord(usage)) return false;
  const { prompt_tokens, completion_tokens, prompt_tokens_details } = usage;
  if (!isCount(prompt_tokens) || !isCount(completion_tokens)) return false;
  if (prompt_tokens_details === undefined || prompt_tokens_details === null) return true;
  if (!isRecord(prompt_tokens_details)) return false;
  const cached = prompt_tokens_details.cached_tokens;
  return cached === undefined || isCount(cached);
}

function toResponse(completion: ChatCompletion): ProviderResponse {
  const choice = completion.choices[0]!;
  const response: ProviderResponse = {
    ok: true,
    output: choice.message.content ?? choice.message.refusal ?? "",
  };
  if (choice.finish_reason) response.finishReason = choice.finish_reason;
  if (completion.model) response.model = completion.model;
  const usage = completion.usage;
  if (usage) {
    const value: Usage = {
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    };
    response.usage = value;
  }
  return response;
}

/**
 * Whether an endpoint is self-hosted (Ollama, vLLM, llama.cpp on this machine or a service container), where no
 * key is needed: the same rule the price table uses to bill such endpoints nothing.
 */
export function isLocalEndpoint(baseURL: string): boolean {
  return inferProviderFromBaseURL(baseURL) === SELF_HOSTED_PROVIDER;
}

function isAzure(baseURL: string): boolean {
  return inferProviderFromBaseURL(baseURL) === "azure";
}

/** Parse `retry-after-ms` / `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Map anything the SDK throws to a ProviderError (data, never an exception). */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: "timeout", message: "the request timed out", retryable: true };
  }
  if (error instanceof OpenAI.APIUserAbortError) {
    return { kind: "timeout", message: "the request was aborted", retryable: true };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { kind: "network", message: `connection failed${cause ? `: ${cause}` : ""}`, retryable: true };
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const message = firstLine(error.message);
    const base = { message, status } as const;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(error.headers as Headers | undefined);
      return retryAfterMs === undefined
        ? { kind: "rate_limit", ...base, retryable: true }
        : { kind: "rate_limit", ...base, retryable: true, retryAfterMs };
    }
    if (status === 401 || status === 403) return { kind: "auth", ...base, retryable: false };
    if (status === 404) return { kind: "not_found", ...base, retryable: false };
    if (status === 408 || status === 409) return { kind: "server", ...base, retryable: true };
    if (status >= 500) {
      const retryAfterMs = parseRetryAfter(error.headers as Headers | undefined);
      return retryAfterMs === undefined
        ? { kind: "server", ...base, retryable: true }
        : { kind: "server", ...base, retryable: true, retryAfterMs };
    }
    return { kind: "bad_request", ...base, retryable: false };
  }
  if (error instanceof SyntaxError) {
    // The SDK parses a JSON response body itself: an unparseable one surfaces as a SyntaxError.
    return {
      kind: "invalid_response",
      message: `the endpoint's answer is not valid JSON: ${firstLine(error.message)}`,
      retryable: false,
    };
  }
  return {
    kind: "network",
    message: error instanceof Error ? error.message : String(error),
    retryable: true,
  };
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? text;
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/**
 * A provider for any OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI / Microsoft Foundry,
 * Together, Fireworks, OpenRouter, Ollama, vLLM…), on the official `openai` SDK. The SDK's own retries are off:
 * promptfirst's runner retries, so every attempt is counted and bounded by the run's concurrency.
 */
export class OpenAIProvider implements SelfTimedProvider {
  readonly id: string;
  /**
   * The SDK's own timer bounds a whole attempt (`completeWithin`) with the default transport, which hands the
   * SDK a response whose body has arrived in full; a custom `fetch` may answer before its body has, so then the
   * executor times `complete` itself.
   */
  readonly timesAttempts: boolean;
  readonly #client: OpenAIClient | undefined;
  readonly #missingKey: string | undefined;

  constructor(options: OpenAIProviderOptions) {
    this.id = `openai:${options.baseURL}`;
    this.timesAttempts = options.fetch === undefined;
    const apiKey = options.apiKey ?? (isLocalEndpoint(options.baseURL) ? "not-needed" : undefined);
    if (!apiKey) {
      this.#missingKey = `no API key for ${options.baseURL}: set the environment variable ${options.apiKeyEnv ?? "OPENAI_API_KEY"} (in a workflow, from a secret)`;
      return;
    }
    const headers: Record<string, string> = { ...options.headers };
    if (isAzure(options.baseURL)) headers["api-key"] = apiKey;
    const clientOptions: ConstructorParameters<typeof OpenAI>[0] = {
      apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      defaultHeaders: headers,
    };
    if (options.apiVersion) clientOptions.defaultQuery = { "api-version": options.apiVersion };
    clientOptions.fetch = options.fetch ?? getSharedFetch();
    this.#client = new OpenAIClient(clientOptions);
  }

  /** Send one chat completion request; `signal` stops it. */
  complete(request: ModelRequest, options: { signal: AbortSignal }): Promise<ProviderResponse> {
    return this.#complete(request, { signal: options.signal }, undefined);
  }

  /**
   * Send one chat completion request, bounded by the SDK's own timer: an answer that has not arrived within
   * `timeoutMs` fails as a retryable `timeout`. One timer and one `AbortController` per attempt (the SDK's),
   * where the executor would add its own of each.
   */
  completeWithin(
    request: ModelRequest,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<ProviderResponse> {
    // The SDK takes a whole number of milliseconds (and reports it to the endpoint in seconds).
    const timeout = Math.max(1, Math.ceil(options.timeoutMs));
    return this.#complete(
      request,
      options.signal ? { timeout, signal: options.signal } : { timeout },
      options.timeoutMs,
    );
  }

  async #complete(
    request: ModelRequest,
    requestOptions: OpenAI.RequestOptions,
    timeoutMs: number | undefined,
  ): Promise<ProviderResponse> {
    if (!this.#client) {
      return { ok: false, error: { kind: "no_api_key", message: this.#missingKey!, retryable: false } };
    }
    let raw: unknown;
    try {
      const body = {
        model: request.model,
        messages: request.messages,
        ...request.params,
        stream: false,
      } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
      raw = await this.#client.chat.completions.create(body, requestOptions);
    } catch (error) {
      // The SDK's timer fired (its abort of the request, not the caller's): say which timeout it was.
      if (timeoutMs !== undefined && error instanceof OpenAI.APIConnectionTimeoutError) {
        return timeoutError(timeoutMs);
      }
      return { ok: false, error: toProviderError(error) };
    }
    // The common, well-formed answer is checked by hand (the same rules as the schema); anything else goes
    // through the schema, which also words the error.
    if (isPlainChatCompletion(raw)) return toResponse(raw);
    const parsed = chatCompletionSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: {
          kind: "invalid_response",
          message: `the endpoint's answer is not a chat completion: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`,
          retryable: false,
        },
      };
    }
    return toResponse(parsed.data);
  }

  /**
   * Lifecycle facts from the endpoint's models API (`GET /models/{id}`): OpenAI reports `shutdown_date` once a
   * shutdown is announced. Undefined when the endpoint does not say, does not know the model, or fails.
   */
  async fetchLifecycle(model: string, signal?: AbortSignal): Promise<ModelLifecycle | undefined> {
    if (!this.#client) return undefined;
    try {
      const raw = await this.#client.models.retrieve(model, { signal: signal ?? AbortSignal.timeout(5_000) });
      const parsed = modelSchema.safeParse(raw);
      if (!parsed.success || !parsed.data.shutdown_date) return undefined;
      return { model, shutdownDate: parsed.data.shutdown_date.slice(0, 10), source: "models-endpoint" };
    } catch {
      return undefined;
    }
  }
}

/**
 * Load, ahead of the first request, what the openai SDK reads while building every request: Node defines fetch's
 * classes (`Headers`, `FormData`, …) and the web streams as globals that load their implementation (Node's own
 * undici and web streams, 20–60 ms of JavaScript to compile and run) when first read. A shell that waits on the
 * network before its first model request (the Action, while GitHub lists a pull request's files) calls this
 * meanwhile, so the wait hides that work.
 */
export function preloadRequestGlobals(): void {
  // Reading them is what loads them.
  globalThis.Headers.name;
  globalThis.ReadableStream.name;
}
