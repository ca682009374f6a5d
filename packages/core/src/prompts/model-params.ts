import type { ModelParams } from "../types.ts";
import type { PathSegment } from "../yaml/source.ts";
import { describeValue, type IssueCollector, isRecord } from "./issue-collector.ts";

type NumericParam =
  | "temperature"
  | "top_p"
  | "max_tokens"
  | "max_completion_tokens"
  | "seed"
  | "presence_penalty"
  | "frequency_penalty";

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

const NUMBER_RULES: Record<NumericParam, NumberRule> = {
  temperature: { min: 0, max: 2 },
  top_p: { min: 0, max: 1 },
  max_tokens: { min: 1, integer: true },
  max_completion_tokens: { min: 1, integer: true },
  seed: { integer: true },
  presence_penalty: { min: -2, max: 2 },
  frequency_penalty: { min: -2, max: 2 },
};

/** Parameter keys a text or chat prompt file may set (OpenAI chat completions names), besides `response_format`. */
export const MODEL_PARAM_KEYS: readonly string[] = [...Object.keys(NUMBER_RULES), "stop", "reasoning_effort"];

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? "a whole number" : "a number";
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} of at least ${rule.min}`;
  return kind;
}

/**
 * Check one model parameter (`key` is one of MODEL_PARAM_KEYS) and store it in `params`; a bad value is
 * reported at `path` and left out.
 */
export function readModelParam(
  params: ModelParams,
  key: string,
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
): void {
  if (key === "stop") {
    const stops = typeof value === "string" ? [value] : value;
    if (Array.isArray(stops) && stops.length > 0 && stops.every((s) => typeof s === "string" && s !== "")) {
      params.stop = stops as string[];
    } else {
      issues.add(path, `must be a stop sequence or a list of them, got ${describeValue(value)}`);
    }
    return;
  }
  if (key === "reasoning_effort") {
    if (typeof value === "string" && value.trim() !== "") params.reasoning_effort = value;
    else
      issues.add(
        path,
        `must be a reasoning effort such as "low", "medium" or "high", got ${describeValue(value)}`,
      );
    return;
  }
  const rule = NUMBER_RULES[key as NumericParam];
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (ok) params[key as NumericParam] = value;
  else issues.add(path, `must be ${describeRule(rule)}, got ${describeValue(value)}`);
}

const RESPONSE_FORMAT_TYPES = ["text", "json_object", "json_schema"];

/**
 * Check an OpenAI `response_format` value: an object `{ type, json_schema? }`, or the shorthand strings
 * `text` and `json_object`. Returns the object to send; `undefined` for plain text (the default) or a bad
 * value (reported).
 */
export function readResponseFormat(
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
): Record<string, unknown> | undefined {
  const format = typeof value === "string" ? { type: value } : value;
  if (!isRecord(format) || typeof format.type !== "string") {
    issues.add(
      path,
      `must be { type: "json_object" } or { type: "json_schema", json_schema: { name, schema } }, got ${describeValue(value)}`,
    );
    return undefined;
  }
  if (!RESPONSE_FORMAT_TYPES.includes(format.type)) {
    issues.add([...path, "type"], `must be one of ${RESPONSE_FORMAT_TYPES.join(", ")}, got "${format.type}"`);
    return undefined;
  }
  if (format.type === "json_schema") {
    const schema = format.json_schema;
    if (!isRecord(schema) || typeof schema.name !== "string" || !isRecord(schema.schema)) {
      issues.add(
        [...path, "json_schema"],
        "a json_schema response format needs json_schema: { name: <letters, digits, _ or ->, schema: <a JSON Schema object> }",
      );
      return undefined;
    }
  } else if (format.type === "text") {
    return undefined;
  }
  return format;
}
