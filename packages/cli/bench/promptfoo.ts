// The peer benchmark: the engine bench's suite run by promptfoo against the same loopback server, at the same
// concurrency. promptfoo is no dependency of the project: it is installed on demand with npm into a directory
// under the system's temporary directory, kept there for later runs.
import { execFile, spawn } from "node:child_process";
import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The newest promptfoo that runs on Node 20 (its engines: ^20.20.0 || >=22.22.0); 0.122 and later need Node
 * 22.22. Pinned, so that runs compare like with like.
 */
export const PROMPTFOO_VERSION = "0.121.20";
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const EVAL_TIMEOUT_MS = 15 * 60_000;

/** The suite, as the engine bench runs it. */
export interface PeerSuite {
  baseURL: string;
  concurrency: number;
  system: string;
  cases: Array<{ question: string; expected: string }>;
  models: string[];
}

/** promptfoo's own CPU time over its run: [epoch ms, CPU ms] samples, and its peak resident memory. */
export interface PeerUsage {
  samples: Array<[number, number]>;
  maxRssKb: number;
}

/** One `promptfoo eval` of the suite. */
export interface PeerRun {
  version: string;
  /** From spawning `promptfoo eval` to its exit (start-up included). */
  processWallMs: number;
  /** promptfoo's verdicts: every case of every model should pass. */
  stats: { successes: number; failures: number; errors: number };
  /** Undefined when promptfoo's process left no usage behind. */
  usage: PeerUsage | undefined;
}

/** Where promptfoo is installed for these benchmarks (reused between runs). */
function installDir(version: string): string {
  return path.join(tmpdir(), `promptfirst-bench-promptfoo-${version}`);
}

function run(file: string, args: string[], options: { cwd: string; timeout: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) resolve(stdout);
      else if ((error as { code?: unknown }).code === "ENOENT")
        reject(new Error(`${file} is not on the PATH`));
      else if (error.killed)
        reject(new Error(`${file} took longer than ${options.timeout / 60_000} minutes`));
      else reject(new Error(npmReason(stderr) ?? lastLine(stderr) ?? error.message.split("\n")[0]));
    });
  });
}

/** The line of npm's error output that says what went wrong (not its code, stack or log file). */
function npmReason(stderr: string): string | undefined {
  const lines = stderr
    .split("\n")
    .filter((text) => text.startsWith("npm error"))
    .map((text) => text.slice("npm error".length).trim());
  return lines.find(
    (text) =>
      text !== "" &&
      !/^(code|syscall|errno|at) /.test(text) &&
      !/^[{}]/.test(text) &&
      !/^\w+: ['"\d]/.test(text) &&
      !text.startsWith("A complete log"),
  );
}

function lastLine(text: string): string | undefined {
  return text
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .at(-1);
}

/**
 * The path of promptfoo's CLI entry point, installing it first when it is not there yet. Installs into a
 * fresh directory renamed into place once complete, so an interrupted install is never reused.
 */
export async function ensurePromptfoo(
  version: string,
  log: (line: string) => void,
): Promise<{ entry: string } | { skipped: string }> {
  const dir = installDir(version);
  const entry = path.join(dir, "node_modules", "promptfoo", "dist", "src", "entrypoint.js");
  const installed = await readFile(path.join(dir, "node_modules", "promptfoo", "package.json"), "utf8")
    .then((text) => (JSON.parse(text) as { version?: string }).version === version)
    .catch(() => false);
  if (installed && (await exists(entry))) return { entry };
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await writeFile(path.join(partial, "package.json"), '{ "private": true }\n');
  log(`installing promptfoo ${version} into ${dir} (once; a few minutes)…`);
  try {
    await run(
      "npm",
      [
        "install",
        "--prefix",
        partial,
        `promptfoo@${version}`,
        "--no-audit",
        "--no-fund",
        "--no-save",
        "--loglevel=error",
      ],
      { cwd: partial, timeout: INSTALL_TIMEOUT_MS },
    );
    if (!(await exists(path.join(partial, path.relative(dir, entry))))) {
      throw new Error("npm installed no promptfoo CLI");
    }
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    return { entry };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    return { skipped: `promptfoo ${version} could not be installed with npm (${(error as Error).message})` };
  }
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Loaded into promptfoo's process with `--import`: samples its CPU time every 20 ms (so the part spent while
 * requests were in flight can be told from start-up) and writes the samples and its peak RSS when it exits.
 */
const USAGE_PRELOAD = `import { writeFileSync } from "node:fs";
const out = process.env.PROMPTFIRST_BENCH_USAGE_DIR;
const samples = [];
const sample = () => {
  const cpu = process.cpuUsage();
  samples.push([Date.now(), (cpu.user + cpu.system) / 1000]);
};
sample();
setInterval(sample, 20).unref();
process.on("exit", () => {
  sample();
  if (out) writeFileSync(out + "/usage-" + process.pid + ".json", JSON.stringify({ samples, maxRssKb: process.resourceUsage().maxRSS }));
});
`;

/** CPU milliseconds at `at` (epoch ms), interpolated between samples of [time, cpu]. */
function cpuAt(samples: Array<[number, number]>, at: number): number {
  let before = samples[0]!;
  for (const current of samples) {
    if (current[0] >= at) {
      if (current[0] === before[0]) return current[1];
      return before[1] + ((current[1] - before[1]) * (at - before[0])) / (current[0] - before[0]);
    }
    before = current;
  }
  return before[1];
}

/** promptfoo's config for the suite: the same messages, cases, `contains` check, models and concurrency. */
function promptfooConfig(suite: PeerSuite): unknown {
  return {
    description: "promptfirst peer benchmark",
    prompts: [
      {
        id: "bench",
        label: "bench",
        raw: JSON.stringify([
          { role: "system", content: suite.system },
          { role: "user", content: "{{question}}" },
        ]),
      },
    ],
    providers: suite.models.map((model, i) => ({
      id: `openai:chat:${model}`,
      label: `c${i}`,
      config: { apiBaseUrl: suite.baseURL, apiKey: "not-needed" },
    })),
    defaultTest: { assert: [{ type: "contains", value: "{{expected}}" }] },
    tests: suite.cases.map((c) => ({ vars: { question: c.question, expected: c.expected } })),
    evaluateOptions: { maxConcurrency: suite.concurrency, cache: false },
  };
}

/**
 * Run the suite with `promptfoo eval` (its cache, result database, sharing, telemetry and update checks off;
 * everything else as promptfoo ships it) and measure its process.
 */
export async function runPromptfoo(
  entry: string,
  version: string,
  suite: PeerSuite,
): Promise<PeerRun | { skipped: string }> {
  const dir = path.join(tmpdir(), `promptfirst-bench-promptfoo-run-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const configFile = path.join(dir, "promptfooconfig.json");
    const outFile = path.join(dir, "results.json");
    const preload = path.join(dir, "usage-preload.mjs");
    await writeFile(configFile, JSON.stringify(promptfooConfig(suite)));
    await writeFile(preload, USAGE_PRELOAD);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PROMPTFOO_DISABLE_TELEMETRY: "1",
      PROMPTFOO_DISABLE_UPDATE: "1",
      PROMPTFOO_DISABLE_SHARING: "1",
      PROMPTFOO_CACHE_ENABLED: "false",
      PROMPTFOO_DISABLE_REMOTE_GENERATION: "1",
      // Hold the concurrency at what the config says (the adaptive scheduler would change it on errors).
      PROMPTFOO_DISABLE_ADAPTIVE_SCHEDULER: "1",
      PROMPTFOO_DISABLE_RUNTIME_WARNINGS: "1",
      // Its database and logs go to this run's directory, not the user's home.
      PROMPTFOO_CONFIG_DIR: path.join(dir, "home"),
      PROMPTFIRST_BENCH_USAGE_DIR: dir,
      OPENAI_API_KEY: "not-needed",
      NO_COLOR: "1",
    };
    const args = [
      "--import",
      pathToFileURL(preload).href,
      entry,
      "eval",
      "-c",
      configFile,
      "--no-cache",
      "--no-write",
      "--no-table",
      "--no-progress-bar",
      "--max-concurrency",
      String(suite.concurrency),
      "-o",
      outFile,
    ];
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), EVAL_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    const processWallMs = performance.now() - started;
    const results = await readFile(outFile, "utf8")
      .then((text) => JSON.parse(text) as { results?: { stats?: PeerRun["stats"] } })
      .catch(() => undefined);
    const stats = results?.results?.stats;
    if (!stats) {
      return {
        skipped: `promptfoo ${version} wrote no results (exit code ${code}): ${lastLine(output) ?? "no output"}`,
      };
    }
    const usage = await readFile(path.join(dir, `usage-${child.pid}.json`), "utf8")
      .then((text) => JSON.parse(text) as PeerUsage)
      .catch(() => undefined);
    return { version, processWallMs, stats, usage };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU milliseconds promptfoo spent between two moments (epoch ms), interpolated between its samples. */
export function cpuBetween(usage: PeerUsage, from: number, to: number): number {
  return cpuAt(usage.samples, to) - cpuAt(usage.samples, from);
}
