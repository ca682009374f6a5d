/**
 * The Batch API provider through the real `openai` SDK against the loopback server's Batch API: the engine's
 * results match the direct path, one upload and one batch per run, per-line failures become errors and retries,
 * a restart resumes the remembered batch, failed and expired batches are reported.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  computeRequestKey,
  type LoadedConfig,
  type ModelRequest,
  type Provider,
  type ProviderResponse,
  planRun,
  RequestExecutor,
  type ResolvedProvider,
  type RunResult,
  runEval,
} from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import { getLastUserText, type MockChatRequest, mockError, startMockOpenAI } from "@promptfirst/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { type BatchEvent, BatchProvider, type BatchProviderOptions } from "./batch-provider.ts";
import { computeBatchStateId } from "./batch-state.ts";
import { OpenAIProvider } from "./openai-provider.ts";

type Server = Awaited<ReturnType<typeof startMockOpenAI>>;

const servers: Server[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-batch-"));
  dirs.push(dir);
  return dir;
}

/** The scripted model: adds the two numbers of the question. */
function addNumbers(req: MockChatRequest): string {
  const match = /Add (\d+) and (\d+)/.exec(getLastUserText(req));
  return match ? String(Number(match[1]) + Number(match[2])) : "I cannot tell.";
}

async function start(options: Parameters<typeof startMockOpenAI>[0] = {}): Promise<Server> {
  const server = await startMockOpenAI({ respond: addNumbers, ...options });
  servers.push(server);
  return server;
}

/** Sends requests for a remote URL (api.openai.com) to the mock, so prices stay those of the configured URL. */
function redirectTo(server: Server): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  }) as typeof fetch;
}

/** Timing that makes a batch run take milliseconds. */
const FAST = { collectIdleMs: 20, pollIntervalMs: 1, maxPollIntervalMs: 2 } as const;

function batchProvider(
  server: Server,
  stateDir: string,
  extra: Partial<BatchProviderOptions> = {},
): { provider: BatchProvider; events: BatchEvent[] } {
  const events: BatchEvent[] = [];
  const provider = new BatchProvider({
    baseURL: server.baseURL,
    apiKey: "sk-test",
    stateDir,
    ...FAST,
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { provider, events };
}

function question(i: number): string {
  return `Add ${i} and ${2 * i + 1}. Reply with the number only.`;
}

function request(server: Server, i: number): ModelRequest {
  return {
    baseURL: server.baseURL,
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: question(i) }],
    params: { temperature: 0 },
    sample: 0,
  };
}

function ask(provider: Provider, requests: ModelRequest[], signal = new AbortController().signal) {
  return Promise.all(requests.map((r) => provider.complete(r, { signal })));
}

function outputs(responses: ProviderResponse[]): Array<string | undefined> {
  return responses.map((r) => (r.ok ? r.output : undefined));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe("BatchProvider: one batch per run", () => {
  it("collects concurrent calls into one upload and one batch, and answers each from its line", async () => {
    const server = await start({ batch: { inProgressPolls: 2 } });
    const { provider, events } = batchProvider(server, await tempDir());
    const requests = range(6).map((i) => request(server, i));
    const responses = await ask(provider, requests);

    expect(outputs(responses)).toEqual(range(6).map((i) => String(3 * i + 1)));
    expect(responses[0]).toMatchObject({
      ok: true,
      finishReason: "stop",
      model: "gpt-4o-mini",
      usage: { inputTokens: expect.any(Number), outputTokens: 1, cachedInputTokens: 0 },
    });
    expect(server.batch.stats).toMatchObject({ filesUploaded: 1, batchesCreated: 1, polls: 3, linesRun: 6 });
    // Nothing went to the chat completions route directly.
    expect(server.stats.requests).toBe(1 + 1 + 3 + 1);

    const [batch] = server.batch.batches();
    const lines = server.batch.inputLines(batch!.id);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({
      custom_id: "pf-0",
      method: "POST",
      url: "/v1/chat/completions",
      body: expect.objectContaining({ model: "gpt-4o-mini", temperature: 0, messages: expect.any(Array) }),
    });
    expect(lines.some((line) => "stream" in line.body)).toBe(false);
    expect(batch).toMatchObject({ completion_window: "24h", endpoint: "/v1/chat/completions" });
    expect(events.map((e) => e.type)).toEqual(["submitted", "status", "status", "status", "finished"]);
    expect(events.at(-1)).toEqual({
      type: "finished",
      batchId: batch!.id,
      status: "completed",
      answered: 6,
      failed: 0,
    });
  });

  it("sends identical requests once and answers every caller", async () => {
    const server = await start();
    const { provider } = batchProvider(server, await tempDir());
    const responses = await ask(provider, [request(server, 1), request(server, 1), request(server, 2)]);
    expect(outputs(responses)).toEqual(["4", "4", "7"]);
    expect(server.batch.stats.linesRun).toBe(2);
  });

  it("splits at maxRequests lines (the API's 50,000 by default)", async () => {
    const server = await start();
    const { provider } = batchProvider(server, await tempDir(), { maxRequests: 3 });
    const responses = await ask(
      provider,
      range(7).map((i) => request(server, i)),
    );
    expect(outputs(responses)).toEqual(range(7).map((i) => String(3 * i + 1)));
    expect(server.batch.stats).toMatchObject({ filesUploaded: 3, batchesCreated: 3, linesRun: 7 });
    expect(server.batch.batches().map((b) => b.request_counts.total)).toEqual([3, 3, 1]);
  });

  it("splits at maxFileBytes (the API's 200 MB by default), never leaving a file over the limit", async () => {
    const server = await start();
    const { provider } = batchProvider(server, await tempDir(), { maxFileBytes: 500 });
    const responses = await ask(
      provider,
      range(5).map((i) => request(server, i)),
    );
    expect(outputs(responses)).toEqual(range(5).map((i) => String(3 * i + 1)));
    const uploads = server.batch.files().filter((file) => file.purpose === "batch");
    expect(uploads.length).toBeGreaterThan(1);
    expect(uploads.every((file) => file.bytes <= 500)).toBe(true);
    expect(server.batch.stats.linesRun).toBe(5);
  });

  it("fails at once without a key, naming the variable, and sends nothing", async () => {
    const server = await start();
    const provider = new BatchProvider({
      baseURL: "https://api.openai.com/v1",
      apiKeyEnv: "MY_KEY",
      stateDir: await tempDir(),
      fetch: redirectTo(server),
    });
    const [response] = await ask(provider, [request(server, 1)]);
    expect(response).toEqual({
      ok: false,
      error: { kind: "no_api_key", message: expect.stringContaining("MY_KEY"), retryable: false },
    });
    expect(server.stats.requests).toBe(0);
  });

  it("submits nothing for calls aborted while they are collected", async () => {
    const server = await start();
    const { provider } = batchProvider(server, await tempDir(), { collectIdleMs: 60_000 });
    const controller = new AbortController();
    const pending = ask(provider, [request(server, 1), request(server, 2)], controller.signal);
    controller.abort(new Error("run cancelled"));
    const responses = await pending;
    expect(responses.map((r) => !r.ok && r.error.kind)).toEqual(["timeout", "timeout"]);
    provider.flush();
    await provider.drain();
    expect(server.batch.stats.filesUploaded).toBe(0);
  });
});

describe("BatchProvider: per-request failures", () => {
  it("turns HTTP errors and line errors into per-request errors, retryable as for a direct call", async () => {
    const server = await start({
      respond: (req) => {
        const text = getLastUserText(req);
        if (text.includes("Add 1 ")) return mockError(400, "Invalid prompt", { code: "invalid_prompt" });
        if (text.includes("Add 2 ")) return mockError(500, "The server had an error");
        if (text.includes("Add 3 ")) return mockError(429, "Slow down");
        return addNumbers(req);
      },
      batch: {
        lineError: (line) =>
          JSON.stringify(line.body).includes("Add 4 ")
            ? { code: "internal_error", message: "lost" }
            : undefined,
      },
    });
    const { provider } = batchProvider(server, await tempDir());
    const [ok, bad, server500, limited, lost] = await ask(
      provider,
      range(5).map((i) => request(server, i)),
    );
    expect(ok).toMatchObject({ ok: true, output: "1" });
    const batchId = server.batch.batches()[0]!.id;
    expect(bad).toEqual({
      ok: false,
      error: {
        kind: "bad_request",
        status: 400,
        retryable: false,
        message: `Batch API, batch ${batchId}, request pf-${customIndex(server, 1)}: Invalid prompt`,
      },
    });
    expect(server500).toMatchObject({ ok: false, error: { kind: "server", status: 500, retryable: true } });
    expect(limited).toMatchObject({ ok: false, error: { kind: "rate_limit", status: 429, retryable: true } });
    expect(lost).toMatchObject({
      ok: false,
      error: {
        kind: "server",
        retryable: true,
        message: expect.stringContaining("failed: internal_error: lost"),
      },
    });
  });

  it("retries failed lines in a new batch through the runner, and never answers them from the old one", async () => {
    const failedOnce = new Set<string>();
    const server = await start({
      respond: (req) => {
        const text = getLastUserText(req);
        if ((text.includes("Add 2 ") || text.includes("Add 5 ")) && !failedOnce.has(text)) {
          failedOnce.add(text);
          return mockError(500, "The server had an error");
        }
        return addNumbers(req);
      },
    });
    const stateDir = await tempDir();
    const { provider } = batchProvider(server, stateDir);
    const executor = new RequestExecutor({ retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const endpoint = { provider, concurrency: 50_000, timeoutMs: 60_000, maxRetries: 2 };
    const outcomes = await Promise.all(
      range(8).map((i) =>
        executor.execute(computeRequestKey(request(server, i)), request(server, i), endpoint),
      ),
    );
    expect(outcomes.map((o) => (o.ok ? o.response.output : o.error.message))).toEqual(
      range(8).map((i) => String(3 * i + 1)),
    );
    expect(outcomes.map((o) => o.attempts)).toEqual([1, 1, 2, 1, 1, 2, 1, 1]);
    expect(server.batch.stats).toMatchObject({ filesUploaded: 2, batchesCreated: 2, linesRun: 10 });
    // The second batch held only the two failed requests.
    expect(server.batch.batches().map((b) => b.request_counts.total)).toEqual([8, 2]);
    // The first batch is remembered with its two failures (never answered from it again), the second whole.
    const states = await readStates(stateDir);
    expect(states.map((s) => [s.status, Object.keys(s.requests).length, s.failed?.length])).toEqual(
      expect.arrayContaining([
        ["completed", 8, 2],
        ["completed", 2, 0],
      ]),
    );
  });

  it("reports a failed batch clearly, on every request, and forgets it", async () => {
    const server = await start({
      batch: {
        outcome: "failed",
        failureErrors: [
          { code: "token_limit_exceeded", message: "Enqueued token limit reached for gpt-4o-mini." },
        ],
      },
    });
    const stateDir = await tempDir();
    const { provider, events } = batchProvider(server, stateDir);
    const responses = await ask(provider, [request(server, 1), request(server, 2)]);
    const batchId = server.batch.batches()[0]!.id;
    for (const response of responses) {
      expect(response).toEqual({
        ok: false,
        error: {
          kind: "bad_request",
          retryable: false,
          message: `Batch API: batch ${batchId} failed: token_limit_exceeded: Enqueued token limit reached for gpt-4o-mini.`,
        },
      });
    }
    expect(events.at(-1)).toMatchObject({ type: "finished", status: "failed", answered: 0, failed: 2 });
    expect(await readStates(stateDir)).toEqual([]);
  });

  it("answers what an expired batch ran and fails the rest as expired, retryable", async () => {
    const server = await start({ batch: { outcome: "expired", linesBeforeExpiry: 2, lineConcurrency: 1 } });
    const stateDir = await tempDir();
    const { provider } = batchProvider(server, stateDir);
    const responses = await ask(
      provider,
      range(5).map((i) => request(server, i)),
    );
    expect(responses.filter((r) => r.ok)).toHaveLength(2);
    const expired = responses.filter((r) => !r.ok);
    expect(expired).toHaveLength(3);
    for (const response of expired) {
      expect(response).toMatchObject({
        ok: false,
        error: {
          kind: "timeout",
          retryable: true,
          message: expect.stringMatching(
            /^the batch expired before this request ran \(Batch API, batch batch_mock_1, request pf-\d: batch_expired: /,
          ),
        },
      });
    }
    expect(await readStates(stateDir)).toEqual([]);
  });

  it("resubmits the requests an expired batch did not run, through the runner", async () => {
    const server = await start({ batch: { outcome: "expired", linesBeforeExpiry: 2, lineConcurrency: 1 } });
    const { provider } = batchProvider(server, await tempDir(), {
      // Only the first batch expires: later ones are created after this.
      onEvent: (event) => {
        if (event.type === "submitted") server.batch.setOptions({ outcome: undefined });
      },
    });
    const executor = new RequestExecutor({ retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const endpoint = { provider, concurrency: 50_000, timeoutMs: 60_000, maxRetries: 1 };
    const requests = range(5).map((i) => request(server, i));
    const outcomes = await Promise.all(
      requests.map((r) => executor.execute(computeRequestKey(r), r, endpoint)),
    );
    expect(outcomes.map((o) => (o.ok ? o.response.output : o.error.message))).toEqual(
      range(5).map((i) => String(3 * i + 1)),
    );
    expect(outcomes.map((o) => o.attempts).sort()).toEqual([1, 1, 2, 2, 2]);
    expect(server.batch.batches().map((b) => [b.status, b.request_counts.total])).toEqual([
      ["expired", 5],
      ["completed", 3],
    ]);
  });

  it("rides out failing polls and a failing upload", async () => {
    const server = await start({ batch: { inProgressPolls: 1 } });
    const { provider } = batchProvider(server, await tempDir());
    server.batch.failNext({ retrieve: 3 });
    expect(outputs(await ask(provider, [request(server, 1)]))).toEqual(["4"]);
    expect(server.batch.stats).toMatchObject({ apiFaults: 3, batchesCreated: 1 });

    server.batch.failNext({ upload: 1 });
    const [failed] = await ask(provider, [request(server, 2)]);
    expect(failed).toMatchObject({
      ok: false,
      error: {
        kind: "server",
        status: 500,
        retryable: true,
        message: expect.stringMatching(/^Batch API: uploading the batch input file failed: /),
      },
    });
  });

  it("gives up polling after maxPollFailures consecutive failures, with the last error", async () => {
    const server = await start({ batch: { inProgressPolls: 1 } });
    const { provider } = batchProvider(server, await tempDir(), { maxPollFailures: 2 });
    server.batch.failNext({ retrieve: 3 });
    const [response] = await ask(provider, [request(server, 1)]);
    expect(response).toMatchObject({
      ok: false,
      error: {
        kind: "server",
        retryable: true,
        message: expect.stringMatching(/^Batch API: checking batch batch_mock_1 failed: /),
      },
    });
  });
});

describe("BatchProvider: resuming after a restart", () => {
  it("resumes the remembered batch: no second upload, no second batch", async () => {
    const server = await start({ batch: { inProgressPolls: 4 } });
    const stateDir = await tempDir();
    const requests = range(5).map((i) => request(server, i));

    // First process: submits, polls once, and is stopped while it waits for the next poll.
    const controller = new AbortController();
    const first = batchProvider(server, stateDir, { sleep: untilAborted });
    const stopped = ask(first.provider, requests, controller.signal);
    await waitFor(() => server.batch.stats.polls === 1);
    controller.abort(new Error("the job was cancelled"));
    const stoppedResponses = await stopped;
    expect(stoppedResponses.every((r) => !r.ok && r.error.kind === "timeout" && r.error.retryable)).toBe(
      true,
    );
    expect(stoppedResponses[0]).toMatchObject({
      error: { message: expect.stringContaining("a re-run with the same cache directory resumes it") },
    });
    await first.provider.drain();
    expect(server.batch.stats.polls).toBe(1);
    expect(server.batch.batches()[0]?.status).toBe("in_progress");
    const [state] = await readStates(stateDir);
    expect(state).toMatchObject({
      version: 1,
      id: computeBatchStateId(
        server.baseURL,
        requests.map((request) => computeRequestKey(request)),
      ),
      endpoint: server.baseURL,
      batchId: "batch_mock_1",
      status: "submitted",
      inputFileId: expect.stringMatching(/^file-/),
    });
    expect(Object.entries(state!.requests).sort()).toEqual(
      requests
        .map((request) => computeRequestKey(request))
        .sort()
        .map((key, i) => [`pf-${i}`, key])
        .sort(),
    );

    // Second process, same state directory: the same requests (in another order) pick the batch up.
    const second = batchProvider(server, stateDir);
    const responses = await ask(second.provider, [...requests].reverse());
    expect(outputs(responses)).toEqual(
      range(5)
        .map((i) => String(3 * i + 1))
        .reverse(),
    );
    expect(server.batch.stats).toMatchObject({ filesUploaded: 1, batchesCreated: 1, linesRun: 5 });
    expect(second.events[0]).toEqual({ type: "resumed", batchId: "batch_mock_1", requests: 5 });
    expect((await readStates(stateDir))[0]).toMatchObject({ status: "completed", failed: [] });
  });

  it("answers a re-run's subset (the rest came from the cache) from the remembered batch", async () => {
    const server = await start();
    const stateDir = await tempDir();
    const requests = range(6).map((i) => request(server, i));
    await ask(batchProvider(server, stateDir).provider, requests);
    const again = await ask(batchProvider(server, stateDir).provider, requests.slice(2, 4));
    expect(outputs(again)).toEqual(["7", "10"]);
    expect(server.batch.stats).toMatchObject({ filesUploaded: 1, batchesCreated: 1 });
  });

  it("resubmits when the remembered batch is unknown to the endpoint (another account, or gone)", async () => {
    const stateDir = await tempDir();
    const before = await start({ batch: { inProgressPolls: 1 } });
    const first = batchProvider(before, stateDir, { sleep: untilAborted });
    const controller = new AbortController();
    const stopped = ask(first.provider, [request(before, 1)], controller.signal);
    await waitFor(() => before.batch.stats.polls >= 1);
    controller.abort();
    await stopped;
    await first.provider.drain();

    // Same endpoint URL, new server: the batch id it remembers does not exist there.
    const after = await start();
    const second = batchProvider(after, stateDir, { baseURL: before.baseURL, fetch: redirectTo(after) });
    expect(outputs(await ask(second.provider, [request(before, 1)]))).toEqual(["4"]);
    expect(after.batch.stats).toMatchObject({ filesUploaded: 1, batchesCreated: 1 });
    expect(second.events).toContainEqual({
      type: "warning",
      message: "Batch API: remembered batch batch_mock_1 was not found; its requests are submitted again",
    });
  });

  it("creates the batch from the uploaded file when creation failed before, without a second upload", async () => {
    const server = await start();
    const stateDir = await tempDir();
    server.batch.failNext({ create: 1 });
    const first = batchProvider(server, stateDir);
    const [failed] = await ask(first.provider, [request(server, 1)]);
    expect(failed).toMatchObject({
      ok: false,
      error: {
        kind: "server",
        status: 500,
        retryable: true,
        message: expect.stringContaining("creating the batch"),
      },
    });
    expect((await readStates(stateDir))[0]).toMatchObject({ status: "uploaded" });

    // The retry (here: a restarted process) creates the batch from the file already uploaded.
    const [answered] = await ask(batchProvider(server, stateDir).provider, [request(server, 1)]);
    expect(answered).toMatchObject({ ok: true, output: "4" });
    expect(server.batch.stats).toMatchObject({ filesUploaded: 1, batchesCreated: 1 });

    // A remembered upload whose file is gone is uploaded again.
    server.batch.failNext({ create: 1 });
    await ask(first.provider, [request(server, 2)]);
    const [uploadedState] = (await readStates(stateDir)).filter((state) => state.status === "uploaded");
    await fetch(`${server.baseURL}/files/${String(uploadedState?.inputFileId)}`, { method: "DELETE" });
    const resumed = batchProvider(server, stateDir);
    expect(outputs(await ask(resumed.provider, [request(server, 2)]))).toEqual(["7"]);
    expect(resumed.events).toContainEqual({
      type: "warning",
      message: expect.stringMatching(
        /^Batch API: the remembered input file file-mock-\d+ was refused \(.*\); its requests are submitted again$/,
      ),
    });
    expect(server.batch.stats).toMatchObject({ filesUploaded: 3, batchesCreated: 2 });
  });

  it("reports a remembered batch whose output file is gone as retryable, forgets it, and submits anew", async () => {
    const server = await start();
    const stateDir = await tempDir();
    const requests = [request(server, 1), request(server, 2)];
    await ask(batchProvider(server, stateDir).provider, requests);
    // The output file expired (or was deleted) before a re-run without the cache asked again.
    await fetch(`${server.baseURL}/files/${server.batch.batches()[0]!.output_file_id}`, { method: "DELETE" });

    const { provider } = batchProvider(server, stateDir);
    const [response] = await ask(provider, [requests[0]!]);
    expect(response).toMatchObject({
      ok: false,
      error: {
        kind: "server",
        status: 404,
        retryable: true,
        message: expect.stringContaining(
          "the file is no longer available, so its requests will be submitted again",
        ),
      },
    });
    expect(await readStates(stateDir)).toEqual([]);

    const executor = new RequestExecutor({ retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const endpoint = { provider, concurrency: 50_000, timeoutMs: 60_000, maxRetries: 1 };
    const outcome = await executor.execute(computeRequestKey(requests[1]!), requests[1]!, endpoint);
    expect(outcome).toMatchObject({ ok: true, response: { output: "7" }, attempts: 1 });
    expect(server.batch.stats).toMatchObject({ filesUploaded: 2, batchesCreated: 2 });
  });
});

describe("BatchProvider in the engine", () => {
  async function loadProject(files: Record<string, string>): Promise<LoadedConfig> {
    const dir = await tempDir();
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), content);
    }
    return loadConfig(path.join(dir, "promptfirst.yaml"));
  }

  /** Two candidates on one model (one batch), or on two models (`nanoModel`: one batch per model). */
  function project(batch: boolean, cases: number, nanoModel = "gpt-4o-mini"): Record<string, string> {
    return {
      "promptfirst.yaml": `
provider:
  baseURL: https://api.openai.com/v1
  batch: ${batch}
suites:
  sums:
    cases: cases.jsonl
    repeat: 2
    scorers:
      - exact: "{{expected}}"
    candidates:
      mini: { model: gpt-4o-mini, prompt: add.md, temperature: 0 }
      nano: { model: ${nanoModel}, prompt: terse.md, temperature: 0 }
`,
      "add.md": "Add {{a}} and {{b}}. Reply with the number only.\n",
      "terse.md": "---\nsystem: Be terse.\n---\nAdd {{a}} and {{b}}. Reply with the number only.\n",
      "cases.jsonl": `${range(cases)
        .map((i) =>
          JSON.stringify({
            id: `case-${i}`,
            vars: { a: i, b: 2 * i + 1 },
            expected: String(i % 4 === 0 ? -1 : 3 * i + 1),
          }),
        )
        .join("\n")}\n`,
    };
  }

  /** The shell's wiring: a BatchProvider for batch endpoints, an OpenAIProvider otherwise. */
  function createProvider(server: Server, stateDir: string) {
    return (endpoint: ResolvedProvider): Provider =>
      endpoint.batch
        ? new BatchProvider({
            baseURL: endpoint.baseURL,
            apiKey: "sk-test",
            headers: endpoint.headers,
            stateDir,
            fetch: redirectTo(server),
            ...FAST,
          })
        : new OpenAIProvider({ baseURL: endpoint.baseURL, apiKey: "sk-test", fetch: redirectTo(server) });
  }

  async function run(server: Server, config: LoadedConfig, stateDir: string): Promise<RunResult> {
    return runEval(config, planRun(config), {
      createProvider: createProvider(server, stateDir),
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      toolVersion: "0.0.0-test",
    });
  }

  it("gets the same scores and usage as the direct path, in one upload and one batch, at half the price", async () => {
    const CASES = 40;
    const direct = await start();
    const batched = await start({ batch: { inProgressPolls: 3 } });
    const stateDir = await tempDir();
    const directConfig = await loadProject(project(false, CASES));
    const batchConfig = await loadProject(project(true, CASES));
    expect(batchConfig.suites[0]?.candidates[0]?.provider).toMatchObject({
      batch: true,
      concurrency: 50_000,
    });

    const expected = await run(direct, directConfig, stateDir);
    const result = await run(batched, batchConfig, stateDir);

    expect(batched.batch.stats).toMatchObject({
      filesUploaded: 1,
      batchesCreated: 1,
      linesRun: 2 * 2 * CASES,
    });
    expect(batched.stats.completions).toBe(direct.stats.completions);
    expect(result.stats).toMatchObject({ plannedCalls: 4 * CASES, errors: 0 });
    for (const name of ["mini", "nano"]) {
      const want = expected.suites.sums!.candidates[name]!;
      const got = result.suites.sums!.candidates[name]!;
      expect(got.summary.meanScore).toBe(want.summary.meanScore);
      expect(got.summary.meanScore).toBe(0.75);
      expect(got.cases.map((c) => [c.id, c.score, c.samples.map((s) => [s.output, s.usage])])).toEqual(
        want.cases.map((c) => [c.id, c.score, c.samples.map((s) => [s.output, s.usage])]),
      );
      // Billed per token at the Batch API's price, each answered sample costs half the direct one.
      expect(got.price?.source).toMatch(/, Batch API: 50% off$/);
      got.cases.forEach((c, i) => {
        c.samples.forEach((sample, j) => {
          const directCost = want.cases[i]!.samples[j]!.costUsd!;
          expect(directCost).toBeGreaterThan(0);
          expect(sample.costUsd).toBeCloseTo(directCost / 2, 15);
        });
      });
      expect(got.summary.costPerCallUsd).toBeCloseTo(want.summary.costPerCallUsd! / 2, 15);
    }
  });

  it("sends one batch per model (an input file holds one model's requests)", async () => {
    const server = await start();
    const config = await loadProject(project(true, 10, "gpt-4.1-nano"));
    const result = await run(server, config, await tempDir());
    expect(result.stats.errors).toBe(0);
    expect(server.batch.stats).toMatchObject({ filesUploaded: 2, batchesCreated: 2, linesRun: 40 });
    const models = server.batch
      .batches()
      .map((b) => [...new Set(server.batch.inputLines(b.id).map((line) => line.body.model))]);
    expect(models.sort()).toEqual([["gpt-4.1-nano"], ["gpt-4o-mini"]]);
  });

  it("turns a run's per-line failures into retries, and every case is answered", async () => {
    const failed = new Set<string>();
    const server = await start({
      respond: (req) => {
        const text = getLastUserText(req);
        // Every seventh question fails the first time it is asked.
        const a = Number(/Add (\d+)/.exec(text)?.[1]);
        if (a % 7 === 0 && !failed.has(`${req.model} ${text} ${String(req.seed)}`)) {
          failed.add(`${req.model} ${text} ${String(req.seed)}`);
          return mockError(503, "Overloaded");
        }
        return addNumbers(req);
      },
    });
    const config = await loadProject(project(true, 20));
    const result = await run(server, config, await tempDir());
    expect(result.stats.errors).toBe(0);
    expect(result.stats.retries).toBe(failed.size);
    expect(failed.size).toBeGreaterThan(0);
    expect(server.batch.stats).toMatchObject({ filesUploaded: 2, batchesCreated: 2 });
  });
});

async function readStates(dir: string): Promise<
  Array<
    Record<string, unknown> & {
      id: string;
      requests: Record<string, string>;
      status: string;
      failed?: string[];
    }
  >
> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(".json"));
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), "utf8"))));
}

/** The custom id index request `i` got: its key's rank among the batch's sorted request keys. */
function customIndex(server: Server, i: number): number {
  const keys = range(5)
    .map((n) => computeRequestKey(request(server, n)))
    .sort();
  return keys.indexOf(computeRequestKey(request(server, i)));
}

/** A poll wait that lasts until the job it belongs to has nobody waiting (a process stopped mid-batch). */
function untilAborted(_ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!condition()) throw new Error("condition never held");
}
