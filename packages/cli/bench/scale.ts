// `pnpm bench`: a 100,000-case run of `promptfirst eval --out` against the loopback model, in a child process
// so that its peak resident memory is its own. The cases stream to `--out`'s JSONL file as they finish and the
// run keeps only the summaries, so memory must not grow with the number of cases. `--cases N` for other sizes;
// `--runs N` repeats the measurement (peak RSS varies from run to run with V8's heap sizing) and ends with the range.
import { fork } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadRunResult } from "@promptfirst/core/node";
import { limitHeapGrowth } from "../src/heap.ts";
import { createProcessIO } from "../src/io.ts";
import { main } from "../src/main.ts";

const GOAL_MB = 300;
const CONCURRENCY = 64;

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "100000" },
    runs: { type: "string", default: "1" },
    child: { type: "string" },
  },
});

if (values.child) {
  // The measured process: exactly what `promptfirst eval` does (its bin bounds V8's heap growth first), then its
  // own peak RSS to the parent.
  limitHeapGrowth();
  const code = await main(
    ["eval", "--config", values.child, "--out", path.join(path.dirname(values.child), "run.json"), "--quiet"],
    { ...createProcessIO(), stdout: () => undefined },
  );
  process.send?.({ code, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  process.disconnect?.();
} else {
  const peaks: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) peaks.push(await benchScale(Number(values.cases)));
  if (peaks.length > 1) {
    process.stdout.write(
      `peak RSS over ${peaks.length} runs (MB): ${Math.min(...peaks).toFixed(0)}–${Math.max(...peaks).toFixed(0)}, ${peaks.filter((p) => p <= GOAL_MB).length} within the goal\n`,
    );
  }
}

function startServer(): Promise<{ close: () => void; baseURL: string }> {
  const child = fork(path.join(import.meta.dirname, "mock-server.js"), ["0"], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (m: { baseURL: string }) =>
      resolve({ baseURL: m.baseURL, close: () => child.send({ type: "close" }) }),
    );
  });
}

/** One measured run; returns the eval child's peak RSS in MB. */
async function benchScale(cases: number): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-scale-"));
  const server = await startServer();
  try {
    await mkdir(path.join(dir, "evals"));
    const lines: string[] = [];
    for (let i = 0; i < cases; i++) {
      lines.push(
        JSON.stringify({
          id: `case-${i}`,
          vars: { question: `question number ${i}` },
          expected: `${i}`,
          cluster: `topic-${i % 50}`,
        }),
      );
    }
    await writeFile(path.join(dir, "evals", "scale.jsonl"), `${lines.join("\n")}\n`);
    await writeFile(path.join(dir, "prompt.md"), "---\nsystem: Answer briefly.\n---\n{{question}}\n");
    const config = path.join(dir, "promptfirst.yaml");
    await writeFile(
      config,
      `provider:
  baseURL: ${server.baseURL}
  concurrency: ${CONCURRENCY}
pricing:
  "scale-model": { input: 0.4, output: 1.6 }
suites:
  scale:
    cases: evals/scale.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      only:
        model: scale-model
        prompt: prompt.md
`,
    );

    const started = performance.now();
    const child = fork(process.argv[1]!, ["--child", config], { stdio: "inherit" });
    const report = await new Promise<{ code: number; maxRssMb: number }>((resolve, reject) => {
      child.once("message", resolve);
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the eval child exited (${code}) before reporting`)));
    });
    const wallMs = performance.now() - started;

    // The run is only a result if every case made it to the file.
    const result = await loadRunResult(path.join(dir, "run.json"));
    const candidate = result.suites.scale!.candidates.only!;
    const jsonl = await readFile(path.join(dir, "run.cases.jsonl"), "utf8");
    const streamed = jsonl.length === 0 ? 0 : jsonl.trimEnd().split("\n").length;
    const complete =
      report.code === 0 &&
      candidate.cases.length === cases &&
      streamed === cases &&
      result.stats.errors === 0;
    const size = (await stat(path.join(dir, "run.json"))).size / 1048576;
    process.stdout.write(
      `${complete && report.maxRssMb <= GOAL_MB ? "ok  " : "MISS"} eval peak RSS, ${cases.toLocaleString("en")} cases (MB): ${report.maxRssMb.toFixed(0)} (goal ≤ ${GOAL_MB}, ${(report.maxRssMb / GOAL_MB).toFixed(2)}× the goal) — ` +
        `${complete ? "every case" : "NOT every case"} in run.json (${size.toFixed(0)} MB) and run.cases.jsonl; ${(wallMs / 1000).toFixed(1)} s at concurrency ${CONCURRENCY}, 0 ms latency\n`,
    );
    return report.maxRssMb;
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
