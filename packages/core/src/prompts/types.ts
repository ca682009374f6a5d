import type { Case, ChatRole, ModelParams } from "../types.ts";

/** Which kind of prompt file a template came from. */
export type PromptKind = "text" | "chat" | "github-models";

/** One message of a prompt template; `content` may contain `{{vars}}`. */
export interface PromptMessageTemplate {
  role: ChatRole;
  content: string;
}

/** A prompt as read from a file, before any case's variables are filled in. */
export interface PromptTemplate {
  messages: PromptMessageTemplate[];
  /** Model named by the file, exactly as written (`openai/gpt-4o-mini` in a GitHub Models file). */
  model?: string;
  /**
   * The model name without a publisher prefix (`gpt-4o-mini` for `openai/gpt-4o-mini`), for GitHub Models
   * files whose model ids only that service understood. Absent when the file names no model.
   */
  modelHint?: string;
  /** Sampling parameters from the file. Never carries `response_format`: see `responseFormat`. */
  params?: ModelParams;
  /** The OpenAI `response_format` object (`{ type: "json_object" }`, `{ type: "json_schema", json_schema }`). */
  responseFormat?: Record<string, unknown>;
  /** The file the template came from, as the user would type it (for error messages). */
  source: string;
  kind: PromptKind;
}

/** Everything a prompt file holds: the template, and for GitHub Models files its test data and evaluators. */
export interface ParsedPrompt {
  template: PromptTemplate;
  /** Cases from a GitHub Models file's `testData`. */
  cases?: Case[];
  /**
   * Scorer config objects from a GitHub Models file's `evaluators`, in the shape `promptfirst.yaml` uses
   * (`{ name, contains }`, `{ name, judge: {...} }`); not yet validated against the scorer schema.
   */
  scorers?: Array<Record<string, unknown>>;
  name?: string;
  description?: string;
}
