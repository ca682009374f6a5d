import { Agent, request as httpRequest } from "node:http";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadGitHubApiDescription } from "./openapi.ts";
import {
  GITHUB_MAX_COMMENT_CHARS,
  GITHUB_MAX_PULL_FILES,
  GITHUB_STANDIN_READ_TOKEN,
  GITHUB_STANDIN_WRITE_TOKEN,
  startGitHubStandIn,
} from "./stand-in.ts";
import type { GitHubSeedComment, GitHubSeedFile, GitHubStandIn, GitHubStandInOptions } from "./types.ts";

const OWNER = "acme";
const REPO = "prompts";
const HEAD_SHA = "a".repeat(40);
const BASE_SHA = "b".repeat(40);
const MARKER = "<!-- promptfirst:eval -->";
const BOT = { login: "github-actions[bot]", type: "Bot" } as const;
const description = loadGitHubApiDescription();

function makeFiles(count: number): GitHubSeedFile[] {
  return Array.from({ length: count }, (_, i) => ({
    filename: `prompts/file ${String(i).padStart(4, "0")}.md`,
    status: i % 3 === 0 ? "added" : "modified",
    additions: i % 7,
    deletions: i % 2,
    patch: `@@ -1 +1 @@\n-old ${i}\n+new ${i}`,
  }));
}

/** 120 comments on PR #7: people talking, an old minimized sticky comment, then the live one. */
function makeComments(): GitHubSeedComment[] {
  const comments: GitHubSeedComment[] = [];
  for (let i = 0; i < 60; i++)
    comments.push({ issueNumber: 7, body: `human ${i}`, user: { login: `dev${i % 4}` } });
  comments.push({ issueNumber: 7, body: `${MARKER}\nold report`, user: BOT, minimized: "outdated" });
  // Someone quoting the marker must not be mistaken for the bot's comment.
  comments.push({ issueNumber: 7, body: `> ${MARKER}\nwhy did this fail?`, user: { login: "dev1" } });
  for (let i = 0; i < 56; i++)
    comments.push({ issueNumber: 7, body: `human ${60 + i}`, user: { login: "dev2" } });
  comments.push({ issueNumber: 7, body: `${MARKER}\nreport v1`, user: BOT });
  comments.push({ issueNumber: 7, body: "thanks bot", user: { login: "dev3" } });
  return comments;
}

function seed(extra: Partial<GitHubStandInOptions> = {}): GitHubStandInOptions {
  return {
    owner: OWNER,
    repo: REPO,
    validateResponses: true,
    now: () => new Date("2026-11-25T12:00:00Z"),
    pulls: [
      {
        number: 7,
        head: { sha: HEAD_SHA, ref: "tune-prompt" },
        base: { sha: BASE_SHA, ref: "main" },
        files: makeFiles(250),
      },
      {
        number: 8,
        head: { sha: "c".repeat(40), ref: "huge", owner: "forker", repo: "prompts-fork" },
        base: { sha: BASE_SHA, ref: "main" },
        files: makeFiles(3100),
      },
    ],
    comments: makeComments(),
    ...extra,
  };
}

function octokitFor(server: GitHubStandIn, token = GITHUB_STANDIN_WRITE_TOKEN): Octokit {
  const quiet = () => {};
  return new Octokit({
    baseUrl: server.url,
    auth: token,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

function api(
  server: GitHubStandIn,
  path: string,
  init: RequestInit = {},
  token = GITHUB_STANDIN_WRITE_TOKEN,
) {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return fetch(path.startsWith("http") ? path : `${server.url}${path}`, { ...init, headers });
}

function parseLink(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part);
    if (m) links[m[2]!] = m[1]!;
  }
  return links;
}

let server: GitHubStandIn;
beforeEach(async () => {
  server = await startGitHubStandIn(seed());
});
afterEach(async () => {
  await server.close();
});

describe("pull request files", () => {
  it("pages through 250 files by following GitHub's Link header", async () => {
    const first = await api(server, `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100`);
    expect(first.status).toBe(200);
    const links = parseLink(first.headers.get("link"));
    // GitHub links by repository id, keeps per_page, and gives next and last on page 1.
    expect(Object.keys(links)).toEqual(["next", "last"]);
    expect(links.next).toBe(`${server.url}/repositories/700000001/pulls/7/files?per_page=100&page=2`);
    expect(links.last).toMatch(/page=3$/);

    const files = (await first.json()) as Array<{ filename: string }>;
    let next: string | undefined = links.next;
    const pages: Array<Record<string, string>> = [links];
    while (next) {
      const res = await api(server, next);
      expect(res.status).toBe(200);
      files.push(...((await res.json()) as Array<{ filename: string }>));
      const pageLinks = parseLink(res.headers.get("link"));
      pages.push(pageLinks);
      next = pageLinks.next;
    }
    expect(files).toHaveLength(250);
    expect(files[249]!.filename).toBe("prompts/file 0249.md");
    expect(Object.keys(pages[1]!)).toEqual(["prev", "next", "last", "first"]);
    expect(Object.keys(pages[2]!)).toEqual(["prev", "first"]);
    expect(server.violations).toEqual([]);
  });

  it("serves the same list to octokit.paginate, default 30 per page", async () => {
    const octokit = octokitFor(server);
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: OWNER,
      repo: REPO,
      pull_number: 7,
      per_page: 100,
    });
    expect(files.map((f) => f.filename)).toEqual(makeFiles(250).map((f) => f.filename));
    expect(files[0]).toMatchObject({ status: "added", additions: 0, deletions: 0, changes: 0 });
    expect(files[0]!.blob_url).toBe(
      `https://github.com/${OWNER}/${REPO}/blob/${HEAD_SHA}/prompts/file%200000.md`,
    );
    const { data } = await octokit.rest.pulls.listFiles({ owner: OWNER, repo: REPO, pull_number: 7 });
    expect(data).toHaveLength(30);
    expect(server.violations).toEqual([]);
  });

  it("lists at most 3000 files while the pull request counts them all", async () => {
    const octokit = octokitFor(server);
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: OWNER,
      repo: REPO,
      pull_number: 8,
      per_page: 100,
    });
    expect(files).toHaveLength(GITHUB_MAX_PULL_FILES);
    const { data: pull } = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 8 });
    expect(pull.changed_files).toBe(3100);
    const pastEnd = await api(server, `/repos/${OWNER}/${REPO}/pulls/8/files?per_page=100&page=31`);
    expect(await pastEnd.json()).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it("serves the pull request with head and base, a fork's head repository marked as a fork", async () => {
    const octokit = octokitFor(server);
    const { data: pull } = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 });
    expect(pull).toMatchObject({
      number: 7,
      state: "open",
      head: { sha: HEAD_SHA, ref: "tune-prompt", repo: { full_name: `${OWNER}/${REPO}`, fork: false } },
      base: { sha: BASE_SHA, ref: "main", repo: { full_name: `${OWNER}/${REPO}` } },
      changed_files: 250,
      comments: 120,
    });
    const { data: fork } = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 8 });
    expect(fork.head.repo).toMatchObject({ full_name: "forker/prompts-fork", fork: true });
    const missing = await api(server, `/repos/${OWNER}/${REPO}/pulls/99`);
    expect(missing.status).toBe(404);
    const otherRepo = await api(server, `/repos/${OWNER}/elsewhere/pulls/7`);
    expect(otherRepo.status).toBe(404);
    expect(server.violations).toEqual([]);
  });
});

describe("sticky comment flow", () => {
  it("finds the live marker comment by author among > 100 comments, skipping the minimized one, and updates it", async () => {
    const octokit = octokitFor(server);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
      per_page: 100,
    });
    expect(comments).toHaveLength(120);
    expect(comments.map((c) => c.id)).toEqual([...comments.map((c) => c.id)].sort((a, b) => a - b));
    // Comment ids are beyond 2^31, as on github.com.
    expect(comments[0]!.id).toBeGreaterThan(2 ** 31);
    const mine = comments.filter(
      (c) => c.user?.login === "github-actions[bot]" && c.user.type === "Bot" && c.body?.startsWith(MARKER),
    );
    // GitHub's REST description has `minimized` (null or { reason }); @octokit/rest 22's types predate it.
    const minimizedOf = (c: object) => (c as { minimized?: { reason: string | null } | null }).minimized;
    expect(mine.map(minimizedOf)).toEqual([{ reason: "outdated" }, null]);
    const live = mine.find((c) => !minimizedOf(c))!;
    expect(live.body).toBe(`${MARKER}\nreport v1`);
    expect(live.html_url).toBe(`https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${live.id}`);

    const { data: updated } = await octokit.rest.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: live.id,
      body: `${MARKER}\nreport v2`,
    });
    expect(updated).toMatchObject({
      id: live.id,
      body: `${MARKER}\nreport v2`,
      updated_at: "2026-11-25T12:00:00Z",
    });
    expect(server.comments(7).find((c) => c.id === live.id)?.body).toBe(`${MARKER}\nreport v2`);
    expect(server.comments(7)).toHaveLength(120);
    expect(server.violations).toEqual([]);
  });

  it("creates a comment as the token's identity, then deletes it", async () => {
    const octokit = octokitFor(server);
    const { data: created, headers } = await octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
      body: `${MARKER}\nfirst report`,
    });
    expect(created).toMatchObject({
      body: `${MARKER}\nfirst report`,
      user: { login: "github-actions[bot]", type: "Bot", id: 41898282 },
      created_at: "2026-11-25T12:00:00Z",
      minimized: null,
      issue_url: `${server.url}/repos/${OWNER}/${REPO}/issues/7`,
    });
    expect(headers.location).toBe(`${server.url}/repos/${OWNER}/${REPO}/issues/comments/${created.id}`);
    expect(server.comments(7).at(-1)).toMatchObject({
      id: created.id,
      user: { login: "github-actions[bot]" },
    });

    const { status } = await octokit.rest.issues.deleteComment({
      owner: OWNER,
      repo: REPO,
      comment_id: created.id,
    });
    expect(status).toBe(204);
    expect(server.comments(7).some((c) => c.id === created.id)).toBe(false);
    const gone = await api(server, `/repos/${OWNER}/${REPO}/issues/comments/${created.id}`);
    expect(gone.status).toBe(404);
    expect(server.violations).toEqual([]);
    expect(server.requests.map((r) => [r.method, r.status, r.operationId])).toEqual([
      ["POST", 201, "issues/create-comment"],
      ["DELETE", 204, "issues/delete-comment"],
      ["GET", 404, "issues/get-comment"],
    ]);
  });

  it("filters by since, and lets tests add and minimize comments between runs", async () => {
    const later = server.addComment({
      issueNumber: 7,
      body: "late",
      user: { login: "dev0" },
      createdAt: "2026-06-01T00:00:00Z",
    });
    server.minimizeComment(later.id, "off-topic");
    const res = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments?since=2026-05-01T00:00:00Z`);
    const list = (await res.json()) as Array<{ id: number; minimized: unknown }>;
    expect(list).toEqual([expect.objectContaining({ id: later.id, minimized: { reason: "off-topic" } })]);
    expect(() => server.minimizeComment(1)).toThrow(RangeError);
    expect(server.violations).toEqual([]);
  });
});

describe("authentication and permissions", () => {
  it("answers 403 `Resource not accessible by integration` to a read-only token's write (the fork case)", async () => {
    const res = await api(
      server,
      `/repos/${OWNER}/${REPO}/issues/7/comments`,
      { method: "POST", body: JSON.stringify({ body: "hi" }) },
      GITHUB_STANDIN_READ_TOKEN,
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
      status: "403",
    });
    expect(res.headers.get("x-accepted-github-permissions")).toBe("issues=write; pull_requests=write");
    await expect(
      octokitFor(server, GITHUB_STANDIN_READ_TOKEN).rest.issues.updateComment({
        owner: OWNER,
        repo: REPO,
        comment_id: server.comments(7)[0]!.id,
        body: "x",
      }),
    ).rejects.toMatchObject({ status: 403 });
    // Reading still works with a read-only token.
    const read = await api(server, `/repos/${OWNER}/${REPO}/pulls/7`, {}, GITHUB_STANDIN_READ_TOKEN);
    expect(read.status).toBe(200);
    expect(server.comments(7)).toHaveLength(120);
    // A forbidden request is GitHub-valid: not a violation.
    expect(server.violations).toEqual([]);
  });

  it("answers 401 without a token or with an unknown one", async () => {
    const none = await api(server, `/repos/${OWNER}/${REPO}/pulls/7`, {}, "");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: "Requires authentication", status: "401" });
    const bad = await api(server, `/repos/${OWNER}/${REPO}/pulls/7`, {}, "ghp_nope");
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: "Bad credentials" });
    const scheme = await fetch(`${server.url}/repos/${OWNER}/${REPO}/pulls/7`, {
      headers: { authorization: `token ${GITHUB_STANDIN_WRITE_TOKEN}` },
    });
    expect(scheme.status).toBe(200);
  });

  it("refuses GET /user to an installation token, as GitHub does for GITHUB_TOKEN, and serves a personal token", async () => {
    const asBot = await api(server, "/user");
    expect(asBot.status).toBe(403);
    expect(await asBot.json()).toMatchObject({
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
    });
    await server.close();
    server = await startGitHubStandIn(
      seed({
        tokens: { ghp_person: { login: "octocat", type: "User", id: 583231, pullRequestsWrite: true } },
      }),
    );
    const { data: me } = await octokitFor(server, "ghp_person").rest.users.getAuthenticated();
    expect(me).toMatchObject({ login: "octocat", type: "User", id: 583231 });
    expect(server.violations).toEqual([]);
  });
});

describe("requests GitHub would reject are violations", () => {
  it("answers 422 to an invalid body and records it", async () => {
    const res = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments`, {
      method: "POST",
      body: JSON.stringify({ body: 5 }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      message: "Invalid request.\n\nFor 'properties/body', 5 is not a string.",
      documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
      status: "422",
    });
    expect(server.violations).toEqual([
      {
        kind: "invalid-body",
        method: "POST",
        path: `/repos/${OWNER}/${REPO}/issues/7/comments`,
        operationId: "issues/create-comment",
        message: "For 'properties/body', 5 is not a string.",
      },
    ]);
    expect(server.comments(7)).toHaveLength(120);
  });

  it("answers 422 `Body is too long` past 65536 characters, counting code points", async () => {
    const octokit = octokitFor(server);
    const atLimit = "🙂".repeat(GITHUB_MAX_COMMENT_CHARS);
    const { status } = await octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
      body: atLimit,
    });
    expect(status).toBe(201);
    const res = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments`, {
      method: "POST",
      body: JSON.stringify({ body: `${atLimit}!` }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      message: "Validation Failed",
      errors: [{ code: "unprocessable", message: "Body is too long (maximum is 65536 characters)" }],
    });
    expect(server.violations).toEqual([
      expect.objectContaining({ kind: "invalid-body", message: expect.stringContaining("65537 characters") }),
    ]);
    expect(server.comments(7)).toHaveLength(121);
  });

  it("answers 400 to a body that is not JSON, 422 to a missing body", async () => {
    const garbled = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments`, {
      method: "POST",
      body: "{oops",
    });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ message: "Problems parsing JSON" });
    const empty = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments`, { method: "POST" });
    expect(empty.status).toBe(422);
    expect(server.violations.map((v) => v.kind)).toEqual(["invalid-body", "invalid-body"]);
  });

  it("answers 404 to an endpoint GitHub does not have, or a method it does not take", async () => {
    const res = await api(server, `/repos/${OWNER}/${REPO}/pulls/7/comments/all`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest",
      status: "404",
    });
    const put = await api(server, `/repos/${OWNER}/${REPO}/issues/comments/1`, { method: "PUT" });
    expect(put.status).toBe(404);
    const badNumber = await api(server, `/repos/${OWNER}/${REPO}/pulls/seven/files`);
    expect(badNumber.status).toBe(404);
    // Another repository by id: GitHub's URL form, just not a repository the stand-in has.
    const otherId = await api(server, "/repositories/1/pulls/7/files");
    expect(otherId.status).toBe(404);
    expect(server.violations.map((v) => [v.kind, v.message])).toEqual([
      ["unknown-endpoint", `GitHub has no such endpoint: GET /repos/${OWNER}/${REPO}/pulls/7/comments/all`],
      [
        "unknown-endpoint",
        "GitHub has no PUT on /repos/{owner}/{repo}/issues/comments/{comment_id} (it has GET, PATCH, DELETE)",
      ],
      ["invalid-path-parameter", `For 'pull_number', "seven" is not an integer.`],
    ]);
  });

  it("serves 100 for per_page above 100 as GitHub does, and flags it and unknown query parameters", async () => {
    const res = await api(server, `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=250&perPage=5`);
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(100);
    expect(server.violations.map((v) => v.kind)).toEqual([
      "invalid-query-parameter",
      "unknown-query-parameter",
    ]);
    expect(server.violations[0]!.message).toBe(
      "per_page=250 is outside 1..100: GitHub serves 100 per page instead",
    );
  });

  it("answers 422 to a query value of the wrong type and 400 to an unsupported API version", async () => {
    const res = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments?since=yesterday`);
    expect(res.status).toBe(422);
    const version = await api(server, `/repos/${OWNER}/${REPO}/pulls/7`, {
      headers: { "x-github-api-version": "2031-01-01" },
    });
    expect(version.status).toBe(400);
    expect(await version.json()).toMatchObject({ message: "API version 2031-01-01 is not supported." });
    const supported = await api(server, `/repos/${OWNER}/${REPO}/pulls/7`, {
      headers: { "x-github-api-version": "2022-11-28" },
    });
    expect(supported.status).toBe(200);
    expect(server.violations.map((v) => v.kind)).toEqual(["invalid-query-parameter", "invalid-header"]);
  });

  it("says so when a real endpoint is one the stand-in does not model", async () => {
    const res = await api(server, `/repos/${OWNER}/${REPO}/issues/7/labels`);
    expect(res.status).toBe(501);
    expect(server.violations).toEqual([
      expect.objectContaining({ kind: "not-implemented", operationId: "issues/list-labels-on-issue" }),
    ]);
  });
});

describe("responses match GitHub's response schemas", () => {
  it("validates comments, files, pull, check run and comparison bodies", async () => {
    const octokit = octokitFor(server);
    const { data: files } = await octokit.rest.pulls.listFiles({ owner: OWNER, repo: REPO, pull_number: 7 });
    expect(description.validateResponse("pulls/list-files", 200, files)).toEqual([]);
    const { data: comments } = await octokit.rest.issues.listComments({
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
    });
    expect(description.validateResponse("issues/list-comments", 200, comments)).toEqual([]);
    const { data: created } = await octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
      body: "x",
    });
    expect(description.validateResponse("issues/create-comment", 201, created)).toEqual([]);
    const { data: pull } = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 8 });
    expect(description.validateResponse("pulls/get", 200, pull)).toEqual([]);
    const { data: run } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "promptfirst",
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "failure",
      output: { title: "Quality dropped", summary: "support: -4.1 points" },
    });
    expect(run).toMatchObject({ name: "promptfirst", conclusion: "failure", pull_requests: [{ number: 7 }] });
    expect(server.checkRuns).toEqual([
      { id: run.id, request: expect.objectContaining({ name: "promptfirst" }) },
    ]);
    const { data: comparison } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: OWNER,
      repo: REPO,
      basehead: `${BASE_SHA}...${HEAD_SHA}`,
    });
    expect(comparison.files).toHaveLength(250);
    expect(comparison.commits.map((c) => c.sha)).toEqual([HEAD_SHA]);
    const byBranch = await api(server, `/repos/${OWNER}/${REPO}/compare/main...tune-prompt`);
    expect(byBranch.status).toBe(200);
    // validateResponses checked every 2xx body on the way out as well.
    expect(server.violations).toEqual([]);
    expect(server.stats.byOperation["checks/create"]).toBe(1);
  });
});

describe("the stand-in checks its own responses", () => {
  it("flags a 2xx body that breaks GitHub's response schema (here from a bad seed)", async () => {
    await server.close();
    server = await startGitHubStandIn(
      seed({ comments: [{ issueNumber: 7, body: "x", user: { login: "a" }, authorAssociation: "ROBOT" }] }),
    );
    const res = await api(server, `/repos/${OWNER}/${REPO}/issues/7/comments`);
    expect(res.status).toBe(200);
    expect(server.violations).toEqual([
      expect.objectContaining({
        kind: "invalid-response",
        operationId: "issues/list-comments",
        message: expect.stringContaining(`For '/0/author_association', "ROBOT" is not a member of`),
      }),
    ]);
  });
});

describe("server lifecycle", () => {
  it("refuses a non-loopback host and malformed seeds", async () => {
    await expect(startGitHubStandIn({ host: "0.0.0.0" })).rejects.toThrow(RangeError);
    await expect(
      startGitHubStandIn({
        pulls: [{ number: 1, head: { sha: "abc", ref: "x" }, base: { sha: BASE_SHA, ref: "y" } }],
      }),
    ).rejects.toThrow(/40 lowercase hex/);
  });

  it("close() ends keep-alive connections", async () => {
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/repos/${OWNER}/${REPO}/pulls/7`,
        { agent, headers: { authorization: `Bearer ${GITHUB_STANDIN_WRITE_TOKEN}` } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    const started = Date.now();
    await server.close();
    // Not a speed figure: a close that waited for the idle keep-alive socket would take Node's 5 s timeout.
    expect(Date.now() - started).toBeLessThan(4000);
    agent.destroy();
  });
});
