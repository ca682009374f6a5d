/** The parts of an OpenAI fine-tuned model id: `ft:<base>:<org>:<suffix>:<id>[:<checkpoint>]`. */
export interface FineTunedModelId {
  /** The snapshot that was fine-tuned, e.g. `gpt-4o-mini-2024-07-18`; lifecycle and price rules apply to it. */
  base: string;
  /** The organization that owns the model. */
  org?: string;
  /** The suffix chosen when the job was created (absent when none was given: `ft:base:org::id`). */
  suffix?: string;
  /** The model's unique id. */
  id?: string;
  /** A checkpoint of the job, e.g. `ckpt-step-88`, when the id names one. */
  checkpoint?: string;
}

/**
 * Parse an OpenAI fine-tuned model id, e.g. `ft:gpt-4o-mini-2024-07-18:acme:support:abc123` ->
 * `{ base: "gpt-4o-mini-2024-07-18", org: "acme", suffix: "support", id: "abc123" }`. Returns undefined for any
 * id that does not start with `ft:` followed by a base model.
 */
export function parseFineTunedModelId(model: string): FineTunedModelId | undefined {
  const parts = model.trim().split(":");
  if (parts[0]?.toLowerCase() !== "ft") return undefined;
  const base = parts[1];
  if (!base) return undefined;
  const parsed: FineTunedModelId = { base };
  const [org, suffix, id, ...checkpoint] = parts.slice(2);
  if (org) parsed.org = org;
  if (suffix) parsed.suffix = suffix;
  if (id) parsed.id = id;
  if (checkpoint.length > 0 && checkpoint.join(":")) parsed.checkpoint = checkpoint.join(":");
  return parsed;
}
