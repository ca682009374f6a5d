// The actions/cache recipe of examples/workflows: a push to main evaluates every suite and saves the cache
// directory; a pull request restores it, so its base evaluation makes no model call. actions/cache saves and
// restores a directory as it is, so the test copies it between two checkouts, and damages it to show that a
// corrupt entry is asked again rather than answered wrongly.
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  type MockOpenAIServer,
  scriptedModel,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type FixtureRepo,
  makeArithmeticRepo,
  REPO_ROOT,
  runBundledAction,
  runGit,
  startPullRequestFixture,
} from "./action-harness.ts";

const CASES = 12;
const CACHE_DIR = ".promptfirst/cache";

interface Step {
  uses?: string;
  with?: Record<string, string>;
}

function workflowSteps(file: string): Step[] {
  const workflow = parse(readFileSync(path.join(REPO_ROOT, "examples", "workflows", file), "utf8")) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

describe("the actions/cache recipe", () => {
  it("the warm-up saves the cache under a key the pull-request workflow restores, at the directory both use", () => {
    const warm = workflowSteps("promptfirst-warm-cache.yml");
    const pr = workflowSteps("promptfirst.yml");
    const saved = warm.find((s) => s.uses?.startsWith("actions/cache@"))!.with!;
    const restored = pr.find((s) => s.uses?.startsWith("actions/cache@"))!.with!;
    // actions/cache restores the newest cache whose key starts with one of the restore-keys.
    const prefixes = restored["restore-keys"]!.split("\n").filter(Boolean);
    const savedKey = saved.key!.replace("${{ github.sha }}", "0123abc");
    expect(prefixes.some((prefix) => !prefix.includes("${{") && savedKey.startsWith(prefix))).toBe(true);
    expect(saved.path).toBe(CACHE_DIR);
    expect(restored.path).toBe(CACHE_DIR);
    const warmAction = warm.find((s) => s.uses?.startsWith("promptfirst/"))!.with!;
    const prAction = pr.find((s) => s.uses?.startsWith("promptfirst/"))!.with!;
    expect(warmAction["cache-dir"]).toBe(CACHE_DIR);
    expect(prAction["cache-dir"]).toBe(CACHE_DIR);
    expect(String(warmAction["force-run"])).toBe("true");
  });

  describe("end to end with the bundle", () => {
    let server: MockOpenAIServer;
    let standIn: GitHubStandIn;
    let repo: FixtureRepo;
    let eventPath: string;
    const scratch: string[] = [];

    beforeAll(async () => {
      server = await startMockOpenAI({
        respond: scriptedModel([
          {
            match: () => true,
            answer: (req) => {
              const text = String(req.messages.at(-1)?.content ?? "");
              const n = Number(/to (\d+)/.exec(text)?.[1] ?? 0);
              return String(/quickly/i.test(text) && n % 4 === 0 ? n + 2 : n + 1);
            },
          },
        ]),
      });
      repo = await makeArithmeticRepo({
        cases: CASES,
        headPrompt: "Quickly add one to {{n}}. Answer with the number only.\n",
        baseURL: "https://llm.example.invalid/v1",
      });
      ({ standIn, eventPath } = await startPullRequestFixture({ repo, number: 11, ref: "feature" }));
    });
    afterAll(async () => {
      await standIn?.close();
      await server?.close();
      await Promise.all(
        [repo?.dir, eventPath, ...scratch]
          .filter(Boolean)
          .map((p) => rm(p!, { recursive: true, force: true })),
      );
    });

    /** A fresh checkout of `sha`, as actions/checkout makes one (no cache directory). */
    async function checkout(sha: string): Promise<string> {
      const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-checkout-"));
      scratch.push(dir);
      execFileSync("git", ["clone", "--quiet", repo.dir, dir]);
      runGit(dir, "checkout", "--quiet", sha);
      return dir;
    }

    const inputs = (extra: Record<string, string>): Record<string, string> => ({
      "base-url": server.baseURL,
      "github-token": GITHUB_STANDIN_WRITE_TOKEN,
      "api-key": "sk-test-cache-recipe",
      "cache-dir": CACHE_DIR,
      ...extra,
    });

    async function warmOnMain(
      options: { restore?: string; extra?: Record<string, string>; calls?: number } = {},
    ): Promise<string> {
      const main = await checkout(repo.baseSha);
      if (options.restore) cpSync(options.restore, path.join(main, CACHE_DIR), { recursive: true });
      const pushEvent = path.join(main, "..", `${path.basename(main)}-push.json`);
      scratch.push(pushEvent);
      await writeFile(
        pushEvent,
        JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: repo.baseSha }),
      );
      const before = server.stats.completions;
      const run = await runBundledAction({
        workspace: main,
        eventPath: pushEvent,
        eventName: "push",
        headSha: repo.baseSha,
        apiUrl: standIn.url,
        inputs: inputs({
          "force-run": "true",
          "base-ref": repo.baseSha,
          comment: "never",
          "fail-on": "never",
          ...options.extra,
        }),
      });
      expect(run.code, run.stdout).toBe(0);
      // main's cases once: its head and base are the same commit, so the same requests.
      expect(server.stats.completions - before).toBe(options.calls ?? CASES);
      warmLog = run.stdout;
      return path.join(main, CACHE_DIR);
    }
    let warmLog = "";

    async function pullRequestRun(restore?: string) {
      const workspace = await checkout(repo.headSha);
      if (restore) cpSync(restore, path.join(workspace, CACHE_DIR), { recursive: true });
      const before = server.stats.completions;
      const run = await runBundledAction({
        workspace,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        inputs: inputs({ comment: "never" }),
      });
      return { run, calls: server.stats.completions - before };
    }

    it("a pull request that restores the cache main saved evaluates its base with no model call", async () => {
      const cold = await pullRequestRun();
      expect(cold.calls).toBe(2 * CASES);

      const saved = await warmOnMain();
      const warm = await pullRequestRun(saved);
      // Only head's reworded prompt is new.
      expect(warm.calls).toBe(CASES);
      expect(warm.run.outputs.verdict).toBe(cold.run.outputs.verdict);
      expect(warm.run.outputs.quality).toBe(cold.run.outputs.quality);
      expect(warm.run.outputs.quality).toBe("fail");
    });

    it("prune-cache on the warm-up keeps main's answers and drops the ones no prompt on main asks for", async () => {
      // A pull request's own run leaves both prompts' answers in its cache; main's warm-up starts from that cache.
      const workspace = await checkout(repo.headSha);
      const prRun = await runBundledAction({
        workspace,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        inputs: inputs({ comment: "never" }),
      });
      expect(prRun.code).not.toBe(2);
      const saved = await warmOnMain({
        restore: path.join(workspace, CACHE_DIR),
        extra: { "prune-cache": "true" },
        calls: 0,
      });
      expect(warmLog).toContain(`cache pruned: kept ${CASES} of ${2 * CASES} entries`);
      expect(readdirSync(path.join(saved, "segments")).filter((n) => n.endsWith(".jsonl"))).toHaveLength(1);
      // main's prompt is still answered from the cache; the pull request's reworded one is asked again.
      const next = await pullRequestRun(saved);
      expect(next.calls).toBe(CASES);
    });

    it("a damaged cache entry is asked again, never answered wrongly", async () => {
      const saved = await warmOnMain();
      // Flip digits in every stored answer: were any read back, base would score differently.
      for (const name of readdirSync(saved, { recursive: true, encoding: "utf8" })) {
        const file = path.join(saved, name);
        let text: string;
        try {
          text = readFileSync(file, "utf8");
        } catch {
          continue; // a directory
        }
        await writeFile(
          file,
          text.replace(/"output":"(\d)/g, (_m, d: string) => `"output":"${(Number(d) + 5) % 10}`),
        );
      }
      const damaged = await pullRequestRun(saved);
      expect(damaged.calls).toBe(2 * CASES);
      const cold = await pullRequestRun();
      expect(damaged.run.outputs.quality).toBe(cold.run.outputs.quality);
      const comparison = (dir: string) => readFileSync(path.join(dir, "comparison.json"), "utf8");
      expect(damaged.run.outputs.results).toBeTruthy();
      expect(JSON.parse(comparison(path.dirname(damaged.run.outputs.results!))).verdict).toEqual(
        JSON.parse(comparison(path.dirname(cold.run.outputs.results!))).verdict,
      );
    });
  });
});
