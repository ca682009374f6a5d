import { parseShardSpec, type ShardSpec } from "@promptfirst/core";
import { z } from "zod";

/** When the sticky comment is posted. */
export const COMMENT_MODES = ["always", "on-change", "on-failure", "never"] as const;
/** Which gates fail the step. */
export const FAIL_ON_VALUES = ["any", "quality", "cost", "errors", "prompt-first", "never"] as const;
/** How the prompt-first rule applies. */
export const PROMPT_FIRST_MODES = ["enforce", "warn", "off"] as const;
/** What the step does: the whole check, or the merge of a sharded check's results. */
export const ACTION_MODES = ["check", "merge", "comment"] as const;

/** The Action's inputs, validated (names as in action.yml, camelCased). */
export interface ActionInputs {
  config: string;
  githubToken: string;
  apiKey: string;
  baseURL?: string;
  model?: string;
  baseRef?: string;
  minScore?: number;
  maxScoreDrop?: number;
  maxCostIncrease?: number;
  maxMonthlyCost?: number;
  maxErrorRate?: number;
  confidence?: number;
  promptFirst?: (typeof PROMPT_FIRST_MODES)[number];
  minFineTuneGain?: number;
  comment: (typeof COMMENT_MODES)[number];
  failOn: (typeof FAIL_ON_VALUES)[number];
  forceRun: boolean;
  /** After a check, keep only the cache entries its evaluations read or wrote (for a cache kept across runs). */
  pruneCache: boolean;
  /** Sets this job's sticky comment apart from other jobs' (matrix legs, shards); optional. */
  commentKey?: string;
  /**
   * The login the sticky comment is posted as (`my-app[bot]` for a GitHub App's token), when the token cannot
   * tell: default the token's own user, or `github-actions[bot]` for an installation token.
   */
  commentAuthor?: string;
  /** A committed recording to answer from (like `promptfirst eval --replay`): no API key, no network. */
  replay?: string;
  cacheDir: string;
  reportDir: string;
  /** The comment mode's Comparison file (default: comparison.json in report-dir). */
  comparison?: string;
  /** The comment mode's pull request (default: the event's). */
  pullRequest?: number;
  /**
   * `check` (default): evaluate and judge, or with `shard` evaluate one shard; `merge`: judge the shards' results;
   * `comment`: post the comment of a comparison another run made (a fork's pull request, on workflow_run).
   */
  mode: (typeof ACTION_MODES)[number];
  /** Evaluate only this shard of the touched suites' cases (a job of a matrix); no verdict, no comment. */
  shard?: ShardSpec;
}

/** One invalid input: its name, what was received, and what is allowed. */
export interface InputProblem {
  input: string;
  received: string;
  allowed: string;
}

/** Thrown when inputs are invalid; the message lists every problem, one per line. */
export class InputError extends Error {
  readonly problems: InputProblem[];

  constructor(problems: InputProblem[]) {
    super(
      problems
        .map((p) => `input "${p.input}": got ${JSON.stringify(p.received)}; allowed: ${p.allowed}`)
        .join("\n"),
    );
    this.name = "InputError";
    this.problems = problems;
  }
}

const number = (min: number, max: number, exclusive = false) =>
  z
    .string()
    .trim()
    .transform((text, ctx) => {
      const value = Number(text.endsWith("%") && max <= 1 ? Number(text.slice(0, -1)) / 100 : text);
      const inRange = exclusive ? value > min && value < max : value >= min && value <= max;
      if (text === "" || !Number.isFinite(value) || !inRange) {
        ctx.addIssue({ code: "custom", message: "out of range" });
        return z.NEVER;
      }
      return value;
    });

/** A yes/no input, as YAML writes booleans (`true`, `True`, `TRUE`, and the same for false). */
const boolean = () =>
  z.enum(["true", "false", "True", "False", "TRUE", "FALSE"]).transform((v) => v.toLowerCase() === "true");

interface Spec {
  name: string;
  allowed: string;
  schema: z.ZodType;
  optional?: boolean;
}

const SPECS: Record<keyof ActionInputs, Spec> = {
  config: { name: "config", allowed: "a path to the config file", schema: z.string().min(1) },
  githubToken: { name: "github-token", allowed: "a GitHub token", schema: z.string() },
  apiKey: { name: "api-key", allowed: "the provider's API key from a secret", schema: z.string() },
  baseURL: {
    name: "base-url",
    allowed: "an http(s) URL such as https://api.openai.com/v1",
    schema: z.url({ protocol: /^https?$/ }),
    optional: true,
  },
  model: { name: "model", allowed: "a model name", schema: z.string().min(1), optional: true },
  baseRef: {
    name: "base-ref",
    allowed: "a commit, branch or tag",
    schema: z.string().min(1),
    optional: true,
  },
  minScore: {
    name: "min-score",
    allowed: "a number from 0 to 1 (or empty)",
    schema: number(0, 1),
    optional: true,
  },
  maxScoreDrop: {
    name: "max-score-drop",
    allowed: "a number from 0 to 1",
    schema: number(0, 1),
    optional: true,
  },
  maxCostIncrease: {
    name: "max-cost-increase",
    allowed: "a percentage of 0 or more, such as 20",
    schema: number(0, Number.MAX_SAFE_INTEGER),
    optional: true,
  },
  maxMonthlyCost: {
    name: "max-monthly-cost",
    allowed: "an amount in USD of 0 or more (or empty)",
    schema: number(0, Number.MAX_SAFE_INTEGER),
    optional: true,
  },
  maxErrorRate: {
    name: "max-error-rate",
    allowed: "a number from 0 to 1",
    schema: number(0, 1),
    optional: true,
  },
  confidence: {
    name: "confidence",
    allowed: "a number between 0.5 and 1 (exclusive), such as 0.95",
    schema: number(0.5, 1, true),
    optional: true,
  },
  promptFirst: {
    name: "prompt-first",
    allowed: PROMPT_FIRST_MODES.join(", "),
    schema: z.enum(PROMPT_FIRST_MODES),
    optional: true,
  },
  minFineTuneGain: {
    name: "min-fine-tune-gain",
    allowed: "a number from 0 to 1",
    schema: number(0, 1),
    optional: true,
  },
  comment: { name: "comment", allowed: COMMENT_MODES.join(", "), schema: z.enum(COMMENT_MODES) },
  failOn: { name: "fail-on", allowed: FAIL_ON_VALUES.join(", "), schema: z.enum(FAIL_ON_VALUES) },
  forceRun: { name: "force-run", allowed: "true or false", schema: boolean() },
  pruneCache: { name: "prune-cache", allowed: "true or false", schema: boolean() },
  replay: {
    name: "replay",
    allowed: "the path of a recording file (e.g. written by promptfirst eval --record)",
    schema: z.string().min(1),
    optional: true,
  },
  commentKey: {
    name: "comment-key",
    allowed: "any text that tells this job's comment apart, e.g. the JSON of the matrix",
    schema: z.string().min(1),
    optional: true,
  },
  commentAuthor: {
    name: "comment-author",
    allowed: "a GitHub login, e.g. my-app[bot] for a GitHub App's token (the app's slug followed by [bot])",
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/),
    optional: true,
  },
  comparison: {
    name: "comparison",
    allowed: "the path of a comparison.json written by promptfirst (the comment mode's input)",
    schema: z.string().min(1),
    optional: true,
  },
  pullRequest: {
    name: "pull-request",
    allowed: "a pull request number, e.g. 42",
    schema: z
      .string()
      .trim()
      .regex(/^[1-9][0-9]{0,9}$/)
      .transform(Number),
    optional: true,
  },
  cacheDir: { name: "cache-dir", allowed: "a directory path", schema: z.string().min(1) },
  reportDir: { name: "report-dir", allowed: "a directory path", schema: z.string().min(1) },
  mode: { name: "mode", allowed: ACTION_MODES.join(", "), schema: z.enum(ACTION_MODES) },
  shard: {
    name: "shard",
    allowed:
      "i/n, shard i of n with 1 ≤ i ≤ n ≤ 1000 (e.g. 2/4 for the second of four), or empty for no sharding",
    schema: z
      .string()
      .trim()
      .transform((text, ctx) => {
        const parsed = parseShardSpec(text);
        if ("spec" in parsed) return parsed.spec;
        ctx.addIssue({ code: "custom", message: parsed.problem });
        return z.NEVER;
      }),
    optional: true,
  },
};

/** Every input's name, as action.yml declares it. */
export const INPUT_NAMES: readonly string[] = Object.values(SPECS).map((spec) => spec.name);

/**
 * The defaults of action.yml, for inputs a runner leaves unset (e.g. when run outside `uses:`). Gate thresholds
 * have none here: unset, they come from the base config's `gates:`, else promptfirst's own defaults.
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  config: "promptfirst.yaml",
  comment: "always",
  "fail-on": "any",
  "force-run": "false",
  "prune-cache": "false",
  "cache-dir": ".promptfirst/cache",
  "report-dir": ".promptfirst/report",
  mode: "check",
};

/**
 * Validate the Action's inputs. `read(name)` returns the raw input (`core.getInput`); empty means unset. Every
 * invalid input is reported at once, each with its name, the value received and the values allowed.
 */
export function parseInputs(read: (name: string) => string): ActionInputs {
  const problems: InputProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SPECS)) {
    const raw = read(spec.name).trim() || INPUT_DEFAULTS[spec.name] || "";
    if (raw === "" && (spec.optional || key === "githubToken" || key === "apiKey")) {
      if (!spec.optional) out[key] = "";
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push({ input: spec.name, received: raw, allowed: spec.allowed });
  }
  if (out.mode === "merge" && out.shard !== undefined) {
    problems.push({
      input: "shard",
      received: read("shard").trim(),
      allowed: "empty when mode is merge (the merge job reads every shard's results from report-dir)",
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return out as unknown as ActionInputs;
}
