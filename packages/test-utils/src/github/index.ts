/**
 * The GitHub REST stand-in checked against `@octokit/openapi`, and real webhook payloads from
 * `@octokit/webhooks-examples`.
 */

export {
  GITHUB_DOCS_URL,
  GITHUB_OPENAPI_PACKAGE,
  GITHUB_OPENAPI_SPEC,
  type GitHubApiDescription,
  type GitHubOperation,
  type GitHubParameter,
  type GitHubRouteLookup,
  loadGitHubApiDescription,
} from "./openapi.ts";
export { GITHUB_ACTIONS_BOT_ID, GITHUB_ACTIONS_BOT_LOGIN } from "./resources.ts";
export {
  DEFAULT_GITHUB_TOKENS,
  GITHUB_API_VERSIONS,
  GITHUB_DEFAULT_PER_PAGE,
  GITHUB_MAX_COMMENT_CHARS,
  GITHUB_MAX_COMPARE_FILES,
  GITHUB_MAX_PER_PAGE,
  GITHUB_MAX_PULL_FILES,
  GITHUB_STANDIN_READ_TOKEN,
  GITHUB_STANDIN_WRITE_TOKEN,
  startGitHubStandIn,
} from "./stand-in.ts";
export type {
  GitHubAccount,
  GitHubRecordedRequest,
  GitHubSeedComment,
  GitHubSeedFile,
  GitHubSeedPull,
  GitHubSeedRef,
  GitHubStandIn,
  GitHubStandInCheckRun,
  GitHubStandInComment,
  GitHubStandInOptions,
  GitHubStandInStats,
  GitHubTokenIdentity,
  GitHubViolation,
  GitHubViolationKind,
} from "./types.ts";
export {
  GITHUB_WEBHOOK_EXAMPLES,
  listWebhookEvents,
  loadPullRequestEvent,
  loadWebhookExample,
  mergeDeep,
  type PullRequestAction,
  type PullRequestEventOptions,
  type PullRequestEventPayload,
  type WebhookOverrides,
  type WebhookPayload,
} from "./webhooks.ts";
