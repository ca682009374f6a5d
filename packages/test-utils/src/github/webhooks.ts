/**
 * Real webhook payloads from `@octokit/webhooks-examples` (the examples GitHub's webhook documentation is
 * checked against), for GITHUB_EVENT_PATH in end-to-end tests of an Action.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** Module specifier of the api.github.com webhook examples (one JSON array of event definitions). */
export const GITHUB_WEBHOOK_EXAMPLES = "@octokit/webhooks-examples/api.github.com/index.json";

/** Actions of the `pull_request` event. */
export type PullRequestAction =
  | "assigned"
  | "auto_merge_disabled"
  | "auto_merge_enabled"
  | "closed"
  | "converted_to_draft"
  | "dequeued"
  | "edited"
  | "enqueued"
  | "labeled"
  | "locked"
  | "merged"
  | "opened"
  | "ready_for_review"
  | "reopened"
  | "review_request_removed"
  | "review_requested"
  | "synchronize"
  | "unassigned"
  | "unlabeled"
  | "unlocked";

/** A JSON object of a webhook payload. */
export type WebhookPayload = Record<string, unknown>;

/** Overrides deep-merged into an example: objects merge key by key; arrays and other values replace. */
export type WebhookOverrides = { [key: string]: unknown };

/** The fields of a `pull_request` payload that `loadPullRequestEvent` sets. */
export interface PullRequestEventPayload extends WebhookPayload {
  action: string;
  number: number;
  pull_request: WebhookPayload & {
    number: number;
    head: WebhookPayload & { sha: string; ref: string; repo: WebhookPayload & { full_name: string } };
    base: WebhookPayload & { sha: string; ref: string; repo: WebhookPayload & { full_name: string } };
  };
  repository: WebhookPayload & { name: string; full_name: string; owner: WebhookPayload & { login: string } };
}

interface WebhookDefinition {
  name: string;
  actions: string[];
  examples: WebhookPayload[];
}

let definitions: WebhookDefinition[] | undefined;

function loadDefinitions(): WebhookDefinition[] {
  if (!definitions) {
    const require = createRequire(import.meta.url);
    definitions = JSON.parse(
      readFileSync(require.resolve(GITHUB_WEBHOOK_EXAMPLES), "utf8"),
    ) as WebhookDefinition[];
  }
  return definitions;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Deep-merges `overrides` into a copy of `target`: plain objects merge key by key, anything else (arrays,
 * primitives, null) replaces; `undefined` values are skipped.
 */
export function mergeDeep<T>(target: T, overrides: WebhookOverrides | undefined): T {
  const out: unknown = structuredClone(target);
  if (!overrides) return out as T;
  const merge = (into: Record<string, unknown>, from: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(from)) {
      if (value === undefined) continue;
      const current = into[key];
      if (isPlainObject(value) && isPlainObject(current)) merge(current, value);
      else into[key] = structuredClone(value);
    }
  };
  if (isPlainObject(out)) merge(out, overrides);
  return out as T;
}

/** The event names with examples, e.g. `pull_request`, `issue_comment`, `push`. */
export function listWebhookEvents(): string[] {
  return loadDefinitions().map((d) => d.name);
}

/**
 * A real example payload of `event` with `action` (the `index`-th such example, default the first), as a fresh
 * copy deep-merged with `overrides`. Throws, naming the actions that have examples, when there is none.
 */
export function loadWebhookExample(
  event: "pull_request",
  action: PullRequestAction,
  overrides?: WebhookOverrides,
  index?: number,
): WebhookPayload;
export function loadWebhookExample(
  event: string,
  action: string | undefined,
  overrides?: WebhookOverrides,
  index?: number,
): WebhookPayload;
export function loadWebhookExample(
  event: string,
  action: string | undefined,
  overrides?: WebhookOverrides,
  index = 0,
): WebhookPayload {
  const definition = loadDefinitions().find((d) => d.name === event);
  if (!definition) {
    throw new RangeError(
      `@octokit/webhooks-examples has no event "${event}"; events: ${listWebhookEvents().join(", ")}`,
    );
  }
  const matching = definition.examples.filter((e) => action === undefined || e.action === action);
  const example = matching[index];
  if (!example) {
    const actions = [...new Set(definition.examples.map((e) => String(e.action)))].sort();
    throw new RangeError(
      `@octokit/webhooks-examples has ${matching.length} "${event}" example(s) with action "${String(action)}", ` +
        `asked for index ${index}; actions with examples: ${actions.join(", ")}`,
    );
  }
  return mergeDeep(example, overrides);
}

/** Options of `loadPullRequestEvent`. */
export interface PullRequestEventOptions {
  action?: PullRequestAction;
  /** Owner of the base repository. */
  owner: string;
  /** Name of the base repository. */
  repo: string;
  number: number;
  head: { sha: string; ref: string; owner?: string; repo?: string };
  base: { sha: string; ref: string };
  /** Deep-merged last, over everything else. */
  overrides?: WebhookOverrides;
}

function rewriteRepoStrings(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") return value.includes(from) ? value.replaceAll(from, to) : value;
  if (Array.isArray(value)) return value.map((item) => rewriteRepoStrings(item, from, to));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = rewriteRepoStrings(item, from, to);
    return out;
  }
  return value;
}

/**
 * A real `pull_request` example (default action `opened`) moved to `owner/repo` consistently: every URL and
 * name of the example's repository is rewritten, and `number`, head and base (sha, ref, and for a fork the head
 * repository's owner and name) are set, then `overrides` are merged. Ready to write to GITHUB_EVENT_PATH.
 */
export function loadPullRequestEvent(options: PullRequestEventOptions): PullRequestEventPayload {
  const example = loadWebhookExample("pull_request", options.action ?? "opened") as PullRequestEventPayload;
  const from = example.repository.full_name;
  const to = `${options.owner}/${options.repo}`;
  const payload = rewriteRepoStrings(example, from, to) as PullRequestEventPayload;
  const fromOwner = from.split("/")[0]!;
  const headOwner = options.head.owner ?? options.owner;
  const headRepo = options.head.repo ?? options.repo;
  const isFork = `${headOwner}/${headRepo}` !== to;
  const ownerPatch = { login: options.owner };
  const repoPatch = { name: options.repo, full_name: to, owner: ownerPatch };
  const headRepoPatch = isFork
    ? { name: headRepo, full_name: `${headOwner}/${headRepo}`, owner: { login: headOwner }, fork: true }
    : { ...repoPatch, fork: false };
  const merged = mergeDeep(payload, {
    number: options.number,
    repository: repoPatch,
    pull_request: {
      number: options.number,
      url: `https://api.github.com/repos/${to}/pulls/${options.number}`,
      html_url: `https://github.com/${to}/pull/${options.number}`,
      issue_url: `https://api.github.com/repos/${to}/issues/${options.number}`,
      comments_url: `https://api.github.com/repos/${to}/issues/${options.number}/comments`,
      head: {
        sha: options.head.sha,
        ref: options.head.ref,
        label: `${headOwner}:${options.head.ref}`,
        repo: headRepoPatch,
      },
      base: {
        sha: options.base.sha,
        ref: options.base.ref,
        label: `${options.owner}:${options.base.ref}`,
        repo: repoPatch,
      },
    },
  });
  if (isFork) {
    const head = merged.pull_request.head;
    head.repo = rewriteRepoStrings(head.repo, to, `${headOwner}/${headRepo}`) as typeof head.repo;
  }
  // A `synchronize` event's `after` is the new head commit.
  if (typeof merged.after === "string") merged.after = options.head.sha;
  // The example's organization, if any, follows the owner.
  if (isPlainObject(merged.organization) && merged.organization.login === fromOwner) {
    merged.organization.login = options.owner;
  }
  return mergeDeep(merged, options.overrides);
}
