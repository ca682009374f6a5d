/**
 * The Batch API's answers that the batch provider depends on, validated with zod: the batch object, an uploaded
 * file, and the lines of a batch's output and error files; and how a line becomes a `ProviderResponse`.
 */
import type { ProviderError, ProviderResponse, Usage } from "@promptfirst/core";
import { z } from "zod";
import { chatCompletionSchema } from "./openai-provider.ts";

/** `POST /v1/files`: only the id is needed. */
export const uploadedFileSchema = z.object({ id: z.string().min(1) });

/** Statuses after which a batch changes no more. */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<string> = new Set([
  "completed",
  "failed",
  "expired",
  "cancelled",
]);

/**
 * `GET /v1/batches/{id}` (and `POST /v1/batches`). `status` stays a string: a status the API adds later is
 * treated as "still running" rather than failing the run.
 */
export const batchObjectSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  request_counts: z
    .object({
      total: z.number().int().min(0),
      completed: z.number().int().min(0),
      failed: z.number().int().min(0),
    })
    .nullish(),
  errors: z
    .object({
      data: z
        .array(
          z.object({
            code: z.string().nullish(),
            message: z.string().nullish(),
            line: z.number().int().nullish(),
            param: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

/** A batch object as validated. */
export type BatchObject = z.infer<typeof batchObjectSchema>;

/** One line of a batch's output or error file: `{"id","custom_id","response":{...},"error":{...}}`. */
export const outputLineSchema = z.object({
  id: z.string().nullish(),
  custom_id: z.string().min(1),
  response: z
    .object({
      status_code: z.number().int(),
      request_id: z.string().nullish(),
      body: z.unknown(),
    })
    .nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

/** A line of an output or error file as validated. */
export type OutputLine = z.infer<typeof outputLineSchema>;

/** The first problem zod found, as `path: message`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
}

/**
 * Parse the text of an output or error file. Lines that are not valid JSON or not output lines are counted, not
 * thrown: their requests get "no result" errors.
 */
export function parseOutputFile(text: string): { lines: OutputLine[]; invalid: number } {
  const lines: OutputLine[] = [];
  let invalid = 0;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      invalid++;
      continue;
    }
    const parsed = outputLineSchema.safeParse(json);
    if (parsed.success) lines.push(parsed.data);
    else invalid++;
  }
  return { lines, invalid };
}

function errorMessageOf(body: unknown): string | undefined {
  if (typeof body === "string") return body.slice(0, 500) || undefined;
  if (body === null || typeof body !== "object") return undefined;
  const error = (body as { error?: unknown }).error;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return undefined;
}

/** An HTTP status inside a batch line as a ProviderError: the same kinds and retry rules as a direct call. */
function statusError(status: number, message: string): ProviderError {
  const base = { message, status } as const;
  if (status === 429) return { kind: "rate_limit", ...base, retryable: true };
  if (status === 401 || status === 403) return { kind: "auth", ...base, retryable: false };
  if (status === 404) return { kind: "not_found", ...base, retryable: false };
  if (status === 408 || status === 409 || status >= 500) return { kind: "server", ...base, retryable: true };
  return { kind: "bad_request", ...base, retryable: false };
}

/** Line error codes that say the request never ran, and whether running it again may succeed. */
const NOT_RUN_CODES: Record<string, { kind: ProviderError["kind"]; retryable: boolean; why: string }> = {
  batch_expired: { kind: "timeout", retryable: true, why: "the batch expired before this request ran" },
  batch_cancelled: {
    kind: "server",
    retryable: false,
    why: "the batch was cancelled before this request ran",
  },
};

/** How a line of batch `batchId` answers its request. */
export function lineToResponse(line: OutputLine, batchId: string): ProviderResponse {
  const where = `Batch API, batch ${batchId}, request ${line.custom_id}`;
  if (line.error) {
    const code = line.error.code ?? "error";
    const known = NOT_RUN_CODES[code];
    const detail = `${code}: ${line.error.message ?? "no message"}`;
    return {
      ok: false,
      error: known
        ? { kind: known.kind, message: `${known.why} (${where}: ${detail})`, retryable: known.retryable }
        : // An error the API reports without an HTTP answer: the request may run next time.
          { kind: "server", message: `${where} failed: ${detail}`, retryable: true },
    };
  }
  const response = line.response;
  if (!response) {
    return {
      ok: false,
      error: {
        kind: "invalid_response",
        message: `${where}: the line has neither a response nor an error`,
        retryable: true,
      },
    };
  }
  if (response.status_code < 200 || response.status_code >= 300) {
    const message = errorMessageOf(response.body) ?? `HTTP ${response.status_code}`;
    return { ok: false, error: statusError(response.status_code, `${where}: ${message}`) };
  }
  const parsed = chatCompletionSchema.safeParse(response.body);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        kind: "invalid_response",
        message: `${where}: the answer is not a chat completion: ${describeIssue(parsed.error)}`,
        retryable: false,
      },
    };
  }
  const completion = parsed.data;
  const choice = completion.choices[0]!;
  const answer: ProviderResponse = {
    ok: true,
    output: choice.message.content ?? choice.message.refusal ?? "",
  };
  if (choice.finish_reason) answer.finishReason = choice.finish_reason;
  if (completion.model) answer.model = completion.model;
  if (completion.usage) {
    const usage: Usage = {
      inputTokens: completion.usage.prompt_tokens,
      outputTokens: completion.usage.completion_tokens,
      cachedInputTokens: completion.usage.prompt_tokens_details?.cached_tokens ?? 0,
    };
    answer.usage = usage;
  }
  return answer;
}

/** The error of a request whose line is in neither file, by how the batch ended. */
export function missingLineError(batchId: string, status: string, customId: string): ProviderError {
  const where = `Batch API, batch ${batchId}, request ${customId}`;
  if (status === "expired") {
    return {
      kind: "timeout",
      message: `the batch expired before this request ran (${where})`,
      retryable: true,
    };
  }
  if (status === "cancelled") {
    return {
      kind: "server",
      message: `the batch was cancelled before this request ran (${where})`,
      retryable: false,
    };
  }
  return {
    kind: "invalid_response",
    message: `${where}: the batch ${status} but its output and error files hold no result for this request`,
    retryable: true,
  };
}

/** The error every request of a failed batch gets: the batch's own errors, first few. */
export function failedBatchError(batch: BatchObject): ProviderError {
  const errors = batch.errors?.data ?? [];
  const listed = errors
    .slice(0, 3)
    .map(
      (e) => `${e.code ?? "error"}${e.line == null ? "" : ` (line ${e.line})`}: ${e.message ?? "no message"}`,
    );
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : "";
  return {
    kind: "bad_request",
    message: `Batch API: batch ${batch.id} failed: ${listed.length > 0 ? listed.join("; ") : "no reason given"}${more}`,
    retryable: false,
  };
}
