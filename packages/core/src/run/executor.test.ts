import { describe, expect, it } from "vitest";
import { computeRequestKey } from "../request-key.ts";
import type {
  ModelRequest,
  Provider,
  ProviderError,
  ProviderResponse,
  ResponseCache,
  StoredResponse,
} from "../types.ts";
import {
  type Endpoint,
  type ExecutorOptions,
  RequestExecutor,
  type SelfTimedProvider,
  timeoutError,
} from "./executor.ts";

type Answer = (request: ModelRequest, call: number, signal: AbortSignal) => Promise<ProviderResponse>;

/** A provider answering from a function; counts calls and the calls in flight at once. */
class FakeProvider implements Provider {
  readonly id: string;
  readonly calls: ModelRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #answer: Answer;

  constructor(answer: Answer, id = "fake:test") {
    this.#answer = answer;
    this.id = id;
  }

  async complete(request: ModelRequest, options: { signal: AbortSignal }): Promise<ProviderResponse> {
    this.calls.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.#answer(request, this.calls.length - 1, options.signal);
    } finally {
      this.inFlight--;
    }
  }
}

/** A provider giving these answers in turn (the last one again when they run out). */
function scripted(...answers: ProviderResponse[]): FakeProvider {
  return new FakeProvider(async (_request, call) => answers[Math.min(call, answers.length - 1)]!);
}

function fail(kind: ProviderError["kind"], retryable: boolean, extra: Partial<ProviderError> = {}) {
  return { ok: false, error: { kind, message: `${kind} failure`, retryable, ...extra } } as const;
}

const OK: ProviderResponse = {
  ok: true,
  output: "Paris",
  usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 },
  model: "gpt-4o-mini-2024-07-18",
  finishReason: "stop",
};
const RATE_LIMITED = fail("rate_limit", true, { status: 429 });
const SERVER_ERROR = fail("server", true, { status: 500 });

function makeRequest(question = "capital of France?", sample = 0): ModelRequest {
  return {
    baseURL: "https://api.example.test/v1",
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: question }],
    params: { temperature: 0 },
    sample,
  };
}

function endpointOf(provider: Provider, overrides: Partial<Endpoint> = {}): Endpoint {
  return { provider, concurrency: 4, timeoutMs: 60_000, maxRetries: 4, ...overrides };
}

/** A fake clock and a sleep that only records the delay and moves the clock: nothing really waits. */
function fakeTime(options: Partial<ExecutorOptions> = {}) {
  const delays: number[] = [];
  let clock = 1_000;
  const executorOptions: ExecutorOptions = {
    now: () => clock,
    sleep: async (ms) => {
      delays.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...options,
  };
  return {
    delays,
    advance: (ms: number) => {
      clock += ms;
    },
    options: executorOptions,
  };
}

/** An in-memory cache that records its writes. */
class MemoryCache implements ResponseCache {
  readonly entries = new Map<string, StoredResponse>();
  readonly writes: string[] = [];
  reads = 0;

  async get(key: string): Promise<StoredResponse | undefined> {
    this.reads++;
    return this.entries.get(key);
  }

  async set(key: string, value: StoredResponse): Promise<void> {
    this.writes.push(key);
    this.entries.set(key, value);
  }
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("RequestExecutor: retries", () => {
  it("retries a 429 and a 500, then returns the answer with the attempts counted", async () => {
    const time = fakeTime();
    const provider = scripted(RATE_LIMITED, SERVER_ERROR, OK);
    const executor = new RequestExecutor(time.options);
    const request = makeRequest();
    const outcome = await executor.execute(computeRequestKey(request), request, endpointOf(provider));

    expect(outcome).toEqual({
      ok: true,
      response: {
        output: "Paris",
        usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 },
        model: "gpt-4o-mini-2024-07-18",
        finishReason: "stop",
      },
      cached: false,
      latencyMs: 0,
      attempts: 3,
    });
    expect(provider.calls).toHaveLength(3);
    expect(executor.stats).toEqual({ requests: 3, cacheHits: 0, deduplicated: 0, retries: 2 });
    expect(time.delays).toHaveLength(2);
  });

  it("backs off exponentially from baseDelayMs, capped at maxDelayMs, jittered between half and all", async () => {
    const run = async (jitter: number) => {
      const time = fakeTime({ random: () => jitter, retry: { baseDelayMs: 100, maxDelayMs: 1_000 } });
      const provider = scripted(SERVER_ERROR);
      const executor = new RequestExecutor(time.options);
      const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries: 6 }));
      expect(outcome.ok).toBe(false);
      expect(provider.calls).toHaveLength(7);
      return time.delays;
    };
    // Exponential steps: 100, 200, 400, 800, then capped at 1000.
    expect(await run(0)).toEqual([50, 100, 200, 400, 500, 500]);
    expect(await run(0.5)).toEqual([75, 150, 300, 600, 750, 750]);
    const highest = await run(0.999_999);
    const steps = [100, 200, 400, 800, 1_000, 1_000];
    highest.forEach((delay, i) => {
      expect(delay).toBeLessThan(steps[i]!);
      expect(delay).toBeGreaterThan(steps[i]! * 0.999);
    });
  });

  it("waits what retry-after asks, without jitter, capped at maxDelayMs", async () => {
    let randomCalls = 0;
    const time = fakeTime({
      random: () => {
        randomCalls++;
        return 0.5;
      },
      retry: { baseDelayMs: 100, maxDelayMs: 1_000 },
    });
    const provider = scripted(
      fail("rate_limit", true, { status: 429, retryAfterMs: 250 }),
      fail("rate_limit", true, { status: 429, retryAfterMs: 60_000 }),
      fail("server", true, { status: 503, retryAfterMs: 0 }),
      OK,
    );
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider));
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(4);
    expect(time.delays).toEqual([250, 1_000, 0]);
    expect(randomCalls).toBe(0);
  });

  it.each([
    ["auth", 401],
    ["bad_request", 400],
    ["not_found", 404],
    ["invalid_response", undefined],
    ["no_api_key", undefined],
    ["not_recorded", undefined],
  ] as const)("does not retry a %s error", async (kind, status) => {
    const time = fakeTime();
    const error = fail(kind, false, status === undefined ? {} : { status });
    const provider = scripted(error, OK);
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider));
    expect(outcome).toEqual({ ok: false, error: error.error, latencyMs: 0, attempts: 1 });
    expect(provider.calls).toHaveLength(1);
    expect(time.delays).toEqual([]);
    expect(executor.stats.retries).toBe(0);
  });

  it.each([0, 1, 3])(
    "makes 1 + maxRetries (%i) attempts, then returns the last error",
    async (maxRetries) => {
      const time = fakeTime();
      const provider = scripted(RATE_LIMITED, RATE_LIMITED, RATE_LIMITED, SERVER_ERROR);
      const executor = new RequestExecutor(time.options);
      const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries }));
      expect(outcome.ok).toBe(false);
      expect(outcome.attempts).toBe(maxRetries + 1);
      if (!outcome.ok) expect(outcome.error.kind).toBe(maxRetries === 3 ? "server" : "rate_limit");
      expect(provider.calls).toHaveLength(maxRetries + 1);
      expect(executor.stats).toMatchObject({ requests: maxRetries + 1, retries: maxRetries });
      expect(time.delays).toHaveLength(maxRetries);
    },
  );

  it("measures a failure's latency over every attempt and the waits between them", async () => {
    const time = fakeTime({ retry: { baseDelayMs: 100, maxDelayMs: 100 } });
    const provider = new FakeProvider(async () => {
      time.advance(30);
      return SERVER_ERROR;
    });
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries: 2 }));
    // Three attempts of 30 ms and two waits of 75 ms (half of 100 plus half of the jitter range at 0.5).
    expect(outcome.latencyMs).toBe(3 * 30 + 2 * 75);
  });

  it("measures a success's latency over its last attempt only", async () => {
    const time = fakeTime();
    let call = 0;
    const provider = new FakeProvider(async () => {
      time.advance(call === 0 ? 500 : 40);
      return call++ === 0 ? SERVER_ERROR : OK;
    });
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider));
    expect(outcome).toMatchObject({ ok: true, latencyMs: 40, attempts: 2 });
  });

  it("turns a provider that throws into a retryable network error", async () => {
    const time = fakeTime();
    let call = 0;
    const provider = new FakeProvider(async () => {
      if (call++ === 0) throw new Error("socket hang up");
      return OK;
    });
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider));
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });

    const always = new FakeProvider(async () => {
      throw new Error("socket hang up");
    });
    const failed = await new RequestExecutor(time.options).execute(
      "k",
      makeRequest(),
      endpointOf(always, { maxRetries: 0 }),
    );
    expect(failed).toMatchObject({
      ok: false,
      error: { kind: "network", message: "socket hang up", retryable: true },
    });
  });
});

describe("RequestExecutor: timeouts", () => {
  /** A provider that never answers until its signal aborts. */
  const hanging = (onAbort: (signal: AbortSignal) => ProviderResponse | Error) =>
    new FakeProvider(
      (_request, _call, signal) =>
        new Promise((resolve, reject) => {
          signal.addEventListener("abort", () => {
            const result = onAbort(signal);
            if (result instanceof Error) reject(result);
            else resolve(result);
          });
        }),
    );

  it("reports a request that outlives timeoutMs as kind timeout, and retries it", async () => {
    const time = fakeTime();
    const provider = hanging(() => fail("network", true, { message: "This operation was aborted" }));
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute(
      "k",
      makeRequest(),
      endpointOf(provider, { timeoutMs: 15, maxRetries: 1 }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: "timeout", message: "no answer within 15 ms", retryable: true },
      attempts: 2,
    });
    expect(provider.calls).toHaveLength(2);
  });

  it("reports kind timeout also when the provider throws on the timeout's abort", async () => {
    const time = fakeTime();
    const provider = hanging((signal) => signal.reason as Error);
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute(
      "k",
      makeRequest(),
      endpointOf(provider, { timeoutMs: 15, maxRetries: 0 }),
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: "timeout", retryable: true }, attempts: 1 });
  });

  it("hands the provider a signal that is not aborted when there is time left", async () => {
    const seen: boolean[] = [];
    const provider = new FakeProvider(async (_request, _call, signal) => {
      seen.push(signal.aborted);
      return OK;
    });
    const outcome = await new RequestExecutor(fakeTime().options).execute(
      "k",
      makeRequest(),
      endpointOf(provider),
    );
    expect(outcome.ok).toBe(true);
    expect(seen).toEqual([false]);
  });
});

describe("RequestExecutor: deduplication", () => {
  it("makes identical requests in flight at once a single provider call", async () => {
    let answer: (value: ProviderResponse) => void = () => {};
    const provider = new FakeProvider(
      () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    );
    const executor = new RequestExecutor(fakeTime().options);
    const request = makeRequest();
    const key = computeRequestKey(request);
    const endpoint = endpointOf(provider);
    const first = executor.execute(key, request, endpoint);
    const second = executor.execute(key, { ...request }, endpoint);
    const third = executor.execute(key, { ...request }, endpoint);
    await yieldTurn();
    answer(OK);
    const outcomes = await Promise.all([first, second, third]);

    expect(provider.calls).toHaveLength(1);
    expect(outcomes.map((o) => o.ok && o.cached)).toEqual([false, true, true]);
    expect(outcomes.map((o) => o.latencyMs)).toEqual([0, 0, 0]);
    expect(outcomes.every((o) => o.ok && o.response.output === "Paris")).toBe(true);
    expect(executor.stats).toEqual({ requests: 1, cacheHits: 0, deduplicated: 2, retries: 0 });
  });

  it("answers a later identical request of the run from the first answer", async () => {
    const provider = scripted(OK);
    const executor = new RequestExecutor(fakeTime().options);
    const request = makeRequest();
    const key = computeRequestKey(request);
    await executor.execute(key, request, endpointOf(provider));
    const again = await executor.execute(key, request, endpointOf(provider));
    expect(again).toMatchObject({ ok: true, cached: true, response: { output: "Paris" } });
    expect(provider.calls).toHaveLength(1);
  });

  it("leaves a finished answer to a writable cache rather than keep it for the run", async () => {
    const provider = scripted(OK);
    const cache = new MemoryCache();
    const executor = new RequestExecutor({ ...fakeTime().options, cache });
    const request = makeRequest();
    const key = computeRequestKey(request);
    await executor.execute(key, request, endpointOf(provider));
    await yieldTurn();
    const again = await executor.execute(key, request, endpointOf(provider));
    expect(again).toMatchObject({ ok: true, cached: true, response: { output: "Paris" } });
    expect(provider.calls).toHaveLength(1);
    // Answered by the cache, not by an answer the executor kept.
    expect(executor.stats).toMatchObject({ requests: 1, cacheHits: 1, deduplicated: 0 });

    // A read-only cache cannot answer it later: the executor keeps the answer then.
    const readOnly = new RequestExecutor({
      ...fakeTime().options,
      cache: new MemoryCache(),
      cacheReadOnly: true,
    });
    await readOnly.execute(key, request, endpointOf(provider));
    await yieldTurn();
    await readOnly.execute(key, request, endpointOf(provider));
    expect(provider.calls).toHaveLength(2);
    expect(readOnly.stats).toMatchObject({ requests: 1, cacheHits: 0, deduplicated: 1 });
  });

  it("tries a failed request again when it is asked for again", async () => {
    const provider = scripted(fail("bad_request", false, { status: 400 }), OK);
    const executor = new RequestExecutor(fakeTime().options);
    const request = makeRequest();
    const key = computeRequestKey(request);
    const first = await executor.execute(key, request, endpointOf(provider));
    expect(first.ok).toBe(false);
    await yieldTurn();
    const second = await executor.execute(key, request, endpointOf(provider));
    expect(second).toMatchObject({ ok: true, cached: false });
    expect(provider.calls).toHaveLength(2);
  });

  it("keeps requests with different keys apart (another sample is another call)", async () => {
    const provider = scripted(OK);
    const executor = new RequestExecutor(fakeTime().options);
    const a = makeRequest("q", 0);
    const b = makeRequest("q", 1);
    expect(computeRequestKey(a)).not.toBe(computeRequestKey(b));
    await Promise.all([
      executor.execute(computeRequestKey(a), a, endpointOf(provider)),
      executor.execute(computeRequestKey(b), b, endpointOf(provider)),
    ]);
    expect(provider.calls.map((r) => r.sample)).toEqual([0, 1]);
    expect(executor.stats.deduplicated).toBe(0);
  });
});

describe("RequestExecutor: cache", () => {
  it("answers a cache hit without calling the provider", async () => {
    const cache = new MemoryCache();
    const request = makeRequest();
    const key = computeRequestKey(request);
    cache.entries.set(key, {
      output: "from cache",
      usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0 },
    });
    const provider = scripted(OK);
    const executor = new RequestExecutor({ ...fakeTime().options, cache });
    const outcome = await executor.execute(key, request, endpointOf(provider));
    expect(outcome).toEqual({
      ok: true,
      response: { output: "from cache", usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0 } },
      cached: true,
      latencyMs: 0,
      attempts: 0,
    });
    expect(provider.calls).toHaveLength(0);
    expect(executor.stats).toEqual({ requests: 0, cacheHits: 1, deduplicated: 0, retries: 0 });
    expect(cache.writes).toEqual([]);
  });

  it("writes a success to the cache once, after the retries", async () => {
    const cache = new MemoryCache();
    const provider = scripted(SERVER_ERROR, OK);
    const executor = new RequestExecutor({ ...fakeTime().options, cache });
    const request = makeRequest();
    const key = computeRequestKey(request);
    await executor.execute(key, request, endpointOf(provider));
    expect(cache.writes).toEqual([key]);
    expect(cache.entries.get(key)).toEqual({
      output: "Paris",
      usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 },
      model: "gpt-4o-mini-2024-07-18",
      finishReason: "stop",
    });
  });

  it("never writes a failure to the cache", async () => {
    const cache = new MemoryCache();
    const provider = scripted(SERVER_ERROR);
    const executor = new RequestExecutor({ ...fakeTime().options, cache });
    const outcome = await executor.execute(
      "a".repeat(64),
      makeRequest(),
      endpointOf(provider, { maxRetries: 2 }),
    );
    expect(outcome.ok).toBe(false);
    expect(cache.writes).toEqual([]);
    expect(cache.reads).toBe(1);
  });

  it("reads but never writes when cacheReadOnly", async () => {
    const cache = new MemoryCache();
    const provider = scripted(OK);
    const executor = new RequestExecutor({ ...fakeTime().options, cache, cacheReadOnly: true });
    const outcome = await executor.execute("b".repeat(64), makeRequest(), endpointOf(provider));
    expect(outcome).toMatchObject({ ok: true, cached: false });
    expect(cache.reads).toBe(1);
    expect(cache.writes).toEqual([]);
    expect(provider.calls).toHaveLength(1);
  });

  it("treats a cache that fails to read as a miss and one that fails to write as no cache", async () => {
    const broken: ResponseCache = {
      get: async () => {
        throw new Error("EACCES: permission denied");
      },
      set: async () => {
        throw new Error("ENOSPC: no space left on device");
      },
    };
    const provider = scripted(OK);
    const executor = new RequestExecutor({ ...fakeTime().options, cache: broken });
    const outcome = await executor.execute("c".repeat(64), makeRequest(), endpointOf(provider));
    expect(outcome).toMatchObject({ ok: true, cached: false, response: { output: "Paris" } });
    expect(provider.calls).toHaveLength(1);
  });
});

describe("RequestExecutor: concurrency", () => {
  it("holds at most `concurrency` calls in flight per endpoint over 200 requests, and reaches it", async () => {
    const provider = new FakeProvider(async (request, call) => {
      for (let turn = 0; turn < (call % 3) + 1; turn++) await yieldTurn();
      return call % 4 === 0 && request.sample === 0
        ? RATE_LIMITED
        : { ok: true, output: request.messages[0]!.content };
    });
    const executor = new RequestExecutor({ ...fakeTime().options, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const endpoint = endpointOf(provider, { concurrency: 5, maxRetries: 10 });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const request = makeRequest(`question ${i}`);
        return executor.execute(computeRequestKey(request), request, endpoint);
      }),
    );
    expect(outcomes.map((o) => (o.ok ? o.response.output : o.error.kind))).toEqual(
      Array.from({ length: 200 }, (_, i) => `question ${i}`),
    );
    expect(provider.maxInFlight).toBe(5);
    expect(executor.stats.requests).toBe(200 + executor.stats.retries);
    expect(executor.stats.retries).toBeGreaterThan(0);
  });

  it("gives each provider its own limit", async () => {
    const hold = async (): Promise<ProviderResponse> => {
      await yieldTurn();
      return OK;
    };
    const a = new FakeProvider(hold, "fake:a");
    const b = new FakeProvider(hold, "fake:b");
    const executor = new RequestExecutor(fakeTime().options);
    const endpointA = endpointOf(a, { concurrency: 2 });
    const endpointB = endpointOf(b, { concurrency: 3 });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const request = makeRequest(`q${i}`);
        return executor.execute(computeRequestKey(request), request, i % 2 === 0 ? endpointA : endpointB);
      }),
    );
    expect(a.maxInFlight).toBe(2);
    expect(b.maxInFlight).toBe(3);
    expect(a.calls.length + b.calls.length).toBe(40);
  });
});

describe("RequestExecutor: abort", () => {
  it("sends nothing when the run is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const provider = scripted(OK);
    const executor = new RequestExecutor({ ...fakeTime().options, signal: controller.signal });
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider));
    expect(outcome).toMatchObject({ ok: false, error: { kind: "network", retryable: false }, attempts: 0 });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/cancelled/);
    expect(provider.calls).toHaveLength(0);
  });

  it("stops retrying once the run is aborted during a backoff", async () => {
    const controller = new AbortController();
    const delays: number[] = [];
    const provider = scripted(SERVER_ERROR);
    const executor = new RequestExecutor({
      ...fakeTime().options,
      signal: controller.signal,
      sleep: async (ms) => {
        delays.push(ms);
        controller.abort();
      },
    });
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries: 10 }));
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toBe(1);
    expect(provider.calls).toHaveLength(1);
    expect(delays).toHaveLength(1);
  });

  it("does not retry a call the abort interrupted, nor call it a timeout", async () => {
    const controller = new AbortController();
    const provider = new FakeProvider(
      (_request, _call, signal) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => resolve(fail("network", true, { message: "aborted" })));
          controller.abort();
        }),
    );
    const executor = new RequestExecutor({ ...fakeTime().options, signal: controller.signal });
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries: 10 }));
    expect(outcome).toMatchObject({ ok: false, error: { kind: "network", message: "aborted" }, attempts: 1 });
    expect(provider.calls).toHaveLength(1);
  });

  it("does not start requests still waiting for a slot when the run is aborted", async () => {
    const controller = new AbortController();
    const provider = new FakeProvider(
      (_request, _call, signal) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => resolve(fail("network", true, { message: "aborted" })));
        }),
    );
    const executor = new RequestExecutor({ ...fakeTime().options, signal: controller.signal });
    const endpoint = endpointOf(provider, { concurrency: 1 });
    const outcomes = Promise.all(
      ["a", "b", "c"].map((q) => {
        const request = makeRequest(q);
        return executor.execute(computeRequestKey(request), request, endpoint);
      }),
    );
    await yieldTurn();
    expect(provider.calls).toHaveLength(1);
    controller.abort();
    const results = await outcomes;
    expect(results.map((o) => o.ok)).toEqual([false, false, false]);
    expect(provider.calls).toHaveLength(1);
    expect(executor.stats.requests).toBe(1);
  });

  it("wakes the default sleep when the run is aborted", async () => {
    const controller = new AbortController();
    const provider = new FakeProvider(async () => {
      setTimeout(() => controller.abort(), 5);
      return fail("rate_limit", true, { status: 429, retryAfterMs: 600_000 });
    });
    const executor = new RequestExecutor({
      signal: controller.signal,
      retry: { baseDelayMs: 600_000, maxDelayMs: 600_000 },
    });
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries: 3 }));
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(provider.calls).toHaveLength(1);
  });
});

describe("RequestExecutor: providers that time their own attempts", () => {
  type Seen = { timeoutMs: number; signal: AbortSignal | undefined };

  /** A provider that bounds its attempts itself (as OpenAIProvider does with the SDK's timer). */
  class SelfTimedFake implements SelfTimedProvider {
    readonly id = "fake:self-timed";
    readonly seen: Seen[] = [];
    completeCalls = 0;
    constructor(
      readonly timesAttempts: boolean,
      readonly answer: (seen: Seen, call: number) => Promise<ProviderResponse>,
    ) {}

    async complete(): Promise<ProviderResponse> {
      this.completeCalls++;
      return OK;
    }

    completeWithin(
      _request: ModelRequest,
      options: { timeoutMs: number; signal?: AbortSignal },
    ): Promise<ProviderResponse> {
      const seen = { timeoutMs: options.timeoutMs, signal: options.signal };
      this.seen.push(seen);
      return this.answer(seen, this.seen.length - 1);
    }
  }

  it("hands it the endpoint's timeout and no signal of its own when the run has none", async () => {
    const provider = new SelfTimedFake(true, async () => OK);
    const outcome = await new RequestExecutor(fakeTime().options).execute(
      "k",
      makeRequest(),
      endpointOf(provider, { timeoutMs: 1_234 }),
    );
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });
    expect(provider.seen).toEqual([{ timeoutMs: 1_234, signal: undefined }]);
    expect(provider.completeCalls).toBe(0);
  });

  it("retries its timeouts with backoff like any retryable failure", async () => {
    const time = fakeTime();
    const provider = new SelfTimedFake(true, async (_seen, call) => (call < 2 ? timeoutError(15) : OK));
    const executor = new RequestExecutor(time.options);
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { timeoutMs: 15 }));
    expect(outcome).toMatchObject({ ok: true, attempts: 3 });
    expect(time.delays).toHaveLength(2);
    expect(executor.stats.retries).toBe(2);

    const failing = new SelfTimedFake(true, async () => timeoutError(15));
    const failed = await new RequestExecutor(fakeTime().options).execute(
      "k",
      makeRequest(),
      endpointOf(failing, { timeoutMs: 15, maxRetries: 1 }),
    );
    expect(failed).toMatchObject({
      ok: false,
      error: { kind: "timeout", message: "no answer within 15 ms", retryable: true },
      attempts: 2,
    });
  });

  it("hands it a signal per attempt, not the run's, which the run's abort aborts", async () => {
    const controller = new AbortController();
    const provider = new SelfTimedFake(
      true,
      (seen) =>
        new Promise((resolve) => {
          seen.signal?.addEventListener("abort", () =>
            resolve(fail("timeout", true, { message: "the request was aborted" })),
          );
          setTimeout(() => controller.abort(), 1);
        }),
    );
    const executor = new RequestExecutor({ ...fakeTime().options, signal: controller.signal });
    const outcome = await executor.execute("k", makeRequest(), endpointOf(provider, { maxRetries: 10 }));
    expect(outcome).toMatchObject({ ok: false, error: { message: "the request was aborted" }, attempts: 1 });
    expect(provider.seen).toHaveLength(1);
    expect(provider.seen[0]!.signal).toBeDefined();
    expect(provider.seen[0]!.signal).not.toBe(controller.signal);
    expect(provider.seen[0]!.signal!.aborted).toBe(true);
  });

  it("turns a throw into a retryable network error", async () => {
    const provider = new SelfTimedFake(true, async () => {
      throw new Error("socket hang up");
    });
    const outcome = await new RequestExecutor(fakeTime().options).execute(
      "k",
      makeRequest(),
      endpointOf(provider, { maxRetries: 0 }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: "network", message: "socket hang up", retryable: true },
    });
  });

  it("times `complete` itself when the provider says it cannot bound its attempts", async () => {
    const provider = new SelfTimedFake(false, async () => OK);
    const outcome = await new RequestExecutor(fakeTime().options).execute(
      "k",
      makeRequest(),
      endpointOf(provider),
    );
    expect(outcome.ok).toBe(true);
    expect(provider.completeCalls).toBe(1);
    expect(provider.seen).toEqual([]);
  });
});
