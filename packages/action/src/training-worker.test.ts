// The bundle ships the training-data check's worker (dist/training-worker.js, an entry point of build.mjs): a pull
// request that changes a large training file has it read and tokenized on a second thread, as the CLI does.
import { appendFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GITHUB_STANDIN_WRITE_TOKEN } from "@promptfirst/test-utils";
import { describe, expect, it } from "vitest";
import {
  DIST,
  makeExampleRepo,
  runBundledAction,
  runGit,
  startPullRequestFixture,
} from "./action-harness.ts";

describe("the bundle's training-data worker", () => {
  it("is next to the bundle", async () => {
    const text = await readFile(path.join(path.dirname(DIST), "training-worker.js"), "utf8");
    expect(text).toContain("./chunks/");
  });

  it("checks a large changed training file on a second thread, with the same report", async () => {
    const repo = await makeExampleRepo("add-fine-tuning-data");
    // The pull request's training file, made larger than the 16 MB from which workers read it.
    const file = path.join(repo.dir, "training", "support.jsonl");
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    const block = `${lines.join("\n")}\n`;
    const copies = Math.ceil((17 * 1024 * 1024) / block.length);
    for (let i = 0; i < copies; i++) await appendFile(file, block);
    runGit(repo.dir, "commit", "--quiet", "-am", "more training data");
    repo.headSha = runGit(repo.dir, "rev-parse", "HEAD");
    const { standIn, eventPath } = await startPullRequestFixture({ repo, number: 11, ref: "more-data" });
    // Each thread of the Action's process writes its own CPU profile: one more than the main thread's is the worker.
    const profiles = await mkdtemp(path.join(tmpdir(), "promptfirst-worker-profiles-"));
    try {
      const run = await runBundledAction({
        workspace: repo.dir,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profiles}`],
        inputs: {
          "github-token": GITHUB_STANDIN_WRITE_TOKEN,
          replay: "recording.json",
          "fail-on": "never",
          comment: "never",
        },
      });
      expect(run.code, run.stdout).toBe(0);
      const comparison = await readFile(path.join(run.outputs["report-dir"]!, "comparison.json"), "utf8");
      // Every example was read: the original lines and each copy.
      expect(comparison).toContain(`"examples": ${lines.length * (copies + 1)}`);
      expect((await readdir(profiles)).filter((f) => f.endsWith(".cpuprofile")).length).toBeGreaterThan(1);
    } finally {
      await standIn.close();
      await rm(profiles, { recursive: true, force: true });
      await rm(repo.dir, { recursive: true, force: true });
      await rm(eventPath, { force: true });
    }
  });
});
