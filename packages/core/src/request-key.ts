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

/** What else about an endpoint can change its answers: a gateway routes by header, Azure by `api-version`. */
export interface RequestKeyEndpoint {
  apiVersion?: string;
  headers?: Readonly<Record<string, string>>;
}

/**
 * The content address of a model request: sha256 over (base URL, model, messages, parameters, sample index, and
 * the endpoint's `api-version` and extra headers when it sets any). Identical calls, in one run, across runs, and
 * across base and head, share one key and are made once. An endpoint with neither keeps the keys it always had,
 * so existing caches still answer.
 */
export function computeRequestKey(request: ModelRequest, endpoint: RequestKeyEndpoint = {}): string {
  const headers = Object.entries(endpoint.headers ?? {});
  const material = stringifyCanonical({
    v: 1,
    baseURL: request.baseURL.replace(/\/+$/, ""),
    model: request.model,
    messages: request.messages,
    params: request.params,
    sample: request.sample,
    ...(endpoint.apiVersion ? { apiVersion: endpoint.apiVersion } : {}),
    // Header names are case-insensitive.
    ...(headers.length > 0
      ? { headers: Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value])) }
      : {}),
  });
  return createHash("sha256").update(material).digest("hex");
}
