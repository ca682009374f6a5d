/**
 * A loopback stand-in for GitHub's REST API that checks every request against GitHub's own OpenAPI description
 * and serves a small in-memory model of one repository: its pull requests and changed files, issue comments,
 * check runs, and the token's identity. Requests GitHub would reject or ignore are answered as GitHub would and
 * recorded as violations, so an Action's tests can assert that it speaks GitHub's API correctly.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GITHUB_DOCS_URL, type GitHubOperation, loadGitHubApiDescription } from "./openapi.ts";
import {
  buildAuthenticatedUser,
  buildCheckRun,
  buildComparison,
  buildDiffEntry,
  buildIssueComment,
  buildPull,
  type CommentRecord,
  computeCommentHtmlUrl,
  formatGitHubTime,
  GITHUB_ACTIONS_BOT_LOGIN,
  type ResolvedAccount,
  type ResourceContext,
  resolveAccount,
} from "./resources.ts";
import type {
  GitHubRecordedRequest,
  GitHubSeedComment,
  GitHubSeedPull,
  GitHubStandIn,
  GitHubStandInCheckRun,
  GitHubStandInComment,
  GitHubStandInOptions,
  GitHubStandInStats,
  GitHubTokenIdentity,
  GitHubViolation,
  GitHubViolationKind,
} from "./types.ts";

/** A token of the default token table: `github-actions[bot]` with write access (a same-repo pull request). */
export const GITHUB_STANDIN_WRITE_TOKEN = "ghs_standin_write";

/** A token of the default token table: `github-actions[bot]`, read-only (a pull request from a fork). */
export const GITHUB_STANDIN_READ_TOKEN = "ghs_standin_read";

/** The tokens accepted when `tokens` is not given. */
export const DEFAULT_GITHUB_TOKENS: Readonly<Record<string, GitHubTokenIdentity>> = Object.freeze({
  [GITHUB_STANDIN_WRITE_TOKEN]: { login: GITHUB_ACTIONS_BOT_LOGIN, type: "Bot", pullRequestsWrite: true },
  [GITHUB_STANDIN_READ_TOKEN]: { login: GITHUB_ACTIONS_BOT_LOGIN, type: "Bot", pullRequestsWrite: false },
});

/** Largest `per_page` GitHub honours; larger values are silently served as 100. */
export const GITHUB_MAX_PER_PAGE = 100;

/** `per_page` when a list request gives none. */
export const GITHUB_DEFAULT_PER_PAGE = 30;

/** GitHub lists at most this many files of a pull request (`changed_files` still counts them all). */
export const GITHUB_MAX_PULL_FILES = 3000;

/** GitHub's compare endpoint returns at most this many files. */
export const GITHUB_MAX_COMPARE_FILES = 300;

/**
 * Longest issue or pull-request comment body GitHub accepts, in characters (Unicode code points); longer ones
 * get 422 `Body is too long (maximum is 65536 characters)`. Not in the API description: GitHub's own rule.
 */
export const GITHUB_MAX_COMMENT_CHARS = 65536;

/** REST API versions accepted in `X-GitHub-Api-Version`. */
export const GITHUB_API_VERSIONS: readonly string[] = ["2022-11-28"];

const FIRST_COMMENT_ID = 3_000_000_001;
const FIRST_CHECK_RUN_ID = 40_000_000_001;
const SEED_TIME_MS = Date.UTC(2026, 0, 1);
const RATE_LIMIT = 5000;

interface Identity extends ResolvedAccount {
  pullRequestsWrite: boolean;
  checksWrite: boolean;
  installation: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RequestContext {
  operation: GitHubOperation;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  identity: Identity;
  /** The path after `/repos/{owner}/{repo}` (or `/repositories/{id}`), for `Link` headers. */
  repoSuffix: string | undefined;
  record: GitHubRecordedRequest;
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function errorBody(status: number, message: string, documentationUrl: string): Record<string, unknown> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

function resolveIdentity(identity: GitHubTokenIdentity): Identity {
  const account = resolveAccount(identity);
  const pullRequestsWrite = identity.pullRequestsWrite ?? true;
  return {
    ...account,
    pullRequestsWrite,
    checksWrite: identity.checksWrite ?? pullRequestsWrite,
    installation: identity.installation ?? account.type === "Bot",
  };
}

function validateSeeds(options: GitHubStandInOptions): void {
  const numbers = new Set<number>();
  for (const pull of options.pulls ?? []) {
    if (!Number.isInteger(pull.number) || pull.number < 1) {
      throw new RangeError(`pulls[].number must be a positive integer, received ${pull.number}`);
    }
    if (numbers.has(pull.number)) throw new RangeError(`pull request #${pull.number} is seeded twice`);
    numbers.add(pull.number);
    for (const side of [pull.head, pull.base]) {
      if (!/^[0-9a-f]{40}$/.test(side.sha)) {
        throw new RangeError(
          `pull #${pull.number}: sha must be 40 lowercase hex characters, received ${side.sha}`,
        );
      }
    }
  }
  for (const comment of options.comments ?? []) {
    if (!Number.isInteger(comment.issueNumber) || comment.issueNumber < 1) {
      throw new RangeError(
        `comments[].issueNumber must be a positive integer, received ${comment.issueNumber}`,
      );
    }
  }
}

/** Reads `per_page` and `page` as GitHub does: per_page 1..100 (default 30, larger served as 100), page >= 1. */
function readPaging(query: URLSearchParams): { perPage: number; page: number } {
  const perPageRaw = Number.parseInt(query.get("per_page") ?? "", 10);
  const pageRaw = Number.parseInt(query.get("page") ?? "", 10);
  const perPage = perPageRaw >= 1 ? Math.min(perPageRaw, GITHUB_MAX_PER_PAGE) : GITHUB_DEFAULT_PER_PAGE;
  // NaN (absent or not a number) and values below 1 both mean page 1.
  return { perPage, page: Number.isNaN(pageRaw) ? 1 : Math.max(pageRaw, 1) };
}

/**
 * Starts the GitHub REST stand-in on an ephemeral loopback port. GitHub's API description is loaded on the first
 * start in a process (a few hundred milliseconds) and reused. Use `url` as GITHUB_API_URL or an Octokit
 * `baseUrl`, authenticate with a token from `tokens` (default `DEFAULT_GITHUB_TOKENS`), assert `violations` is
 * empty, and call `close()` when done.
 */
export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw new RangeError(`host must be a loopback address (127.x.x.x, ::1 or localhost), received ${host}`);
  }
  validateSeeds(options);
  const description = loadGitHubApiDescription();
  const owner = options.owner ?? "octo-org";
  const repo = options.repo ?? "octo-repo";
  const repositoryId = options.repositoryId ?? 700_000_001;
  const now = options.now ?? (() => new Date());
  const validateResponses = options.validateResponses ?? true;
  const tokens = new Map<string, Identity>();
  for (const [token, identity] of Object.entries(options.tokens ?? DEFAULT_GITHUB_TOKENS)) {
    tokens.set(token, resolveIdentity(identity));
  }
  const pulls = new Map<number, GitHubSeedPull>();
  for (const pull of options.pulls ?? []) pulls.set(pull.number, structuredClone(pull));

  const requests: GitHubRecordedRequest[] = [];
  const violations: GitHubViolation[] = [];
  const checkRuns: GitHubStandInCheckRun[] = [];
  const stats: GitHubStandInStats = {
    requests: 0,
    errors: 0,
    byOperation: Object.create(null) as Record<string, number>,
  };
  const comments: CommentRecord[] = [];
  const issues = new Set<number>(pulls.keys());
  let nextCommentId = FIRST_COMMENT_ID;
  let nextCheckRunId = FIRST_CHECK_RUN_ID;
  let rateRemaining = RATE_LIMIT;
  let requestCounter = 0;
  // Filled in once the server listens.
  const ctx: ResourceContext = {
    description,
    apiUrl: "",
    serverUrl: (options.serverUrl ?? "https://github.com").replace(/\/+$/, ""),
    owner,
    repo,
    repositoryId,
  };

  function insertComment(seed: GitHubSeedComment, createdAt: string): CommentRecord {
    const minimized =
      seed.minimized === true ? "outdated" : typeof seed.minimized === "string" ? seed.minimized : null;
    const record: CommentRecord = {
      id: nextCommentId++,
      issueNumber: seed.issueNumber,
      body: seed.body,
      user: resolveAccount(seed.user),
      minimized,
      createdAt,
      updatedAt: createdAt,
      authorAssociation: seed.authorAssociation ?? "NONE",
    };
    comments.push(record);
    issues.add(seed.issueNumber);
    return record;
  }

  function toView(record: CommentRecord): GitHubStandInComment {
    return {
      id: record.id,
      issueNumber: record.issueNumber,
      body: record.body,
      user: { login: record.user.login, type: record.user.type, id: record.user.id },
      minimized: record.minimized,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      htmlUrl: computeCommentHtmlUrl(record, pulls.has(record.issueNumber), ctx),
    };
  }

  (options.comments ?? []).forEach((seed, i) => {
    insertComment(seed, seed.createdAt ?? formatGitHubTime(new Date(SEED_TIME_MS + i * 60_000)));
  });

  function addViolation(
    kind: GitHubViolationKind,
    record: GitHubRecordedRequest,
    message: string,
    operationId?: string,
  ): void {
    const violation: GitHubViolation = { kind, method: record.method, path: record.path, message };
    if (operationId !== undefined) violation.operationId = operationId;
    violations.push(violation);
  }

  function notFound(operation?: GitHubOperation): Reply {
    return { status: 404, body: errorBody(404, "Not Found", operation?.docsUrl ?? GITHUB_DOCS_URL) };
  }

  function isOwnRepo(params: Record<string, string>): boolean {
    return (
      params.owner?.toLowerCase() === owner.toLowerCase() && params.repo?.toLowerCase() === repo.toLowerCase()
    );
  }

  /** Serves one page of `items` with GitHub's `Link` header (rel prev, next, last, first). */
  function paginate<T>(items: T[], rc: RequestContext, map: (item: T) => unknown): Reply {
    const { perPage, page } = readPaging(rc.query);
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const body = items.slice((page - 1) * perPage, page * perPage).map(map);
    const links: string[] = [];
    const linkTo = (target: number, rel: string): void => {
      const query = new URLSearchParams(rc.query);
      query.delete("page");
      query.append("page", String(target));
      links.push(`<${ctx.apiUrl}/repositories/${repositoryId}${rc.repoSuffix ?? ""}?${query}>; rel="${rel}"`);
    };
    if (page > 1) linkTo(Math.min(page - 1, lastPage), "prev");
    if (page < lastPage) {
      linkTo(page + 1, "next");
      linkTo(lastPage, "last");
    }
    if (page > 1) linkTo(1, "first");
    return links.length > 0
      ? { status: 200, body, headers: { link: links.join(", ") } }
      : { status: 200, body };
  }

  /** GitHub's 422 for a comment body over `GITHUB_MAX_COMMENT_CHARS`, recorded as a violation. */
  function checkCommentLength(rc: RequestContext): Reply | undefined {
    const body = String((rc.body as { body: string }).body);
    let length = 0;
    for (const _ of body) length++;
    if (length <= GITHUB_MAX_COMMENT_CHARS) return undefined;
    const message = `Body is too long (maximum is ${GITHUB_MAX_COMMENT_CHARS} characters)`;
    addViolation("invalid-body", rc.record, `${message}: ${length} characters`, rc.operation.operationId);
    return {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ resource: "IssueComment", code: "unprocessable", field: "data", message }],
        documentation_url: rc.operation.docsUrl,
        status: "422",
      },
    };
  }

  function findComment(rc: RequestContext): CommentRecord | undefined {
    const id = Number(rc.params.comment_id);
    return comments.find((c) => c.id === id);
  }

  function getIssueComments(issueNumber: number): CommentRecord[] {
    return comments.filter((c) => c.issueNumber === issueNumber);
  }

  const handlers: Record<string, (rc: RequestContext) => Reply> = {
    "pulls/get"(rc) {
      const pull = pulls.get(Number(rc.params.pull_number));
      if (!pull) return notFound(rc.operation);
      return { status: 200, body: buildPull(pull, ctx, getIssueComments(pull.number).length) };
    },
    "pulls/list-files"(rc) {
      const pull = pulls.get(Number(rc.params.pull_number));
      if (!pull) return notFound(rc.operation);
      const files = (pull.files ?? []).slice(0, GITHUB_MAX_PULL_FILES);
      return paginate(files, rc, (file) => buildDiffEntry(file, pull.head.sha, ctx));
    },
    "issues/list-comments"(rc) {
      const issueNumber = Number(rc.params.issue_number);
      if (!issues.has(issueNumber)) return notFound(rc.operation);
      const since = rc.query.get("since");
      const sinceMs = since ? Date.parse(since) : Number.NaN;
      const list = getIssueComments(issueNumber).filter(
        (c) => Number.isNaN(sinceMs) || Date.parse(c.updatedAt) >= sinceMs,
      );
      const isPull = pulls.has(issueNumber);
      return paginate(list, rc, (c) => buildIssueComment(c, isPull, ctx));
    },
    "issues/create-comment"(rc) {
      const issueNumber = Number(rc.params.issue_number);
      if (!issues.has(issueNumber)) return notFound(rc.operation);
      const tooLong = checkCommentLength(rc);
      if (tooLong) return tooLong;
      const record = insertComment(
        { issueNumber, body: String((rc.body as { body: string }).body), user: rc.identity },
        formatGitHubTime(now()),
      );
      return {
        status: 201,
        body: buildIssueComment(record, pulls.has(issueNumber), ctx),
        headers: { location: `${ctx.apiUrl}/repos/${owner}/${repo}/issues/comments/${record.id}` },
      };
    },
    "issues/get-comment"(rc) {
      const record = findComment(rc);
      if (!record) return notFound(rc.operation);
      return { status: 200, body: buildIssueComment(record, pulls.has(record.issueNumber), ctx) };
    },
    "issues/update-comment"(rc) {
      const record = findComment(rc);
      if (!record) return notFound(rc.operation);
      const tooLong = checkCommentLength(rc);
      if (tooLong) return tooLong;
      record.body = String((rc.body as { body: string }).body);
      record.updatedAt = formatGitHubTime(now());
      return { status: 200, body: buildIssueComment(record, pulls.has(record.issueNumber), ctx) };
    },
    "issues/delete-comment"(rc) {
      const record = findComment(rc);
      if (!record) return notFound(rc.operation);
      comments.splice(comments.indexOf(record), 1);
      return { status: 204 };
    },
    "users/get-authenticated"(rc) {
      return { status: 200, body: buildAuthenticatedUser(rc.identity, ctx) };
    },
    "checks/create"(rc) {
      const id = nextCheckRunId++;
      const request = rc.body as Record<string, unknown>;
      checkRuns.push({ id, request: structuredClone(request) });
      return {
        status: 201,
        body: buildCheckRun(id, request, [...pulls.values()], formatGitHubTime(now()), ctx),
      };
    },
    "repos/compare-commits-with-basehead"(rc) {
      const [base, head, extra] = (rc.params.basehead ?? "").split("...");
      return compare(rc, base, head, extra);
    },
    "repos/compare-commits"(rc) {
      return compare(rc, rc.params.base, rc.params.head, undefined);
    },
  };

  function compare(rc: RequestContext, base?: string, head?: string, extra?: string): Reply {
    if (!base || !head || extra !== undefined) return notFound(rc.operation);
    const strip = (ref: string): string => ref.slice(ref.indexOf(":") + 1);
    const b = strip(base);
    const h = strip(head);
    for (const pull of pulls.values()) {
      if ((pull.base.sha === b || pull.base.ref === b) && (pull.head.sha === h || pull.head.ref === h)) {
        return {
          status: 200,
          body: buildComparison(`${base}...${head}`, pull, GITHUB_MAX_COMPARE_FILES, ctx),
        };
      }
    }
    return notFound(rc.operation);
  }

  function authenticate(req: IncomingMessage): { identity?: Identity; problem?: "missing" | "bad" } {
    const header = req.headers.authorization;
    if (header === undefined) return { problem: "missing" };
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    const identity = m ? tokens.get(m[1]!) : undefined;
    return identity ? { identity } : { problem: "bad" };
  }

  function handle(req: IncomingMessage, record: GitHubRecordedRequest, text: string): Reply {
    const method = record.method;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const query = new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1));

    // Route: GitHub's own templates, then the `/repositories/{id}/...` form its Link headers use.
    let path = record.path;
    let repoSuffix: string | undefined;
    let lookup = description.findRoute(method, path);
    const byId = /^\/repositories\/(\d+)(\/.*)$/.exec(path);
    if (lookup.kind !== "match" && byId) {
      if (Number(byId[1]) !== repositoryId) return notFound();
      repoSuffix = byId[2];
      path = `/repos/${owner}/${repo}${repoSuffix}`;
      lookup = description.findRoute(method, path);
    }
    if (lookup.kind === "no-path") {
      addViolation("unknown-endpoint", record, `GitHub has no such endpoint: ${method} ${record.path}`);
      return notFound();
    }
    if (lookup.kind === "no-method") {
      addViolation(
        "unknown-endpoint",
        record,
        `GitHub has no ${method} on ${lookup.template} (it has ${lookup.methods.join(", ")})`,
      );
      return notFound();
    }
    const { operation, params } = lookup;
    record.operationId = operation.operationId;
    const opId = operation.operationId;
    if (repoSuffix === undefined) {
      const m = /^\/repos\/[^/]+\/[^/]+(\/.*)?$/.exec(path);
      if (m) repoSuffix = m[1] ?? "";
    }

    // Parameters.
    for (const parameter of operation.parameters) {
      if (parameter.in !== "path") continue;
      const value = params[parameter.name];
      const problems = value === undefined ? [] : description.validateParameter(operation, parameter, value);
      if (problems.length > 0) {
        addViolation("invalid-path-parameter", record, problems.join(" "), opId);
        return notFound(operation);
      }
    }
    const queryProblems: string[] = [];
    for (const [name, value] of query) {
      const parameter = operation.parameters.find((p) => p.in === "query" && p.name === name);
      if (!parameter) {
        addViolation(
          "unknown-query-parameter",
          record,
          `${opId} has no query parameter "${name}": GitHub ignores it`,
          opId,
        );
        continue;
      }
      const problems = description.validateParameter(operation, parameter, value);
      if (problems.length > 0) {
        addViolation("invalid-query-parameter", record, problems.join(" "), opId);
        queryProblems.push(...problems);
      } else if (name === "per_page" && !(Number(value) >= 1 && Number(value) <= GITHUB_MAX_PER_PAGE)) {
        addViolation(
          "invalid-query-parameter",
          record,
          `per_page=${value} is outside 1..${GITHUB_MAX_PER_PAGE}: GitHub serves ${Number(value) > GITHUB_MAX_PER_PAGE ? GITHUB_MAX_PER_PAGE : GITHUB_DEFAULT_PER_PAGE} per page instead`,
          opId,
        );
      } else if (name === "page" && !(Number(value) >= 1)) {
        addViolation(
          "invalid-query-parameter",
          record,
          `page=${value} is below 1: GitHub serves page 1`,
          opId,
        );
      }
    }
    for (const parameter of operation.parameters) {
      if (parameter.in === "query" && parameter.required && !query.has(parameter.name)) {
        const problem = `"${parameter.name}" wasn't supplied.`;
        addViolation("invalid-query-parameter", record, problem, opId);
        queryProblems.push(problem);
      }
    }
    let headerProblem: string | undefined;
    for (const parameter of operation.parameters) {
      if (
        parameter.in === "header" &&
        parameter.required &&
        req.headers[parameter.name.toLowerCase()] === undefined
      ) {
        headerProblem = `Missing required header ${parameter.name}.`;
        addViolation("invalid-header", record, headerProblem, opId);
      }
    }
    const apiVersion = req.headers["x-github-api-version"];
    if (typeof apiVersion === "string" && !GITHUB_API_VERSIONS.includes(apiVersion)) {
      headerProblem = `API version ${apiVersion} is not supported.`;
      addViolation("invalid-header", record, headerProblem, opId);
    }

    // Body.
    let body: unknown;
    let bodyParseError = false;
    const bodyProblems: string[] = [];
    if (operation.requestBody) {
      if (text.trim() === "") {
        body = undefined;
      } else {
        try {
          body = JSON.parse(text);
        } catch {
          bodyParseError = true;
          addViolation(
            "invalid-body",
            record,
            "The body is not JSON: GitHub answers 400 Problems parsing JSON",
            opId,
          );
        }
      }
      if (!bodyParseError) {
        if (body === undefined && operation.requestBody.required) {
          bodyProblems.push(...description.validateRequestBody(operation, {}));
        } else if (body !== undefined) {
          bodyProblems.push(...description.validateRequestBody(operation, body));
        }
        if (bodyProblems.length > 0) addViolation("invalid-body", record, bodyProblems.join(" "), opId);
      }
    }

    // Authentication and permissions.
    const auth = authenticate(req);
    if (!auth.identity) {
      const message = auth.problem === "missing" ? "Requires authentication" : "Bad credentials";
      return { status: 401, body: errorBody(401, message, GITHUB_DOCS_URL) };
    }
    const identity = auth.identity;
    record.login = identity.login;
    const forbidden = identity.installation
      ? "Resource not accessible by integration"
      : "Resource not accessible by personal access token";
    if (identity.installation && !operation.enabledForGitHubApps) {
      return { status: 403, body: errorBody(403, forbidden, operation.docsUrl) };
    }
    if (method !== "GET" && method !== "HEAD" && operation.template.startsWith("/repos/")) {
      const isChecks = operation.category === "checks";
      if (!(isChecks ? identity.checksWrite : identity.pullRequestsWrite)) {
        const accepted = isChecks ? "checks=write" : "issues=write; pull_requests=write";
        return {
          status: 403,
          body: errorBody(403, forbidden, operation.docsUrl),
          headers: { "x-accepted-github-permissions": accepted },
        };
      }
    }

    // Rejections after authentication, as GitHub orders them.
    if (headerProblem !== undefined) {
      return { status: 400, body: errorBody(400, headerProblem, operation.docsUrl) };
    }
    if (bodyParseError) {
      return { status: 400, body: errorBody(400, "Problems parsing JSON", operation.docsUrl) };
    }
    const problems = [...queryProblems, ...bodyProblems];
    if (problems.length > 0) {
      return {
        status: 422,
        body: errorBody(422, `Invalid request.\n\n${problems.join("\n")}`, operation.docsUrl),
      };
    }

    if (operation.template.startsWith("/repos/{owner}/{repo}") && !isOwnRepo(params)) {
      return notFound(operation);
    }
    const handler = handlers[opId];
    if (!handler) {
      const message = `The GitHub stand-in does not implement ${opId} (${operation.method} ${operation.template})`;
      addViolation("not-implemented", record, message, opId);
      return { status: 501, body: errorBody(501, message, operation.docsUrl) };
    }
    return handler({ operation, params, query, body, identity, repoSuffix, record });
  }

  function send(res: ServerResponse, record: GitHubRecordedRequest, reply: Reply): void {
    record.status = reply.status;
    if (reply.status >= 400) stats.errors++;
    if (validateResponses && record.operationId !== undefined && reply.status >= 200 && reply.status < 300) {
      for (const problem of description.validateResponse(record.operationId, reply.status, reply.body)) {
        addViolation("invalid-response", record, `response ${reply.status}: ${problem}`, record.operationId);
      }
    }
    if (res.destroyed || res.headersSent) return;
    rateRemaining = Math.max(0, rateRemaining - 1);
    const headers: Record<string, string | number> = {
      "x-github-request-id": `STANDIN:${(++requestCounter).toString(16).toUpperCase()}`,
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": GITHUB_API_VERSIONS[0]!,
      "x-ratelimit-limit": RATE_LIMIT,
      "x-ratelimit-remaining": rateRemaining,
      "x-ratelimit-used": RATE_LIMIT - rateRemaining,
      "x-ratelimit-reset": Math.floor(Date.now() / 1000) + 3600,
      "x-ratelimit-resource": "core",
      ...reply.headers,
    };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const record: GitHubRecordedRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: q === -1 ? rawUrl : rawUrl.slice(0, q),
      query: Object.fromEntries(new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1))),
      body: undefined,
      status: 0,
    };
    requests.push(record);
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return; // the client went away mid-body
    }
    if (text !== "") {
      try {
        record.body = JSON.parse(text);
      } catch {
        record.body = text;
      }
    }
    let reply: Reply;
    try {
      reply = handle(req, record, text);
    } catch (error) {
      const message = `The GitHub stand-in failed: ${error instanceof Error ? error.message : String(error)}`;
      reply = { status: 500, body: errorBody(500, message, GITHUB_DOCS_URL) };
    }
    const key = record.operationId ?? "unknown";
    stats.byOperation[key] = (stats.byOperation[key] ?? 0) + 1;
    send(res, record, reply);
  }

  const server = createServer((req, res) => {
    void onRequest(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  ctx.apiUrl = url;
  let closing: Promise<void> | undefined;

  return {
    url,
    requests,
    violations,
    stats,
    checkRuns,
    comments(issueNumber: number): GitHubStandInComment[] {
      return getIssueComments(issueNumber).map(toView);
    },
    addComment(seed: GitHubSeedComment): GitHubStandInComment {
      return toView(insertComment(seed, seed.createdAt ?? formatGitHubTime(now())));
    },
    minimizeComment(commentId: number, reason = "outdated"): void {
      const record = comments.find((c) => c.id === commentId);
      if (!record) throw new RangeError(`no comment with id ${commentId}`);
      record.minimized = reason;
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
