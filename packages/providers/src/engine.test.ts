/**
 * The engine end to end: config files → loadConfig → planRun → runEval over the real OpenAIProvider (and the
 * FileCache and recordings) against the loopback mock server. These live here rather than in core because
 * core cannot depend on providers or test-utils without a cycle in the workspace graph.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  isPromptfirstError,
  type LoadedConfig,
  type PromptfirstError,
  type Provider,
  planRun,
  type ResolvedProvider,
  type RunEvalOptions,
  type RunResult,
  runEval,
} from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import {
  getLastUserText,
  type MockChatRequest,
  type MockOpenAIOptions,
  type MockOpenAIServer,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { FileCache } from "./file-cache.ts";
import { OpenAIProvider } from "./openai-provider.ts";
import { loadRecording, RecordingProvider, ReplayProvider } from "./recording.ts";

const servers: MockOpenAIServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-engine-"));
  dirs.push(dir);
  return dir;
}

/** Write a project to a temp dir and load its config. */
async function loadProject(files: Record<string, string>): Promise<LoadedConfig> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return loadConfig(path.join(dir, "promptfirst.yaml"));
}

function jsonl(records: unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
}

const ADD_PROMPT = "---\nsystem: You add numbers.\n---\nAdd {{a}} and {{b}}. Reply with the number only.\n";

/** Case i asks for i + 2i + 1; `expected` is the right sum. */
function sumCases(count: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  return jsonl(
    Array.from({ length: count }, (_, i) => ({
      id: `case-${i}`,
      vars: { a: i, b: 2 * i + 1 },
      expected: String(3 * i + 1),
      ...extra(i),
    })),
  );
}

/** The scripted model: adds the two numbers of the question; `sum-weak` is off by one when a % 5 === 0. */
function addNumbers(req: MockChatRequest): string {
  const match = /Add (\d+) and (\d+)/.exec(getLastUserText(req));
  if (!match) return "I cannot tell.";
  const a = Number(match[1]);
  const sum = a + Number(match[2]);
  return String(req.model === "sum-weak" && a % 5 === 0 ? sum + 1 : sum);
}

async function start(options: MockOpenAIOptions = {}): Promise<MockOpenAIServer> {
  const server = await startMockOpenAI({ respond: addNumbers, ...options });
  servers.push(server);
  return server;
}

/**
 * How a shell builds providers: an OpenAIProvider per endpoint. Endpoints that are not on this machine
 * (api.openai.com, an Azure host, a made-up host) are sent to the mock through the SDK's fetch, so the URL the
 * engine prices by stays the configured one.
 */
function providers(server: MockOpenAIServer) {
  const created = new Map<string, OpenAIProvider>();
  const redirect = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  }) as typeof fetch;
  const createProvider = (endpoint: ResolvedProvider): OpenAIProvider => {
    const local = endpoint.baseURL.startsWith(server.url);
    const provider = new OpenAIProvider({
      baseURL: endpoint.baseURL,
      apiKey: "sk-test",
      apiKeyEnv: endpoint.apiKeyEnv,
      headers: endpoint.headers,
      ...(local ? {} : { fetch: redirect }),
    });
    created.set(endpoint.baseURL, provider);
    return provider;
  };
  return { createProvider, created };
}

function baseOptions(server: MockOpenAIServer, extra: Partial<RunEvalOptions> = {}): RunEvalOptions {
  return {
    createProvider: providers(server).createProvider,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    toolVersion: "0.0.0-test",
    now: () => new Date("2026-11-25T12:00:00Z"),
    ...extra,
  };
}

async function evaluate(config: LoadedConfig, options: RunEvalOptions): Promise<RunResult> {
  return runEval(config, planRun(config), options);
}

function candidateOf(result: RunResult, suite: string, candidate: string) {
  const found = result.suites[suite]?.candidates[candidate];
  if (!found) throw new Error(`no result for ${suite}/${candidate}`);
  return found;
}

describe("runEval through OpenAIProvider: faults and concurrency", () => {
  it("loses no case under 30% injected 429s and 500s, and never exceeds the concurrency limit", async () => {
    const CASES = 200;
    const LIMIT = 5;
    const server = await start({
      latencyMs: 10, // long enough that requests overlap even on a loaded machine
      faults: { rate: 0.3, statuses: [429, 500], retryAfterSeconds: 0, seed: 11 },
    });
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
  concurrency: ${LIMIT}
  maxRetries: 20
suites:
  sums:
    cases: cases.jsonl
    scorers:
      - exact: "{{expected}}"
    candidates:
      good:
        model: sum-good
        prompt: prompts/add.md
      weak:
        model: sum-weak
        prompt: prompts/add.md
`,
      "prompts/add.md": ADD_PROMPT,
      "cases.jsonl": sumCases(CASES),
    });
    const progress: number[] = [];
    const result = await evaluate(config, baseOptions(server, { onProgress: (p) => progress.push(p.done) }));

    // Faults really happened, and every one of them was retried.
    expect(server.stats.faults).toBeGreaterThan(60);
    expect(result.stats.retries).toBe(server.stats.faults);
    expect(server.stats.completions).toBe(2 * CASES);
    expect(result.stats).toMatchObject({
      plannedCalls: 2 * CASES,
      requests: 2 * CASES,
      errors: 0,
      cacheHits: 0,
    });

    const good = candidateOf(result, "sums", "good");
    const weak = candidateOf(result, "sums", "weak");
    expect(good.cases).toHaveLength(CASES);
    expect(weak.cases).toHaveLength(CASES);
    for (let i = 0; i < CASES; i++) {
      const g = good.cases[i]!;
      const w = weak.cases[i]!;
      expect(g.id).toBe(`case-${i}`);
      expect(g.samples.map((s) => [s.status, s.output])).toEqual([["ok", String(3 * i + 1)]]);
      expect(g.score).toBe(1);
      expect(w.id).toBe(`case-${i}`);
      expect(w.samples[0]!.output).toBe(String(i % 5 === 0 ? 3 * i + 2 : 3 * i + 1));
      expect(w.score).toBe(i % 5 === 0 ? 0 : 1);
    }
    expect(good.summary).toMatchObject({ cases: CASES, calls: CASES, errors: 0, meanScore: 1, passRate: 1 });
    expect(weak.summary).toMatchObject({
      cases: CASES,
      calls: CASES,
      errors: 0,
      meanScore: 0.8,
      passRate: 0.8,
    });

    // Every attempt the samples account for reached the server, and nothing else did.
    const attempts = [...good.cases, ...weak.cases]
      .flatMap((c) => c.samples)
      .reduce((n, s) => n + s.attempts, 0);
    expect(attempts).toBe(server.stats.requests);
    expect(attempts).toBe(2 * CASES + server.stats.faults);

    // Both candidates share one endpoint, so one limit: never exceeded, and actually reached.
    expect(server.stats.maxInFlight).toBeLessThanOrEqual(LIMIT);
    expect(server.stats.maxInFlight).toBe(LIMIT);

    expect(progress).toHaveLength(2 * CASES);
    expect(progress.at(-1)).toBe(2 * CASES);
    // A loopback endpoint is self-hosted: it bills nothing, and that is known.
    expect(result.stats.spentUsd).toBe(0);
  });

  it("lets the run's concurrency override the endpoint's", async () => {
    const server = await start({ latencyMs: 25 });
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
  concurrency: 50
suites:
  sums:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      good: { model: sum-good, prompt: add.md }
`,
      "add.md": ADD_PROMPT,
      "cases.jsonl": sumCases(40),
    });
    await evaluate(config, baseOptions(server, { concurrency: 3 }));
    expect(server.stats.maxInFlight).toBe(3);
  });

  it("records every case as an error after maxRetries when every request fails, and still completes", async () => {
    const CASES = 20;
    const server = await start({ faults: { rate: 1, statuses: [429, 500], retryAfterSeconds: 0, seed: 3 } });
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
  maxRetries: 2
suites:
  sums:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      good: { model: sum-good, prompt: add.md }
`,
      "add.md": ADD_PROMPT,
      "cases.jsonl": sumCases(CASES),
    });
    const result = await evaluate(config, baseOptions(server));

    const good = candidateOf(result, "sums", "good");
    expect(good.cases).toHaveLength(CASES);
    const kinds = new Set<string>();
    for (const testCase of good.cases) {
      expect(testCase.status).toBe("error");
      expect(testCase.score).toBeNull();
      expect(testCase.pass).toBe(false);
      const sample = testCase.samples[0]!;
      expect(sample).toMatchObject({
        status: "error",
        output: null,
        attempts: 3,
        costUsd: null,
        cached: false,
      });
      expect(["rate_limit", "server"]).toContain(sample.error!.kind);
      expect(sample.error!.status).toBe(sample.error!.kind === "rate_limit" ? 429 : 500);
      kinds.add(sample.error!.kind);
    }
    expect([...kinds].sort()).toEqual(["rate_limit", "server"]);
    expect(good.summary).toMatchObject({
      cases: CASES,
      scored: 0,
      calls: CASES,
      errors: CASES,
      errorRate: 1,
      meanScore: null,
      passRate: 0,
    });
    expect(result.stats).toMatchObject({ errors: CASES, requests: CASES, retries: 2 * CASES });
    expect(server.stats.requests).toBe(3 * CASES);
    // Failed calls bill nothing: the spend is known to be zero, not unknown.
    expect(result.stats.spentUsd).toBe(0);
  });

  it("does not retry a request the endpoint rejects as bad", async () => {
    const server = await start({
      respond: () => ({ raw: { status: 400, body: { error: { message: "bad" } } } }),
    });
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
suites:
  sums:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      good: { model: sum-good, prompt: add.md }
`,
      "add.md": ADD_PROMPT,
      "cases.jsonl": sumCases(5),
    });
    const result = await evaluate(config, baseOptions(server));
    const samples = candidateOf(result, "sums", "good").cases.map((c) => c.samples[0]!);
    expect(samples.map((s) => [s.error?.kind, s.attempts])).toEqual(Array(5).fill(["bad_request", 1]));
    expect(server.stats.requests).toBe(5);
  });
});

describe("runEval through OpenAIProvider: deduplication, cache and recordings", () => {
  const TWINS = (baseURL: string, repeat = 1) => `
provider:
  baseURL: ${baseURL}
suites:
  sums:
    cases: cases.jsonl
    repeat: ${repeat}
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      twin-a: { model: sum-weak, prompt: prompts/a.md }
      twin-b: { model: sum-weak, prompt: prompts/b.md }
`;

  async function twins(server: MockOpenAIServer, repeat = 1): Promise<LoadedConfig> {
    return loadProject({
      "promptfirst.yaml": TWINS(server.baseURL, repeat),
      // Two files, same text: the same requests.
      "prompts/a.md": ADD_PROMPT,
      "prompts/b.md": ADD_PROMPT,
      "cases.jsonl": sumCases(30),
    });
  }

  const scoresOf = (result: RunResult) =>
    Object.values(result.suites.sums!.candidates).map((c) =>
      c.cases.map((k) => [k.id, k.score, k.samples[0]!.output]),
    );

  it("sends identical requests of two candidates once", async () => {
    const server = await start({ latencyMs: 1 });
    const config = await twins(server);
    const result = await evaluate(config, baseOptions(server));
    expect(server.stats.completions).toBe(30);
    expect(result.stats).toMatchObject({ plannedCalls: 60, requests: 30, deduplicated: 30 });
    const [a, b] = scoresOf(result);
    expect(b).toEqual(a);
    expect(candidateOf(result, "sums", "twin-a").summary.meanScore).toBe(0.8);
    expect(candidateOf(result, "sums", "twin-b").summary.meanScore).toBe(0.8);
  });

  it("answers a second run from the FileCache with no request, and identical scores", async () => {
    const server = await start();
    const config = await twins(server);
    const cacheDir = path.join(await tempDir(), "cache");

    const first = await evaluate(config, baseOptions(server, { cache: new FileCache(cacheDir) }));
    expect(server.stats.completions).toBe(30);

    server.resetStats();
    const cache = new FileCache(cacheDir);
    const second = await evaluate(config, baseOptions(server, { cache }));
    expect(server.stats.requests).toBe(0);
    // Both twins' identical calls are cache hits: a writable cache answers them, so the run keeps no answer itself.
    expect(second.stats).toMatchObject({ requests: 0, cacheHits: 60, deduplicated: 0, errors: 0 });
    expect(scoresOf(second)).toEqual(scoresOf(first));
    expect(candidateOf(second, "sums", "twin-a").cases.every((c) => c.samples[0]!.cached)).toBe(true);
    expect(cache.corrupt).toBe(0);
    expect(second.stats.spentUsd).toBe(0);

    // Another sample index is another request: repeat 2 reuses sample 0 and asks for sample 1.
    server.resetStats();
    const repeated = await evaluate(
      await twins(server, 2),
      baseOptions(server, { cache: new FileCache(cacheDir) }),
    );
    expect(server.stats.completions).toBe(30);
    expect(repeated.stats).toMatchObject({ plannedCalls: 120, requests: 30 });
    // The other 90 calls are answered without a request: by the cache, or by the identical call in flight
    // (which of the two depends on timing).
    expect(repeated.stats.cacheHits + repeated.stats.deduplicated).toBe(90);
    const samples = candidateOf(repeated, "sums", "twin-a").cases[1]!.samples;
    expect(samples.map((s) => [s.sample, s.output])).toEqual([
      [0, "4"],
      [1, "4"],
    ]);
  });

  it("reads a cache it must not write", async () => {
    const server = await start();
    const config = await twins(server);
    const cacheDir = path.join(await tempDir(), "cache");
    await evaluate(config, baseOptions(server, { cache: new FileCache(cacheDir), cacheReadOnly: true }));
    server.resetStats();
    await evaluate(config, baseOptions(server, { cache: new FileCache(cacheDir) }));
    expect(server.stats.completions).toBe(30);
  });

  it("replays a recorded run with the same scores and no request", async () => {
    const server = await start();
    const config = await twins(server);
    let recorder: RecordingProvider | undefined;
    const live = await evaluate(
      config,
      baseOptions(server, {
        createProvider: (endpoint) => {
          recorder = new RecordingProvider(new OpenAIProvider({ baseURL: endpoint.baseURL }));
          return recorder;
        },
      }),
    );
    const file = path.join(await tempDir(), "recording.json");
    await recorder!.save(file);

    server.resetStats();
    const recording = await loadRecording(file);
    const replayed = await evaluate(
      config,
      baseOptions(server, { createProvider: (): Provider => new ReplayProvider(recording, file) }),
    );
    expect(server.stats.requests).toBe(0);
    expect(scoresOf(replayed)).toEqual(scoresOf(live));
    expect(replayed.stats.errors).toBe(0);
  });
});

describe("runEval: planning errors, prices, skipped candidates, clustered errors", () => {
  it("rejects a case that lacks a prompt variable before any request", async () => {
    const server = await start();
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
suites:
  sums:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      good: { model: sum-good, prompt: prompts/add.md }
`,
      "prompts/add.md": ADD_PROMPT,
      "cases.jsonl": jsonl([
        { id: "complete", vars: { a: 1, b: 2 }, expected: "3" },
        { id: "lacks-b", vars: { a: 1 }, expected: "1" },
      ]),
    });
    let error: PromptfirstError | undefined;
    try {
      await evaluate(config, baseOptions(server));
    } catch (thrown) {
      if (!isPromptfirstError(thrown)) throw thrown;
      error = thrown;
    }
    expect(error?.code).toBe("TEMPLATE_VARIABLE_MISSING");
    expect(error?.message).toContain('case "lacks-b"');
    expect(error?.message).toContain('"{{b}}"');
    expect(error?.message).toContain("prompts/add.md");
    expect(error?.message).not.toContain('case "complete"');
    expect(server.stats.requests).toBe(0);
  });

  /** The mock reports exactly this usage for every call: 1000 input tokens (400 cached), 200 output. */
  const FIXED_USAGE = { prompt_tokens: 1_000, completion_tokens: 200, cached_tokens: 400 };

  async function pricedProject(baseURL: string, model: string, pricing = ""): Promise<LoadedConfig> {
    return loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${baseURL}
${pricing}
suites:
  sums:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      only: { model: ${model}, prompt: add.md }
`,
      "add.md": ADD_PROMPT,
      "cases.jsonl": sumCases(4),
    });
  }

  it("reports an unknown price as unknown cost with a warning, never as 0", async () => {
    const server = await start({ respond: (req) => ({ content: addNumbers(req), usage: FIXED_USAGE }) });
    const config = await pricedProject("https://llm.acme-internal.example/v1", "acme-model");
    const result = await evaluate(config, baseOptions(server));
    const only = candidateOf(result, "sums", "only");
    expect(server.stats.completions).toBe(4);
    expect(only.cases[0]!.samples[0]).toMatchObject({
      costUsd: null,
      usage: { inputTokens: 1_000, outputTokens: 200, cachedInputTokens: 400 },
    });
    expect(only.summary).toMatchObject({ costKnown: false, costPerCallUsd: null, costPer1kUsd: null });
    expect(only.price).toBeUndefined();
    expect(result.stats.spentUsd).toBeNull();
    expect(result.warnings).toEqual([
      'price of model "acme-model" at https://llm.acme-internal.example/v1 is unknown: its cost is reported as unknown, not 0; set pricing["acme-model"] in the config',
    ]);
  });

  it("prices gpt-4.1-mini on api.openai.com from the price table", async () => {
    const server = await start({ respond: (req) => ({ content: addNumbers(req), usage: FIXED_USAGE }) });
    const config = await pricedProject("https://api.openai.com/v1", "gpt-4.1-mini");
    const result = await evaluate(config, baseOptions(server));
    const only = candidateOf(result, "sums", "only");
    expect(only.price).toMatchObject({ inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 });
    // (600 uncached × $0.40 + 400 cached × $0.10 + 200 output × $1.60) / 1M = (240 + 40 + 320) / 1M.
    const perCall = 600 / 1_000_000;
    for (const testCase of only.cases) expect(testCase.samples[0]!.costUsd).toBeCloseTo(perCall, 12);
    expect(only.summary.costKnown).toBe(true);
    expect(only.summary.costPerCallUsd).toBeCloseTo(perCall, 12);
    expect(only.summary.costPer1kUsd).toBeCloseTo(0.6, 10);
    expect(only.summary).toMatchObject({ inputTokens: 4_000, outputTokens: 800 });
    expect(result.stats.spentUsd).toBeCloseTo(4 * perCall, 12);
    expect(result.warnings).toEqual([]);
  });

  it("prices a model from the config's pricing override", async () => {
    const server = await start({ respond: (req) => ({ content: addNumbers(req), usage: FIXED_USAGE }) });
    const config = await pricedProject(
      "https://llm.acme-internal.example/v1",
      "acme-model",
      "pricing:\n  acme-model: { input: 2, output: 8, cachedInput: 1 }",
    );
    const result = await evaluate(config, baseOptions(server));
    const only = candidateOf(result, "sums", "only");
    // (600 × $2 + 400 × $1 + 200 × $8) / 1M = (1200 + 400 + 1600) / 1M.
    const perCall = 3_200 / 1_000_000;
    expect(only.price).toEqual({
      inputPerMTok: 2,
      outputPerMTok: 8,
      cachedInputPerMTok: 1,
      source: "config",
    });
    expect(only.summary.costPerCallUsd).toBeCloseTo(perCall, 12);
    expect(result.stats.spentUsd).toBeCloseTo(4 * perCall, 12);
    expect(result.warnings).toEqual([]);
  });

  it("does not bill a second run answered from the cache, but still reports each call's list price", async () => {
    const server = await start({ respond: (req) => ({ content: addNumbers(req), usage: FIXED_USAGE }) });
    const config = await pricedProject("https://api.openai.com/v1", "gpt-4.1-mini");
    const cacheDir = path.join(await tempDir(), "cache");
    await evaluate(config, baseOptions(server, { cache: new FileCache(cacheDir) }));
    const second = await evaluate(config, baseOptions(server, { cache: new FileCache(cacheDir) }));
    expect(second.stats.spentUsd).toBe(0);
    expect(candidateOf(second, "sums", "only").summary.costPerCallUsd).toBeCloseTo(600 / 1_000_000, 12);
  });

  it("skips a fine-tune candidate that is not trained yet, saying why, and runs the rest", async () => {
    const server = await start({ models: [{ id: "sum-good", shutdown_date: "2027-01-14" }] });
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
suites:
  sums:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      prompt: { model: sum-good, prompt: add.md }
      tuned:
        prompt: add.md
        fineTune:
          trainingData: training.jsonl
          baseModel: meta-llama/Llama-3.1-8B-Instruct
`,
      "add.md": ADD_PROMPT,
      "cases.jsonl": sumCases(3),
      "training.jsonl": jsonl([
        {
          messages: [
            { role: "user", content: "Add 1 and 2." },
            { role: "assistant", content: "3" },
          ],
        },
      ]),
    });
    const { createProvider, created } = providers(server);
    const result = await evaluate(
      config,
      baseOptions(server, {
        createProvider,
        fetchLifecycle: async (model, endpoint) => created.get(endpoint.baseURL)?.fetchLifecycle(model),
      }),
    );
    const tuned = candidateOf(result, "sums", "tuned");
    const reason = "not trained yet: set fineTune.model once the fine-tune exists";
    expect(tuned).toMatchObject({ kind: "fine-tune", skipped: reason, cases: [] });
    expect(tuned.summary).toMatchObject({ cases: 0, calls: 0, meanScore: null });
    expect(tuned.fineTune).toEqual({
      trainingData: "training.jsonl",
      baseModel: "meta-llama/Llama-3.1-8B-Instruct",
    });
    expect(result.warnings).toContain(`suite "sums", candidate "tuned" was not evaluated: ${reason}`);
    expect(Object.keys(server.stats.byModel)).toEqual(["sum-good"]);
    expect(candidateOf(result, "sums", "prompt").summary.meanScore).toBe(1);
    // The models endpoint announced a shutdown for the prompt candidate's model.
    expect(candidateOf(result, "sums", "prompt").lifecycle).toEqual({
      model: "sum-good",
      shutdownDate: "2027-01-14",
      source: "models-endpoint",
    });
  });

  it("uses the clustered standard error when cases carry a cluster", async () => {
    // Scores by case: 1 1 1 | 0 0 | 1 (clusters a a a | b b | c): the weak model misses cases 5 and 10.
    const cases = [1, 2, 3, 5, 10, 4].map((i, n) => ({
      id: `case-${i}`,
      vars: { a: i, b: 2 * i + 1 },
      expected: String(3 * i + 1),
      cluster: ["a", "a", "a", "b", "b", "c"][n],
    }));
    const server = await start();
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: ${server.baseURL}
suites:
  clustered:
    cases: clustered.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      weak: { model: sum-weak, prompt: add.md }
  independent:
    cases: independent.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      weak: { model: sum-weak, prompt: add.md }
`,
      "add.md": ADD_PROMPT,
      "clustered.jsonl": jsonl(cases),
      "independent.jsonl": jsonl(cases.map(({ cluster: _cluster, ...rest }) => rest)),
    });
    const result = await evaluate(config, baseOptions(server));
    const clustered = candidateOf(result, "clustered", "weak");
    const independent = candidateOf(result, "independent", "weak");
    expect(clustered.cases.map((c) => c.score)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(clustered.cases.map((c) => c.cluster)).toEqual(["a", "a", "a", "b", "b", "c"]);

    // Mean 2/3. Residuals summed per cluster: a = 3 × 1/3 = 1, b = 2 × −2/3 = −4/3, c = 1/3.
    // Σ squares = 1 + 16/9 + 1/9 = 26/9; small-sample factor C/(C − 1) = 3/2 → 13/3; SE = √(13/3) / 6.
    expect(clustered.summary.clustered).toBe(true);
    expect(clustered.summary.meanScore).toBeCloseTo(2 / 3, 12);
    expect(clustered.summary.stdErr).toBeCloseTo(Math.sqrt(13 / 3) / 6, 12);
    expect(clustered.summary.stdErr).toBeCloseTo(0.346_944, 6);

    // Without clusters: sample variance 4/3 ÷ 5 = 4/15; SE = √(4/15 ÷ 6) = √(2/45).
    expect(independent.summary.clustered).toBe(false);
    expect(independent.summary.stdErr).toBeCloseTo(Math.sqrt(2 / 45), 12);
  });
});
