// A cancelled job: the runner interrupts the Action (SIGINT) while it evaluates. The temporary checkout of the
// base must not outlive it (a self-hosted runner keeps the repository). Runs the bundle against a slow model.
import { rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  type MockOpenAIServer,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import {
  answerAddOne,
  type FixtureRepo,
  makeArithmeticRepo,
  runBundledAction,
  runGit,
  startPullRequestFixture,
} from "./action-harness.ts";

describe("an interrupted Action", () => {
  let server: MockOpenAIServer | undefined;
  let standIn: GitHubStandIn | undefined;
  let repo: FixtureRepo | undefined;
  afterAll(async () => {
    await standIn?.close();
    await server?.close();
    if (repo) await rm(repo.dir, { recursive: true, force: true });
  });

  it("removes the base's temporary checkout and exits 130 on SIGINT", async () => {
    // Every answer takes a minute: the Action is still evaluating when it is interrupted.
    server = await startMockOpenAI({ respond: (req) => answerAddOne(req), latencyMs: 60_000 });
    repo = await makeArithmeticRepo({ cases: 4, headPrompt: "Add one to {{n}}. Reply with the number.\n" });
    const fixture = await startPullRequestFixture({ repo, number: 7, ref: "feature" });
    standIn = fixture.standIn;
    const worktrees = () => runGit(repo!.dir, "worktree", "list").split("\n").filter(Boolean);
    let sawCheckout = false;
    const run = await runBundledAction({
      workspace: repo.dir,
      eventPath: fixture.eventPath,
      headSha: repo.headSha,
      apiUrl: standIn.url,
      inputs: {
        "base-url": server.baseURL,
        "github-token": GITHUB_STANDIN_WRITE_TOKEN,
        "api-key": "sk-test-interrupt",
      },
      onSpawn: (child) => {
        void (async () => {
          // Wait for the base's checkout and for head's first request, then interrupt.
          for (let i = 0; i < 600 && !(worktrees().length > 1 && server!.stats.requests > 0); i++)
            await sleep(50);
          sawCheckout = worktrees().length > 1;
          child.kill("SIGINT");
        })();
      },
    });
    expect(sawCheckout).toBe(true);
    expect(run.code).toBe(130);
    expect(worktrees()).toHaveLength(1);
  });
});
