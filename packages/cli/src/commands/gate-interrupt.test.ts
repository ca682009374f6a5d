// Ctrl-C during `promptfirst gate`: the temporary checkout of the base must not outlive the process. Runs the
// CLI's bundle (the signal handlers live in its bin) against a model that answers slowly.
import { execFile, execFileSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { type MockOpenAIServer, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir, REPO_ROOT } from "../test-helpers.ts";

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

describe("promptfirst gate, interrupted", () => {
  let server: MockOpenAIServer | undefined;
  const dirs: string[] = [];
  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("removes the base's temporary checkout and exits 130 on SIGINT", async () => {
    const out = await makeTempDir("promptfirst-cli-bundle-");
    const repo = await makeTempDir("promptfirst-gate-interrupt-");
    dirs.push(out, repo);
    const cliDir = path.join(REPO_ROOT, "packages/cli");
    await promisify(execFile)(process.execPath, [path.join(cliDir, "build.mjs"), out], { cwd: cliDir });
    // Every answer takes a minute: the gate is still evaluating when it is interrupted.
    server = await startMockOpenAI({ respond: () => "2", latencyMs: 60_000 });
    await mkdir(path.join(repo, "evals"), { recursive: true });
    await writeFile(
      path.join(repo, "evals", "cases.jsonl"),
      `${JSON.stringify({ id: "a", vars: { n: 1 } })}\n`,
    );
    await writeFile(path.join(repo, "prompt.md"), "Add one to {{n}}.\n");
    await writeFile(
      path.join(repo, "promptfirst.yaml"),
      `provider:\n  baseURL: ${server.baseURL}\n  apiKeyEnv: TEST_KEY\nsuites:\n  math:\n    cases: evals/cases.jsonl\n    scorers: [{ contains: "2" }]\n    candidates:\n      p: { model: m, prompt: prompt.md }\n`,
    );
    git(repo, "init", "--quiet", "--initial-branch=main");
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "base");
    git(repo, "checkout", "--quiet", "-b", "pr");
    await writeFile(path.join(repo, "prompt.md"), "Add one to {{n}}. Reply with the number.\n");
    git(repo, "commit", "--quiet", "-am", "head");
    const worktrees = () => git(repo, "worktree", "list").split("\n").filter(Boolean);

    const child = execFile(process.execPath, [path.join(out, "promptfirst.js"), "gate", "--no-cache"], {
      cwd: repo,
      env: { ...process.env, TEST_KEY: "sk-test-interrupt" },
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 600 && !(worktrees().length > 1 && server.stats.requests > 0); i++) await sleep(50);
    expect(worktrees()).toHaveLength(2);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("promptfirst: interrupted; removed 1 temporary checkout(s) of the base");
    expect(worktrees()).toHaveLength(1);
  });
});
