/**
 * Builders of GitHub-shaped REST objects (users, repositories, pull requests, diff entries, issue comments,
 * check runs, comparisons) for the stand-in. Large objects start from the examples in GitHub's own API
 * description, rewritten to the stand-in's repository, so they carry every field GitHub's schemas require.
 */

import { createHash } from "node:crypto";
import type { GitHubApiDescription } from "./openapi.ts";
import type { GitHubAccount, GitHubSeedFile, GitHubSeedPull } from "./types.ts";

/** Login of the identity GITHUB_TOKEN acts as. */
export const GITHUB_ACTIONS_BOT_LOGIN = "github-actions[bot]";

/** Numeric user id of `github-actions[bot]` on github.com. */
export const GITHUB_ACTIONS_BOT_ID = 41898282;

/** Numeric id of the GitHub Actions app on github.com. */
const GITHUB_ACTIONS_APP_ID = 15368;

const EXAMPLE_FULL_NAME = "octocat/Hello-World";

type JsonObject = Record<string, unknown>;

/** Where the stand-in lives and which repository it models. */
export interface ResourceContext {
  description: GitHubApiDescription;
  /** Base URL of the stand-in, used for API URLs in bodies. */
  apiUrl: string;
  /** Web host for `html_url`s. */
  serverUrl: string;
  owner: string;
  repo: string;
  repositoryId: number;
}

/** An account with defaults applied. */
export interface ResolvedAccount {
  login: string;
  type: "Bot" | "User" | "Organization";
  id: number;
}

/** A comment as the stand-in stores it. */
export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: ResolvedAccount;
  /** Minimized reason, or null. */
  minimized: string | null;
  createdAt: string;
  updatedAt: string;
  authorAssociation: string;
}

/** A stable positive 31-bit id derived from a string (FNV-1a), for logins without a configured id. */
export function computeStableId(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % 2_000_000_000) + 1;
}

/** Fills in an account's type and id. */
export function resolveAccount(account: GitHubAccount): ResolvedAccount {
  const type = account.type ?? "User";
  const id =
    account.id ??
    (account.login === GITHUB_ACTIONS_BOT_LOGIN ? GITHUB_ACTIONS_BOT_ID : computeStableId(account.login));
  return { login: account.login, type, id };
}

/** A time as GitHub writes it: ISO 8601 in UTC, whole seconds, `Z`. */
export function formatGitHubTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A 40-hex sha derived from some text, for blob shas and the like. */
export function computeFakeSha(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function legacyNodeId(type: string, id: number): string {
  const prefix = type === "Bot" ? "03:Bot" : type === "Organization" ? "012:Organization" : "04:User";
  return Buffer.from(`${prefix}${id}`).toString("base64");
}

/** A `simple-user` object for an account. */
export function buildSimpleUser(account: ResolvedAccount, ctx: ResourceContext): JsonObject {
  const api = `${ctx.apiUrl}/users/${encodeURIComponent(account.login)}`;
  const isBot = account.type === "Bot";
  const slug = account.login.replace(/\[bot\]$/, "");
  const avatar =
    account.login === GITHUB_ACTIONS_BOT_LOGIN
      ? `https://avatars.githubusercontent.com/in/${GITHUB_ACTIONS_APP_ID}?v=4`
      : `https://avatars.githubusercontent.com/u/${account.id}?v=4`;
  return {
    login: account.login,
    id: account.id,
    node_id: legacyNodeId(account.type, account.id),
    avatar_url: avatar,
    gravatar_id: "",
    url: api,
    html_url: isBot ? `${ctx.serverUrl}/apps/${slug}` : `${ctx.serverUrl}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** The authenticated user (`GET /user` for a personal token): a `public-user` shaped object. */
export function buildAuthenticatedUser(account: ResolvedAccount, ctx: ResourceContext): JsonObject {
  return {
    ...buildSimpleUser(account, ctx),
    name: null,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2020-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
}

function rewriteStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === "string") return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => rewriteStrings(item, rewrite));
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = rewriteStrings(item, rewrite);
    return out;
  }
  return value;
}

/** Rewrites an example's `api.github.com`, `github.com` and repository names to the stand-in's. */
function rewriteExample(
  value: unknown,
  ctx: ResourceContext,
  owner: string,
  repo: string,
  from: string,
): unknown {
  const fullName = `${owner}/${repo}`;
  return rewriteStrings(value, (text) =>
    text
      .replaceAll("https://api.github.com", ctx.apiUrl)
      .replaceAll("https://github.com", ctx.serverUrl)
      .replaceAll(from, fullName),
  );
}

function getExampleObject(ctx: ResourceContext, name: string): JsonObject {
  const example = ctx.description.getExample(name);
  if (example === null || typeof example !== "object" || Array.isArray(example)) {
    throw new Error(`@octokit/openapi has no object example named ${name}`);
  }
  return example as JsonObject;
}

/** A full `repository` object for `owner/repo` (a fork when it is not the stand-in's repository). */
export function buildRepository(owner: string, repo: string, ctx: ResourceContext): JsonObject {
  const template = getExampleObject(ctx, "pull-request").head as JsonObject;
  const own =
    owner.toLowerCase() === ctx.owner.toLowerCase() && repo.toLowerCase() === ctx.repo.toLowerCase();
  const repository = rewriteExample(template.repo, ctx, owner, repo, EXAMPLE_FULL_NAME) as JsonObject;
  const id = own ? ctx.repositoryId : computeStableId(`${owner}/${repo}`);
  return {
    ...repository,
    id,
    node_id: Buffer.from(`010:Repository${id}`).toString("base64"),
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: buildSimpleUser(resolveAccount({ login: owner, type: own ? "Organization" : "User" }), ctx),
    private: false,
    fork: !own,
    default_branch: "main",
  };
}

function buildBranch(side: GitHubSeedPull["head"], ctx: ResourceContext): JsonObject {
  const owner = side.owner ?? ctx.owner;
  const repo = side.repo ?? ctx.repo;
  return {
    label: `${owner}:${side.ref}`,
    ref: side.ref,
    sha: side.sha,
    user: buildSimpleUser(resolveAccount({ login: owner, type: "Organization" }), ctx),
    repo: buildRepository(owner, repo, ctx),
  };
}

/** A `pull-request` object (`GET /repos/{owner}/{repo}/pulls/{pull_number}`). */
export function buildPull(pull: GitHubSeedPull, ctx: ResourceContext, commentCount: number): JsonObject {
  const api = `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}`;
  const web = `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}`;
  const n = pull.number;
  const files = pull.files ?? [];
  let additions = 0;
  let deletions = 0;
  for (const file of files) {
    additions += file.additions ?? 0;
    deletions += file.deletions ?? 0;
  }
  const user = buildSimpleUser(
    resolveAccount(pull.user ?? { login: "octocat", type: "User", id: 583231 }),
    ctx,
  );
  const created = "2026-01-01T00:00:00Z";
  return {
    url: `${api}/pulls/${n}`,
    id: 1_000_000 + n,
    node_id: Buffer.from(`011:PullRequest${1_000_000 + n}`).toString("base64"),
    html_url: `${web}/pull/${n}`,
    diff_url: `${web}/pull/${n}.diff`,
    patch_url: `${web}/pull/${n}.patch`,
    issue_url: `${api}/issues/${n}`,
    commits_url: `${api}/pulls/${n}/commits`,
    review_comments_url: `${api}/pulls/${n}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${n}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: n,
    state: pull.state ?? "open",
    locked: false,
    title: pull.title ?? `Pull request #${n}`,
    user,
    body: pull.body ?? null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: created,
    updated_at: created,
    closed_at: pull.state === "closed" ? created : null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: buildBranch(pull.head, ctx),
    base: buildBranch(pull.base, ctx),
    _links: {
      self: { href: `${api}/pulls/${n}` },
      html: { href: `${web}/pull/${n}` },
      issue: { href: `${api}/issues/${n}` },
      comments: { href: `${api}/issues/${n}/comments` },
      review_comments: { href: `${api}/pulls/${n}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${n}/commits` },
      statuses: { href: `${api}/statuses/${pull.head.sha}` },
    },
    author_association: "CONTRIBUTOR",
    auto_merge: null,
    draft: pull.draft ?? false,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: "clean",
    merged_by: null,
    comments: commentCount,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions,
    deletions,
    changed_files: files.length,
  };
}

/** A `diff-entry` object for one changed file at commit `headSha`. */
export function buildDiffEntry(file: GitHubSeedFile, headSha: string, ctx: ResourceContext): JsonObject {
  const additions = file.additions ?? 0;
  const deletions = file.deletions ?? 0;
  const path = encodePath(file.filename);
  const entry: JsonObject = {
    sha: computeFakeSha(`${headSha}:${file.filename}`),
    filename: file.filename,
    status: file.status,
    additions,
    deletions,
    changes: file.changes ?? additions + deletions,
    blob_url: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${headSha}/${path}`,
    raw_url: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/raw/${headSha}/${path}`,
    contents_url: `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}/contents/${path}?ref=${headSha}`,
  };
  if (file.patch !== undefined) entry.patch = file.patch;
  if (file.previous_filename !== undefined) entry.previous_filename = file.previous_filename;
  return entry;
}

/** The web URL of a comment on a pull request (`/pull/`) or an issue (`/issues/`). */
export function computeCommentHtmlUrl(comment: CommentRecord, isPull: boolean, ctx: ResourceContext): string {
  const kind = isPull ? "pull" : "issues";
  return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`;
}

/** An `issue-comment` object. */
export function buildIssueComment(comment: CommentRecord, isPull: boolean, ctx: ResourceContext): JsonObject {
  const api = `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}`;
  const url = `${api}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: `IC_kwDO${Buffer.from(`IssueComment${comment.id}`).toString("base64url")}`,
    url,
    html_url: computeCommentHtmlUrl(comment, isPull, ctx),
    body: comment.body,
    user: buildSimpleUser(comment.user, ctx),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    author_association: comment.authorAssociation,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: null,
    pin: null,
    minimized: comment.minimized === null ? null : { reason: comment.minimized },
  };
}

/** A `check-run` object for a `POST /repos/{owner}/{repo}/check-runs` body. */
export function buildCheckRun(
  id: number,
  body: JsonObject,
  pulls: GitHubSeedPull[],
  now: string,
  ctx: ResourceContext,
): JsonObject {
  const template = rewriteExample(
    getExampleObject(ctx, "check-run-example-of-completed-conclusion"),
    ctx,
    ctx.owner,
    ctx.repo,
    "github/hello-world",
  ) as JsonObject;
  const api = `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}`;
  const status = typeof body.status === "string" ? body.status : body.conclusion ? "completed" : "queued";
  const output = (body.output ?? {}) as JsonObject;
  const annotations = Array.isArray(output.annotations) ? output.annotations.length : 0;
  const headSha = String(body.head_sha);
  const repoRef = { id: ctx.repositoryId, url: api, name: ctx.repo };
  return {
    ...template,
    id,
    node_id: `CR_kwDO${Buffer.from(`CheckRun${id}`).toString("base64url")}`,
    head_sha: headSha,
    external_id: typeof body.external_id === "string" ? body.external_id : "",
    url: `${api}/check-runs/${id}`,
    html_url: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/runs/${id}`,
    details_url:
      typeof body.details_url === "string"
        ? body.details_url
        : `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/runs/${id}`,
    status,
    conclusion: typeof body.conclusion === "string" ? body.conclusion : null,
    started_at: typeof body.started_at === "string" ? body.started_at : now,
    completed_at:
      typeof body.completed_at === "string" ? body.completed_at : status === "completed" ? now : null,
    output: {
      title: typeof output.title === "string" ? output.title : null,
      summary: typeof output.summary === "string" ? output.summary : null,
      text: typeof output.text === "string" ? output.text : null,
      annotations_count: annotations,
      annotations_url: `${api}/check-runs/${id}/annotations`,
    },
    name: String(body.name),
    check_suite: { id: 9_000_000 + id },
    app: {
      ...(template.app as JsonObject),
      id: GITHUB_ACTIONS_APP_ID,
      slug: "github-actions",
      node_id: "MDM6QXBwMTUzNjg=",
      name: "GitHub Actions",
      html_url: `${ctx.serverUrl}/apps/github-actions`,
    },
    pull_requests: pulls
      .filter((p) => p.head.sha === headSha)
      .map((p) => ({
        url: `${api}/pulls/${p.number}`,
        id: 1_000_000 + p.number,
        number: p.number,
        head: { ref: p.head.ref, sha: p.head.sha, repo: repoRef },
        base: { ref: p.base.ref, sha: p.base.sha, repo: repoRef },
      })),
  };
}

/** A `commit-comparison` object between two commits of a pull request, with at most `maxFiles` files. */
export function buildComparison(
  basehead: string,
  pull: GitHubSeedPull,
  maxFiles: number,
  ctx: ResourceContext,
): JsonObject {
  const template = rewriteExample(
    getExampleObject(ctx, "commit-comparison"),
    ctx,
    ctx.owner,
    ctx.repo,
    EXAMPLE_FULL_NAME,
  ) as JsonObject;
  const web = `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}`;
  const baseCommit = { ...(template.base_commit as JsonObject), sha: pull.base.sha };
  const [firstCommit] = template.commits as JsonObject[];
  const headCommit = {
    ...firstCommit,
    sha: pull.head.sha,
    parents: [{ sha: pull.base.sha, url: "", html_url: "" }],
  };
  const parents = (headCommit.parents as JsonObject[]).map((p) => ({
    ...p,
    url: `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}/commits/${pull.base.sha}`,
    html_url: `${web}/commit/${pull.base.sha}`,
  }));
  return {
    ...template,
    url: `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}/compare/${basehead}`,
    html_url: `${web}/compare/${basehead}`,
    permalink_url: `${web}/compare/${ctx.owner}:${pull.base.sha}...${ctx.owner}:${pull.head.sha}`,
    diff_url: `${web}/compare/${basehead}.diff`,
    patch_url: `${web}/compare/${basehead}.patch`,
    base_commit: baseCommit,
    merge_base_commit: baseCommit,
    status: "ahead",
    ahead_by: 1,
    behind_by: 0,
    total_commits: 1,
    commits: [{ ...headCommit, parents }],
    files: (pull.files ?? []).slice(0, maxFiles).map((file) => buildDiffEntry(file, pull.head.sha, ctx)),
  };
}
