import { describe, expect, it } from "vitest";
import { listWebhookEvents, loadPullRequestEvent, loadWebhookExample, mergeDeep } from "./webhooks.ts";

const HEAD_SHA = "1".repeat(40);
const BASE_SHA = "2".repeat(40);

describe("loadWebhookExample", () => {
  it("returns a real pull_request payload per action, as a fresh copy", () => {
    const opened = loadWebhookExample("pull_request", "opened");
    expect(opened.action).toBe("opened");
    expect(opened).toHaveProperty("pull_request.head.sha");
    expect(opened).toHaveProperty("repository.full_name");
    (opened.pull_request as { title: string }).title = "changed";
    expect((loadWebhookExample("pull_request", "opened").pull_request as { title: string }).title).not.toBe(
      "changed",
    );
    const sync = loadWebhookExample("pull_request", "synchronize");
    expect(sync).toMatchObject({
      action: "synchronize",
      before: expect.any(String),
      after: expect.any(String),
    });
    expect(listWebhookEvents()).toEqual(expect.arrayContaining(["pull_request", "issue_comment", "push"]));
  });

  it("deep-merges overrides: objects by key, arrays and values replace", () => {
    const payload = loadWebhookExample("pull_request", "opened", {
      number: 42,
      pull_request: { number: 42, head: { sha: HEAD_SHA }, labels: [] },
      repository: { owner: { login: "acme" } },
    });
    expect(payload).toMatchObject({
      number: 42,
      pull_request: { number: 42, head: { sha: HEAD_SHA, ref: expect.any(String) }, labels: [] },
      repository: { owner: { login: "acme", id: expect.any(Number) } },
    });
  });

  it("names the events and actions it has when asked for one it lacks", () => {
    expect(() => loadWebhookExample("pull_request_nope", "opened")).toThrow(/no event "pull_request_nope"/);
    expect(() => loadWebhookExample("pull_request", "opened", undefined, 99)).toThrow(
      /actions with examples: .*synchronize/,
    );
  });
});

describe("loadPullRequestEvent", () => {
  it("moves the example to another repository and pull request consistently", () => {
    const event = loadPullRequestEvent({
      action: "synchronize",
      owner: "acme",
      repo: "prompts",
      number: 7,
      head: { sha: HEAD_SHA, ref: "tune-prompt" },
      base: { sha: BASE_SHA, ref: "main" },
    });
    expect(event).toMatchObject({
      action: "synchronize",
      number: 7,
      after: HEAD_SHA,
      repository: { name: "prompts", full_name: "acme/prompts", owner: { login: "acme" } },
      pull_request: {
        number: 7,
        html_url: "https://github.com/acme/prompts/pull/7",
        head: {
          sha: HEAD_SHA,
          ref: "tune-prompt",
          label: "acme:tune-prompt",
          repo: { full_name: "acme/prompts" },
        },
        base: { sha: BASE_SHA, ref: "main", repo: { full_name: "acme/prompts" } },
      },
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain("Codertocat/Hello-World");
    expect(text).toContain("https://api.github.com/repos/acme/prompts/pulls/7");
  });

  it("models a pull request from a fork, and applies overrides last", () => {
    const event = loadPullRequestEvent({
      owner: "acme",
      repo: "prompts",
      number: 9,
      head: { sha: HEAD_SHA, ref: "patch-1", owner: "forker", repo: "prompts" },
      base: { sha: BASE_SHA, ref: "main" },
      overrides: { pull_request: { draft: true } },
    });
    expect(event.action).toBe("opened");
    expect(event.pull_request.head.repo).toMatchObject({ full_name: "forker/prompts", fork: true });
    expect(JSON.stringify(event.pull_request.head.repo)).not.toContain("acme/prompts");
    expect(event.pull_request.base.repo.full_name).toBe("acme/prompts");
    expect(event.pull_request).toMatchObject({ draft: true });
  });
});

describe("mergeDeep", () => {
  it("leaves its inputs alone and skips undefined", () => {
    const target = { a: { b: 1, c: [1, 2] }, d: "x" };
    const merged = mergeDeep(target, { a: { c: [3] }, d: undefined, e: null });
    expect(merged).toEqual({ a: { b: 1, c: [3] }, d: "x", e: null });
    expect(target).toEqual({ a: { b: 1, c: [1, 2] }, d: "x" });
  });
});
