import type { ChatMessage, ScoreResult, Usage } from "../types.ts";

/** What a judge scorer asks its model: the full chat, and the model and temperature it was configured with. */
export interface JudgeRequest {
  messages: ChatMessage[];
  /** The scorer's own `model`; absent means the config's default judge model. */
  model?: string;
  temperature?: number;
}

/** The answer to a `JudgeRequest`: the judge's text with its usage and cost, or why the call failed. */
export type JudgeResponse =
  | { ok: true; output: string; usage?: Usage; costUsd: number | null }
  | { ok: false; error: string };

/** Port: calls the judge model (the runner wires it to a provider, the cache and the price table). */
export type JudgeCall = (request: JudgeRequest) => Promise<JudgeResponse>;

/** Everything a scorer sees about one model output. */
export interface ScorerInput {
  output: string;
  /** The case's `expected` value; `undefined` (or `null`) means the case has none. */
  expected?: unknown;
  vars: Record<string, unknown>;
  caseId: string;
  /** The rendered prompt's last user message, shown to judges as the input the output answers. */
  input?: string;
}

/** The object form of what a custom scorer may return. */
export interface CustomScoreObject {
  /** In [0, 1]; `null` when the scorer does not apply to this case. */
  score: number | null;
  /** Overrides the threshold comparison (unless the config sets `threshold` explicitly). */
  pass?: boolean;
  reason?: string;
  metadata?: Record<string, unknown>;
}

/** What a custom scorer may return: a score in [0, 1], a boolean (1 or 0), or a `CustomScoreObject`. */
export type CustomScoreValue = number | boolean | CustomScoreObject;

/** The default export of a custom scorer module. */
export type CustomScorerFn = (
  args: ScorerInput & { options: Record<string, unknown> },
) => CustomScoreValue | Promise<CustomScoreValue>;

/** What scorers need from outside core: a judge model and loaders for files (wired by the shell). */
export interface ScorerRuntime {
  /** Calls the judge model; without it, judge scorers score 0 with a reason. */
  judge?: JudgeCall;
  /** Imports a custom scorer module (`loadCustomScorer` from `@promptfirst/core/node`). */
  loadCustom?: (modulePath: string) => Promise<CustomScorerFn>;
  /**
   * Reads a JSON Schema file named by `json: { schema: "path" }` (`loadJsonSchemaFile` from
   * `@promptfirst/core/node`). Not needed when the config loader has already inlined the schema.
   */
  loadJsonSchema?: (schemaPath: string) => Promise<unknown>;
}

/** Where a scorer was configured: the config file's directory (for relative paths) and its list position. */
export interface ScorerContext {
  /** Directory that relative paths in the scorer (custom module, JSON Schema file) are resolved against. */
  baseDir: string;
  /** Position of the scorer in the suite's `scorers` list (0-based). */
  index: number;
}

/** A configured scorer, ready to score outputs. `score` never throws: failures are scores of 0 with a reason. */
export interface Scorer {
  /** Unique within the suite: the configured `name`, else the kind, with `#2`, `#3` … for repeats. */
  name: string;
  /** The scorer key: `exact`, `contains`, `judge`, … */
  kind: string;
  /**
   * Load what the scorer needs up front (a custom module, a JSON Schema file) and throw a `PromptfirstError`
   * when it cannot, so a shell can fail before spending money on model calls. `score` calls it lazily and turns
   * the same failure into a score of 0 with the error as the reason.
   */
  prepare(): Promise<void>;
  score(input: ScorerInput): Promise<ScoreResult>;
}
