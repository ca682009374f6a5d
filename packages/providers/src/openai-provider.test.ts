import type { ModelRequest } from "@promptfirst/core";
import {
  type MockOpenAIOptions,
  type MockOpenAIServer,
  mockError,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { isLocalEndpoint, OpenAIProvider, parseRetryAfter, toProviderError } from "./openai-provider.ts";

const servers: MockOpenAIServer[] = [];

async function start(options?: MockOpenAIOptions): Promise<MockOpenAIServer> {
  const server = await startMockOpenAI(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function makeRequest(baseURL: string, overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    baseURL,
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Answer briefly." },
      { role: "user", content: "Capital of France?" },
    ],
    params: { temperature: 0, max_tokens: 20 },
    sample: 0,
    ...overrides,
  };
}

const signal = () => AbortSignal.timeout(10_000);

/** A fetch that records each call, then sends it to `target` (an origin) instead of the URL's own. */
function recordingFetch(target?: string) {
  const calls: Array<{ url: URL; headers: Headers }> = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push({ url, headers: new Headers(init?.headers) });
    const sent = target ? `${target}${url.pathname}${url.search}` : url.href;
    return fetch(sent, init);
  }) as typeof fetch;
  return { calls, fetch: fetchFn };
}

describe("OpenAIProvider.complete", () => {
  it("sends model, messages and parameters, and maps the answer and its usage (cached tokens too)", async () => {
    const server = await start({
      respond: () => ({
        content: "Paris.",
        usage: { prompt_tokens: 1200, completion_tokens: 3, cached_tokens: 1024 },
        model: "gpt-4o-mini-2024-07-18",
        finishReason: "length",
      }),
    });
    const provider = new OpenAIProvider({ baseURL: server.baseURL, apiKey: "sk-test" });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });

    expect(response).toEqual({
      ok: true,
      output: "Paris.",
      usage: { inputTokens: 1200, outputTokens: 3, cachedInputTokens: 1024 },
      model: "gpt-4o-mini-2024-07-18",
      finishReason: "length",
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "Capital of France?" },
      ],
      temperature: 0,
      max_tokens: 20,
      stream: false,
    });
    expect(provider.id).toBe(`openai:${server.baseURL}`);
  });

  it("makes one request per call: the SDK's own retries are off", async () => {
    const server = await start({ faults: { rate: 1, statuses: [500] } });
    const provider = new OpenAIProvider({ baseURL: server.baseURL, apiKey: "sk-test" });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response.ok).toBe(false);
    expect(server.stats.requests).toBe(1);
  });

  it("reads a refusal when there is no content, and no usage when the endpoint sends none", async () => {
    const server = await start({
      respond: () => ({
        raw: {
          status: 200,
          body: {
            id: "x",
            object: "chat.completion",
            model: "m",
            choices: [
              { index: 0, message: { role: "assistant", content: null, refusal: "I can't help with that." } },
            ],
          },
        },
      }),
    });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response).toEqual({ ok: true, output: "I can't help with that.", model: "m" });
  });

  it("maps 401 to kind auth, not retryable", async () => {
    const server = await start({ apiKey: "sk-right" });
    const provider = new OpenAIProvider({ baseURL: server.baseURL, apiKey: "sk-wrong" });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response).toEqual({
      ok: false,
      error: {
        kind: "auth",
        status: 401,
        retryable: false,
        message: expect.stringContaining("Incorrect API key"),
      },
    });
    expect(JSON.stringify(response)).not.toContain("sk-wrong");
  });

  it.each([
    [{ "retry-after": "2" }, 2_000],
    [{ "retry-after-ms": "150", "retry-after": "2" }, 150],
    [{ "retry-after": "0" }, 0],
  ])("maps 429 to rate_limit with the retry-after it sends (%o → %i ms)", async (headers, ms) => {
    const server = await start({ respond: () => mockError(429, "Rate limit reached", { headers }) });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response).toEqual({
      ok: false,
      error: {
        kind: "rate_limit",
        status: 429,
        retryable: true,
        retryAfterMs: ms,
        message: "429 Rate limit reached",
      },
    });
  });

  it("maps a 429 without retry-after to rate_limit with no delay of its own", async () => {
    const server = await start({ respond: () => mockError(429, "Too many requests") });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error.kind).toBe("rate_limit");
      expect(response.error).not.toHaveProperty("retryAfterMs");
    }
  });

  it.each([500, 502, 503])("maps %i to kind server, retryable", async (status) => {
    const server = await start({ respond: () => mockError(status, "upstream trouble") });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response).toEqual({
      ok: false,
      error: { kind: "server", status, retryable: true, message: `${status} upstream trouble` },
    });
  });

  it("maps 400 to bad_request and 404 to not_found, neither retryable", async () => {
    const server = await start({
      respond: () => mockError(400, "Invalid 'max_tokens': must be positive", { param: "max_tokens" }),
    });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const bad = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(bad).toEqual({
      ok: false,
      error: {
        kind: "bad_request",
        status: 400,
        retryable: false,
        message: "400 Invalid 'max_tokens': must be positive",
      },
    });

    server.setOptions({ respond: undefined, strictModels: true, models: [{ id: "gpt-4o" }] });
    const missing = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(missing).toMatchObject({ ok: false, error: { kind: "not_found", status: 404, retryable: false } });
  });

  it.each([
    [
      "no choices",
      { id: "x", object: "chat.completion", choices: [] },
      "choices: the response has no choices",
    ],
    ["no message", { choices: [{ index: 0, finish_reason: "stop" }] }, "choices.0.message"],
    ["not JSON", "{ definitely not json", "not valid JSON"],
    ["a JSON string", '"hello"', "(root)"],
  ])("maps a malformed 200 answer (%s) to invalid_response, not retryable", async (_name, body, detail) => {
    const server = await start({ respond: () => ({ raw: { status: 200, body } }) });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response).toMatchObject({ ok: false, error: { kind: "invalid_response", retryable: false } });
    if (!response.ok) expect(response.error.message).toContain(detail);
  });

  it("maps a refused connection to kind network, retryable", async () => {
    const server = await start();
    const baseURL = server.baseURL;
    await server.close();
    const provider = new OpenAIProvider({ baseURL });
    const response = await provider.complete(makeRequest(baseURL), { signal: signal() });
    expect(response).toMatchObject({ ok: false, error: { kind: "network", retryable: true } });
    if (!response.ok) expect(response.error.message).toMatch(/^connection failed/);
  });

  it("stops at once on an aborted signal", async () => {
    const server = await start({ latencyMs: 60_000 });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const controller = new AbortController();
    const pending = provider.complete(makeRequest(server.baseURL), { signal: controller.signal });
    while (server.stats.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    const response = await pending;
    expect(response).toMatchObject({ ok: false, error: { kind: "timeout", retryable: true } });
    expect(server.stats.completions).toBe(0);
  });

  it("fails with no_api_key naming the variable, without making a request", async () => {
    const spy = recordingFetch();
    const provider = new OpenAIProvider({
      baseURL: "https://api.together.xyz/v1",
      apiKeyEnv: "TOGETHER_API_KEY",
      fetch: spy.fetch,
    });
    const response = await provider.complete(makeRequest("https://api.together.xyz/v1"), {
      signal: signal(),
    });
    expect(response).toEqual({
      ok: false,
      error: {
        kind: "no_api_key",
        retryable: false,
        message:
          "no API key for https://api.together.xyz/v1: set the environment variable TOGETHER_API_KEY (in a workflow, from a secret)",
      },
    });
    expect(spy.calls).toEqual([]);
    expect(await provider.fetchLifecycle("gpt-4o-mini")).toBeUndefined();
    expect(spy.calls).toEqual([]);
  });

  it("names OPENAI_API_KEY when the config names no variable", async () => {
    const provider = new OpenAIProvider({ baseURL: "https://api.openai.com/v1" });
    const response = await provider.complete(makeRequest("https://api.openai.com/v1"), { signal: signal() });
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error.message).toContain("OPENAI_API_KEY");
  });

  it("needs no key for a local endpoint", async () => {
    const server = await start();
    const spy = recordingFetch();
    const provider = new OpenAIProvider({ baseURL: server.baseURL, fetch: spy.fetch });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response).toMatchObject({ ok: true, output: "echo: Capital of France?" });
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]!.headers.get("authorization")).toBe("Bearer not-needed");
  });

  it("sends the key as api-key to Azure, with the api-version query and custom headers", async () => {
    const server = await start({ apiKey: "azure-secret" });
    const spy = recordingFetch(server.url);
    const baseURL = "https://acme.openai.azure.com/openai/v1";
    const provider = new OpenAIProvider({
      baseURL,
      apiKey: "azure-secret",
      apiVersion: "2024-10-21",
      headers: { "x-team": "support" },
      fetch: spy.fetch,
    });
    const response = await provider.complete(makeRequest(baseURL), { signal: signal() });
    expect(response).toMatchObject({ ok: true, output: "echo: Capital of France?" });
    const call = spy.calls[0]!;
    expect(call.url.host).toBe("acme.openai.azure.com");
    expect(call.url.pathname).toBe("/openai/v1/chat/completions");
    expect(call.url.searchParams.get("api-version")).toBe("2024-10-21");
    expect(call.headers.get("api-key")).toBe("azure-secret");
    expect(call.headers.get("x-team")).toBe("support");
  });

  it("does not send api-key to hosts that are not Azure", async () => {
    const server = await start({ apiKey: "sk-test" });
    const spy = recordingFetch(server.url);
    const provider = new OpenAIProvider({
      baseURL: "https://api.openai.com/v1",
      apiKey: "sk-test",
      fetch: spy.fetch,
    });
    const response = await provider.complete(makeRequest("https://api.openai.com/v1"), { signal: signal() });
    expect(response.ok).toBe(true);
    expect(spy.calls[0]!.headers.get("api-key")).toBeNull();
    expect(spy.calls[0]!.headers.get("authorization")).toBe("Bearer sk-test");
  });
});

describe("OpenAIProvider.completeWithin (the SDK's timer bounds each attempt)", () => {
  it("answers as complete does", async () => {
    const server = await start({ apiKey: "sk-test" });
    const provider = new OpenAIProvider({ baseURL: server.baseURL, apiKey: "sk-test" });
    expect(provider.timesAttempts).toBe(true);
    // Twice: the auth header, built once per client, is sent with every request.
    for (let i = 0; i < 2; i++) {
      const response = await provider.completeWithin(makeRequest(server.baseURL), { timeoutMs: 10_000 });
      expect(response).toMatchObject({ ok: true, output: "echo: Capital of France?" });
    }
    expect(server.stats.completions).toBe(2);
  });

  it("fails a request that outlives timeoutMs as a retryable timeout, naming the limit", async () => {
    const server = await start({ latencyMs: 60_000 });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const started = performance.now();
    const response = await provider.completeWithin(makeRequest(server.baseURL), { timeoutMs: 150 });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(response).toEqual({
      ok: false,
      error: { kind: "timeout", message: "no answer within 150 ms", retryable: true },
    });
    expect(server.stats.requests).toBe(1);
    expect(server.stats.completions).toBe(0);
  });

  it("stops at once when its signal aborts, and says it was aborted", async () => {
    const server = await start({ latencyMs: 60_000 });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    const controller = new AbortController();
    const pending = provider.completeWithin(makeRequest(server.baseURL), {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    while (server.stats.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    expect(await pending).toEqual({
      ok: false,
      error: { kind: "timeout", message: "the request was aborted", retryable: true },
    });
    expect(server.stats.completions).toBe(0);
  });

  it("leaves the timing to the executor with a custom fetch, which may answer before its body arrives", () => {
    const provider = new OpenAIProvider({ baseURL: "http://localhost:1/v1", fetch: recordingFetch().fetch });
    expect(provider.timesAttempts).toBe(false);
  });

  it("hands the transport the SDK's headers as a plain record", async () => {
    const server = await start({ apiKey: "sk-test" });
    let given: unknown;
    const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
      given = init?.headers;
      return fetch(input, init);
    }) as typeof fetch;
    const provider = new OpenAIProvider({ baseURL: server.baseURL, apiKey: "sk-test", fetch: fetchFn });
    const response = await provider.complete(makeRequest(server.baseURL), { signal: signal() });
    expect(response.ok).toBe(true);
    expect(Object.getPrototypeOf(given)).toBe(Object.prototype);
    expect(given).toMatchObject({
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      accept: "application/json",
      // The SDK's own User-Agent, not the name of the provider's subclass of its client.
      "user-agent": expect.stringMatching(/^OpenAI\/JS \d/),
    });
  });
});

describe("OpenAIProvider.fetchLifecycle", () => {
  it("reads shutdown_date from GET /models/{id}", async () => {
    const server = await start({
      models: [
        { id: "gpt-4o-mini", shutdown_date: "2027-01-14" },
        { id: "ft:gpt-4o-mini-2024-07-18:acme::abc123", shutdown_date: "2027-01-14T00:00:00Z" },
        { id: "gpt-4.1" },
        { id: "gpt-5", shutdown_date: null },
      ],
    });
    const provider = new OpenAIProvider({ baseURL: server.baseURL });
    expect(await provider.fetchLifecycle("gpt-4o-mini")).toEqual({
      model: "gpt-4o-mini",
      shutdownDate: "2027-01-14",
      source: "models-endpoint",
    });
    expect(await provider.fetchLifecycle("ft:gpt-4o-mini-2024-07-18:acme::abc123")).toEqual({
      model: "ft:gpt-4o-mini-2024-07-18:acme::abc123",
      shutdownDate: "2027-01-14",
      source: "models-endpoint",
    });
    expect(await provider.fetchLifecycle("gpt-4.1")).toBeUndefined();
    expect(await provider.fetchLifecycle("gpt-5")).toBeUndefined();
    // Unknown to the endpoint (404): nothing to say, no exception.
    expect(await provider.fetchLifecycle("no-such-model")).toBeUndefined();
    expect(server.stats.requests).toBe(5);
  });

  it("says nothing when the endpoint fails", async () => {
    const server = await start({
      apiKey: "sk-right",
      models: [{ id: "gpt-4o-mini", shutdown_date: "2027-01-14" }],
    });
    const provider = new OpenAIProvider({ baseURL: server.baseURL, apiKey: "sk-wrong" });
    expect(await provider.fetchLifecycle("gpt-4o-mini")).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "3" }, 3_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": "-4" }, 0],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, 30_000],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": " " }, undefined],
    [{ "retry-after-ms": "x", "retry-after": "1" }, 1_000],
    [{}, undefined],
  ])("reads %o as %s ms", (entries, expected) => {
    expect(parseRetryAfter(headers(entries), Date.parse("2026-01-01T00:00:00Z"))).toBe(expected);
  });

  it("reads nothing without headers", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("toProviderError", () => {
  it("maps SDK errors by status", () => {
    const make = (status: number) =>
      OpenAI.APIError.generate(status, { message: `m${status}` }, undefined, new Headers());
    expect(toProviderError(make(403)).kind).toBe("auth");
    expect(toProviderError(make(408))).toMatchObject({ kind: "server", retryable: true });
    expect(toProviderError(make(409))).toMatchObject({ kind: "server", retryable: true });
    expect(toProviderError(make(422))).toMatchObject({ kind: "bad_request", retryable: false });
    expect(toProviderError(new OpenAI.APIConnectionTimeoutError())).toMatchObject({
      kind: "timeout",
      retryable: true,
    });
  });

  it("treats anything else as a retryable network error", () => {
    expect(toProviderError(new TypeError("fetch failed"))).toEqual({
      kind: "network",
      message: "fetch failed",
      retryable: true,
    });
    expect(toProviderError("weird")).toEqual({ kind: "network", message: "weird", retryable: true });
  });
});

describe("isLocalEndpoint", () => {
  it.each([
    ["http://localhost:11434/v1", true],
    ["http://127.0.0.1:8000/v1", true],
    ["http://[::1]:8000/v1", true],
    ["http://host.docker.internal:11434/v1", true],
    ["https://api.openai.com/v1", false],
    ["http://localhost.attacker.example/v1", false],
    ["not a url", false],
  ])("%s → %s", (url, local) => {
    expect(isLocalEndpoint(url)).toBe(local);
  });
});
