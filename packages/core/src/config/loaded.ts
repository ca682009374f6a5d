import type { PromptTemplate } from "../prompts/index.ts";
import type { ScorerConfig } from "../scorers/index.ts";
import type { Case, ModelParams } from "../types.ts";
import type { Config, FineTuneConfig } from "./schema.ts";

/** A provider endpoint with every default applied. */
export interface ResolvedProvider {
  type: "openai" | "replay";
  baseURL: string;
  /** Environment variable holding the key; the key itself is read only by the shells. */
  apiKeyEnv: string;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  headers: Record<string, string>;
  apiVersion?: string;
  /** Absolute path of the recording, for `type: replay`. */
  recording?: string;
  /**
   * Requests go through OpenAI's Batch API (config `batch: true`); then `concurrency` is the most requests one
   * batch holds and `timeoutMs` the batch's completion window plus time to download, whatever the config says.
   */
  batch?: boolean;
}

/** A candidate with its prompt read and its provider and parameters resolved. */
export interface LoadedCandidate {
  name: string;
  kind: "prompt" | "fine-tune";
  /** The model to call; undefined for a fine-tune that is not trained yet. */
  model?: string;
  prompt: PromptTemplate;
  params: ModelParams;
  provider: ResolvedProvider;
  fineTune?: FineTuneConfig & { trainingDataPath: string };
  /** Why the candidate cannot be evaluated (e.g. a fine-tune not trained yet); undefined when it can. */
  skipReason?: string;
}

/** A suite with its cases read and its candidates resolved. */
export interface LoadedSuite {
  name: string;
  description?: string;
  cases: Case[];
  target?: number;
  volume?: number;
  repeat: number;
  /** Scorer configs with file references resolved (JSON Schemas inlined, custom module paths absolute). */
  scorers: ScorerConfig[];
  candidates: LoadedCandidate[];
  /** Every file this suite depends on, relative to the config's directory (prompts, cases, data, scorers). */
  files: string[];
}

/** The judge used by `judge` scorers that name no model of their own. */
export interface LoadedJudge {
  model?: string;
  provider: ResolvedProvider;
  temperature?: number;
}

/** `promptfirst.yaml` with everything it references read and validated. */
export interface LoadedConfig {
  /** The config file as the user named it. */
  file: string;
  /** Absolute directory of the config; relative paths in it resolve from here. */
  dir: string;
  /** Short hash over the config and every file it references: what a result was computed from. */
  hash: string;
  config: Config;
  suites: LoadedSuite[];
  judge: LoadedJudge;
  /** Absolute cache directory. */
  cacheDir: string;
}
