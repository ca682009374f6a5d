// Cold start of the Action: the time from spawning `node dist/index.js` (what the runner does for action.yml's
// `runs.main`) to its first model request arriving at a loopback OpenAI-compatible server. Everything before that
// request is the Action's own overhead: loading the bundle, reading inputs and the event, asking the GitHub
// stand-in for the pull request's files, checking out the base, loading and planning the config. Each run gets a
// fresh cache directory, so the first request is never answered from disk.
// `pnpm bench` (turbo runs `build` first); prints one line: the median against the 150 ms goal, and the bundle size.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { GITHUB_STANDIN_WRITE_TOKEN, startMockOpenAI } from "@promptfirst/test-utils";
import { DIST, makeArithmeticRepo, startPullRequestFixture } from "../src/action-harness.ts";

/** The goal: a pull request check that starts asking the model within 150 ms. */
const GOAL_MS = 150;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

const repo = await makeArithmeticRepo({
  cases: 20,
  headPrompt: "Please add one to {{n}}. Answer with the number only.\n",
});
const { dir, headSha } = repo;

let firstRequestAt: number | undefined;
const server = await startMockOpenAI({
  respond: (request) => {
    firstRequestAt ??= performance.now();
    const n = Number(/to (\d+)/.exec(String(request.messages.at(-1)?.content ?? ""))?.[1] ?? 0);
    return String(n + 1);
  },
});
const { standIn, eventPath } = await startPullRequestFixture({ repo, number: 1, ref: "feature" });

/** One cold run: milliseconds from spawn to the first model request. */
async function measureOnce(run: number): Promise<number> {
  firstRequestAt = undefined;
  const scratch = await mkdtemp(path.join(tmpdir(), "promptfirst-cold-start-run-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "octo-org/octo-repo",
    GITHUB_WORKSPACE: dir,
    GITHUB_API_URL: standIn.url,
    GITHUB_WORKFLOW: "bench",
    GITHUB_JOB: "cold-start",
    GITHUB_SHA: headSha,
    GITHUB_OUTPUT: path.join(scratch, "output"),
    GITHUB_STEP_SUMMARY: path.join(scratch, "summary"),
    "INPUT_BASE-URL": server.baseURL,
    "INPUT_GITHUB-TOKEN": GITHUB_STANDIN_WRITE_TOKEN,
    "INPUT_API-KEY": "sk-bench",
    INPUT_COMMENT: "never",
    "INPUT_FAIL-ON": "never",
    "INPUT_CACHE-DIR": path.join(scratch, "cache"),
    "INPUT_REPORT-DIR": path.join(scratch, "report"),
  };
  await writeFile(env.GITHUB_OUTPUT!, "");
  await writeFile(env.GITHUB_STEP_SUMMARY!, "");
  const start = performance.now();
  const child = spawn(process.execPath, [DIST], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    if (process.env.BENCH_TRACE)
      for (const line of chunk.toString().split("\n"))
        if (line) console.log(`${(performance.now() - start).toFixed(0).padStart(5)} ms  ${line}`);
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  await rm(scratch, { recursive: true, force: true });
  if (code !== 0 || firstRequestAt === undefined) {
    throw new Error(`cold-start run ${run} exited ${code} without a model request:\n${output}`);
  }
  return firstRequestAt - start;
}

/** The size of dist/ (every file the Action's bundle is made of), in MB. */
function measureDistMB(): number {
  const distDir = path.dirname(DIST);
  let bytes = 0;
  for (const name of readdirSync(distDir, { recursive: true, encoding: "utf8" })) {
    const stat = statSync(path.join(distDir, name));
    if (stat.isFile()) bytes += stat.size;
  }
  return bytes / 1024 / 1024;
}

try {
  await measureOnce(0); // warm the OS file cache: "cold" means a new process, as on a runner with the repo checked out
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) times.push(await measureOnce(run));
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  const ratio = median / GOAL_MS;
  console.log(
    `action cold start (spawn to first model request): median ${median.toFixed(0)} ms over ${RUNS} runs = ${ratio.toFixed(2)}x the ${GOAL_MS} ms goal (${ratio <= 1 ? "met" : "missed"}; min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}); dist ${measureDistMB().toFixed(1)} MB`,
  );
} finally {
  await standIn.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
  await rm(eventPath, { force: true });
}
