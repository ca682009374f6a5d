import { execFileSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import { listChangedFiles, resolveOrFetchCommit } from "./git.ts";

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
}

async function makeOrigin(): Promise<{ origin: string; oldSha: string }> {
  const origin = await mkdtemp(path.join(tmpdir(), "promptfirst-origin-"));
  git(origin, "init", "--quiet", "--initial-branch=main");
  await writeFile(path.join(origin, "a.txt"), "one\n");
  git(origin, "add", "-A");
  git(origin, "commit", "--quiet", "-m", "one");
  git(origin, "branch", "old");
  const oldSha = git(origin, "rev-parse", "HEAD");
  await writeFile(path.join(origin, "a.txt"), "two\n");
  git(origin, "commit", "--quiet", "-am", "two");
  return { origin, oldSha };
}

describe("git helpers", () => {
  it("fetches a base ref a shallow checkout lacks", async () => {
    const { origin, oldSha } = await makeOrigin();
    const clone = path.join(await mkdtemp(path.join(tmpdir(), "promptfirst-clone-")), "c");
    execFileSync("git", ["clone", "--quiet", "--depth=1", "--single-branch", `file://${origin}`, clone]);
    expect(await resolveOrFetchCommit(clone, "old")).toBe(oldSha);
  });

  it("names a ref that exists nowhere and says what to do", async () => {
    const { origin } = await makeOrigin();
    const error = await resolveOrFetchCommit(origin, "no-such-branch").catch((e: unknown) => e);
    expect(isPromptfirstError(error)).toBe(true);
    expect((error as Error).message).toContain('git ref "no-such-branch" is not in the checkout');
    expect((error as Error).message).toContain("fetch-depth: 0");
  });

  it("lists changed files with special characters exactly as named", async () => {
    const { origin, oldSha } = await makeOrigin();
    await writeFile(path.join(origin, "café prompt.md"), "x\n");
    expect(await listChangedFiles(origin, oldSha)).toEqual(["a.txt", "café prompt.md"]);
  });
});
