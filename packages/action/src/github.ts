import { createNodeHttpFetch, readProxySettings } from "@promptfirst/providers";
import { z } from "zod";

/**
 * The slice of an Octokit client the Action uses: one `request(route, params)` function. `@actions/github`'s
 * `getOctokit` provides it; tests may pass anything with the same shape.
 */
export interface GitHubRequester {
  request(
    route: string,
    params?: Record<string, unknown>,
  ): Promise<{ data: unknown; headers: Record<string, unknown> }>;
}

/** Which repository and pull request. */
export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

/** GitHub's pages hold at most 100 items. */
const PER_PAGE = 100;
/** GitHub lists at most 3,000 files of a pull request. */
export const MAX_PULL_REQUEST_FILES = 3000;

const fileSchema = z.object({
  filename: z.string(),
  status: z.string(),
  previous_filename: z.string().optional(),
});
const commentSchema = z.object({
  id: z.number(),
  body: z.string().nullish(),
  html_url: z.string(),
  user: z.object({ login: z.string(), type: z.string().optional() }).nullable(),
  /** Set when someone hid the comment (GitHub's REST API reports it since 2025); missing means shown. */
  minimized: z.object({ reason: z.string().nullable() }).nullable().optional(),
});

/** A comment the Action may own. */
export type IssueComment = z.infer<typeof commentSchema>;

/** An error from GitHub, with its status (403 for a read-only token, e.g. on a fork's pull request). */
export class GitHubError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined) {
    super(message);
    this.name = "GitHubError";
    this.status = status;
  }
}

async function call(client: GitHubRequester, route: string, params: Record<string, unknown>) {
  try {
    return await client.request(route, params);
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = (error as Error).message ?? String(error);
    throw new GitHubError(`${route}: ${message}`, status);
  }
}

function hasNextPage(headers: Record<string, unknown>): boolean {
  const link = headers.link;
  return typeof link === "string" && /rel="next"/.test(link);
}

/**
 * Every file a pull request changes (all pages, up to GitHub's 3,000), with the old name of renamed files too:
 * a renamed prompt is a change to the suites that read either name. `complete` is false at GitHub's limit:
 * GitHub then stops listing (with no sign of more), so the files may not all be there.
 */
export async function listPullRequestFiles(
  client: GitHubRequester,
  pr: PullRequestRef,
): Promise<{ files: string[]; complete: boolean }> {
  const files = new Set<string>();
  let listed = 0;
  for (let page = 1; page <= MAX_PULL_REQUEST_FILES / PER_PAGE; page++) {
    const response = await call(client, "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: pr.owner,
      repo: pr.repo,
      pull_number: pr.number,
      per_page: PER_PAGE,
      page,
    });
    const items = z.array(fileSchema).parse(response.data);
    listed += items.length;
    for (const item of items) {
      files.add(item.filename);
      if (item.previous_filename) files.add(item.previous_filename);
    }
    if (items.length < PER_PAGE || !hasNextPage(response.headers)) break;
  }
  return { files: [...files].sort(), complete: listed < MAX_PULL_REQUEST_FILES };
}

/**
 * The sticky comment: the first comment on the pull request that carries `marker`, was written by `author`, and
 * is not minimized (a comment quoting the marker by anyone else is never taken over; a hidden one is left
 * alone and a new one posted). Reads every page.
 */
export async function findStickyComment(
  client: GitHubRequester,
  pr: PullRequestRef,
  marker: string,
  author: string,
): Promise<IssueComment | undefined> {
  for (let page = 1; ; page++) {
    const response = await call(client, "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      per_page: PER_PAGE,
      page,
    });
    const items = z.array(commentSchema).parse(response.data);
    const found = items.find(
      // Logins are case-insensitive on GitHub (comment-author may be typed in another case).
      (c) =>
        c.user?.login.toLowerCase() === author.toLowerCase() &&
        !c.minimized &&
        (c.body ?? "").includes(marker),
    );
    if (found) return found;
    if (items.length < PER_PAGE || !hasNextPage(response.headers)) return undefined;
  }
}

/** What `upsertStickyComment` did. */
export interface UpsertResult {
  id: number;
  url: string;
  created: boolean;
}

/** Update the sticky comment in place, or create it when there is none yet. */
export async function upsertStickyComment(
  client: GitHubRequester,
  pr: PullRequestRef,
  options: { marker: string; author: string; body: string },
): Promise<UpsertResult> {
  const existing = await findStickyComment(client, pr, options.marker, options.author);
  if (existing) {
    const response = await call(client, "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: pr.owner,
      repo: pr.repo,
      comment_id: existing.id,
      body: options.body,
    });
    const updated = commentSchema.parse(response.data);
    return { id: updated.id, url: updated.html_url, created: false };
  }
  const response = await call(client, "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    body: options.body,
  });
  const created = commentSchema.parse(response.data);
  return { id: created.id, url: created.html_url, created: true };
}

/**
 * The login comments by this token carry. `GET /user` answers for user tokens; an Actions installation token is
 * refused there (403), and its comments are written by `github-actions[bot]`.
 */
export async function findTokenLogin(client: GitHubRequester): Promise<string> {
  try {
    const response = await client.request("GET /user");
    const parsed = z.object({ login: z.string() }).safeParse(response.data);
    if (parsed.success) return parsed.data.login;
  } catch {}
  return "github-actions[bot]";
}

/** How long a GitHub request may take before it is abandoned (as an error). */
const GITHUB_TIMEOUT_MS = 60_000;

/**
 * A `fetch` for Octokit over node:http(s) (`createNodeHttpFetch`, the one the model calls use): `@actions/github`
 * fetches through undici, about 0.55 MB of JavaScript to parse before the first request. Redirects (GitHub
 * answers 301/307 for a renamed repository) are asked again through Node's own fetch, which follows them.
 */
export function createOctokitFetch(timeoutMs = GITHUB_TIMEOUT_MS): typeof fetch {
  const nodeFetch = createNodeHttpFetch();
  return async (input, init = {}) => {
    // Octokit sets no time limit: a connection that stops answering must not hold the job until it times out.
    const timeout = AbortSignal.timeout(timeoutMs);
    init = { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout };
    const response = await nodeFetch(input, init);
    if (
      response.status >= 300 &&
      response.status < 400 &&
      response.status !== 304 &&
      response.headers.has("location")
    )
      return fetch(input, init);
    return response;
  };
}

/** GitHub's tag for requests made by a job (`@actions/github` adds the same), from ACTIONS_ORCHESTRATION_ID. */
export function buildUserAgent(env: Record<string, string | undefined>): string {
  const base = `promptfirst-action/${ACTION_CLIENT_VERSION}`;
  const id = env.ACTIONS_ORCHESTRATION_ID?.trim();
  return id ? `${base} actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, "_")}` : base;
}

/** The Action's version, in the user agent of its GitHub requests. */
const ACTION_CLIENT_VERSION = "0.1.0";

/**
 * The Action's GitHub client, loaded on demand. All it needs is Octokit's `request` (auth, base URL, errors):
 * `@octokit/core` over node:http (`createOctokitFetch`). `@actions/github`'s `getOctokit` adds plugins whose
 * route table alone takes 10–30 ms to build, and undici; it is used behind a proxy (`env` sets `HTTPS_PROXY` or
 * the like), for its proxy support.
 */
export async function createGitHubClient(
  token: string,
  baseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<GitHubRequester> {
  if (!token) {
    throw new Error(
      "the github-token input is empty: pass a token that can read the pull request and comment on it (the default, the workflow's `${{ github.token }}`, can with `permissions: pull-requests: write`)",
    );
  }
  if (readProxySettings(env)) {
    const { getOctokit } = await import("@actions/github");
    return getOctokit(token, { baseUrl }) as unknown as GitHubRequester;
  }
  const { Octokit } = await import("@octokit/core");
  return new Octokit({
    auth: token,
    baseUrl,
    userAgent: buildUserAgent(env),
    request: { fetch: createOctokitFetch() },
  }) as unknown as GitHubRequester;
}
