import { createHash } from "node:crypto";
import type { ModelRequest } from "./types.ts";

/** JSON with object keys sorted at every level and undefined values dropped: equal data, equal text. */
export function stringifyCanonical(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortDeep(v);
    }
    return out;
  }
  return value;
}

/**
 * The content address of a model request: sha256 over (base URL, model, messages, parameters, sample index).
 * Identical calls, in one run, across runs, and across base and head, share one key and are made once.
 */
export function computeRequestKey(request: ModelRequest): string {
  const material = stringifyCanonical({
    v: 1,
    baseURL: request.baseURL.replace(/\/+$/, ""),
    model: request.model,
    messages: request.messages,
    params: request.params,
    sample: request.sample,
  });
  return createHash("sha256").update(material).digest("hex");
}
