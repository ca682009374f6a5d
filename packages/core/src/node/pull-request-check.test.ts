// runPullRequestCheck's reading of the base: its config from git's objects (or from the base's checkout when git
// cannot hand it over as a plain file), the checkout made beside the head's work and always removed.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../index.ts";
import { type PullRequestEvaluation, runPullRequestCheck } from "./pull-request-check.ts";

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
}

const CONFIG = `pricing:
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
`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "promptfirst-pr-check-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A repository whose base commit has `base` files and whose head commit (checked out) has `head` files too. */
async function makeRepo(
  name: string,
  base: Record<string, string>,
  head: Record<string, string>,
): Promise<{ dir: string; baseSha: string }> {
  const dir = path.join(root, name);
  const write = async (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      if (text.startsWith("->")) await symlink(text.slice(2), path.join(dir, file));
      else await writeFile(path.join(dir, file), text);
    }
  };
  await mkdir(dir, { recursive: true });
  git(dir, "init", "--quiet", "--initial-branch=main");
  await write({ "README.md": "x\n", ...base });
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", "base");
  const baseSha = git(dir, "rev-parse", "HEAD");
  await write(head);
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", "head");
  return { dir, baseSha };
}

const PROJECT = {
  "add-one.md": "Add one to {{n}}.\n",
  "evals/math.jsonl": '{"id": "c0", "vars": {"n": 0}, "expected": "1"}\n',
};

/** What every evaluation in these tests answers: a result whose calls were all blocked (no comparison). */
function blockedOutcome() {
  return {
    result: { config: { file: "promptfirst.yaml" } } as RunResult,
    blocking: [{ kind: "no_api_key", message: "no key", count: 1 }],
  };
}

/** The options every check here shares: the repository's config, its base commit and head, fixed dates. */
function checkOptions(dir: string, baseSha: string) {
  return {
    configPath: path.join(dir, "promptfirst.yaml"),
    displayBase: dir,
    base: { ref: "main", sha: baseSha },
    headSha: git(dir, "rev-parse", "HEAD"),
    thresholds: {},
    today: new Date("2026-01-01"),
    toolVersion: "test",
  };
}

/** Run the check with an `evaluate` that records its requests and reports every call blocked (no comparison). */
async function check(dir: string, baseSha: string, changedFiles?: Promise<string[] | undefined>) {
  const requests: PullRequestEvaluation[] = [];
  const result = await runPullRequestCheck({
    ...checkOptions(dir, baseSha),
    ...(changedFiles ? { changedFiles } : {}),
    evaluate: async (request) => {
      requests.push(request);
      return blockedOutcome();
    },
  });
  // The base's temporary checkout is gone, and git forgot it.
  expect(git(dir, "worktree", "list").split("\n")).toHaveLength(1);
  return { result, requests };
}

describe("runPullRequestCheck reads the base", () => {
  it("from git's objects: the touched suite is evaluated on head, then on the base's checkout", async () => {
    const { dir, baseSha } = await makeRepo(
      "changed-prompt",
      { ...PROJECT, "promptfirst.yaml": CONFIG },
      { "add-one.md": "Please add one to {{n}}.\n" },
    );
    // The pull request's files, still on their way when the check starts.
    const { result, requests } = await check(dir, baseSha, Promise.resolve(["add-one.md"]));
    expect(result.kind).toBe("blocked");
    if (result.kind !== "blocked") return;
    expect(result.touched).toEqual([{ name: "math", reasons: ["add-one.md changed"] }]);
    expect(requests.map((r) => r.side)).toEqual(["head", "base"]);
    expect(requests[1]!.configPath).not.toBe(requests[0]!.configPath);
    expect(path.basename(requests[1]!.configPath)).toBe("promptfirst.yaml");
  });

  it("from the checkout when the base has no config (a config new in this change)", async () => {
    const { dir, baseSha } = await makeRepo("new-config", {}, { ...PROJECT, "promptfirst.yaml": CONFIG });
    const events: unknown[] = [];
    const requests: PullRequestEvaluation[] = [];
    const result = await runPullRequestCheck({
      ...checkOptions(dir, baseSha),
      onEvent: (event) => events.push(event),
      evaluate: async (request) => {
        requests.push(request);
        return blockedOutcome();
      },
    });
    expect(result.kind).toBe("blocked");
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      type: "touched",
      touched: [
        {
          name: "math",
          reasons: [
            "the base has no config to compare with",
            "add-one.md changed",
            "evals/math.jsonl changed",
          ],
        },
      ],
    });
    expect(events[1]).toEqual({ type: "base-problem", problem: "the base has no promptfirst.yaml" });
    expect(events[2]).toMatchObject({ type: "evaluate", side: "head" });
    expect(requests.map((r) => r.side)).toEqual(["head"]);
  });

  it("from the checkout when the base's config is a symlink, as a checkout reads it", async () => {
    const { dir, baseSha } = await makeRepo(
      "symlinked-config",
      { ...PROJECT, "config/real.yaml": CONFIG, "promptfirst.yaml": "->config/real.yaml" },
      { "add-one.md": "Please add one to {{n}}.\n" },
    );
    const { result } = await check(dir, baseSha, Promise.resolve(["add-one.md"]));
    expect(result.kind).toBe("blocked");
    if (result.kind !== "blocked") return;
    expect(result.touched).toEqual([{ name: "math", reasons: ["add-one.md changed"] }]);
  });

  it("and removes the base's checkout when the head's config is invalid", async () => {
    const { dir, baseSha } = await makeRepo(
      "invalid-head",
      { ...PROJECT, "promptfirst.yaml": CONFIG },
      { "promptfirst.yaml": "suites: 3\n" },
    );
    await expect(check(dir, baseSha)).rejects.toThrow();
    expect(git(dir, "worktree", "list").split("\n")).toHaveLength(1);
  });
});

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("runPullRequestCheck while the base is being fetched (baseReady)", () => {
  /** The check with a `baseReady` the test settles, recording the order of what happened. */
  async function checkWhileFetching(
    dir: string,
    baseSha: string,
    changedFiles: string[],
    settle: (fetch: ReturnType<typeof deferred>, log: string[]) => void,
    onStart: (fetch: ReturnType<typeof deferred>) => void = () => undefined,
  ) {
    const fetch = deferred();
    onStart(fetch);
    const log: string[] = [];
    const events: unknown[] = [];
    const checking = runPullRequestCheck({
      ...checkOptions(dir, baseSha),
      baseReady: fetch.promise.then(() => log.push("base fetched")),
      changedFiles: Promise.resolve(changedFiles),
      onEvent: (event) => events.push(event),
      evaluate: async (request) => {
        log.push(`evaluate ${request.side}`);
        if (request.side === "head") settle(fetch, log);
        return blockedOutcome();
      },
    });
    // A check whose head waits for the base would never settle it: fail after a while instead of hanging.
    const stuck = setTimeout(() => fetch.reject(new Error("head waited for the base")), 20_000);
    try {
      return { result: await checking, log, events };
    } finally {
      clearTimeout(stuck);
      expect(git(dir, "worktree", "list").split("\n")).toHaveLength(1);
    }
  }

  it("evaluates head before the base is in when the change leaves the config alone", async () => {
    const { dir, baseSha } = await makeRepo(
      "fetching-untouched-config",
      { ...PROJECT, "promptfirst.yaml": CONFIG },
      { "add-one.md": "Please add one to {{n}}.\n" },
    );
    const { result, log } = await checkWhileFetching(dir, baseSha, ["add-one.md"], (fetch) =>
      fetch.resolve(),
    );
    expect(log).toEqual(["evaluate head", "base fetched", "evaluate base"]);
    expect(result.kind).toBe("blocked");
    if (result.kind !== "blocked") return;
    expect(result.touched).toEqual([{ name: "math", reasons: ["add-one.md changed"] }]);
  });

  it("answers a change that touches no suite without the base", async () => {
    const { dir, baseSha } = await makeRepo(
      "fetching-nothing-touched",
      { ...PROJECT, "promptfirst.yaml": CONFIG },
      { "README.md": "y\n" },
    );
    const never = new Promise<void>(() => undefined);
    const result = await runPullRequestCheck({
      ...checkOptions(dir, baseSha),
      baseReady: never,
      changedFiles: Promise.resolve(["README.md"]),
      evaluate: async () => {
        throw new Error("nothing should be evaluated");
      },
    });
    expect(result).toMatchObject({ kind: "nothing-touched", changedFiles: ["README.md"] });
    expect(git(dir, "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("waits for the base when the change touches the config, even through a symbolic link", async () => {
    const { dir, baseSha } = await makeRepo(
      "fetching-symlinked-config",
      { ...PROJECT, "config/real.yaml": CONFIG, "promptfirst.yaml": "->config/real.yaml" },
      { "config/real.yaml": CONFIG.replace("m-careful", "m-bold") },
    );
    const { result, log } = await checkWhileFetching(
      dir,
      baseSha,
      ["config/real.yaml"],
      () => undefined,
      // Fetched a little later: head must not have been evaluated by then.
      (fetch) => setTimeout(() => fetch.resolve(), 50),
    );
    expect(log[0]).toBe("base fetched");
    expect(result.kind).toBe("blocked");
    if (result.kind !== "blocked") return;
    expect(result.touched).toEqual([{ name: "math", reasons: ["its config changed"] }]);
  });

  it("fails with the fetch's error when the base cannot be had", async () => {
    const { dir, baseSha } = await makeRepo(
      "fetch-fails",
      { ...PROJECT, "promptfirst.yaml": CONFIG },
      { "add-one.md": "Please add one to {{n}}.\n" },
    );
    await expect(
      checkWhileFetching(dir, baseSha, ["add-one.md"], (fetch) =>
        fetch.reject(new Error("commit abc is not in the checkout and could not be fetched")),
      ),
    ).rejects.toThrow("could not be fetched");
  });

  it("compares with targets only when the base branch's config is broken but the change did not touch it", async () => {
    const { dir, baseSha } = await makeRepo(
      "broken-base-config",
      { ...PROJECT, "promptfirst.yaml": "suites: 3\n" },
      { "promptfirst.yaml": CONFIG, "add-one.md": "Please add one to {{n}}.\n" },
    );
    // The pull request's files say the config is not part of this change (the base branch broke it since).
    const { result, log, events } = await checkWhileFetching(dir, baseSha, ["add-one.md"], (fetch) =>
      fetch.resolve(),
    );
    expect(log).toEqual(["evaluate head", "base fetched"]);
    expect(events).toContainEqual({
      type: "base-problem",
      problem:
        "the base's promptfirst.yaml is not valid: the touched suites are compared with their targets only",
    });
    expect(result.kind).toBe("blocked");
    if (result.kind !== "blocked") return;
    expect(result.touched).toEqual([{ name: "math", reasons: ["add-one.md changed"] }]);
  });

  it("finds the same suites for a shard as without one (a merge job must agree with its shards)", async () => {
    // The base branch moved on (its config differs from head's), but the pull request's files leave it alone.
    const { dir, baseSha } = await makeRepo(
      "shard-agrees",
      { ...PROJECT, "promptfirst.yaml": CONFIG.replace("m-careful", "m-old") },
      { "promptfirst.yaml": CONFIG, "add-one.md": "Please add one to {{n}}.\n" },
    );
    const touchedWith = async (shard?: { index: number; count: number }) => {
      const result = await runPullRequestCheck({
        ...checkOptions(dir, baseSha),
        changedFiles: Promise.resolve(["add-one.md"]),
        ...(shard ? { shard } : {}),
        evaluate: async () => blockedOutcome(),
      });
      return "touched" in result ? result.touched : [];
    };
    const unsharded = await touchedWith();
    expect(unsharded).toEqual([{ name: "math", reasons: ["add-one.md changed"] }]);
    expect(await touchedWith({ index: 1, count: 2 })).toEqual(unsharded);
    expect(git(dir, "worktree", "list").split("\n")).toHaveLength(1);
  });
});
