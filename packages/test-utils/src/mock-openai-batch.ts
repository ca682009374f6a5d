/**
 * The Batch API of the loopback OpenAI-compatible server: `POST /v1/files` (multipart, as the `openai` SDK
 * uploads), `GET /v1/files/{id}` and `/v1/files/{id}/content`, `DELETE /v1/files/{id}`, `POST /v1/batches`, `GET /v1/batches/{id}` and
 * `POST /v1/batches/{id}/cancel`. A batch's lines are answered by the server's own chat completions responder
 * (scripted model, latency, faults, counters), so a batch run and a direct run of the same requests agree.
 */

import type { IncomingMessage, ServerResponse } from "node:http";

/** A non-HTTP failure of one batch line (written to the error file with `response: null`). */
export interface MockBatchLineError {
  code: string;
  message: string;
}

/** One line of a batch input file, as the server read it. */
export interface MockBatchLine {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/** How batches created from now on behave. Options are read when a batch is created. */
export interface MockBatchOptions {
  /** Polls (`GET /v1/batches/{id}`) that answer `in_progress` before the batch finishes; default 0. */
  inProgressPolls?: number;
  /**
   * How the batch ends: `completed` (default); `expired`, where only the first `linesBeforeExpiry` lines ran and
   * the rest are in the error file with code `batch_expired`; `failed`, a validation failure with `errors` and
   * no files (nothing runs).
   */
  outcome?: "completed" | "expired" | "failed";
  /** With `outcome: "expired"`: lines answered before the window closed; default 0. */
  linesBeforeExpiry?: number;
  /** With `outcome: "failed"`: the batch's `errors.data`; default one `invalid_request` error. */
  failureErrors?: Array<{ code: string; message: string; line?: number | null; param?: string | null }>;
  /**
   * A per-line failure that is not an HTTP answer (the line goes to the error file with `error` set and no
   * response), or undefined to answer the line with the chat responder. HTTP failures come from the responder
   * itself: faults, `mockError` answers.
   */
  lineError?: (line: MockBatchLine, index: number) => MockBatchLineError | undefined;
  /** Lines answered at once while a batch runs; default 16. */
  lineConcurrency?: number;
}

/** Upcoming Batch API calls to fail with a 500, by kind: each failure consumes one. */
export interface MockBatchApiFaults {
  upload?: number;
  create?: number;
  retrieve?: number;
  content?: number;
}

/** Live counters of the Batch API routes. */
export interface MockBatchStats {
  /** Files uploaded (`POST /v1/files`), any purpose. */
  filesUploaded: number;
  /** Batches created (`POST /v1/batches`), accepted ones only. */
  batchesCreated: number;
  /** Batch retrievals (`GET /v1/batches/{id}`), answered ones only. */
  polls: number;
  /** File contents downloaded (`GET /v1/files/{id}/content`). */
  downloads: number;
  /** Batches cancelled (`POST /v1/batches/{id}/cancel`). */
  cancels: number;
  /** Batch lines answered through the chat responder. */
  linesRun: number;
  /** Batch API calls failed by `MockBatchApiFaults`. */
  apiFaults: number;
}

/** A stored file, as the files API describes it (`content` is the server's own copy). */
export interface MockFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  content: string;
}

/** A batch object as the Batch API returns it. */
export interface MockBatch {
  id: string;
  object: "batch";
  endpoint: string;
  errors: { object: "list"; data: NonNullable<MockBatchOptions["failureErrors"]> } | null;
  input_file_id: string;
  completion_window: string;
  status:
    | "validating"
    | "failed"
    | "in_progress"
    | "finalizing"
    | "completed"
    | "expired"
    | "cancelling"
    | "cancelled";
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

/** Control of the Batch API of a running mock server. */
export interface MockBatchControl {
  /** Live counters (the same object is updated in place; `resetStats()` zeroes them). */
  stats: MockBatchStats;
  /** Every batch created so far, as the API would return it now (without counting a poll). */
  batches(): MockBatch[];
  /** Every file stored so far (uploads and outputs). */
  files(): MockFile[];
  /** The lines of an uploaded input file, parsed. */
  inputLines(batchId: string): MockBatchLine[];
  /** Changes how batches created from now on behave; a key given as `undefined` goes back to its default. */
  setOptions(partial: Partial<MockBatchOptions>): void;
  /** Fail the next calls of these kinds with a 500 (added to any not yet consumed). */
  failNext(faults: MockBatchApiFaults): void;
}

/** What the batch routes need from the server around them. */
export interface BatchApiHost {
  /** Answer one chat completions body through the server's responder; undefined when the server is closing. */
  answerChat(
    body: unknown,
  ): Promise<{ status: number; text: string; headers: Record<string, string | number> } | undefined>;
  readBuffer(req: IncomingMessage): Promise<Buffer>;
  sendJson(res: ServerResponse, status: number, body: unknown): void;
  sendText(res: ServerResponse, status: number, text: string, contentType: string): void;
  sendError(
    res: ServerResponse,
    status: number,
    fields: { message: string; type: string; param?: string | null; code?: string | null },
  ): void;
  isClosing(): boolean;
}

/** The batch routes and their control, for `startMockOpenAI`. */
export interface BatchApi {
  control: MockBatchControl;
  /** Handles the request when it is a Batch API route and returns true; false leaves it to the caller. */
  route(req: IncomingMessage, res: ServerResponse, method: string | undefined, path: string): boolean;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Resolves when every batch that is running lines has stopped. */
  idle(): Promise<void>;
}

const CHAT_ENDPOINT = "/v1/chat/completions";
const PREFIXES = ["/v1", "/openai/v1"];
const DAY_S = 24 * 60 * 60;

interface BatchRecord {
  batch: MockBatch;
  options: MockBatchOptions;
  lines: MockBatchLine[];
  polls: number;
  /** Results by line index: the output or error line. */
  results: Array<{ ok: boolean; line: Record<string, unknown> } | undefined>;
  running: Promise<void> | undefined;
  cancelRequested: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function emptyStats(): MockBatchStats {
  return {
    filesUploaded: 0,
    batchesCreated: 0,
    polls: 0,
    downloads: 0,
    cancels: 0,
    linesRun: 0,
    apiFaults: 0,
  };
}

/** The routes of the Batch API over `host`'s chat responder. */
export function createBatchApi(host: BatchApiHost, initial: MockBatchOptions = {}): BatchApi {
  let options: MockBatchOptions = { ...initial };
  const faults: Required<MockBatchApiFaults> = { upload: 0, create: 0, retrieve: 0, content: 0 };
  const stats = emptyStats();
  const files = new Map<string, MockFile>();
  const batches = new Map<string, BatchRecord>();
  let nextFile = 0;
  let nextBatch = 0;
  let nextLine = 0;

  function storeFile(filename: string, purpose: string, content: string): MockFile {
    const file: MockFile = {
      id: `file-mock-${++nextFile}`,
      object: "file",
      bytes: Buffer.byteLength(content),
      created_at: nowSeconds(),
      filename,
      purpose,
      status: "processed",
      content,
    };
    files.set(file.id, file);
    return file;
  }

  function describeFile(file: MockFile): Omit<MockFile, "content"> {
    const { content: _content, ...described } = file;
    return described;
  }

  /** Consume one injected fault of `kind`; true when the call must fail. */
  function injectFault(res: ServerResponse, kind: keyof MockBatchApiFaults): boolean {
    if (faults[kind] <= 0) return false;
    faults[kind]--;
    stats.apiFaults++;
    host.sendError(res, 500, {
      message: `The server had an error while processing your request. (injected on ${kind})`,
      type: "server_error",
    });
    return true;
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await host.readBuffer(req);
    if (injectFault(res, "upload")) return;
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith("multipart/form-data")) {
      host.sendError(res, 400, {
        message: "The request must be multipart/form-data with a `file` and a `purpose`.",
        type: "invalid_request_error",
      });
      return;
    }
    let form: FormData;
    try {
      // The platform's own multipart parser: what the SDK's FormData encoder sends, read back the standard way.
      form = await new Request("http://mock.invalid/", {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      }).formData();
    } catch (error) {
      host.sendError(res, 400, {
        message: `The multipart body could not be parsed: ${(error as Error).message}`,
        type: "invalid_request_error",
      });
      return;
    }
    const purpose = form.get("purpose");
    const file = form.get("file");
    if (typeof purpose !== "string" || purpose === "") {
      host.sendError(res, 400, {
        message: "Missing required parameter: 'purpose'.",
        type: "invalid_request_error",
        param: "purpose",
        code: "missing_required_parameter",
      });
      return;
    }
    if (file === null || typeof file === "string") {
      host.sendError(res, 400, {
        message: "Missing required parameter: 'file'.",
        type: "invalid_request_error",
        param: "file",
        code: "missing_required_parameter",
      });
      return;
    }
    const stored = storeFile(file.name || "upload", purpose, await file.text());
    stats.filesUploaded++;
    host.sendJson(res, 200, describeFile(stored));
  }

  function handleFile(res: ServerResponse, id: string, content: boolean): void {
    const file = files.get(id);
    if (!file) {
      host.sendError(res, 404, {
        message: `No such File object: ${id}`,
        type: "invalid_request_error",
        param: "id",
      });
      return;
    }
    if (!content) {
      host.sendJson(res, 200, describeFile(file));
      return;
    }
    if (injectFault(res, "content")) return;
    stats.downloads++;
    host.sendText(res, 200, file.content, "application/octet-stream");
  }

  /** Parse and check an input file the way the API validates it; the errors of a failed batch otherwise. */
  function readInput(
    file: MockFile,
    endpoint: string,
  ): { lines: MockBatchLine[] } | { errors: MockBatch["errors"] } {
    const lines: MockBatchLine[] = [];
    const data: NonNullable<MockBatch["errors"]>["data"] = [];
    const ids = new Set<string>();
    let model: unknown;
    file.content.split("\n").forEach((text, index) => {
      if (text.trim() === "") return;
      const lineNumber = index + 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        data.push({
          code: "invalid_json_line",
          message: "This line is not parseable as valid JSON.",
          line: lineNumber,
        });
        return;
      }
      if (!isRecord(parsed) || typeof parsed.custom_id !== "string" || parsed.custom_id === "") {
        data.push({
          code: "missing_required_parameter",
          message: "Missing custom_id.",
          line: lineNumber,
          param: "custom_id",
        });
        return;
      }
      if (ids.has(parsed.custom_id)) {
        data.push({
          code: "duplicate_custom_id",
          message: "The custom_id for this request is a duplicate of another request.",
          line: lineNumber,
          param: "custom_id",
        });
        return;
      }
      ids.add(parsed.custom_id);
      if (parsed.method !== "POST") {
        data.push({
          code: "invalid_method",
          message: "The method must be POST.",
          line: lineNumber,
          param: "method",
        });
        return;
      }
      if (parsed.url !== endpoint) {
        data.push({
          code: "mismatched_endpoint",
          message: `The url must be ${endpoint}, the batch's endpoint.`,
          line: lineNumber,
          param: "url",
        });
        return;
      }
      if (!isRecord(parsed.body)) {
        data.push({
          code: "invalid_request",
          message: "The body must be an object.",
          line: lineNumber,
          param: "body",
        });
        return;
      }
      // As OpenAI's: an input file holds requests for one model.
      model ??= parsed.body.model;
      if (parsed.body.model !== model) {
        data.push({
          code: "mismatched_model",
          message: `Every request of a batch must use the same model: this one uses ${JSON.stringify(parsed.body.model)}, the first ${JSON.stringify(model)}.`,
          line: lineNumber,
          param: "body.model",
        });
        return;
      }
      lines.push({ custom_id: parsed.custom_id, method: parsed.method, url: parsed.url, body: parsed.body });
    });
    if (lines.length === 0 && data.length === 0) {
      data.push({ code: "empty_file", message: "The input file has no requests." });
    }
    return data.length > 0 ? { errors: { object: "list", data } } : { lines };
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = (await host.readBuffer(req)).toString("utf8");
    if (injectFault(res, "create")) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      host.sendError(res, 400, {
        message: "We could not parse the JSON body of your request.",
        type: "invalid_request_error",
      });
      return;
    }
    if (!isRecord(body) || typeof body.input_file_id !== "string") {
      host.sendError(res, 400, {
        message: "Missing required parameter: 'input_file_id'.",
        type: "invalid_request_error",
        param: "input_file_id",
        code: "missing_required_parameter",
      });
      return;
    }
    if (body.endpoint !== CHAT_ENDPOINT) {
      host.sendError(res, 400, {
        message: `The mock Batch API supports the endpoint ${CHAT_ENDPOINT} only, got ${JSON.stringify(body.endpoint)}.`,
        type: "invalid_request_error",
        param: "endpoint",
      });
      return;
    }
    if (body.completion_window !== "24h") {
      host.sendError(res, 400, {
        message: `Invalid completion_window ${JSON.stringify(body.completion_window)}: only 24h is supported.`,
        type: "invalid_request_error",
        param: "completion_window",
      });
      return;
    }
    const file = files.get(body.input_file_id);
    if (file?.purpose !== "batch") {
      host.sendError(res, 400, {
        message: file
          ? `File ${file.id} was uploaded with purpose ${file.purpose}, not batch.`
          : `No such File object: ${body.input_file_id}`,
        type: "invalid_request_error",
        param: "input_file_id",
      });
      return;
    }
    const created = nowSeconds();
    const batch: MockBatch = {
      id: `batch_mock_${++nextBatch}`,
      object: "batch",
      endpoint: CHAT_ENDPOINT,
      errors: null,
      input_file_id: file.id,
      completion_window: "24h",
      status: "validating",
      output_file_id: null,
      error_file_id: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + DAY_S,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: isRecord(body.metadata) ? (body.metadata as Record<string, string>) : null,
    };
    const record: BatchRecord = {
      batch,
      options: { ...options },
      lines: [],
      polls: 0,
      results: [],
      running: undefined,
      cancelRequested: false,
    };
    const input = readInput(file, CHAT_ENDPOINT);
    if ("errors" in input || record.options.outcome === "failed") {
      batch.status = "failed";
      batch.failed_at = created;
      batch.errors =
        "errors" in input
          ? input.errors
          : {
              object: "list",
              data: record.options.failureErrors ?? [
                {
                  code: "invalid_request",
                  message: "The batch failed validation (injected by the mock server).",
                },
              ],
            };
    } else {
      record.lines = input.lines;
      batch.request_counts.total = input.lines.length;
      record.running = runLines(record);
    }
    batches.set(batch.id, record);
    stats.batchesCreated++;
    host.sendJson(res, 200, batch);
  }

  /** Answer the lines the batch gets to run, through the chat responder. */
  async function runLines(record: BatchRecord): Promise<void> {
    const { lines, options: batchOptions } = record;
    const runnable =
      batchOptions.outcome === "expired"
        ? Math.min(lines.length, batchOptions.linesBeforeExpiry ?? 0)
        : lines.length;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < runnable) {
        const index = next++;
        const line = lines[index]!;
        if (record.cancelRequested || host.isClosing()) return;
        record.results[index] = await runLine(line, index, batchOptions);
        const counts = record.batch.request_counts;
        if (record.results[index]?.ok) counts.completed++;
        else counts.failed++;
      }
    };
    const width = Math.max(1, Math.min(runnable, batchOptions.lineConcurrency ?? 16));
    await Promise.all(Array.from({ length: width }, lane));
  }

  async function runLine(
    line: MockBatchLine,
    index: number,
    batchOptions: MockBatchOptions,
  ): Promise<{ ok: boolean; line: Record<string, unknown> }> {
    const id = `batch_req_mock_${++nextLine}`;
    const failure = batchOptions.lineError?.(line, index);
    if (failure) {
      return { ok: false, line: { id, custom_id: line.custom_id, response: null, error: failure } };
    }
    // A batch line is never streamed.
    const { stream: _stream, stream_options: _streamOptions, ...body } = line.body;
    let reply: Awaited<ReturnType<BatchApiHost["answerChat"]>>;
    try {
      reply = await host.answerChat(body);
    } catch (error) {
      reply = {
        status: 500,
        text: JSON.stringify({
          error: {
            message: `The mock server failed: ${(error as Error).message}`,
            type: "server_error",
            param: null,
            code: null,
          },
        }),
        headers: {},
      };
    }
    stats.linesRun++;
    if (!reply) {
      return {
        ok: false,
        line: {
          id,
          custom_id: line.custom_id,
          response: null,
          error: { code: "server_closing", message: "The mock server closed." },
        },
      };
    }
    let parsed: unknown = reply.text;
    try {
      parsed = JSON.parse(reply.text);
    } catch {
      // A raw answer that is not JSON stays text.
    }
    const requestId = reply.headers["x-request-id"];
    return {
      ok: reply.status >= 200 && reply.status < 300,
      line: {
        id,
        custom_id: line.custom_id,
        response: {
          status_code: reply.status,
          request_id: typeof requestId === "string" ? requestId : `req_${id}`,
          body: parsed,
        },
        error: null,
      },
    };
  }

  /** Move a batch on: one poll more, and to its end once its polls are used up and its lines are done. */
  async function advance(record: BatchRecord): Promise<void> {
    const { batch } = record;
    if (
      batch.status === "failed" ||
      batch.status === "completed" ||
      batch.status === "expired" ||
      batch.status === "cancelled"
    )
      return;
    record.polls++;
    const now = nowSeconds();
    if (batch.status === "validating") {
      batch.status = "in_progress";
      batch.in_progress_at = now;
    }
    if (record.cancelRequested) {
      await record.running;
      finish(record, "cancelled");
      return;
    }
    if (record.polls <= (record.options.inProgressPolls ?? 0)) return;
    await record.running;
    finish(record, record.options.outcome === "expired" ? "expired" : "completed");
  }

  function finish(record: BatchRecord, status: "completed" | "expired" | "cancelled"): void {
    const { batch, lines, results } = record;
    const now = nowSeconds();
    const output: string[] = [];
    const errors: string[] = [];
    lines.forEach((line, index) => {
      const result = results[index];
      if (result) {
        (result.ok ? output : errors).push(JSON.stringify(result.line));
        return;
      }
      const code = status === "cancelled" ? "batch_cancelled" : "batch_expired";
      const message =
        status === "cancelled"
          ? "This request could not be executed before the batch was cancelled."
          : "This request could not be executed before the completion window expired.";
      errors.push(
        JSON.stringify({
          id: `batch_req_mock_${++nextLine}`,
          custom_id: line.custom_id,
          response: null,
          error: { code, message },
        }),
      );
    });
    if (output.length > 0)
      batch.output_file_id = storeFile(
        `${batch.id}_output.jsonl`,
        "batch_output",
        `${output.join("\n")}\n`,
      ).id;
    if (errors.length > 0)
      batch.error_file_id = storeFile(`${batch.id}_error.jsonl`, "batch_output", `${errors.join("\n")}\n`).id;
    batch.request_counts = { total: lines.length, completed: output.length, failed: errors.length };
    batch.finalizing_at = now;
    batch.status = status;
    if (status === "completed") batch.completed_at = now;
    else if (status === "expired") batch.expired_at = now;
    else batch.cancelled_at = now;
  }

  async function handleRetrieve(res: ServerResponse, id: string): Promise<void> {
    if (injectFault(res, "retrieve")) return;
    const record = batches.get(id);
    if (!record) {
      host.sendError(res, 404, {
        message: `No batch found with id '${id}'.`,
        type: "invalid_request_error",
        param: "batch_id",
      });
      return;
    }
    await advance(record);
    stats.polls++;
    host.sendJson(res, 200, record.batch);
  }

  function handleCancel(res: ServerResponse, id: string): void {
    const record = batches.get(id);
    if (!record) {
      host.sendError(res, 404, {
        message: `No batch found with id '${id}'.`,
        type: "invalid_request_error",
        param: "batch_id",
      });
      return;
    }
    const { batch } = record;
    if (batch.status === "validating" || batch.status === "in_progress" || batch.status === "finalizing") {
      record.cancelRequested = true;
      batch.status = "cancelling";
      batch.cancelling_at = nowSeconds();
      stats.cancels++;
    }
    host.sendJson(res, 200, batch);
  }

  function route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string | undefined,
    path: string,
  ): boolean {
    if (!isBatchApiPath(path)) return false;
    const prefix = path.startsWith("/openai/") ? "/openai/v1" : "/v1";
    const rest = path.slice(prefix.length).split("/").slice(1).map(decodeSegment);
    if (rest.some((segment) => segment === undefined)) return false;
    const [collection, id, action] = rest as string[];
    const fail = (error: unknown): void =>
      host.sendError(res, 500, {
        message: `The mock server failed: ${(error as Error).message}`,
        type: "server_error",
      });
    if (collection === "files") {
      if (method === "POST" && rest.length === 1) {
        handleUpload(req, res).catch(fail);
        return true;
      }
      if (method === "GET" && id && rest.length === 2) {
        handleFile(res, id, false);
        return true;
      }
      if (method === "DELETE" && id && rest.length === 2) {
        const deleted = files.delete(id);
        if (deleted) host.sendJson(res, 200, { id, object: "file", deleted: true });
        else
          host.sendError(res, 404, {
            message: `No such File object: ${id}`,
            type: "invalid_request_error",
            param: "id",
          });
        return true;
      }
      if (method === "GET" && id && action === "content" && rest.length === 3) {
        handleFile(res, id, true);
        return true;
      }
    }
    if (collection === "batches") {
      if (method === "POST" && rest.length === 1) {
        handleCreate(req, res).catch(fail);
        return true;
      }
      if (method === "GET" && id && rest.length === 2) {
        handleRetrieve(res, id).catch(fail);
        return true;
      }
      if (method === "POST" && id && action === "cancel" && rest.length === 3) {
        handleCancel(res, id);
        return true;
      }
    }
    return false;
  }

  return {
    control: {
      stats,
      batches: () => [...batches.values()].map((record) => structuredClone(record.batch)),
      files: () => [...files.values()].map((file) => ({ ...file })),
      inputLines: (batchId) => structuredClone(batches.get(batchId)?.lines ?? []),
      setOptions(partial) {
        options = { ...options, ...partial };
      },
      failNext(more) {
        for (const kind of ["upload", "create", "retrieve", "content"] as const)
          faults[kind] += more[kind] ?? 0;
      },
    },
    route,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    async idle() {
      await Promise.all([...batches.values()].map((record) => record.running));
    },
  };
}

/** Whether `path` is one of the Batch API's (`/v1/files…`, `/v1/batches…`, also under `/openai/v1`). */
export function isBatchApiPath(path: string): boolean {
  return PREFIXES.some((prefix) =>
    ["files", "batches"].some(
      (collection) => path === `${prefix}/${collection}` || path.startsWith(`${prefix}/${collection}/`),
    ),
  );
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
