import { readFile } from "node:fs/promises";
import { z } from "zod";

/** Events the Action understands. */
export const SUPPORTED_EVENTS = [
  "pull_request",
  "pull_request_target",
  "push",
  "workflow_dispatch",
  "merge_group",
  "workflow_run",
] as const;

/** Where and why the Action runs, built from explicit environment variables and the event payload. */
export interface ActionContext {
  eventName: (typeof SUPPORTED_EVENTS)[number];
  owner: string;
  repo: string;
  workspace: string;
  apiUrl: string;
  workflow: string;
  job: string;
  sha: string;
  /** Link to the workflow run, when the runner says which run this is. */
  runUrl?: string;
  /** The pull request, for pull_request and pull_request_target. */
  pullRequest?: {
    number: number;
    base: { ref: string; sha: string };
    head: { ref: string; sha: string };
    /** The head lives in another repository (a fork): secrets are not available to `pull_request`. */
    fromFork: boolean;
  };
  /** The commit before a push (all zeros for a new branch), or a merge group's base. */
  before?: string;
  /** For workflow_run (the comment mode): the run that finished, whose artifact holds the comparison. */
  workflowRun?: { headSha: string; htmlUrl: string; event: string };
}

const envSchema = z.object({
  GITHUB_EVENT_NAME: z.enum(SUPPORTED_EVENTS, {
    error: (issue) =>
      `GITHUB_EVENT_NAME: got ${JSON.stringify(issue.input)}; promptfirst runs on ${SUPPORTED_EVENTS.join(", ")}`,
  }),
  GITHUB_EVENT_PATH: z.string().min(1),
  GITHUB_REPOSITORY: z.string().regex(/^[^/]+\/[^/]+$/),
  GITHUB_WORKSPACE: z.string().min(1),
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  GITHUB_SERVER_URL: z.url().default("https://github.com"),
  GITHUB_WORKFLOW: z.string().default("workflow"),
  GITHUB_JOB: z.string().default("job"),
  GITHUB_SHA: z.string().regex(/^[0-9a-f]{40}$/),
  GITHUB_RUN_ID: z.string().optional(),
});

const refSchema = z.object({
  ref: z.string(),
  sha: z.string(),
  repo: z.object({ full_name: z.string() }).nullable().optional(),
});
const pullPayloadSchema = z.object({
  pull_request: z.object({ number: z.number(), base: refSchema, head: refSchema }),
});
const pushPayloadSchema = z.object({ before: z.string().optional() });
const mergeGroupPayloadSchema = z.object({ merge_group: z.object({ base_sha: z.string() }) });
const workflowRunPayloadSchema = z.object({
  workflow_run: z.object({ head_sha: z.string(), html_url: z.string(), event: z.string() }),
});

/** Read the Action's context from `env` (never from module state), reading the event payload file it names. */
export async function loadActionContext(env: Record<string, string | undefined>): Promise<ActionContext> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `the runner's environment is incomplete: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}`,
    );
  }
  const e = parsed.data;
  const payload: unknown = JSON.parse(await readFile(e.GITHUB_EVENT_PATH, "utf8"));
  const [owner = "", repo = ""] = e.GITHUB_REPOSITORY.split("/");
  const context: ActionContext = {
    eventName: e.GITHUB_EVENT_NAME,
    owner,
    repo,
    workspace: e.GITHUB_WORKSPACE,
    apiUrl: e.GITHUB_API_URL,
    workflow: e.GITHUB_WORKFLOW,
    job: e.GITHUB_JOB,
    sha: e.GITHUB_SHA,
  };
  if (e.GITHUB_RUN_ID)
    context.runUrl = `${e.GITHUB_SERVER_URL}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`;
  if (e.GITHUB_EVENT_NAME === "pull_request" || e.GITHUB_EVENT_NAME === "pull_request_target") {
    const pr = pullPayloadSchema.parse(payload).pull_request;
    const headRepo = pr.head.repo?.full_name;
    context.pullRequest = {
      number: pr.number,
      base: { ref: pr.base.ref, sha: pr.base.sha },
      head: { ref: pr.head.ref, sha: pr.head.sha },
      fromFork: headRepo !== undefined && headRepo !== e.GITHUB_REPOSITORY,
    };
  } else if (e.GITHUB_EVENT_NAME === "push") {
    const before = pushPayloadSchema.parse(payload).before;
    if (before) context.before = before;
  } else if (e.GITHUB_EVENT_NAME === "merge_group") {
    context.before = mergeGroupPayloadSchema.parse(payload).merge_group.base_sha;
  } else if (e.GITHUB_EVENT_NAME === "workflow_run") {
    const run = workflowRunPayloadSchema.parse(payload).workflow_run;
    context.workflowRun = { headSha: run.head_sha, htmlUrl: run.html_url, event: run.event };
  }
  return context;
}
