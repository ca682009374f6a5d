import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadWebhookExample } from "@promptfirst/test-utils";
import { describe, expect, it } from "vitest";
import { loadActionContext } from "./context.ts";

const SHA = "a".repeat(40);

/** The runner's environment for one event, with a real webhook payload written to GITHUB_EVENT_PATH. */
async function envFor(event: string, payload: unknown): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-context-"));
  const eventPath = path.join(dir, "event.json");
  await writeFile(eventPath, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "octo-org/octo-repo",
    GITHUB_WORKSPACE: dir,
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: "42",
  };
}

describe("loadActionContext, from real webhook payloads", () => {
  it("push: the commit before the push is the base", async () => {
    const payload = loadWebhookExample("push", undefined, { before: "b".repeat(40) });
    const context = await loadActionContext(await envFor("push", payload));
    expect(context).toMatchObject({
      eventName: "push",
      owner: "octo-org",
      repo: "octo-repo",
      before: "b".repeat(40),
    });
    expect(context.pullRequest).toBeUndefined();
    expect(context.runUrl).toBe("https://github.com/octo-org/octo-repo/actions/runs/42");
  });

  it("merge_group: the group's base commit is the base", async () => {
    const payload = loadWebhookExample("merge_group", "checks_requested");
    const context = await loadActionContext(await envFor("merge_group", payload));
    expect(context.before).toBe((payload as { merge_group: { base_sha: string } }).merge_group.base_sha);
  });

  it("workflow_dispatch: no base from the event (the Action finds one: base-ref, else main)", async () => {
    const payload = loadWebhookExample("workflow_dispatch", undefined);
    const context = await loadActionContext(await envFor("workflow_dispatch", payload));
    expect(context.eventName).toBe("workflow_dispatch");
    expect(context.before).toBeUndefined();
    expect(context.pullRequest).toBeUndefined();
  });

  it("workflow_run: the run that finished, for the comment mode", async () => {
    const payload = loadWebhookExample("workflow_run", "completed");
    const run = (payload as { workflow_run: { head_sha: string; html_url: string; event: string } })
      .workflow_run;
    const context = await loadActionContext(await envFor("workflow_run", payload));
    expect(context.workflowRun).toEqual({ headSha: run.head_sha, htmlUrl: run.html_url, event: run.event });
  });

  it("refuses an event it does not run on, naming the variable and the events it knows", async () => {
    const error = await loadActionContext(await envFor("issues", {})).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'GITHUB_EVENT_NAME: got "issues"; promptfirst runs on pull_request',
    );
  });
});
