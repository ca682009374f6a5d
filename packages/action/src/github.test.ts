import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getOctokit } from "@actions/github";
import {
  GITHUB_STANDIN_READ_TOKEN,
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  startGitHubStandIn,
} from "@promptfirst/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildUserAgent,
  createGitHubClient,
  createOctokitFetch,
  findStickyComment,
  findTokenLogin,
  GitHubError,
  listPullRequestFiles,
  upsertStickyComment,
} from "./github.ts";

const BOT = { login: "github-actions[bot]", type: "Bot" as const };
const HUMAN = { login: "octocat", type: "User" as const };
const MARKER = "<!-- promptfirst:comment key=ci/eval/promptfirst.yaml -->";
const PR = { owner: "octo-org", repo: "octo-repo", number: 7 };

let standIn: GitHubStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

function client(token = GITHUB_STANDIN_WRITE_TOKEN) {
  return getOctokit(token, { baseUrl: standIn!.url });
}

const pull = (files: number) => ({
  number: 7,
  head: { sha: "a".repeat(40), ref: "feature" },
  base: { sha: "b".repeat(40), ref: "main" },
  files: Array.from({ length: files }, (_, i) => ({
    filename: `prompts/p${String(i).padStart(4, "0")}.md`,
    status: "modified" as const,
  })),
});

describe("GitHub calls, checked against GitHub's OpenAPI description", () => {
  it("lists every changed file across pages, with the old names of renames", async () => {
    standIn = await startGitHubStandIn({
      pulls: [
        {
          ...pull(250),
          files: [
            ...pull(250).files!,
            { filename: "new.md", status: "renamed", previous_filename: "old.md" },
          ],
        },
      ],
    });
    const { files, complete } = await listPullRequestFiles(client(), PR);
    expect(complete).toBe(true);
    expect(files).toHaveLength(252);
    expect(files).toContain("old.md");
    expect(files).toContain("prompts/p0249.md");
    expect(standIn.violations).toEqual([]);
  });

  it("creates the comment once, then updates it in place past 100 other comments", async () => {
    standIn = await startGitHubStandIn({
      pulls: [pull(1)],
      comments: [
        // A human quoting the marker and a minimized old comment of ours must not be taken over.
        { issueNumber: 7, body: `quoting ${MARKER}`, user: HUMAN },
        { issueNumber: 7, body: `${MARKER}\nold`, user: BOT, minimized: "outdated" },
        ...Array.from({ length: 120 }, (_, i) => ({ issueNumber: 7, body: `comment ${i}`, user: HUMAN })),
      ],
    });
    const first = await upsertStickyComment(client(), PR, {
      marker: MARKER,
      author: BOT.login,
      body: `${MARKER}\none`,
    });
    expect(first.created).toBe(true);
    const second = await upsertStickyComment(client(), PR, {
      marker: MARKER,
      author: BOT.login,
      body: `${MARKER}\ntwo`,
    });
    expect(second).toEqual({ id: first.id, url: first.url, created: false });
    const ours = standIn.comments(7).filter((c) => c.body.includes(MARKER) && c.user.login === BOT.login);
    expect(ours.map((c) => c.body)).toEqual([`${MARKER}\nold`, `${MARKER}\ntwo`]);
    expect((await findStickyComment(client(), PR, MARKER, BOT.login))?.id).toBe(first.id);
    expect(standIn.violations).toEqual([]);
  });

  it("reports a read-only token's 403 as a GitHubError with the status", async () => {
    standIn = await startGitHubStandIn({ pulls: [pull(1)] });
    const error = await upsertStickyComment(client(GITHUB_STANDIN_READ_TOKEN), PR, {
      marker: MARKER,
      author: BOT.login,
      body: MARKER,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(403);
    expect((error as GitHubError).message).toContain("Resource not accessible by integration");
  });

  it("keeps one sticky comment under a GitHub App's token with the comment-author login, leaving other bots' alone", async () => {
    const APP_TOKEN = "ghs_app_write";
    const APP = "promptfirst-app[bot]";
    standIn = await startGitHubStandIn({
      pulls: [pull(1)],
      tokens: { [APP_TOKEN]: { login: APP, type: "Bot", pullRequestsWrite: true } },
      // Other bots' comments carrying the marker (the workflow token's, another app quoting it) are not ours.
      comments: [
        { issueNumber: 7, body: `${MARKER}\nfrom the workflow token`, user: BOT },
        { issueNumber: 7, body: `quoting ${MARKER}`, user: { login: "other-app[bot]", type: "Bot" } },
      ],
    });
    const options = { marker: MARKER, author: APP };
    const first = await upsertStickyComment(client(APP_TOKEN), PR, { ...options, body: `${MARKER}\none` });
    expect(first.created).toBe(true);
    const second = await upsertStickyComment(client(APP_TOKEN), PR, { ...options, body: `${MARKER}\ntwo` });
    expect(second).toEqual({ id: first.id, url: first.url, created: false });
    expect(standIn.comments(7).map((c) => [c.user.login, c.body])).toEqual([
      [BOT.login, `${MARKER}\nfrom the workflow token`],
      ["other-app[bot]", `quoting ${MARKER}`],
      [APP, `${MARKER}\ntwo`],
    ]);
    expect(standIn.violations).toEqual([]);
  });

  it("takes github-actions[bot] as the author when the token cannot read /user", async () => {
    standIn = await startGitHubStandIn({ pulls: [pull(1)] });
    expect(await findTokenLogin(client())).toBe("github-actions[bot]");
  });
});

describe("the Action's GitHub client", () => {
  it("lists every file across pages over node:http, as @actions/github's own fetch does", async () => {
    standIn = await startGitHubStandIn({ pulls: [pull(250)] });
    const ours = await createGitHubClient(GITHUB_STANDIN_WRITE_TOKEN, standIn.url);
    const theirs = await createGitHubClient(GITHUB_STANDIN_WRITE_TOKEN, standIn.url, {
      HTTPS_PROXY: "http://127.0.0.1:9",
    });
    const files = await listPullRequestFiles(ours, PR);
    expect(files.files).toHaveLength(250);
    expect(await listPullRequestFiles(theirs, PR)).toEqual(files);
    expect(standIn.violations).toEqual([]);
  });

  it("asks again, through Node's fetch, when GitHub redirects (a renamed repository)", async () => {
    const server = createServer((request, response) => {
      if (request.url === "/repos/old/name/pulls/1/files") {
        response.writeHead(307, { location: "/repos/new/name/pulls/1/files" }).end();
      } else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify([{ filename: `${request.method} ${request.url}` }]));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const response = await createOctokitFetch()(`${url}/repos/old/name/pulls/1/files`, { method: "GET" });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([{ filename: "GET /repos/new/name/pulls/1/files" }]);
      const direct = await createOctokitFetch()(`${url}/other`, { method: "GET" });
      expect(await direct.json()).toEqual([{ filename: "GET /other" }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses an empty token, naming the input", async () => {
    await expect(createGitHubClient("", "http://127.0.0.1:9")).rejects.toThrow(
      "the github-token input is empty",
    );
  });

  it("tags its requests with the job's orchestration id, as @actions/github does", () => {
    expect(buildUserAgent({})).toBe("promptfirst-action/0.1.0");
    expect(buildUserAgent({ ACTIONS_ORCHESTRATION_ID: " run/1 2 " })).toBe(
      "promptfirst-action/0.1.0 actions_orchestration_id/run_1_2",
    );
  });

  it("says when GitHub's list stopped at its 3,000-file limit", async () => {
    standIn = await startGitHubStandIn({ pulls: [pull(3005)] });
    const { files, complete } = await listPullRequestFiles(client(), PR);
    expect(files).toHaveLength(3000);
    expect(complete).toBe(false);
  });

  it("gives up on a GitHub request that gets no answer", async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repos/o/r/pulls/1/files`;
      await expect(createOctokitFetch(200)(url, { method: "GET" })).rejects.toThrow();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
