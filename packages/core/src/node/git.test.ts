import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import {
  addTemporaryWorktree,
  ensureCommitAvailable,
  findDefaultBase,
  listChangedFiles,
  readCommittedFile,
  removeTemporaryWorktreesNow,
  resolveOrFetchCommit,
} from "./git.ts";

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

/** A clone of `origin` one commit deep, as actions/checkout leaves it (of `branch`, default origin's HEAD). */
async function shallowClone(origin: string, branch?: string): Promise<string> {
  const clone = path.join(await mkdtemp(path.join(tmpdir(), "promptfirst-clone-")), "c");
  const only = branch ? [`--branch=${branch}`] : [];
  execFileSync("git", [
    "clone",
    "--quiet",
    "--depth=1",
    ...only,
    "--single-branch",
    `file://${origin}`,
    clone,
  ]);
  return clone;
}

describe("git helpers", () => {
  it("fetches a base ref a shallow checkout lacks", async () => {
    const { origin, oldSha } = await makeOrigin();
    const clone = await shallowClone(origin);
    expect(await resolveOrFetchCommit(clone, "old")).toBe(oldSha);
  });

  it("in a shallow clone of another branch, compares with main's tip fetched from origin, and says so", async () => {
    const { origin } = await makeOrigin();
    git(origin, "checkout", "--quiet", "-b", "feature");
    await writeFile(path.join(origin, "b.txt"), "feature\n");
    git(origin, "add", "-A");
    git(origin, "commit", "--quiet", "-m", "feature");
    const mainSha = git(origin, "rev-parse", "main");
    const clone = await shallowClone(origin, "feature");
    // No main here: without fetching, the CLI's way, it names the flag to pass.
    const error = await findDefaultBase(clone).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "found no main or master branch to compare against; pass --base REF (a branch, tag or commit)",
    );
    const hint = "set the base-ref input (e.g. base-ref: main)";
    const found = await findDefaultBase(clone, { fetch: true, hint });
    expect(found.sha).toBe(mainSha);
    expect(found.ref).toBe("main");
    expect(found.note).toBe(
      "comparing with the tip of main (fetched from origin): this checkout has no merge base with it, as a shallow clone has none; check out with fetch-depth: 0 to compare with the merge base, or name the base yourself",
    );
    // An origin with neither main nor master: the Action's wording.
    git(origin, "branch", "--quiet", "-m", "main", "trunk");
    const other = await shallowClone(origin, "feature");
    expect(
      ((await findDefaultBase(other, { fetch: true, hint }).catch((e: unknown) => e)) as Error).message,
    ).toBe(`found no main or master branch here or on origin to compare against; ${hint}`);
  });

  it("removes the temporary worktrees still checked out, at once, for an interrupted process", async () => {
    const { origin, oldSha } = await makeOrigin();
    const worktree = await addTemporaryWorktree(origin, oldSha);
    expect(git(origin, "worktree", "list").split("\n")).toHaveLength(2);
    expect(removeTemporaryWorktreesNow()).toBe(1);
    expect(git(origin, "worktree", "list").split("\n")).toHaveLength(1);
    expect(existsSync(path.dirname(worktree.dir))).toBe(false);
    // Removed once: a second call, and the check's own remove() after it, find nothing left to do.
    expect(removeTemporaryWorktreesNow()).toBe(0);
    await worktree.remove();
  });

  it("fetches a base commit a shallow checkout lacks, by its SHA (a pull request's base)", async () => {
    const { origin, oldSha } = await makeOrigin();
    const clone = await shallowClone(origin);
    expect(() => git(clone, "cat-file", "-e", `${oldSha}^{commit}`)).toThrow();
    await ensureCommitAvailable(clone, oldSha);
    expect(git(clone, "cat-file", "-t", oldSha)).toBe("commit");
    // Already there: nothing to fetch, no error.
    await ensureCommitAvailable(clone, oldSha);
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

  it("reads a file of a commit as its checkout has it, and leaves what is not a plain file to the checkout", async () => {
    const { origin, oldSha } = await makeOrigin();
    await mkdir(path.join(origin, "cfg *"), { recursive: true });
    await writeFile(path.join(origin, "cfg *", "promptfirst.yaml"), "suites: {}\r\n");
    await writeFile(path.join(origin, ".gitattributes"), "*.yaml text eol=crlf\n");
    await symlink("a.txt", path.join(origin, "link.txt"));
    git(origin, "add", "-A");
    git(origin, "commit", "--quiet", "-m", "three");
    const sha = git(origin, "rev-parse", "HEAD");
    const worktree = await addTemporaryWorktree(origin, sha);
    try {
      const checkedOut = await readFile(path.join(worktree.dir, "cfg *", "promptfirst.yaml"), "utf8");
      // Through the repository's filters (eol=crlf here), with the name taken literally (no glob).
      expect(await readCommittedFile(origin, sha, path.join("cfg *", "promptfirst.yaml"))).toBe(checkedOut);
      expect(checkedOut).toBe("suites: {}\r\n");
      expect(await readCommittedFile(origin, sha, "a.txt")).toBe("two\n");
      expect(await readCommittedFile(origin, oldSha, "a.txt")).toBe("one\n");
      // Absent, a symlink, a directory: undefined (the caller reads the checkout).
      expect(await readCommittedFile(origin, oldSha, "link.txt")).toBeUndefined();
      expect(await readCommittedFile(origin, sha, "link.txt")).toBeUndefined();
      expect(await readCommittedFile(origin, sha, "cfg *")).toBeUndefined();
      expect(await readCommittedFile(origin, sha, "cfg ?/promptfirst.yaml")).toBeUndefined();
    } finally {
      await worktree.remove();
    }
  });
});
