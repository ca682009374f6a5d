/**
 * A provider that answers chat completions through OpenAI's Batch API (config `provider.batch: true`): it
 * collects the run's `complete()` calls for a short window, uploads them as one JSONL input file, creates one
 * batch, polls it with backoff until it ends, reads its output and error files, and answers each call from its
 * line. The batch's ids are kept in a state file under the cache directory, so a restarted run resumes the batch
 * instead of paying for it again. Half the price, answers within 24 hours.
 */
import {
  BATCH_LIMITS,
  computeRequestKey,
  inferProviderFromBaseURL,
  type ModelLifecycle,
  type ModelRequest,
  type Provider,
  type ProviderError,
  type ProviderResponse,
  SELF_HOSTED_PROVIDER,
} from "@promptfirst/core";
import OpenAI, { toFile } from "openai";
import type { z } from "zod";
import {
  type BatchObject,
  batchObjectSchema,
  describeIssue,
  failedBatchError,
  lineToResponse,
  missingLineError,
  type OutputLine,
  parseOutputFile,
  TERMINAL_BATCH_STATUSES,
  uploadedFileSchema,
} from "./batch-results.ts";
import { BATCH_STATE_VERSION, type BatchState, BatchStateStore, computeBatchStateId } from "./batch-state.ts";
import { OpenAIProvider, toProviderError } from "./openai-provider.ts";

/** The endpoint every line of a promptfirst batch calls. */
export const BATCH_ENDPOINT = "/v1/chat/completions";

/** Defaults of the timing options of `BatchProvider`. */
export const BATCH_PROVIDER_DEFAULTS = {
  /** Submit once no new call has arrived for this long. */
  collectIdleMs: 2_000,
  /** Submit at the latest this long after the first call of a batch arrived, even if calls keep coming. */
  collectMaxMs: 60_000,
  /** First wait between two polls of a batch. */
  pollIntervalMs: 5_000,
  /** Longest wait between two polls. */
  maxPollIntervalMs: 60_000,
  /** Factor the wait grows by after each poll. */
  pollBackoff: 1.5,
  /** Consecutive failed polls or downloads (5xx, connection errors) before the waiting calls fail. */
  maxPollFailures: 8,
} as const;

/** What the provider reports while it works (for a shell's progress output or logs). */
export type BatchEvent =
  | { type: "submitted"; batchId: string; requests: number }
  | { type: "resumed"; batchId: string; requests: number }
  | { type: "status"; batchId: string; status: string; completed: number; failed: number; total: number }
  | { type: "finished"; batchId: string; status: string; answered: number; failed: number }
  | { type: "warning"; message: string };

/** How to reach the endpoint, where to keep state, and the timing (injectable so tests run in milliseconds). */
export interface BatchProviderOptions {
  baseURL: string;
  /** The key, read by the shell from the environment; never logged. Undefined: requests fail with `no_api_key`. */
  apiKey?: string;
  /** Name of the variable the key should come from, for the error message when it is missing. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  /** Azure OpenAI `api-version` query parameter. */
  apiVersion?: string;
  /** Replaces the transport (tests, proxies); default: the platform's `fetch`. */
  fetch?: typeof fetch;
  /** Directory of the batch state files, e.g. `<cache dir>/batches`. */
  stateDir: string;
  collectIdleMs?: number;
  collectMaxMs?: number;
  /** Most requests in one batch (default and ceiling: the API's 50,000). */
  maxRequests?: number;
  /** Most bytes in one input file (default and ceiling: the API's 200 MB). */
  maxFileBytes?: number;
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  pollBackoff?: number;
  maxPollFailures?: number;
  /** Wait between polls (default `setTimeout`); should end early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Clock for the state files (default: now). */
  now?: () => Date;
  onEvent?: (event: BatchEvent) => void;
}

/** The calls collected for one model's next batch. */
interface Collector {
  /** Request key → the calls waiting for it. */
  requests: Map<string, Pending[]>;
  /** Bytes of the input file so far. */
  bytes: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  maxTimer: ReturnType<typeof setTimeout> | undefined;
}

/** One `complete()` call waiting for its answer. */
interface Pending {
  key: string;
  model: string;
  /** The line's `body`, as JSON. */
  body: string;
  settled: boolean;
  settle(response: ProviderResponse): void;
}

/** A batch this process is waiting for, with the calls it answers. */
interface Job {
  state: BatchState;
  /** Request key → the calls waiting for it. */
  waiters: Map<string, Pending[]>;
  resumed: boolean;
  /** Aborted when no call waits any more: the job stops sleeping and leaves the batch to a re-run. */
  idle: AbortController;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** `{"custom_id","method","url","body"}`: one line of the input file, built from the body's JSON. */
function inputLine(customId: string, body: string): string {
  return `{"custom_id":${JSON.stringify(customId)},"method":"POST","url":"${BATCH_ENDPOINT}","body":${body}}`;
}

/** Bytes of a line whose custom id is at most this long, newline included. */
const LINE_OVERHEAD_BYTES = Buffer.byteLength(inputLine("pf-0000000", "")) + 1;

/** A zod failure on an answer the provider depends on, as a ProviderError. */
function invalidAnswer(what: string, error: z.ZodError): ProviderError {
  return {
    kind: "invalid_response",
    message: `Batch API: the endpoint's answer to ${what} is not what the API documents: ${describeIssue(error)}`,
    retryable: false,
  };
}

/** Prefix an SDK error's message with what the provider was doing. */
function apiError(what: string, error: unknown): ProviderError {
  const mapped = toProviderError(error);
  return { ...mapped, message: `Batch API: ${what} failed: ${mapped.message}` };
}

/**
 * The Provider port over OpenAI's Batch API. Calls for one model that arrive within `collectIdleMs` of each
 * other (up to `maxRequests` requests or `maxFileBytes` bytes, or `collectMaxMs` after the first) go into one
 * batch (an input file holds one model's requests). Each request's answer is its line of the output file; a
 * line that failed (an HTTP error, a line error, expiry, or no line at all) is that call's error, retryable or
 * not as for a direct call, so the runner retries it (in a new batch) or reports it. Requests already in a
 * remembered batch (see `BatchStateStore`) are answered from it. Never throws.
 */
export class BatchProvider implements Provider {
  readonly id: string;
  readonly #client: OpenAI | undefined;
  readonly #missingKey: string | undefined;
  readonly #lifecycle: OpenAIProvider;
  readonly #store: BatchStateStore;
  readonly #baseURL: string;
  readonly #options: Required<
    Pick<
      BatchProviderOptions,
      | "collectIdleMs"
      | "collectMaxMs"
      | "maxRequests"
      | "maxFileBytes"
      | "pollIntervalMs"
      | "maxPollIntervalMs"
      | "pollBackoff"
      | "maxPollFailures"
    >
  >;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #now: () => Date;
  readonly #onEvent: (event: BatchEvent) => void;

  /** Calls collected for the next batch of each model. */
  readonly #collectors = new Map<string, Collector>();
  /** Batches being waited for, by state id. */
  readonly #jobs = new Map<string, Job>();
  /** Dispatches under way (for `drain`). */
  readonly #work = new Set<Promise<void>>();

  constructor(options: BatchProviderOptions) {
    this.#baseURL = options.baseURL;
    this.id = `openai-batch:${options.baseURL}`;
    this.#store = new BatchStateStore(options.stateDir, options.now);
    this.#options = {
      collectIdleMs: options.collectIdleMs ?? BATCH_PROVIDER_DEFAULTS.collectIdleMs,
      collectMaxMs: options.collectMaxMs ?? BATCH_PROVIDER_DEFAULTS.collectMaxMs,
      maxRequests: Math.min(options.maxRequests ?? BATCH_LIMITS.maxRequests, BATCH_LIMITS.maxRequests),
      maxFileBytes: Math.min(options.maxFileBytes ?? BATCH_LIMITS.maxFileBytes, BATCH_LIMITS.maxFileBytes),
      pollIntervalMs: options.pollIntervalMs ?? BATCH_PROVIDER_DEFAULTS.pollIntervalMs,
      maxPollIntervalMs: options.maxPollIntervalMs ?? BATCH_PROVIDER_DEFAULTS.maxPollIntervalMs,
      pollBackoff: options.pollBackoff ?? BATCH_PROVIDER_DEFAULTS.pollBackoff,
      maxPollFailures: options.maxPollFailures ?? BATCH_PROVIDER_DEFAULTS.maxPollFailures,
    };
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? (() => new Date());
    this.#onEvent = options.onEvent ?? (() => {});
    this.#lifecycle = new OpenAIProvider(options);

    const local = inferProviderFromBaseURL(options.baseURL) === SELF_HOSTED_PROVIDER;
    const apiKey = options.apiKey ?? (local ? "not-needed" : undefined);
    if (!apiKey) {
      this.#missingKey = `no API key for ${options.baseURL}: set the environment variable ${options.apiKeyEnv ?? "OPENAI_API_KEY"} (in a workflow, from a secret)`;
      return;
    }
    const headers: Record<string, string> = { ...options.headers };
    if (inferProviderFromBaseURL(options.baseURL) === "azure") headers["api-key"] = apiKey;
    const clientOptions: ConstructorParameters<typeof OpenAI>[0] = {
      apiKey,
      baseURL: options.baseURL,
      // Polls and downloads are retried here, with their own budget; one SDK attempt each.
      maxRetries: 0,
      defaultHeaders: headers,
    };
    // A batch is a handful of calls (upload, create, polls, downloads): the platform's fetch serves them well,
    // streams large output files, and sends the multipart upload as the SDK builds it.
    if (options.fetch) clientOptions.fetch = options.fetch;
    if (options.apiVersion) clientOptions.defaultQuery = { "api-version": options.apiVersion };
    this.#client = new OpenAI(clientOptions);
  }

  /** Queue one request for the next batch; resolves when its batch has answered it (or it failed). */
  complete(request: ModelRequest, options: { signal: AbortSignal }): Promise<ProviderResponse> {
    if (!this.#client) {
      return Promise.resolve({
        ok: false,
        error: { kind: "no_api_key", message: this.#missingKey!, retryable: false },
      });
    }
    const { signal } = options;
    if (signal.aborted) return Promise.resolve(this.#stoppedWaiting(signal));
    const key = computeRequestKey(request);
    const body = JSON.stringify({ model: request.model, messages: request.messages, ...request.params });
    return new Promise<ProviderResponse>((resolve) => {
      const onAbort = (): void => {
        this.#forget(pending);
        pending.settle(this.#stoppedWaiting(signal));
        this.#wakeIdleJobs();
      };
      const pending: Pending = {
        key,
        model: request.model,
        body,
        settled: false,
        settle: (response) => {
          if (pending.settled) return;
          pending.settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve(response);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#collect(pending);
    });
  }

  /** Lifecycle facts from the endpoint's models API, as `OpenAIProvider.fetchLifecycle`. */
  fetchLifecycle(model: string, signal?: AbortSignal): Promise<ModelLifecycle | undefined> {
    return this.#lifecycle.fetchLifecycle(model, signal);
  }

  /** Submit what is being collected now, without waiting for the collect window to close. */
  flush(): void {
    this.#flush();
  }

  /** Resolves once every batch dispatched so far has been submitted or resumed and answered (for tests). */
  async drain(): Promise<void> {
    while (this.#work.size > 0) await Promise.all([...this.#work]);
  }

  #stoppedWaiting(signal: AbortSignal): ProviderResponse {
    const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : "";
    return {
      ok: false,
      error: {
        kind: "timeout",
        message: `stopped waiting for the Batch API${reason}; a batch already submitted keeps running, and a re-run with the same cache directory resumes it`,
        retryable: true,
      },
    };
  }

  #collect(pending: Pending): void {
    let collector = this.#collectors.get(pending.model);
    if (!collector) {
      collector = { requests: new Map(), bytes: 0, idleTimer: undefined, maxTimer: undefined };
      this.#collectors.set(pending.model, collector);
    }
    const waiting = collector.requests.get(pending.key);
    if (waiting) {
      waiting.push(pending);
      return;
    }
    const bytes = Buffer.byteLength(pending.body) + LINE_OVERHEAD_BYTES;
    if (collector.requests.size > 0 && collector.bytes + bytes > this.#options.maxFileBytes) {
      this.#flushModel(pending.model);
      this.#collect(pending);
      return;
    }
    collector.requests.set(pending.key, [pending]);
    collector.bytes += bytes;
    if (collector.requests.size >= this.#options.maxRequests) {
      this.#flushModel(pending.model);
      return;
    }
    clearTimeout(collector.idleTimer);
    collector.idleTimer = setTimeout(() => this.#flushModel(pending.model), this.#options.collectIdleMs);
    collector.maxTimer ??= setTimeout(() => this.#flushModel(pending.model), this.#options.collectMaxMs);
  }

  /** Drop an aborted call from the batch being collected (a submitted one just stops being waited for). */
  #forget(pending: Pending): void {
    const collector = this.#collectors.get(pending.model);
    const waiting = collector?.requests.get(pending.key);
    if (!collector || !waiting) return;
    const left = waiting.filter((p) => p !== pending);
    if (left.length > 0) collector.requests.set(pending.key, left);
    else {
      collector.requests.delete(pending.key);
      collector.bytes -= Buffer.byteLength(pending.body) + LINE_OVERHEAD_BYTES;
    }
    if (collector.requests.size === 0) {
      clearTimeout(collector.idleTimer);
      clearTimeout(collector.maxTimer);
      this.#collectors.delete(pending.model);
    }
  }

  /** Wake the jobs nobody waits for any more, so they stop at once instead of after their next sleep. */
  #wakeIdleJobs(): void {
    for (const job of this.#jobs.values()) if (this.#live(job).length === 0) job.idle.abort();
  }

  /** Submit what is being collected for every model. */
  #flush(): void {
    for (const model of [...this.#collectors.keys()]) this.#flushModel(model);
  }

  /** Submit what is being collected for `model`: one batch (an input file holds one model's requests). */
  #flushModel(model: string): void {
    const collector = this.#collectors.get(model);
    if (!collector) return;
    clearTimeout(collector.idleTimer);
    clearTimeout(collector.maxTimer);
    this.#collectors.delete(model);
    if (collector.requests.size === 0) return;
    const group = collector.requests;
    this.#track(this.#dispatch(group), (error) => {
      for (const waiting of group.values()) for (const p of waiting) p.settle({ ok: false, error });
    });
  }

  /** Keep `work` for `drain`; an unexpected failure (a bug, not an API error) fails `onFailure`'s calls. */
  #track(work: Promise<void>, onFailure: (error: ProviderError) => void): void {
    const guarded = work.catch((error: unknown) => {
      const message = `Batch API: unexpected failure: ${(error as Error)?.message ?? String(error)}`;
      this.#onEvent({ type: "warning", message });
      onFailure({ kind: "network", message, retryable: true });
    });
    this.#work.add(guarded);
    guarded.finally(() => this.#work.delete(guarded));
  }

  /** Answer a collected group: from batches already submitted (this run or an earlier one), else a new batch. */
  async #dispatch(group: Map<string, Pending[]>, reuse = true): Promise<void> {
    const unclaimed = new Map(group);
    if (reuse) {
      let states: BatchState[] = [];
      try {
        states = await this.#store.list(this.#baseURL, (message) =>
          this.#onEvent({ type: "warning", message }),
        );
      } catch (error) {
        this.#onEvent({
          type: "warning",
          message: `Batch API: the batch state in ${this.#store.dir} could not be read (${(error as Error).message}); earlier batches cannot be resumed`,
        });
      }
      for (const state of states) {
        const failed = new Set(state.failed ?? []);
        const claimed = new Map<string, Pending[]>();
        for (const key of Object.values(state.requests)) {
          const waiting = unclaimed.get(key);
          if (!waiting || failed.has(key)) continue;
          claimed.set(key, waiting);
          unclaimed.delete(key);
        }
        if (claimed.size > 0) this.#attach(state, claimed, true);
      }
    }
    if (unclaimed.size === 0) return;
    const uploaded = await this.#upload(unclaimed);
    if ("error" in uploaded) {
      for (const waiting of unclaimed.values())
        for (const p of waiting) p.settle({ ok: false, error: uploaded.error });
      return;
    }
    this.#attach(uploaded.state, unclaimed, false);
  }

  /** Upload the input file of a new batch and remember it. */
  async #upload(group: Map<string, Pending[]>): Promise<{ state: BatchState } | { error: ProviderError }> {
    const keys = [...group.keys()].sort();
    const requests: Record<string, string> = {};
    const lines: string[] = [];
    keys.forEach((key, index) => {
      const customId = `pf-${index}`;
      requests[customId] = key;
      lines.push(inputLine(customId, group.get(key)![0]!.body));
    });
    const id = computeBatchStateId(this.#baseURL, keys);
    let raw: unknown;
    try {
      raw = await this.#client!.files.create({
        file: await toFile(Buffer.from(`${lines.join("\n")}\n`), `promptfirst-${id}.jsonl`, {
          type: "application/jsonl",
        }),
        purpose: "batch",
      });
    } catch (error) {
      return { error: apiError("uploading the batch input file", error) };
    }
    const file = uploadedFileSchema.safeParse(raw);
    if (!file.success) return { error: invalidAnswer("uploading the batch input file", file.error) };
    const now = this.#now().toISOString();
    const state: BatchState = {
      version: BATCH_STATE_VERSION,
      id,
      endpoint: this.#baseURL,
      createdAt: now,
      updatedAt: now,
      inputFileId: file.data.id,
      status: "uploaded",
      requests,
    };
    await this.#save(state);
    return { state };
  }

  async #save(state: BatchState): Promise<void> {
    try {
      await this.#store.save(state);
    } catch (error) {
      this.#onEvent({
        type: "warning",
        message: `Batch API: the state of batch ${state.batchId ?? state.inputFileId} could not be saved in ${this.#store.dir} (${(error as Error).message}); a restarted run cannot resume it`,
      });
    }
  }

  async #remove(state: BatchState): Promise<void> {
    await this.#store.remove(state.id).catch(() => undefined);
  }

  /** Add waiting calls to the job of `state`, starting the job when none runs. */
  #attach(state: BatchState, claimed: Map<string, Pending[]>, resumed: boolean): void {
    let job = this.#jobs.get(state.id);
    const start = !job;
    if (!job) {
      job = { state, waiters: new Map(), resumed, idle: new AbortController() };
      this.#jobs.set(state.id, job);
    } else if (job.idle.signal.aborted) {
      job.idle = new AbortController();
    }
    for (const [key, waiting] of claimed) job.waiters.set(key, [...(job.waiters.get(key) ?? []), ...waiting]);
    if (start) {
      const started = job;
      this.#track(this.#run(started), (error) => this.#failJob(started, error));
    }
  }

  /** Every call `job` still has to answer. */
  #live(job: Job): Pending[] {
    return [...job.waiters.values()].flat().filter((p) => !p.settled);
  }

  /** Settle every call of `job` with `error` and end the job. */
  #failJob(job: Job, error: ProviderError): void {
    this.#jobs.delete(job.state.id);
    for (const p of this.#live(job)) p.settle({ ok: false, error });
  }

  /** Create the batch if need be, poll it to its end, and answer its calls. */
  async #run(job: Job): Promise<void> {
    const { state } = job;
    const requestCount = Object.keys(state.requests).length;
    if (!state.batchId) {
      let created: unknown;
      try {
        created = await this.#client!.batches.create({
          input_file_id: state.inputFileId,
          endpoint: BATCH_ENDPOINT,
          completion_window: BATCH_LIMITS.completionWindow,
          metadata: { promptfirst_state: state.id },
        });
      } catch (error) {
        const failure = apiError("creating the batch", error);
        // A retry may create it from the same uploaded file; a request the API refuses will not get better.
        if (!failure.retryable) {
          await this.#remove(state);
          if (job.resumed) {
            // A remembered upload the endpoint refuses now (the file is gone): upload the requests again.
            await this.#resubmit(
              job,
              `the remembered input file ${state.inputFileId} was refused (${failure.message})`,
            );
            return;
          }
        }
        this.#failJob(job, failure);
        return;
      }
      const batch = batchObjectSchema.safeParse(created);
      if (!batch.success) {
        await this.#remove(state);
        this.#failJob(job, invalidAnswer("creating the batch", batch.error));
        return;
      }
      state.batchId = batch.data.id;
      state.status = "submitted";
      await this.#save(state);
      this.#onEvent({ type: "submitted", batchId: state.batchId, requests: requestCount });
    } else {
      this.#onEvent({ type: "resumed", batchId: state.batchId, requests: requestCount });
    }
    const batchId = state.batchId;

    const batch = await this.#poll(job, batchId);
    if (!batch) return;
    if (batch.status === "failed") {
      await this.#finish(job, batch, new Map());
      return;
    }
    const lines = await this.#download(job, batch);
    if (!lines) return;
    await this.#finish(job, batch, lines);
  }

  /** Poll until the batch ends; undefined when the job ended otherwise (its calls are settled). */
  async #poll(job: Job, batchId: string): Promise<BatchObject | undefined> {
    let delay = this.#options.pollIntervalMs;
    let failures = 0;
    for (;;) {
      if (this.#live(job).length === 0) {
        // Nobody waits any more (the run was stopped): leave the batch running for a re-run to resume.
        this.#jobs.delete(job.state.id);
        return undefined;
      }
      let raw: unknown;
      try {
        raw = await this.#client!.batches.retrieve(batchId);
      } catch (error) {
        const failure = apiError(`checking batch ${batchId}`, error);
        if (failure.kind === "not_found" && job.resumed) {
          // The remembered batch is not this account's (or is gone): forget it and submit the calls anew.
          await this.#remove(job.state);
          await this.#resubmit(job, `remembered batch ${batchId} was not found`);
          return undefined;
        }
        if (!failure.retryable || ++failures > this.#options.maxPollFailures) {
          this.#failJob(job, failure);
          return undefined;
        }
        await this.#sleep(delay, job.idle.signal);
        delay = Math.min(delay * this.#options.pollBackoff, this.#options.maxPollIntervalMs);
        continue;
      }
      const parsed = batchObjectSchema.safeParse(raw);
      if (!parsed.success) {
        this.#failJob(job, invalidAnswer(`checking batch ${batchId}`, parsed.error));
        return undefined;
      }
      failures = 0;
      const batch = parsed.data;
      const counts = batch.request_counts ?? { total: 0, completed: 0, failed: 0 };
      this.#onEvent({ type: "status", batchId, status: batch.status, ...counts });
      if (TERMINAL_BATCH_STATUSES.has(batch.status)) return batch;
      await this.#sleep(delay, job.idle.signal);
      delay = Math.min(delay * this.#options.pollBackoff, this.#options.maxPollIntervalMs);
    }
  }

  /** End a job over a remembered batch that cannot be used, and submit its calls in a new batch. */
  async #resubmit(job: Job, why: string): Promise<void> {
    this.#jobs.delete(job.state.id);
    this.#onEvent({ type: "warning", message: `Batch API: ${why}; its requests are submitted again` });
    await this.#dispatch(this.#regroup(job), false);
  }

  /** The live calls of `job`, grouped by request key again. */
  #regroup(job: Job): Map<string, Pending[]> {
    const group = new Map<string, Pending[]>();
    for (const [key, waiting] of job.waiters) {
      const live = waiting.filter((p) => !p.settled);
      if (live.length > 0) group.set(key, live);
    }
    return group;
  }

  /** Read a finished batch's output and error files; undefined when that failed (its calls are settled). */
  async #download(job: Job, batch: BatchObject): Promise<Map<string, OutputLine> | undefined> {
    const lines = new Map<string, OutputLine>();
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const text = await this.#fetchFile(job, batch.id, fileId);
      if (text === undefined) return undefined;
      const parsed = parseOutputFile(text);
      if (parsed.invalid > 0) {
        this.#onEvent({
          type: "warning",
          message: `Batch API: ${parsed.invalid} line(s) of file ${fileId} of batch ${batch.id} are not result lines and were ignored`,
        });
      }
      // An answer in the output file wins over an error line for the same request.
      for (const line of parsed.lines)
        if (!lines.get(line.custom_id)?.response) lines.set(line.custom_id, line);
    }
    return lines;
  }

  async #fetchFile(job: Job, batchId: string, fileId: string): Promise<string | undefined> {
    let delay = this.#options.pollIntervalMs;
    let failures = 0;
    for (;;) {
      if (this.#live(job).length === 0) {
        this.#jobs.delete(job.state.id);
        return undefined;
      }
      try {
        const response = await this.#client!.files.content(fileId);
        return await response.text();
      } catch (error) {
        const failure = apiError(`downloading file ${fileId} of batch ${batchId}`, error);
        if (failure.kind === "not_found") {
          // Output files expire: the results are gone, so the requests must run again.
          await this.#remove(job.state);
          // Not `not_found`, which would read as a model the endpoint lacks: the next attempt will succeed.
          this.#failJob(job, {
            ...failure,
            kind: "server",
            message: `${failure.message}; the file is no longer available, so its requests will be submitted again`,
            retryable: true,
          });
          return undefined;
        }
        if (!failure.retryable || ++failures > this.#options.maxPollFailures) {
          this.#failJob(job, failure);
          return undefined;
        }
        await this.#sleep(delay, job.idle.signal);
        delay = Math.min(delay * this.#options.pollBackoff, this.#options.maxPollIntervalMs);
      }
    }
  }

  /** Answer every call of `job` from the batch's lines, and remember which requests it failed. */
  async #finish(job: Job, batch: BatchObject, lines: Map<string, OutputLine>): Promise<void> {
    const { state } = job;
    const outcomes = new Map<string, ProviderResponse>();
    const failed: string[] = [];
    for (const [customId, key] of Object.entries(state.requests)) {
      const line = lines.get(customId);
      const outcome: ProviderResponse =
        batch.status === "failed"
          ? { ok: false, error: failedBatchError(batch) }
          : line
            ? lineToResponse(line, batch.id)
            : { ok: false, error: missingLineError(batch.id, batch.status, customId) };
      outcomes.set(key, outcome);
      if (!outcome.ok) failed.push(key);
    }
    this.#onEvent({
      type: "finished",
      batchId: batch.id,
      status: batch.status,
      answered: outcomes.size - failed.length,
      failed: failed.length,
    });
    // Remember the result before answering: a retry of a failed request must not be answered from this batch
    // again. A completed batch is kept (a re-run without the cache reads it again); any other end is forgotten.
    if (batch.status === "completed") await this.#save({ ...state, status: "completed", failed });
    else await this.#remove(state);
    this.#jobs.delete(state.id);
    for (const [key, waiting] of job.waiters) {
      const outcome = outcomes.get(key) ?? {
        ok: false,
        error: missingLineError(batch.id, batch.status, "(unknown)"),
      };
      for (const p of waiting) p.settle(outcome);
    }
  }
}
