// `pnpm bench`: the engine against a loopback model, printed as ratios to a stated ideal (never asserted).
import { type ChildProcess, fork } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { planRun, runEval } from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import { FileCache, OpenAIProvider } from "@promptfirst/providers";

interface MockStats {
  requests: number;
  maxInFlight: number;
}

const CASES = 1000;
const CANDIDATES = 2;
const LATENCY_MS = 50;
const CONCURRENCY = 32;

function startServer(latencyMs: number): Promise<{ child: ChildProcess; baseURL: string }> {
  const child = fork(path.join(import.meta.dirname, "mock-server.js"), [String(latencyMs)], {
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (m: { type: string; baseURL: string }) => resolve({ child, baseURL: m.baseURL }));
  });
}

function askStats(child: ChildProcess): Promise<MockStats> {
  return new Promise((resolve) => {
    child.once("message", (m: { stats: MockStats }) => resolve(m.stats));
    child.send({ type: "stats" });
  });
}

async function writeSuite(dir: string, baseURL: string): Promise<string> {
  await mkdir(path.join(dir, "evals"), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < CASES; i++) {
    lines.push(
      JSON.stringify({ id: `case-${i}`, vars: { question: `question number ${i}` }, expected: `${i}` }),
    );
  }
  await writeFile(path.join(dir, "evals", "bench.jsonl"), `${lines.join("\n")}\n`);
  await writeFile(path.join(dir, "prompt.md"), "---\nsystem: Answer briefly.\n---\n{{question}}\n");
  const candidates = Array.from(
    { length: CANDIDATES },
    (_, i) => `      c${i}:\n        model: bench-model-${i}\n        prompt: prompt.md`,
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

async function benchEval(): Promise<void> {
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
      return { result, wallMs, cpuMs: (used.user + used.system) / 1000, calls: plan.calls.length };
    };
    // Warm up the JIT and the connection pool on a throw-away cache, so the measured run has a cold cache but a
    // warm process (as a long eval is, after its first few hundred calls).
    await run(new FileCache(path.join(dir, "warm-up-cache")));
    const cache = new FileCache(path.join(dir, "cache"));
    const first = await run(cache);
    const before = await askStats(child);
    const second = await run(cache);
    const after = await askStats(child);

    const n = first.calls;
    const idealMs = (n * LATENCY_MS) / CONCURRENCY;
    line(
      "eval wall / ideal (N·L/C)",
      first.wallMs / idealMs,
      "≤ 1.10",
      first.wallMs / idealMs <= 1.1,
      `${n} calls, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}: ${first.wallMs.toFixed(0)} ms vs ideal ${idealMs.toFixed(0)} ms; server saw at most ${before.maxInFlight} in flight`,
    );
    const cpuPerCall = first.cpuMs / n;
    line(
      "engine CPU per request (ms)",
      cpuPerCall,
      "≤ 1.0",
      cpuPerCall <= 1,
      `${first.cpuMs.toFixed(0)} ms CPU in the engine process (SDK, HTTP client, cache, scoring) for ${n} requests`,
    );
    const cachedRequests = after.requests - before.requests;
    line(
      "requests on a fully cached re-run",
      cachedRequests,
      "= 0",
      cachedRequests === 0,
      `${second.result.stats.cacheHits} cache hits, ${second.wallMs.toFixed(0)} ms`,
    );
  } finally {
    child.send({ type: "close" });
    await rm(dir, { recursive: true, force: true });
  }
}

await benchEval();
