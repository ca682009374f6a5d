import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeRequestKey, stringifyCanonical } from "./request-key.ts";
import type { ModelRequest } from "./types.ts";

const REQUEST: ModelRequest = {
  baseURL: "https://gateway.example/v1/",
  model: "gpt-4.1-mini",
  messages: [{ role: "user", content: "Add one to 1." }],
  params: { temperature: 0 },
  sample: 0,
};

describe("computeRequestKey", () => {
  it("keeps the key it always gave an endpoint with no api-version or extra headers (caches still answer)", () => {
    const before = createHash("sha256")
      .update(
        stringifyCanonical({
          v: 1,
          baseURL: "https://gateway.example/v1",
          model: REQUEST.model,
          messages: REQUEST.messages,
          params: REQUEST.params,
          sample: 0,
        }),
      )
      .digest("hex");
    expect(computeRequestKey(REQUEST)).toBe(before);
    expect(computeRequestKey(REQUEST, { headers: {} })).toBe(before);
  });

  it("tells apart endpoints that route by header or api-version, whatever the header names' case", () => {
    const plain = computeRequestKey(REQUEST);
    const routedA = computeRequestKey(REQUEST, { headers: { "X-Route": "provider-a" } });
    const routedB = computeRequestKey(REQUEST, { headers: { "X-Route": "provider-b" } });
    expect(new Set([plain, routedA, routedB]).size).toBe(3);
    expect(computeRequestKey(REQUEST, { headers: { "x-route": "provider-a" } })).toBe(routedA);
    const azure = computeRequestKey(REQUEST, { apiVersion: "2024-10-21" });
    expect(azure).not.toBe(plain);
    expect(computeRequestKey(REQUEST, { apiVersion: "2025-01-01" })).not.toBe(azure);
  });
});
