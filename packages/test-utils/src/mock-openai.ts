/**
 * A loopback OpenAI-compatible HTTP server for tests and benchmarks: chat completions (JSON and SSE streaming),
 * the models endpoint, API-key checks, latency and seeded fault injection, with live counters.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { deterministicEcho, getMessageText } from "./answers.ts";
import {
  createBatchApi,
  isBatchApiPath,
  type MockBatchControl,
  type MockBatchOptions,
} from "./mock-openai-batch.ts";
import { combineSeeds, createRng } from "./rng.ts";
import type {
  FaultOptions,
  FaultStatus,
  MockAnswer,
  MockChatRequest,
  MockModel,
  MockOpenAIOptions,
  MockOpenAIServer,
  MockOpenAIStats,
  MockRawResponse,
} from "./types.ts";

/** Statuses injected when `faults.statuses` is not given. */
export const DEFAULT_FAULT_STATUSES: readonly FaultStatus[] = [429, 500];

/** Characters per token of the server's usage estimate when an answer reports none. */
export const MOCK_CHARS_PER_TOKEN = 4;

const DEFAULT_MODEL_CREATED_S = 1_700_000_000;

const FAULT_ERRORS: Record<FaultStatus, { message: string; type: string; code: string | null }> = {
  429: {
    message: "Rate limit reached for requests (injected by the promptfirst mock server).",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that! (injected)",
    type: "server_error",
    code: null,
  },
  502: { message: "Bad gateway. (injected)", type: "server_error", code: null },
  503: {
    message: "The engine is currently overloaded, please try again later. (injected)",
    type: "server_error",
    code: null,
  },
};

const CHAT_PATHS = new Set(["/v1/chat/completions", "/openai/v1/chat/completions"]);
const MODELS_PATHS = new Set(["/v1/models", "/openai/v1/models"]);
const MODEL_PREFIXES = ["/v1/models/", "/openai/v1/models/"];
const DEPLOYMENTS_PREFIX = "/openai/deployments/";
const CHAT_SUFFIX = "/chat/completions";

interface ErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

interface BodyProblem {
  message: string;
  param: string | null;
  code: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function validateOptions(options: Partial<MockOpenAIOptions>): void {
  const { latencyMs, faults } = options;
  if (typeof latencyMs === "number" && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new RangeError(`latencyMs must be a finite number >= 0, received ${latencyMs}`);
  }
  if (faults !== undefined) validateFaults(faults);
}

function validateFaults(faults: FaultOptions): void {
  if (!(faults.rate >= 0 && faults.rate <= 1)) {
    throw new RangeError(`faults.rate must be in [0, 1], received ${faults.rate}`);
  }
  if (faults.statuses !== undefined) {
    if (faults.statuses.length === 0) throw new RangeError("faults.statuses must not be empty");
    for (const status of faults.statuses) {
      if (!(status in FAULT_ERRORS)) {
        throw new RangeError(`faults.statuses may hold 429, 500, 502, 503, received ${String(status)}`);
      }
    }
  }
}

function checkChatBody(body: unknown): BodyProblem | undefined {
  if (!isRecord(body)) {
    return { message: "The request body must be a JSON object.", param: null, code: null };
  }
  if (typeof body.model !== "string" || body.model === "") {
    return {
      message: "you must provide a model parameter",
      param: "model",
      code: "missing_required_parameter",
    };
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) {
    return {
      message: "Missing required parameter: 'messages'.",
      param: "messages",
      code: "missing_required_parameter",
    };
  }
  if (messages.length === 0) {
    return { message: "[] is too short - 'messages'", param: "messages", code: "empty_array" };
  }
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isRecord(message) || typeof message.role !== "string") {
      return {
        message: `Invalid value for 'messages[${i}]': expected an object with a string 'role'.`,
        param: `messages[${i}].role`,
        code: "invalid_value",
      };
    }
  }
  return undefined;
}

function estimateTokens(chars: number): number {
  return Math.ceil(chars / MOCK_CHARS_PER_TOKEN);
}

function buildUsage(req: MockChatRequest, answer: MockAnswer): Record<string, unknown> {
  let promptTokens: number;
  let completionTokens: number;
  let cachedTokens: number;
  if (answer.usage) {
    promptTokens = answer.usage.prompt_tokens;
    completionTokens = answer.usage.completion_tokens;
    cachedTokens = answer.usage.cached_tokens ?? 0;
  } else {
    let chars = 0;
    for (const message of req.messages) chars += getMessageText(message.content).length;
    promptTokens = estimateTokens(chars);
    completionTokens = estimateTokens(answer.content.length);
    cachedTokens = 0;
  }
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Splits content into word-sized stream deltas whose concatenation is the content. */
function splitDeltas(content: string): string[] {
  return content.match(/\S+\s*|\s+/g) ?? [];
}

function toModelObject(model: MockModel): Record<string, unknown> {
  const object: Record<string, unknown> = {
    id: model.id,
    object: "model",
    created: model.created ?? DEFAULT_MODEL_CREATED_S,
    owned_by: model.owned_by ?? "system",
  };
  if (model.shutdown_date !== undefined) object.shutdown_date = model.shutdown_date;
  return object;
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}

function readBuffer(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string | number>,
): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  send(res, status, JSON.stringify(body), { "content-type": "application/json", ...headers });
}

/** An HTTP response, built before it is sent (or read back as a batch line's result). */
export interface HttpReply {
  status: number;
  text: string;
  headers: Record<string, string | number>;
}

function jsonReply(status: number, body: unknown, headers?: Record<string, string>): HttpReply {
  return { status, text: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } };
}

function sendReply(res: ServerResponse, reply: HttpReply): void {
  send(res, reply.status, reply.text, reply.headers);
}

/**
 * The fault injected on chat request number `requestIndex` (0-based, as `MockRespondContext.requestIndex`),
 * or undefined when it is answered: a pure function of (`faults.seed`, `requestIndex`), so a simulation can
 * predict exactly which requests of a run fail.
 */
export function pickFault(faults: FaultOptions, requestIndex: number): FaultStatus | undefined {
  if (!(faults.rate > 0)) return undefined;
  const rng = createRng(combineSeeds(faults.seed ?? 0, requestIndex));
  if (rng() >= faults.rate) return undefined;
  const statuses = faults.statuses ?? DEFAULT_FAULT_STATUSES;
  return statuses[Math.floor(rng() * statuses.length)] ?? 500;
}

/** Options of `startMockOpenAI`: the server's, and how its Batch API behaves. */
export type MockOpenAIServerOptions = MockOpenAIOptions & {
  /** How batches behave (`server.batch.setOptions` changes it later); default: they complete at the first poll. */
  batch?: MockBatchOptions;
};

/** A running mock server with its Batch API's control. */
export type MockOpenAIServerWithBatch = MockOpenAIServer & {
  /** The Batch API: counters, the batches and files it holds, its options and injected failures. */
  batch: MockBatchControl;
};

/**
 * Starts a loopback OpenAI-compatible server on an ephemeral port. Routes: `POST /v1/chat/completions`
 * (also `/openai/v1/...` and Azure's `/openai/deployments/{id}/chat/completions`), `GET /v1/models` and
 * `GET /v1/models/{id}`, and the Batch API (`/v1/files`, `/v1/files/{id}` (GET, DELETE), `/v1/files/{id}/content`,
 * `/v1/batches`, `/v1/batches/{id}`, `/v1/batches/{id}/cancel`: see `mock-openai-batch.ts`), whose lines are
 * answered like chat requests (they count in `requests` and the chat counters); anything else is a 404 with an
 * OpenAI-style error body. Latency and faults apply to chat completions (and so to batch lines) only. Call
 * `close()` when done.
 */
export async function startMockOpenAI(
  options: MockOpenAIServerOptions = {},
): Promise<MockOpenAIServerWithBatch> {
  validateOptions(options);
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw new RangeError(`host must be a loopback address (127.x.x.x, ::1 or localhost), received ${host}`);
  }

  const { batch: batchOptions, ...serverOptions } = options;
  let current: MockOpenAIOptions = { ...serverOptions };
  const stats: MockOpenAIStats = {
    requests: 0,
    completions: 0,
    faults: 0,
    errors: 0,
    inFlight: 0,
    maxInFlight: 0,
    byModel: Object.create(null) as Record<string, number>,
  };
  const requests: MockChatRequest[] = [];
  const sleepers = new Map<NodeJS.Timeout, () => void>();
  let closing: Promise<void> | undefined;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleepers.delete(timer);
        resolve();
      }, ms);
      sleepers.set(timer, resolve);
    });
  }

  function onResponseClose(): void {
    stats.inFlight--;
  }

  function errorReply(status: number, fields: ErrorFields, headers?: Record<string, string>): HttpReply {
    stats.errors++;
    return jsonReply(
      status,
      {
        error: {
          message: fields.message,
          type: fields.type,
          param: fields.param ?? null,
          code: fields.code ?? null,
        },
      },
      headers,
    );
  }

  function sendError(
    res: ServerResponse,
    status: number,
    fields: ErrorFields,
    headers?: Record<string, string>,
  ): void {
    sendReply(res, errorReply(status, fields, headers));
  }

  function sendNotFound(req: IncomingMessage, res: ServerResponse, path: string): void {
    sendError(res, 404, {
      message: `Unknown request URL: ${req.method ?? "GET"} ${path}. Please check the URL for typos.`,
      type: "invalid_request_error",
      code: "unknown_url",
    });
  }

  function modelNotFoundReply(id: string): HttpReply {
    return errorReply(404, {
      message: `The model '${id}' does not exist or you do not have access to it.`,
      type: "invalid_request_error",
      param: "model",
      code: "model_not_found",
    });
  }

  function checkAuth(req: IncomingMessage, res: ServerResponse): boolean {
    const apiKey = current.apiKey;
    if (apiKey === undefined) return true;
    const authorization = req.headers.authorization;
    const azureKey = req.headers["api-key"];
    if (authorization === `Bearer ${apiKey}` || azureKey === apiKey) return true;
    const missing = authorization === undefined && azureKey === undefined;
    sendError(res, 401, {
      message: missing
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : "Incorrect API key provided.",
      type: "invalid_request_error",
      code: missing ? null : "invalid_api_key",
    });
    return false;
  }

  /** A fault injected on chat request `index`, as the HTTP reply to send. */
  function faultReply(status: FaultStatus, faults: FaultOptions, index: number): HttpReply {
    const error = FAULT_ERRORS[status];
    const headers: Record<string, string> = { "x-request-id": `req_mock_${index}` };
    if (status === 429) {
      headers["retry-after"] = String(faults.retryAfterSeconds ?? 0);
      if (faults.retryAfterMs !== undefined) headers["retry-after-ms"] = String(faults.retryAfterMs);
    }
    stats.faults++;
    return jsonReply(
      status,
      { error: { message: error.message, type: error.type, param: null, code: error.code } },
      headers,
    );
  }

  function rawReply(raw: MockRawResponse["raw"], index: number): HttpReply {
    if (raw.status >= 400) stats.errors++;
    else stats.completions++;
    const text =
      raw.body === undefined ? "" : typeof raw.body === "string" ? raw.body : JSON.stringify(raw.body);
    return {
      status: raw.status,
      text,
      headers: { "content-type": "application/json", "x-request-id": `req_mock_${index}`, ...raw.headers },
    };
  }

  function completionReply(req: MockChatRequest, answer: MockAnswer, index: number): HttpReply {
    const id = `chatcmpl-mock-${index}`;
    const created = Math.floor(Date.now() / 1000);
    const model = answer.model ?? req.model;
    const finishReason = answer.finishReason ?? "stop";
    const usage = buildUsage(req, answer);
    const headers = { "x-request-id": `req_mock_${index}` };
    stats.completions++;
    if (req.stream !== true) {
      return jsonReply(
        200,
        {
          id,
          object: "chat.completion",
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: answer.content, refusal: null, annotations: [] },
              finish_reason: finishReason,
              logprobs: null,
            },
          ],
          usage,
          service_tier: "default",
          system_fingerprint: null,
        },
        headers,
      );
    }
    const streamOptions = req.stream_options;
    const includeUsage = isRecord(streamOptions) && streamOptions.include_usage === true;
    let out = "";
    const addChunk = (choices: unknown[], chunkUsage: unknown = null): void => {
      const chunk: Record<string, unknown> = {
        id,
        object: "chat.completion.chunk",
        created,
        model,
        service_tier: "default",
        system_fingerprint: null,
        choices,
      };
      if (includeUsage) chunk.usage = chunkUsage;
      out += `data: ${JSON.stringify(chunk)}\n\n`;
    };
    addChunk([
      {
        index: 0,
        delta: { role: "assistant", content: "", refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ]);
    for (const delta of splitDeltas(answer.content)) {
      addChunk([{ index: 0, delta: { content: delta }, logprobs: null, finish_reason: null }]);
    }
    addChunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]);
    if (includeUsage) addChunk([], usage);
    out += "data: [DONE]\n\n";
    return {
      status: 200,
      text: out,
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        ...headers,
      },
    };
  }

  /**
   * Answer one parsed chat completions body the way the chat route does (validation, scripted model, latency,
   * faults, counters): shared by `POST /v1/chat/completions` and the lines of a batch. Undefined when the
   * caller went away (`gone`) or the server is closing while it waited.
   */
  async function answerChat(
    body: unknown,
    deployment: string | undefined,
    gone: () => boolean,
  ): Promise<HttpReply | undefined> {
    if (deployment !== undefined && isRecord(body) && (body.model === undefined || body.model === "")) {
      body.model = deployment;
    }
    const problem = checkChatBody(body);
    if (problem) return errorReply(400, { ...problem, type: "invalid_request_error" });
    const chat = body as MockChatRequest;
    const index = requests.length;
    requests.push(chat);
    stats.byModel[chat.model] = (stats.byModel[chat.model] ?? 0) + 1;

    const opts = current;
    if (opts.strictModels && !(opts.models ?? []).some((m) => m.id === chat.model)) {
      return modelNotFoundReply(chat.model);
    }
    const latency = typeof opts.latencyMs === "function" ? opts.latencyMs(chat) : (opts.latencyMs ?? 0);
    if (latency > 0) await sleep(latency);
    if (gone() || closing) return undefined;

    const faults = opts.faults;
    const faultStatus = faults ? pickFault(faults, index) : undefined;
    if (faults && faultStatus !== undefined) return faultReply(faultStatus, faults, index);

    const reply = await (opts.respond ?? deterministicEcho)(chat, { requestIndex: index });
    if (gone() || closing) return undefined;
    if (typeof reply === "string") return completionReply(chat, { content: reply }, index);
    if ("raw" in reply) return rawReply(reply.raw, index);
    return completionReply(chat, reply, index);
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse, deployment: string | undefined) {
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return; // the client went away mid-body
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendError(res, 400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
        type: "invalid_request_error",
      });
      return;
    }
    const reply = await answerChat(body, deployment, () => res.destroyed);
    if (reply) sendReply(res, reply);
  }

  function handleModels(res: ServerResponse): void {
    sendJson(res, 200, { object: "list", data: (current.models ?? []).map(toModelObject) });
  }

  function handleModel(res: ServerResponse, id: string): void {
    const model = (current.models ?? []).find((m) => m.id === id);
    if (model) sendJson(res, 200, toModelObject(model));
    else sendReply(res, modelNotFoundReply(id));
  }

  const batchApi = createBatchApi(
    {
      answerChat: (body) => answerChat(body, undefined, () => false),
      readBuffer,
      sendJson: (res, status, body) => sendJson(res, status, body),
      sendText: (res, status, text, contentType) => send(res, status, text, { "content-type": contentType }),
      sendError: (res, status, fields) => sendError(res, status, fields),
      isClosing: () => closing !== undefined,
    },
    batchOptions,
  );

  function route(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const rawUrl = req.url ?? "/";
    const query = rawUrl.indexOf("?");
    const path = query === -1 ? rawUrl : rawUrl.slice(0, query);
    const method = req.method;

    if (method === "POST") {
      if (CHAT_PATHS.has(path)) return checkAuth(req, res) ? handleChat(req, res, undefined) : undefined;
      if (path.startsWith(DEPLOYMENTS_PREFIX) && path.endsWith(CHAT_SUFFIX)) {
        const deployment = decodePathSegment(path.slice(DEPLOYMENTS_PREFIX.length, -CHAT_SUFFIX.length));
        if (deployment && !deployment.includes("/")) {
          return checkAuth(req, res) ? handleChat(req, res, deployment) : undefined;
        }
      }
    }
    if (isBatchApiPath(path)) {
      if (!checkAuth(req, res)) return;
      if (batchApi.route(req, res, method, path)) return;
    } else if (method === "GET") {
      if (MODELS_PATHS.has(path)) return checkAuth(req, res) ? handleModels(res) : undefined;
      for (const prefix of MODEL_PREFIXES) {
        if (path.startsWith(prefix)) {
          const id = decodePathSegment(path.slice(prefix.length));
          if (id) return checkAuth(req, res) ? handleModel(res, id) : undefined;
        }
      }
    }
    sendNotFound(req, res, path);
  }

  const server = createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    res.once("close", onResponseClose);
    try {
      const pending = route(req, res);
      if (pending) {
        pending.catch((error: unknown) => {
          sendError(res, 500, {
            message: `The mock server failed: ${error instanceof Error ? error.message : String(error)}`,
            type: "server_error",
          });
        });
      }
    } catch (error) {
      sendError(res, 500, {
        message: `The mock server failed: ${error instanceof Error ? error.message : String(error)}`,
        type: "server_error",
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;

  return {
    baseURL: `${url}/v1`,
    url,
    stats,
    requests,
    batch: batchApi.control,
    resetStats(): void {
      stats.requests = 0;
      stats.completions = 0;
      stats.faults = 0;
      stats.errors = 0;
      stats.maxInFlight = stats.inFlight;
      stats.byModel = Object.create(null) as Record<string, number>;
      requests.length = 0;
      batchApi.resetStats();
    },
    setOptions(partial: Partial<MockOpenAIOptions>): void {
      validateOptions(partial);
      const { host: _ignored, ...rest } = partial;
      current = { ...current, ...rest };
    },
    close(): Promise<void> {
      if (!closing) {
        closing = new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
        for (const [timer, wake] of sleepers) {
          clearTimeout(timer);
          wake();
        }
        sleepers.clear();
      }
      return closing;
    },
  };
}
