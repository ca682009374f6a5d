import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PromptfirstError } from "../errors.ts";

/** Run git with arguments (never through a shell) in `cwd`; resolves stdout, rejects with git's own message. */
export function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const message = (stderr || error.message).trim().split("\n")[0] ?? "git failed";
        reject(new PromptfirstError("USAGE", `git ${args.join(" ")}: ${message}`));
      } else resolve(stdout);
    });
  });
}

/** The top of the git work tree that holds `dir`; a PromptfirstError when `dir` is not in a git repository. */
export async function findGitRoot(dir: string): Promise<string> {
  try {
    return (await runGit(dir, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw new PromptfirstError(
      "USAGE",
      `${dir} is not inside a git repository: comparing against a base needs git history (or use \`promptfirst compare\` on two result files)`,
    );
  }
}

/** The full commit id of `ref`, or a PromptfirstError naming the ref. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  try {
    return (await runGit(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw new PromptfirstError(
      "USAGE",
      `git ref "${ref}" not found in ${root}; name a branch, tag or commit (e.g. --base origin/main), and fetch it first in a shallow clone`,
    );
  }
}

/**
 * The default base: the merge base of HEAD with the first of `main`, `origin/main`, `master`, `origin/master`
 * that exists. With `fetch` (a CI checkout, often shallow), when there is none it fetches `main` (else `master`)
 * from `origin` and takes its tip, saying so in `note`: a shallow checkout holds no merge base. A
 * PromptfirstError when none is found; `hint` says how to name a base instead (a CLI flag, an Action input).
 */
export async function findDefaultBase(
  root: string,
  options: { fetch?: boolean; hint?: string } = {},
): Promise<{ ref: string; sha: string; note?: string }> {
  const hint = options.hint ?? "pass --base REF (a branch, tag or commit)";
  const mergeBase = await findMergeBase(root);
  if (mergeBase) return mergeBase;
  if (!options.fetch) throw noBaseError(hint, "");
  for (const ref of ["main", "master"]) {
    let sha: string;
    try {
      sha = await resolveOrFetchCommit(root, ref);
    } catch {
      continue;
    }
    return {
      ref,
      sha,
      note: `comparing with the tip of ${ref} (fetched from origin): this checkout has no merge base with it, as a shallow clone has none; check out with fetch-depth: 0 to compare with the merge base, or name the base yourself`,
    };
  }
  throw noBaseError(hint, " here or on origin");
}

function noBaseError(hint: string, where: string): PromptfirstError {
  return new PromptfirstError("USAGE", `found no main or master branch${where} to compare against; ${hint}`);
}

/** The merge base of HEAD with the first of main, origin/main, master, origin/master that has one. */
async function findMergeBase(root: string): Promise<{ ref: string; sha: string } | undefined> {
  for (const ref of ["main", "origin/main", "master", "origin/master"]) {
    let sha: string;
    try {
      sha = await resolveCommit(root, ref);
    } catch {
      continue;
    }
    try {
      const base = (await runGit(root, ["merge-base", "HEAD", sha])).trim();
      return { ref: `merge-base(HEAD, ${ref})`, sha: base };
    } catch {}
  }
  return undefined;
}

/** Files that differ between `base` and the working tree (committed, staged, unstaged and untracked), repo-relative. */
export async function listChangedFiles(root: string, base: string): Promise<string[]> {
  // -z: names exactly as they are (no quoting of non-ASCII or special characters), NUL-separated.
  const changed = await runGit(root, ["diff", "-z", "--name-only", "--no-renames", base]);
  const untracked = await runGit(root, ["ls-files", "-z", "--others", "--exclude-standard"]);
  return [...new Set([...changed.split("\0"), ...untracked.split("\0")].filter(Boolean))].sort();
}

/**
 * The text of `file` (a path relative to the repository root) at commit `sha`, as a checkout writes it (through
 * the repository's filters: line endings, smudge). Undefined when it is not a regular file there (absent, a
 * symlink, a submodule, a directory), for the caller to look in a checkout instead. Two quick git commands, where
 * a checkout of the commit writes every file of it.
 */
export async function readCommittedFile(
  root: string,
  sha: string,
  file: string,
): Promise<string | undefined> {
  const name = file.split(path.sep).join("/");
  // "<mode> <type> <object>\t<path>\0", or nothing when the commit has no such path.
  const entry = await runGit(root, ["--literal-pathspecs", "ls-tree", "-z", sha, "--", name]);
  const mode = entry.slice(0, entry.indexOf(" "));
  if (mode !== "100644" && mode !== "100755") return undefined;
  return runGit(root, ["cat-file", "--filters", `${sha}:${name}`]);
}

/** A checkout of one commit in a temporary directory, to be removed with `remove()`. */
export interface TemporaryWorktree {
  dir: string;
  sha: string;
  remove(): Promise<void>;
}

/**
 * Check `sha` out into a temporary `git worktree` (detached), leaving the user's checkout untouched.
 * `remove()` deletes it and prunes git's record of it.
 */
export async function addTemporaryWorktree(root: string, sha: string): Promise<TemporaryWorktree> {
  const parent = await mkdtemp(path.join(tmpdir(), "promptfirst-base-"));
  const dir = path.join(parent, "base");
  const open = { root, dir, parent };
  openWorktrees.add(open);
  try {
    await runGit(root, ["worktree", "add", "--detach", "--quiet", dir, sha]);
  } catch (error) {
    openWorktrees.delete(open);
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    sha,
    async remove() {
      openWorktrees.delete(open);
      await runGit(root, ["worktree", "remove", "--force", dir]).catch(() => undefined);
      await rm(parent, { recursive: true, force: true });
      await runGit(root, ["worktree", "prune"]).catch(() => undefined);
    },
  };
}

/** Temporary worktrees made and not yet removed (for removeTemporaryWorktreesNow). */
const openWorktrees = new Set<{ root: string; dir: string; parent: string }>();

/**
 * Remove every temporary worktree still checked out, at once and synchronously: for a shell whose process is
 * interrupted (Ctrl-C, a cancelled job) before the check could remove them. Returns how many there were.
 */
export function removeTemporaryWorktreesNow(): number {
  const open = [...openWorktrees];
  openWorktrees.clear();
  for (const { root, dir, parent } of open) {
    for (const args of [
      ["worktree", "remove", "--force", dir],
      ["worktree", "prune"],
    ]) {
      try {
        execFileSync("git", args, { cwd: root, stdio: "ignore" });
      } catch {}
    }
    rmSync(parent, { recursive: true, force: true });
  }
  return open.length;
}

/**
 * Make sure commit `sha` is in the local repository: a shallow checkout (actions/checkout's default depth 1)
 * lacks the pull request's base, so it is fetched from `origin` (one commit deep, no tags) when missing.
 */
export async function ensureCommitAvailable(root: string, sha: string): Promise<void> {
  try {
    await runGit(root, ["cat-file", "-e", `${sha}^{commit}`]);
    return;
  } catch {}
  try {
    await runGit(root, ["fetch", "--no-tags", "--depth=1", "origin", sha]);
  } catch (error) {
    throw new PromptfirstError(
      "USAGE",
      `commit ${sha} is not in the checkout and could not be fetched from origin (${(error as Error).message}); check out with fetch-depth: 0 or fetch the base first`,
    );
  }
}

/**
 * Resolve `ref` (branch, tag or commit) to a commit, fetching it from `origin` when a shallow checkout lacks it
 * (as `actions/checkout` leaves by default). A PromptfirstError names the ref and what to do when both fail.
 */
export async function resolveOrFetchCommit(root: string, ref: string): Promise<string> {
  try {
    return await resolveCommit(root, ref);
  } catch {}
  try {
    await runGit(root, ["fetch", "--no-tags", "--depth=1", "origin", ref]);
    return (await runGit(root, ["rev-parse", "--verify", "FETCH_HEAD^{commit}"])).trim();
  } catch (error) {
    throw new PromptfirstError(
      "USAGE",
      `git ref "${ref}" is not in the checkout and could not be fetched from origin (${(error as Error).message}); name a branch, tag or commit that exists, or check out with fetch-depth: 0`,
    );
  }
}
