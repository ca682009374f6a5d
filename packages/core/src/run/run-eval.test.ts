/**
 * runEval with fake providers. The end-to-end tests over the real OpenAIProvider and the loopback server live
 * in packages/providers/src/engine.test.ts (core cannot depend on providers without a workspace cycle).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoadedConfig } from "../config/loaded.ts";
import { loadConfig } from "../node/index.ts";
import { planRun } from "../plan.ts";
import { summarizeCandidate } from "../result/summarize.ts";
import type { ModelRequest, Provider, ProviderResponse, ResponseCache, StoredResponse } from "../types.ts";
import { type RunEvalOptions, type RunProgress, runEval } from "./run-eval.ts";

const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function loadProject(files: Record<string, string>): Promise<LoadedConfig> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-run-eval-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return loadConfig(path.join(dir, "promptfirst.yaml"));
}

/** Ten cases asking for a capital; the fake model knows all but `fail`ed ones. */
async function capitals(extra = ""): Promise<LoadedConfig> {
  return loadProject({
    "promptfirst.yaml": `
provider:
  baseURL: https://llm.example.test/v1
  maxRetries: 0
pricing:
  fake-model: { input: 1, output: 2 }
${extra}
suites:
  capitals:
    cases: cases.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      only: { model: fake-model, prompt: ask.md }
`,
    "ask.md": "Capital of {{country}}?\n",
    "cases.jsonl": `${Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ id: `c${i}`, vars: { country: `country-${i}` }, expected: `capital-${i}` }),
    ).join("\n")}\n`,
  });
}

/** Answers `capital-<n>` with fixed usage; fails with a 400 for the countries listed. */
function fakeProvider(failing: number[] = []): Provider & { calls: ModelRequest[] } {
  const calls: ModelRequest[] = [];
  return {
    id: "fake:capitals",
    calls,
    async complete(request: ModelRequest): Promise<ProviderResponse> {
      calls.push(request);
      const n = Number(/country-(\d+)/.exec(request.messages.at(-1)!.content)![1]);
      if (failing.includes(n)) {
        return {
          ok: false,
          error: { kind: "bad_request", status: 400, message: "refused", retryable: false },
        };
      }
      return {
        ok: true,
        output: `capital-${n}`,
        usage: { inputTokens: 100_000, outputTokens: 50_000, cachedInputTokens: 0 },
      };
    },
  };
}

function options(provider: Provider, extra: Partial<RunEvalOptions> = {}): RunEvalOptions {
  return {
    createProvider: () => provider,
    toolVersion: "0.0.0-test",
    now: () => new Date("2026-11-25T12:00:00Z"),
    ...extra,
  };
}

describe("runEval", () => {
  it("keeps failures on their cases and counts the spend of the answered calls only", async () => {
    const config = await capitals();
    const provider = fakeProvider([3, 7]);
    const result = await runEval(config, planRun(config), options(provider));
    const only = result.suites.capitals!.candidates.only!;
    expect(only.cases.map((c) => c.status)).toEqual([
      "ok",
      "ok",
      "ok",
      "error",
      "ok",
      "ok",
      "ok",
      "error",
      "ok",
      "ok",
    ]);
    expect(only.cases[3]!.samples[0]!.error).toEqual({
      kind: "bad_request",
      status: 400,
      message: "refused",
    });
    expect(only.summary).toMatchObject({ errors: 2, errorRate: 0.2, meanScore: 1, scored: 8, passRate: 0.8 });
    // Each answered call: 0.1M input × $1 + 0.05M output × $2 = $0.20; eight of them. Failures bill nothing.
    expect(only.summary.costPerCallUsd).toBeCloseTo(0.2, 12);
    expect(result.stats.spentUsd).toBeCloseTo(1.6, 12);
    expect(result.stats).toMatchObject({ plannedCalls: 10, requests: 10, errors: 2, retries: 0 });
    expect(result).toMatchObject({
      schemaVersion: 1,
      tool: { name: "promptfirst", version: "0.0.0-test" },
      createdAt: "2026-11-25T12:00:00.000Z",
    });
  });

  it("reports progress after every call, with the last report complete", async () => {
    const config = await capitals();
    const reports: RunProgress[] = [];
    let tick = 0;
    await runEval(
      config,
      planRun(config),
      options(fakeProvider([0]), { onProgress: (p) => reports.push(p), clock: () => (tick += 10) }),
    );
    expect(reports.map((r) => r.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(reports.every((r) => r.total === 10)).toBe(true);
    expect(reports.at(-1)).toMatchObject({ done: 10, errors: 1, etaMs: 0 });
    expect(reports[0]!.etaMs).toBeNull();
  });

  it("stops calling when the run is aborted, and still returns every case", async () => {
    const config = await capitals();
    const controller = new AbortController();
    controller.abort();
    const provider = fakeProvider();
    const result = await runEval(config, planRun(config), options(provider, { signal: controller.signal }));
    expect(provider.calls).toHaveLength(0);
    const only = result.suites.capitals!.candidates.only!;
    expect(only.cases).toHaveLength(10);
    expect(only.cases.every((c) => c.status === "error")).toBe(true);
  });

  it("warns, rather than fails, when the cache cannot be written at the end", async () => {
    const config = await capitals();
    const entries = new Map<string, StoredResponse>();
    const cache: ResponseCache = {
      get: async (key) => entries.get(key),
      set: async (key, value) => {
        entries.set(key, value);
      },
      close: async () => {
        throw new Error("ENOSPC: no space left on device");
      },
    };
    const result = await runEval(config, planRun(config), options(fakeProvider(), { cache }));
    expect(result.suites.capitals!.candidates.only!.summary.meanScore).toBe(1);
    expect(result.warnings).toEqual([
      "the response cache could not be written: ENOSPC: no space left on device",
    ]);
  });

  it("summarizes the cases it does not keep exactly as those it keeps: repeats, clusters, calls finishing out of order", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: https://llm.example.test/v1
  maxRetries: 0
pricing:
  fake-model: { input: 0.37, output: 1.13 }
suites:
  noisy:
    cases: cases.jsonl
    repeat: 3
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      only: { model: fake-model, prompt: ask.md }
`,
      "ask.md": "Capital of {{country}}?\n",
      "cases.jsonl": `${Array.from({ length: 30 }, (_, i) =>
        JSON.stringify({
          vars: { country: `country-${i}` },
          expected: `capital-${i}`,
          cluster: `region-${i % 4}`,
        }),
      ).join("\n")}\n`,
    });
    // Answers right two times in three, with usage that varies per call, after delays that reorder the calls.
    const provider: Provider = {
      id: "fake:noisy",
      async complete(request: ModelRequest): Promise<ProviderResponse> {
        const n = Number(/country-(\d+)/.exec(request.messages.at(-1)!.content)![1]);
        await new Promise((resolve) => setTimeout(resolve, (n * 7 + request.sample * 3) % 5));
        if ((n + request.sample) % 11 === 0) {
          return { ok: false, error: { kind: "server", status: 500, message: "down", retryable: false } };
        }
        return {
          ok: true,
          output: (n + request.sample) % 3 === 0 ? "wrong" : `capital-${n}`,
          usage: { inputTokens: 1000 + n * 13 + request.sample, outputTokens: 17 + n, cachedInputTokens: 0 },
        };
      },
    };
    const kept = await runEval(config, planRun(config), options(provider, { clock: () => 0 }));
    const streamed: number[] = [];
    const dropped = await runEval(
      config,
      planRun(config),
      options(provider, {
        keepCases: false,
        clock: () => 0,
        onCase: ({ position }) => {
          streamed.push(position);
        },
      }),
    );
    const keptOnly = kept.suites.noisy!.candidates.only!;
    const droppedOnly = dropped.suites.noisy!.candidates.only!;
    expect(keptOnly.cases).toHaveLength(30);
    expect(droppedOnly.cases).toEqual([]);
    // The calls did finish out of order, every case once.
    expect(streamed).not.toEqual([...streamed].sort((a, b) => a - b));
    expect([...streamed].sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    expect(keptOnly.summary).toMatchObject({ cases: 30, calls: 90, clustered: true });
    expect(keptOnly.summary.errors).toBeGreaterThan(0);
    // Byte for byte: the summary the results file holds, with and without the cases, and from the cases.
    expect(JSON.stringify(droppedOnly.summary)).toBe(JSON.stringify(keptOnly.summary));
    expect(JSON.stringify(keptOnly.summary)).toBe(JSON.stringify(summarizeCandidate(keptOnly.cases)));
  });

  it("puts each call's sample on its own case when the plan lists the calls in another order", async () => {
    const config = await capitals();
    const plan = planRun(config);
    const reversed = { ...plan, calls: [...plan.calls].reverse() };
    const result = await runEval(config, reversed, options(fakeProvider([4])));
    const only = result.suites.capitals!.candidates.only!;
    expect(only.cases.map((c) => [c.id, c.samples[0]?.output])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`c${i}`, i === 4 ? null : `capital-${i}`]),
    );
    expect(only.summary).toMatchObject({ cases: 10, calls: 10, errors: 1, meanScore: 1 });
  });
});
