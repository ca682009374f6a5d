// Test support (not bundled: nothing in index.ts imports it): run the committed bundle as a runner would, with
// INPUT_* variables, a GITHUB_OUTPUT file and a job summary file, and build throwaway git repositories for it.
import { execFile, execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

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
  const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    execFile(
      options.node ?? process.execPath,
      [DIST],
      { cwd: options.workspace, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout });
      },
    );
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
export async function makeExampleRepo(
  pullRequest = "trim-knowledge-base",
): Promise<{ dir: string; baseSha: string; headSha: string; changed: string[] }> {
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
