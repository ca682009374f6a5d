// The comment mode: the second stage of the fork pattern (examples/workflows/promptfirst-fork-comment.yml). A
// workflow_run job with a write token posts the sticky comment for the comparison.json the evaluating run left in
// its artifact. Runs the bundle against the GitHub stand-in with a real workflow_run payload.
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildRunResult, compareRuns } from "@promptfirst/core";
import {
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  loadWebhookExample,
  startGitHubStandIn,
} from "@promptfirst/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { runBundledAction } from "./action-harness.ts";

const HEAD = "a".repeat(40);
const OTHER_HEAD = "c".repeat(40);

let standIn: GitHubStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** A workspace holding report/comparison.json (a real regression) and a workflow_run event for `head`. */
async function makeWorkspace(head = HEAD): Promise<{ dir: string; eventPath: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-comment-mode-"));
  const cases = (fail: (i: number) => boolean) =>
    Array.from({ length: 200 }, (_, i) => ({ id: `c${i}`, vars: { i }, score: fail(i) ? 0 : 1 }));
  const base = buildRunResult({
    suites: [{ name: "qa", candidates: [{ name: "p1", cases: cases((i) => i % 10 === 0) }] }],
  });
  const worse = buildRunResult({
    suites: [{ name: "qa", candidates: [{ name: "p1", cases: cases((i) => i % 10 === 0 || i % 5 === 1) }] }],
  });
  await mkdir(path.join(dir, "report"), { recursive: true });
  await writeFile(path.join(dir, "report", "comparison.json"), JSON.stringify(compareRuns(base, worse)));
  const event = loadWebhookExample("workflow_run", "completed", {
    workflow_run: {
      head_sha: head,
      html_url: "https://github.com/octo-org/octo-repo/actions/runs/99",
      event: "pull_request",
    },
  });
  const eventPath = path.join(dir, "..", `${path.basename(dir)}-event.json`);
  await writeFile(eventPath, JSON.stringify(event));
  return { dir, eventPath };
}

function runCommentMode(workspace: { dir: string; eventPath: string }, inputs: Record<string, string>) {
  return runBundledAction({
    workspace: workspace.dir,
    eventPath: workspace.eventPath,
    eventName: "workflow_run",
    headSha: "b".repeat(40),
    apiUrl: standIn!.url,
    inputs: {
      "github-token": GITHUB_STANDIN_WRITE_TOKEN,
      mode: "comment",
      comparison: "report/comparison.json",
      "pull-request": "7",
      ...inputs,
    },
  });
}

describe("mode: comment (the fork pattern's second stage)", () => {
  it("posts one sticky comment for the evaluating run's comparison, and updates it on the next run", async () => {
    standIn = await startGitHubStandIn({
      pulls: [
        { number: 7, head: { sha: HEAD, ref: "fork-branch" }, base: { sha: "b".repeat(40), ref: "main" } },
      ],
    });
    const workspace = await makeWorkspace();
    const first = await runCommentMode(workspace, {});
    expect(first.code).toBe(0);
    expect(first.outputs.quality).toBe("fail");
    expect(first.outputs.verdict).toBe("fail");
    expect(first.outputs["comment-url"]).toMatch(/#issuecomment-\d+$/);
    expect(first.summary).toContain("quality failed");
    const second = await runCommentMode(workspace, {});
    expect(second.code).toBe(0);
    expect(second.outputs["comment-url"]).toBe(first.outputs["comment-url"]);
    const comments = standIn.comments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("quality failed");
    // The link goes to the run that evaluated, not to this comment job.
    expect(comments[0]!.body).toContain("https://github.com/octo-org/octo-repo/actions/runs/99");
    expect(standIn.violations).toEqual([]);
  });

  it("posts nothing, with a warning, when the artifact's pull request is not at the commit that run evaluated", async () => {
    standIn = await startGitHubStandIn({
      pulls: [
        {
          number: 7,
          head: { sha: OTHER_HEAD, ref: "someone-else" },
          base: { sha: "b".repeat(40), ref: "main" },
        },
      ],
    });
    const run = await runCommentMode(await makeWorkspace(), {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `::warning::nothing posted: pull request #7 has head ${OTHER_HEAD.slice(0, 7)}, but the run that wrote the comparison evaluated ${HEAD.slice(0, 7)}`,
    );
    expect(standIn.comments(7)).toEqual([]);
    expect(run.outputs["comment-url"]).toBeUndefined();
  });

  it("posts as a GitHub App with comment-author, and follows the comment input", async () => {
    const APP_TOKEN = "ghs_app_write";
    standIn = await startGitHubStandIn({
      pulls: [
        { number: 7, head: { sha: HEAD, ref: "fork-branch" }, base: { sha: "b".repeat(40), ref: "main" } },
      ],
      tokens: { [APP_TOKEN]: { login: "promptfirst-app[bot]", type: "Bot", pullRequestsWrite: true } },
    });
    const workspace = await makeWorkspace();
    const never = await runCommentMode(workspace, { "github-token": APP_TOKEN, comment: "never" });
    expect(never.code).toBe(0);
    expect(never.outputs.verdict).toBe("fail");
    expect(standIn.comments(7)).toEqual([]);
    // The login typed in another case still finds the app's own comment the second time.
    for (const author of ["promptfirst-app[bot]", "PromptFirst-App[bot]"]) {
      const run = await runCommentMode(workspace, { "github-token": APP_TOKEN, "comment-author": author });
      expect(run.code).toBe(0);
    }
    expect(standIn.comments(7).map((c) => c.user.login)).toEqual(["promptfirst-app[bot]"]);
  });

  it("refuses an artifact that is not a comparison of this version, naming the file", async () => {
    standIn = await startGitHubStandIn({
      pulls: [
        { number: 7, head: { sha: HEAD, ref: "fork-branch" }, base: { sha: "b".repeat(40), ref: "main" } },
      ],
    });
    const workspace = await makeWorkspace();
    const file = path.join(workspace.dir, "report", "comparison.json");
    const valid = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    for (const [content, message] of [
      [
        { ...valid, schemaVersion: 99 },
        "report/comparison.json: schemaVersion: the file has Comparison schemaVersion 99",
      ],
      [{ ...valid, suites: "<img src=x>" }, "report/comparison.json: suites: "],
      ["{ not json", "report/comparison.json: not valid JSON"],
    ] as const) {
      await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
      const run = await runCommentMode(workspace, {});
      expect(run.code).not.toBe(0);
      expect(run.stdout).toContain(message);
    }
    expect(standIn.comments(7)).toEqual([]);
  });

  it("names a missing comparison file and a bad pull-request input", async () => {
    standIn = await startGitHubStandIn({
      pulls: [
        { number: 7, head: { sha: HEAD, ref: "fork-branch" }, base: { sha: "b".repeat(40), ref: "main" } },
      ],
    });
    const workspace = await makeWorkspace();
    const missing = await runCommentMode(workspace, { comparison: "artifact/comparison.json" });
    expect(missing.code).not.toBe(0);
    expect(missing.stdout).toContain("artifact/comparison.json: comparison file not found");
    const bad = await runCommentMode(workspace, { "pull-request": "7; rm -rf /" });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain('input "pull-request": got "7; rm -rf /"; allowed: a pull request number');
    expect(standIn.comments(7)).toEqual([]);
  });
});
