/**
 * `isRecord` and `describeValue` as `prompts/issue-collector.ts` defines them (the same words in messages), kept
 * here so that the training-data worker thread does not load that module's YAML dependency.
 */

/** Whether a value is a plain object (a JSON object), not an array or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value in words for a message: "a list", "the text \"…\"", "the number 3". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text ${JSON.stringify(truncate(value, 40))}`;
  return `${typeof value === "number" ? "the number" : `the ${typeof value}`} ${String(value)}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
