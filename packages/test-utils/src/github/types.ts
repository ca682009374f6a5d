/**
 * Types of the GitHub REST stand-in: its options (tokens, seeded pull requests and comments), the requests and
 * violations it records, and the running server.
 */

/** A GitHub account as the stand-in models it. */
export interface GitHubAccount {
  /** E.g. `github-actions[bot]` or `octocat`. */
  login: string;
  /** `Bot` for apps (GITHUB_TOKEN acts as `github-actions[bot]`), `User` for people; default `User`. */
  type?: "Bot" | "User" | "Organization";
  /** Numeric id; default: 41898282 for `github-actions[bot]`, else a stable hash of the login. */
  id?: number;
}

/** Who a token acts as, and what it may do. */
export interface GitHubTokenIdentity extends GitHubAccount {
  /**
   * May write issue and pull-request comments (the `issues`/`pull-requests: write` permission); default true.
   * False models GITHUB_TOKEN on a pull request from a fork: writes get 403 `Resource not accessible by
   * integration`.
   */
  pullRequestsWrite?: boolean;
  /** May create check runs (`checks: write`); default the value of `pullRequestsWrite`. */
  checksWrite?: boolean;
  /**
   * The token is a GitHub App installation token, as GITHUB_TOKEN is: endpoints GitHub marks as not enabled
   * for GitHub Apps (e.g. `GET /user`) answer 403. Default: true for `type: "Bot"`, else false.
   */
  installation?: boolean;
}

/** One changed file of a seeded pull request (the fields of GitHub's `diff-entry`). */
export interface GitHubSeedFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  /** Default 0. */
  additions?: number;
  /** Default 0. */
  deletions?: number;
  /** Default additions + deletions. */
  changes?: number;
  /** Omitted when undefined, as GitHub omits it for binary and very large diffs. */
  patch?: string;
  /** The old name of a renamed file. */
  previous_filename?: string;
}

/** One side (head or base) of a seeded pull request. */
export interface GitHubSeedRef {
  /** 40-hex commit sha. */
  sha: string;
  /** Branch name. */
  ref: string;
  /** Owner of the repository this side lives in; default the stand-in's owner (a fork when different). */
  owner?: string;
  /** Name of the repository this side lives in; default the stand-in's repo. */
  repo?: string;
}

/** A pull request of the stand-in's repository. */
export interface GitHubSeedPull {
  number: number;
  head: GitHubSeedRef;
  base: GitHubSeedRef;
  /** Changed files in order; GitHub lists at most 3000 of them (see `GITHUB_MAX_PULL_FILES`). */
  files?: GitHubSeedFile[];
  /** Default `Pull request #<number>`. */
  title?: string;
  /** Default null. */
  body?: string | null;
  /** Default `open`. */
  state?: "open" | "closed";
  /** Default false. */
  draft?: boolean;
  /** Author; default `octocat` (a User). */
  user?: GitHubAccount;
}

/** A comment already on an issue or pull request when the stand-in starts. */
export interface GitHubSeedComment {
  issueNumber: number;
  body: string;
  user: GitHubAccount;
  /**
   * The comment was hidden ("minimized") in the UI: true (reason `outdated`) or the reason
   * (`outdated`, `resolved`, `off-topic`, `duplicate`, `spam`, `abuse`, `low-quality`). Served in REST as
   * `minimized: { reason }` (null when not minimized), as GitHub's current REST description has it.
   */
  minimized?: boolean | string;
  /** ISO time; default a fixed time in 2026 plus one minute per seeded comment. */
  createdAt?: string;
  /** Default `NONE`. */
  authorAssociation?: string;
}

/** Options of `startGitHubStandIn`. */
export interface GitHubStandInOptions {
  /** Owner of the one modelled repository; default `octo-org`. */
  owner?: string;
  /** Name of the one modelled repository; default `octo-repo`. */
  repo?: string;
  /** Numeric id of the repository (used in `Link` headers, as GitHub does); default 700000001. */
  repositoryId?: number;
  /**
   * Tokens accepted in `Authorization: token X` or `Bearer X`, mapped to identities; default
   * `DEFAULT_GITHUB_TOKENS` (`ghs_standin_write` and the read-only `ghs_standin_read`, both
   * `github-actions[bot]`).
   */
  tokens?: Record<string, GitHubTokenIdentity>;
  /** Pull requests of the repository. */
  pulls?: GitHubSeedPull[];
  /** Comments already present, in order (ids ascend in this order). */
  comments?: GitHubSeedComment[];
  /**
   * Validates every 2xx JSON response against the operation's response schema and records an
   * `invalid-response` violation on failure (a check on the stand-in's own model); default true.
   */
  validateResponses?: boolean;
  /** The web host used in `html_url`s; default `https://github.com`. */
  serverUrl?: string;
  /** Clock for `created_at`/`updated_at` of new and edited comments; default the real clock. */
  now?: () => Date;
  /** Loopback address to bind: 127.0.0.1 (default), another 127.x address, ::1 or localhost. */
  host?: string;
}

/** What made a request one that GitHub would reject or ignore, or that the stand-in cannot answer. */
export type GitHubViolationKind =
  | "unknown-endpoint"
  | "invalid-path-parameter"
  | "invalid-query-parameter"
  | "unknown-query-parameter"
  | "invalid-header"
  | "invalid-body"
  | "not-implemented"
  | "invalid-response";

/** A request that breaks GitHub's API description (or a response of the stand-in that does). */
export interface GitHubViolation {
  kind: GitHubViolationKind;
  method: string;
  /** The request path without query. */
  path: string;
  /** The matched operation, e.g. `issues/create-comment`, when the endpoint exists. */
  operationId?: string;
  message: string;
}

/** One request the stand-in received. */
export interface GitHubRecordedRequest {
  method: string;
  /** Path without query, as received. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  status: number;
  /** The matched operation, when the endpoint exists. */
  operationId?: string;
  /** Login of the token's identity, when the token was known. */
  login?: string;
}

/** A comment as the stand-in holds it, for tests to inspect. */
export interface GitHubStandInComment {
  id: number;
  issueNumber: number;
  body: string;
  user: { login: string; type: string; id: number };
  /** The minimized reason, or null when the comment is shown. */
  minimized: string | null;
  createdAt: string;
  updatedAt: string;
  htmlUrl: string;
}

/** A check run created through the stand-in. */
export interface GitHubStandInCheckRun {
  id: number;
  /** The request body as sent. */
  request: Record<string, unknown>;
}

/** Live counters of the stand-in. */
export interface GitHubStandInStats {
  /** Every HTTP request received. */
  requests: number;
  /** Responses with status >= 400. */
  errors: number;
  /** Requests per operation id (`unknown` for unknown endpoints); a null-prototype object. */
  byOperation: Record<string, number>;
}

/** A running GitHub REST stand-in. */
export interface GitHubStandIn {
  /** Base URL to use as GITHUB_API_URL (an Octokit `baseUrl`), e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Every request received, in order. */
  requests: GitHubRecordedRequest[];
  /** Requests GitHub would reject or ignore; an Action's tests assert this stays empty. */
  violations: GitHubViolation[];
  /** Live counters (updated in place). */
  stats: GitHubStandInStats;
  /** Check runs created, in order. */
  checkRuns: GitHubStandInCheckRun[];
  /** The current comments of an issue or pull request, in id order (a copy). */
  comments(issueNumber: number): GitHubStandInComment[];
  /** Adds a comment as if someone posted it now; returns it. */
  addComment(seed: GitHubSeedComment): GitHubStandInComment;
  /** Hides (minimizes) a comment, as a maintainer would in the UI; default reason `outdated`. */
  minimizeComment(commentId: number, reason?: string): void;
  /** Stops listening and drops every connection, including keep-alive ones. */
  close(): Promise<void>;
}
