// The bundled Action sharded over a matrix, end to end against the GitHub stand-in and the loopback model: four
// shard jobs (input `shard`), the artifacts they would upload gathered into one directory as
// actions/download-artifact with merge-multiple does, and a merge job (input `mode: merge`) that posts the verdict.
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { type Comparison, comparisonSchema, runResultSchema } from "@promptfirst/core";
import {
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  type MockOpenAIServer,
  scriptedModel,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ActionRun,
  type FixtureRepo,
  makeArithmeticRepo,
  runBundledAction,
  startPullRequestFixture,
} from "./action-harness.ts";

const CASES = 60;
const PR = 12;
const MARKER = "<!-- promptfirst:comment key=ci/eval/promptfirst.yaml -->";

/** A comparison without what depends on when and how fast it ran. */
function withoutTiming(comparison: Comparison): unknown {
  const run = (side: Comparison["base"]) => ({ ...side, createdAt: "", stats: {} });
  return {
    ...comparison,
    createdAt: "",
    base: run(comparison.base),
    head: run(comparison.head),
    suites: comparison.suites.map((suite) => ({
      ...suite,
      candidates: suite.candidates.map((c) => ({
        ...c,
        latency: {},
        base: c.base && { ...c.base, latencyP50Ms: 0, latencyP95Ms: 0 },
        head: c.head && { ...c.head, latencyP50Ms: 0, latencyP95Ms: 0 },
      })),
    })),
  };
}

describe("the bundled Action sharded over a matrix, then merged", () => {
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
    ({ standIn, eventPath } = await startPullRequestFixture({ repo, number: PR, ref: "feature" }));
  });
  afterAll(async () => {
    await standIn?.close();
    await server?.close();
    if (repo) await rm(repo.dir, { recursive: true, force: true });
    if (eventPath) await rm(eventPath, { force: true });
  });

  function runAction(inputs: Record<string, string>): Promise<ActionRun> {
    return runBundledAction({
      workspace: repo.dir,
      eventPath,
      headSha: repo.headSha,
      apiUrl: standIn.url,
      inputs: { "github-token": GITHUB_STANDIN_WRITE_TOKEN, ...inputs },
    });
  }

  const ours = () => standIn.comments(PR).filter((c) => c.body.includes(MARKER));

  /** What actions/download-artifact with merge-multiple leaves: every shard's files in one directory. */
  async function download(shards: number[], into: string): Promise<string> {
    const dir = path.join(repo.dir, into);
    await mkdir(dir, { recursive: true });
    for (const shard of shards) {
      await cp(path.join(repo.dir, `.promptfirst/shard-${shard}`), dir, { recursive: true });
    }
    return into;
  }

  it("shard jobs evaluate their part and post nothing; the merge job judges all of it as one check does", async () => {
    for (let shard = 1; shard <= 4; shard++) {
      const run = await runAction({
        "base-url": server.baseURL,
        "api-key": "sk-test-shard-secret",
        shard: `${shard}/4`,
        "cache-dir": `.promptfirst/cache-${shard}`,
        "report-dir": `.promptfirst/shard-${shard}`,
        "fail-on": "any",
      });
      // A quality drop is in these results, but a shard has no verdict: it neither fails nor comments.
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.verdict).toBeUndefined();
      expect(run.stdout).toContain(`shard ${shard}/4: 15 of 60 case(s)`);
      expect(run.summary).toContain(`## promptfirst: shard ${shard}/4 evaluated`);
      const files = (await readdir(path.join(repo.dir, `.promptfirst/shard-${shard}`))).sort();
      // Each partial result, and the cases it streamed as they finished.
      expect(files).toEqual([
        `base.shard-${shard}-of-4.cases.jsonl`,
        `base.shard-${shard}-of-4.json`,
        `head.shard-${shard}-of-4.cases.jsonl`,
        `head.shard-${shard}-of-4.json`,
      ]);
    }
    expect(ours()).toHaveLength(0);

    const reportDir = await download([1, 2, 3, 4], ".promptfirst/report");
    const merged = await runAction({ mode: "merge", "report-dir": reportDir, "fail-on": "any" });
    expect(merged.code, merged.stdout).toBe(1);
    expect(merged.outputs.verdict).toBe("fail");
    expect(merged.outputs.quality).toBe("fail");
    expect(merged.outputs["comment-url"]).toMatch(new RegExp(`/pull/${PR}#issuecomment-\\d+$`));
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toMatch(/quality/i);
    expect(merged.summary).toMatch(/quality/i);
    for (const file of ["comparison.json", "base.json", "head.json", "report.html", "junit.xml"]) {
      expect(existsSync(path.join(repo.dir, reportDir, file)), file).toBe(true);
    }
    const head = runResultSchema.parse(
      JSON.parse(await readFile(path.join(repo.dir, reportDir, "head.json"), "utf8")),
    );
    expect(head.suites.math!.candidates.careful!.cases).toHaveLength(CASES);
    expect(head.shard).toBeUndefined();

    // The same pull request checked in one job.
    const whole = await runAction({
      "base-url": server.baseURL,
      "api-key": "sk-test-shard-secret",
      "cache-dir": ".promptfirst/cache-whole",
      "report-dir": ".promptfirst/report-whole",
      comment: "never",
    });
    expect(whole.code).toBe(1);
    const read = async (file: string) => comparisonSchema.parse(JSON.parse(await readFile(file, "utf8")));
    const expected = await read(path.join(repo.dir, ".promptfirst/report-whole/comparison.json"));
    const got = await read(merged.outputs.results!);
    expect(withoutTiming(got)).toEqual(withoutTiming(expected));
    expect(standIn.violations).toEqual([]);
  });

  it("a merge missing a shard fails, naming it, and leaves the comment alone", async () => {
    const before = ours().map((c) => c.body);
    const reportDir = await download([1, 2, 4], ".promptfirst/report-partial");
    const run = await runAction({ mode: "merge", "report-dir": reportDir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("shard 3/4 is missing: a run split 4 ways needs every shard from 1 to 4");
    expect(ours().map((c) => c.body)).toEqual(before);
    expect(standIn.violations).toEqual([]);
  });

  it("rejects an invalid shard, and a shard in merge mode, naming the input", async () => {
    const bad = await runAction({ shard: "5/4" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('input "shard": got "5/4"; allowed: i/n, shard i of n with 1 ≤ i ≤ n');
    const both = await runAction({ shard: "1/4", mode: "merge" });
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('input "shard": got "1/4"; allowed: empty when mode is merge');
  });
});
