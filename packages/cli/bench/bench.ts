// `pnpm bench`: the engine against a loopback model, printed as ratios to a stated ideal (never asserted), then
// the same suite run by promptfoo against the same server (`--no-promptfoo` leaves that out).
import { type ChildProcess, fork } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { planRun, runEval } from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import { FileCache, OpenAIProvider } from "@promptfirst/providers";
import { cpuBetween, ensurePromptfoo, type PeerSuite, PROMPTFOO_VERSION, runPromptfoo } from "./promptfoo.ts";

interface MockStats {
  requests: number;
  maxInFlight: number;
  byModel: Record<string, number>;
  /** Epoch milliseconds of the first and last answer since the last reset. */
  firstAnswerAt?: number;
  lastAnswerAt?: number;
}

const CASES = 1000;
const CANDIDATES = 2;
const LATENCY_MS = 50;
const CONCURRENCY = 32;
const SYSTEM = "Answer briefly.";
const MODELS = Array.from({ length: CANDIDATES }, (_, i) => `bench-model-${i}`);
const CASE_LIST = Array.from({ length: CASES }, (_, i) => ({
  question: `question number ${i}`,
  expected: `${i}`,
}));

function startServer(latencyMs: number): Promise<{ child: ChildProcess; baseURL: string }> {
  const child = fork(path.join(import.meta.dirname, "mock-server.js"), [String(latencyMs)], {
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (m: { type: string; baseURL: string }) => resolve({ child, baseURL: m.baseURL }));
  });
}

function ask<T>(child: ChildProcess, type: "stats" | "reset"): Promise<T> {
  return new Promise((resolve) => {
    child.once("message", (m: { stats: T }) => resolve(m.stats));
    child.send({ type });
  });
}

const askStats = (child: ChildProcess) => ask<MockStats>(child, "stats");
const resetStats = (child: ChildProcess) => ask<void>(child, "reset");

/** From the first request to the last answer, as the server saw it. */
function serverSpanMs(stats: MockStats): number | undefined {
  if (stats.firstAnswerAt === undefined || stats.lastAnswerAt === undefined) return undefined;
  return stats.lastAnswerAt - stats.firstAnswerAt + LATENCY_MS;
}

async function writeSuite(dir: string, baseURL: string): Promise<string> {
  await mkdir(path.join(dir, "evals"), { recursive: true });
  const lines = CASE_LIST.map((c, i) =>
    JSON.stringify({ id: `case-${i}`, vars: { question: c.question }, expected: c.expected }),
  );
  await writeFile(path.join(dir, "evals", "bench.jsonl"), `${lines.join("\n")}\n`);
  await writeFile(path.join(dir, "prompt.md"), `---\nsystem: ${SYSTEM}\n---\n{{question}}\n`);
  const candidates = MODELS.map(
    (model, i) => `      c${i}:\n        model: ${model}\n        prompt: prompt.md`,
  ).join("\n");
  const config = `provider:
  baseURL: ${baseURL}
  concurrency: ${CONCURRENCY}
pricing:
  "bench-model-*": { input: 0.4, output: 1.6 }
suites:
  bench:
    cases: evals/bench.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
${candidates}
`;
  const file = path.join(dir, "promptfirst.yaml");
  await writeFile(file, config);
  return file;
}

function line(name: string, value: number, goal: string, ok: boolean, detail: string): void {
  process.stdout.write(`${ok ? "ok  " : "MISS"} ${name}: ${value.toFixed(3)} (goal ${goal}) — ${detail}\n`);
}

async function benchEval(options: { promptfoo: boolean }): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-bench-"));
  const { child, baseURL } = await startServer(LATENCY_MS);
  try {
    const configFile = await writeSuite(dir, baseURL);
    const run = async (cache: FileCache) => {
      const loaded = await loadConfig(configFile);
      const plan = planRun(loaded);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await runEval(loaded, plan, {
        createProvider: (endpoint) => new OpenAIProvider({ baseURL: endpoint.baseURL }),
        cache,
        toolVersion: "bench",
      });
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return {
        result,
        wallMs,
        cpuMs: (used.user + used.system) / 1000,
        userMs: used.user / 1000,
        systemMs: used.system / 1000,
        calls: plan.calls.length,
      };
    };
    // Warm up the JIT and the connection pool on a throw-away cache, so the measured run has a cold cache but a
    // warm process (as a long eval is, after its first few hundred calls).
    await run(new FileCache(path.join(dir, "warm-up-cache")));
    const cache = new FileCache(path.join(dir, "cache"));
    await resetStats(child);
    const first = await run(cache);
    const measured = await askStats(child);
    await resetStats(child);
    const second = await run(cache);
    const cached = await askStats(child);

    const n = first.calls;
    const idealMs = (n * LATENCY_MS) / CONCURRENCY;
    line(
      "eval wall / ideal (N·L/C)",
      first.wallMs / idealMs,
      "≤ 1.10",
      first.wallMs / idealMs <= 1.1,
      `${n} calls, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}: ${first.wallMs.toFixed(0)} ms vs ideal ${idealMs.toFixed(0)} ms; server saw ${measured.requests} requests, at most ${measured.maxInFlight} in flight`,
    );
    const cpuPerCall = first.cpuMs / n;
    line(
      "engine CPU per request (ms)",
      cpuPerCall,
      "≤ 1.0",
      cpuPerCall <= 1,
      `${first.cpuMs.toFixed(0)} ms CPU (${first.userMs.toFixed(0)} user, ${first.systemMs.toFixed(0)} system) in the engine process (SDK, HTTP client, cache, scoring) for ${n} requests`,
    );
    line(
      "requests on a fully cached re-run",
      cached.requests,
      "= 0",
      cached.requests === 0,
      `${second.result.stats.cacheHits} cache hits, ${second.wallMs.toFixed(0)} ms`,
    );
    // Peak resident memory of this process so far: the warm-up, the measured run and the cached re-run.
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    line(
      "engine peak RSS (MB)",
      maxRssMb,
      "≤ 150",
      maxRssMb <= 150,
      "peak resident memory of the engine process over the warm-up, the measured run and the cached re-run",
    );

    if (options.promptfoo) {
      const suite: PeerSuite = {
        baseURL,
        concurrency: CONCURRENCY,
        system: SYSTEM,
        cases: CASE_LIST,
        models: MODELS,
      };
      await benchPromptfoo(child, suite, { wallMs: first.wallMs, spanMs: serverSpanMs(measured), calls: n });
    }
  } finally {
    child.send({ type: "close" });
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The peer benchmark: promptfoo runs the same suite against the same server at the same concurrency. Both walls
 * are the server's view, from the first request to the last answer (neither tool's start-up counts).
 */
async function benchPromptfoo(
  child: ChildProcess,
  suite: PeerSuite,
  ours: { wallMs: number; spanMs: number | undefined; calls: number },
): Promise<void> {
  const name = "our wall / promptfoo wall";
  const skip = (reason: string): void => {
    process.stdout.write(`skip ${name}: skipped: ${reason}\n`);
  };
  const installed = await ensurePromptfoo(PROMPTFOO_VERSION, (text) =>
    process.stdout.write(`     ${text}\n`),
  );
  if ("skipped" in installed) return skip(installed.skipped);
  await resetStats(child);
  const outcome = await runPromptfoo(installed.entry, PROMPTFOO_VERSION, suite);
  if ("skipped" in outcome) return skip(outcome.skipped);
  const seen = await askStats(child);
  const theirSpan = serverSpanMs(seen);
  const expectedPerModel = suite.cases.length;
  const complete =
    seen.requests === ours.calls &&
    suite.models.every((model) => seen.byModel[model] === expectedPerModel) &&
    outcome.stats.successes === ours.calls;
  if (!complete || theirSpan === undefined || ours.spanMs === undefined) {
    return skip(
      `promptfoo ${outcome.version} did not do the same work: the server saw ${seen.requests} requests (${JSON.stringify(seen.byModel)}), promptfoo reports ${outcome.stats.successes} passed, ${outcome.stats.failures} failed, ${outcome.stats.errors} errors`,
    );
  }
  const ratio = ours.spanMs / theirSpan;
  const usage = outcome.usage;
  const cpu = usage
    ? `; promptfoo's CPU ${(cpuBetween(usage, seen.firstAnswerAt! - LATENCY_MS, seen.lastAnswerAt!) / ours.calls).toFixed(2)} ms per call while its requests ran (${((usage.samples.at(-1)?.[1] ?? 0) / 1000).toFixed(1)} s in all with start-up), peak RSS ${(usage.maxRssKb / 1024).toFixed(0)} MB`
    : "";
  line(
    name,
    ratio,
    "≤ 0.33",
    ratio <= 0.33,
    `promptfoo ${outcome.version}: ${seen.requests} requests, at most ${seen.maxInFlight} in flight, first request to last answer ${theirSpan.toFixed(0)} ms vs ours ${ours.spanMs.toFixed(0)} ms (ideal ${((ours.calls * LATENCY_MS) / suite.concurrency).toFixed(0)} ms); its process ${(outcome.processWallMs / 1000).toFixed(1)} s with start-up${cpu}`,
  );
}

await benchEval({ promptfoo: !process.argv.includes("--no-promptfoo") });
