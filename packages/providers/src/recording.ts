import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  computeRequestKey,
  type ModelRequest,
  PromptfirstError,
  type Provider,
  type ProviderResponse,
  type StoredResponse,
} from "@promptfirst/core";
import { z } from "zod";
import { storedResponseSchema } from "./file-cache.ts";

/** Format marker of recording files. */
export const RECORDING_FORMAT = "promptfirst-recording";

const recordingSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(1),
  entries: z.record(
    z.string().regex(/^[0-9a-f]{64}$/, "entry keys are request hashes"),
    z.object({
      request: z.object({
        baseURL: z.string(),
        model: z.string(),
        messages: z.array(z.object({ role: z.string(), content: z.string() })),
        params: z.record(z.string(), z.unknown()),
        sample: z.number().int().min(0),
      }),
      response: storedResponseSchema,
    }),
  ),
});

/** A recording file: every response keyed by its request's content address, with the request for review. */
export type RecordingFile = z.infer<typeof recordingSchema>;

/** Read and validate a recording; a missing or malformed file is a PromptfirstError naming it. */
export async function loadRecording(file: string): Promise<RecordingFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new PromptfirstError(
      missing ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      missing
        ? `recording "${file}" not found; create it with --record ${file} against a real endpoint`
        : `recording "${file}" could not be read: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PromptfirstError(
      "REPLAY_INVALID",
      `recording "${file}" is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = recordingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PromptfirstError(
      "REPLAY_INVALID",
      `recording "${file}" is not a promptfirst recording: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** Answers only from a recording; a request it lacks fails with `not_recorded`, naming the file. */
export class ReplayProvider implements Provider {
  readonly id: string;
  readonly #entries: RecordingFile["entries"];
  readonly #file: string;
  /** Requests that had no recording. */
  misses = 0;

  constructor(recording: RecordingFile, file: string) {
    this.id = `replay:${file}`;
    this.#entries = recording.entries;
    this.#file = file;
  }

  /** Answer from the recording. */
  async complete(request: ModelRequest): Promise<ProviderResponse> {
    const entry = this.#entries[computeRequestKey(request)];
    if (!entry) {
      this.misses++;
      return {
        ok: false,
        error: {
          kind: "not_recorded",
          message: `no recorded answer in ${this.#file} for this ${request.model} request (the prompt, case, model or parameters changed since it was recorded); re-record with --record`,
          retryable: false,
        },
      };
    }
    return { ok: true, ...entry.response, replayed: true };
  }
}

/** Wraps a provider and keeps every successful response, to save as a recording. */
export class RecordingProvider implements Provider {
  readonly id: string;
  readonly #inner: Provider;
  readonly #entries: RecordingFile["entries"] = {};

  constructor(inner: Provider) {
    this.id = inner.id;
    this.#inner = inner;
  }

  /** Forward to the wrapped provider and record a success. */
  async complete(request: ModelRequest, options: { signal: AbortSignal }): Promise<ProviderResponse> {
    const response = await this.#inner.complete(request, options);
    if (response.ok) {
      const stored: StoredResponse = { output: response.output };
      if (response.usage) stored.usage = response.usage;
      if (response.model) stored.model = response.model;
      if (response.finishReason) stored.finishReason = response.finishReason;
      this.#entries[computeRequestKey(request)] = {
        request: {
          baseURL: request.baseURL,
          model: request.model,
          messages: request.messages,
          params: { ...request.params },
          sample: request.sample,
        },
        response: stored,
      };
    }
    return response;
  }

  /** Recorded entries so far. */
  get size(): number {
    return Object.keys(this.#entries).length;
  }

  /** Merge these entries into the recording at `file` (created if absent), keys sorted for stable diffs. */
  async save(file: string, merge: RecordingFile["entries"] = {}): Promise<void> {
    await saveRecording(file, { ...merge, ...this.#entries });
  }

  /** The recorded entries. */
  entries(): RecordingFile["entries"] {
    return { ...this.#entries };
  }
}

/** Write a recording file atomically with sorted keys. */
export async function saveRecording(file: string, entries: RecordingFile["entries"]): Promise<void> {
  const sorted: RecordingFile["entries"] = {};
  for (const key of Object.keys(entries).sort()) sorted[key] = entries[key]!;
  const body: RecordingFile = { format: RECORDING_FORMAT, version: 1, entries: sorted };
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.tmp`;
  await writeFile(temp, `${JSON.stringify(body, null, 1)}\n`);
  await rename(temp, file);
}
