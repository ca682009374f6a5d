// Test support (not bundled: nothing in index.ts imports it): run the committed bundle as a runner would, with
// INPUT_* variables, a GITHUB_OUTPUT file and a job summary file, and build throwaway git repositories for it.
import { type ChildProcess, execFile, execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type GitHubStandIn,
  type GitHubStandInOptions,
  loadPullRequestEvent,
  startGitHubStandIn,
} from "@promptfirst/test-utils";

/** The committed bundle action.yml runs (src/dist.test.ts keeps it fresh). */
export const DIST = path.resolve(import.meta.dirname, "..", "dist", "index.js");
/** The repository root (where action.yml and examples/ live). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

/** Run git in `dir` with a throwaway identity; returns trimmed stdout. */
export function runGit(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
}

/** Parse GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** What one run of the bundle produced. */
export interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Where and how to run the bundle. */
export interface BundledActionOptions {
  /** The checkout (GITHUB_WORKSPACE and the working directory). */
  workspace: string;
  eventPath: string;
  eventName?: string;
  headSha: string;
  apiUrl: string;
  /** Action inputs by their action.yml names (`fail-on`), set as INPUT_* variables. */
  inputs: Record<string, string>;
  /** The Node binary (default: this process's). */
  node?: string;
  /** More environment variables (e.g. a proxy), over the runner's. */
  env?: Record<string, string>;
  /** Flags for Node before the bundle's path (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Called with the Action's process once it is spawned (e.g. to interrupt it). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Run `node dist/index.js` with a runner's environment; resolves when it exits. */
export async function runBundledAction(options: BundledActionOptions): Promise<ActionRun> {
  const scratch = await mkdtemp(path.join(tmpdir(), "promptfirst-action-run-"));
  const outputFile = path.join(scratch, "output");
  const summaryFile = path.join(scratch, "summary");
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.eventName ?? "pull_request",
    GITHUB_EVENT_PATH: options.eventPath,
    GITHUB_REPOSITORY: "octo-org/octo-repo",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_WORKFLOW: "ci",
    GITHUB_JOB: "eval",
    GITHUB_SHA: options.headSha,
    GITHUB_RUN_ID: "42",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  Object.assign(env, options.env);
  const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(
      options.node ?? process.execPath,
      [...(options.nodeArgs ?? []), DIST],
      { cwd: options.workspace, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout });
      },
    );
    options.onSpawn?.(child);
  });
  return {
    ...result,
    outputs: parseOutputs(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
  };
}

/**
 * A git repository made from examples/customer-support: the base commit is the example with its committed
 * recording, the head commit applies the example's pull request `pr/<name>` (which the recording also answers).
 */
export async function makeExampleRepo(pullRequest = "trim-knowledge-base"): Promise<FixtureRepo> {
  const example = path.join(REPO_ROOT, "examples", "customer-support");
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-action-example-"));
  cpSync(example, dir, {
    recursive: true,
    filter: (src) => {
      const top = path.relative(example, src).split(path.sep)[0];
      return top !== "pr" && top !== ".promptfirst";
    },
  });
  await writeFile(path.join(dir, ".gitignore"), ".promptfirst/\n");
  runGit(dir, "init", "--quiet", "--initial-branch=main");
  runGit(dir, "add", "-A");
  runGit(dir, "commit", "--quiet", "-m", "base");
  const baseSha = runGit(dir, "rev-parse", "HEAD");
  cpSync(path.join(example, "pr", pullRequest), dir, { recursive: true });
  runGit(dir, "add", "-A");
  runGit(dir, "commit", "--quiet", "-m", pullRequest);
  const headSha = runGit(dir, "rev-parse", "HEAD");
  const changed = runGit(dir, "diff", "--name-only", baseSha, headSha).split("\n").filter(Boolean);
  return { dir, baseSha, headSha, changed };
}

/** A throwaway repository: its base and head commits and the files the head changes. */
export interface FixtureRepo {
  dir: string;
  baseSha: string;
  headSha: string;
  changed: string[];
}

/** The model `makeArithmeticRepo`'s cases expect: the number after "to" in the last message, plus one. */
export function answerAddOne(request: { messages: ReadonlyArray<{ content?: unknown }> }): string {
  const n = Number(/to (\d+)/.exec(String(request.messages.at(-1)?.content ?? ""))?.[1] ?? 0);
  return String(n + 1);
}

/**
 * A git repository whose base commit holds one suite of arithmetic questions ("add one to n", exact match) and
 * whose head commit rewords the prompt to `headPrompt`. The provider block is left out unless `baseURL` is given.
 */
export async function makeArithmeticRepo(options: {
  cases: number;
  headPrompt: string;
  baseURL?: string;
}): Promise<FixtureRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-action-arith-"));
  await mkdir(path.join(dir, "evals"), { recursive: true });
  const cases = Array.from({ length: options.cases }, (_, i) =>
    JSON.stringify({ id: `c${i}`, vars: { n: i }, expected: `${i + 1}` }),
  );
  await writeFile(path.join(dir, "evals", "math.jsonl"), `${cases.join("\n")}\n`);
  await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}. Answer with the number only.\n");
  const provider = options.baseURL ? `provider:\n  baseURL: ${options.baseURL}\n` : "";
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `${provider}pricing:
  "m-*": { input: 1, output: 2 }
suites:
  math:
    cases: evals/math.jsonl
    scorers:
      - exact: "{{expected}}"
    candidates:
      careful:
        model: m-careful
        prompt: add-one.md
`,
  );
  await writeFile(path.join(dir, ".gitignore"), ".promptfirst/\n");
  runGit(dir, "init", "--quiet", "--initial-branch=main");
  runGit(dir, "add", "-A");
  runGit(dir, "commit", "--quiet", "-m", "base");
  const baseSha = runGit(dir, "rev-parse", "HEAD");
  await writeFile(path.join(dir, "add-one.md"), options.headPrompt);
  runGit(dir, "commit", "--quiet", "-am", "head");
  const headSha = runGit(dir, "rev-parse", "HEAD");
  return { dir, baseSha, headSha, changed: ["add-one.md"] };
}

/**
 * The GitHub side of a pull request on `repo`: a stand-in serving it (its changed files, and `comments` already
 * on it) and a real `pull_request` webhook payload for GITHUB_EVENT_PATH, written beside the repository.
 */
export async function startPullRequestFixture(options: {
  repo: FixtureRepo;
  number: number;
  ref: string;
  comments?: GitHubStandInOptions["comments"];
}): Promise<{ standIn: GitHubStandIn; eventPath: string }> {
  const { repo, number, ref } = options;
  const standIn = await startGitHubStandIn({
    pulls: [
      {
        number,
        head: { sha: repo.headSha, ref },
        base: { sha: repo.baseSha, ref: "main" },
        files: repo.changed.map((filename) => ({ filename, status: "modified", additions: 1, deletions: 1 })),
      },
    ],
    ...(options.comments ? { comments: options.comments } : {}),
  });
  const eventPath = `${repo.dir}-event.json`;
  const payload = loadPullRequestEvent({
    owner: "octo-org",
    repo: "octo-repo",
    number,
    head: { sha: repo.headSha, ref },
    base: { sha: repo.baseSha, ref: "main" },
  });
  await writeFile(eventPath, JSON.stringify(payload));
  return { standIn, eventPath };
}
