import { DEFAULTS } from "../defaults.ts";
import type {
  ModelRequest,
  Provider,
  ProviderError,
  ProviderResponse,
  ResponseCache,
  StoredResponse,
} from "../types.ts";
import { Limiter } from "./limiter.ts";

/** How one endpoint is called: its provider, its concurrency, its retry and timeout policy. */
export interface Endpoint {
  provider: Provider;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
}

/**
 * A provider that bounds each attempt by a timeout itself (the openai SDK's own timer), so the executor adds no
 * timer of its own and, when the run has no abort signal, no `AbortController` either. `completeWithin` must
 * answer an attempt that outlives `timeoutMs` with a retryable `timeout` error, and stop when `signal` aborts.
 */
export interface SelfTimedProvider extends Provider {
  /** True when `completeWithin` bounds the whole attempt; false: the executor times `complete` itself. */
  readonly timesAttempts: boolean;
  completeWithin(
    request: ModelRequest,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<ProviderResponse>;
}

function timesAttempts(provider: Provider): provider is SelfTimedProvider {
  return (provider as Partial<SelfTimedProvider>).timesAttempts === true;
}

/** Retry timing; exposed so tests can make it fast. */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The outcome of executing one request (after retries). */
export type ExecutionOutcome =
  | { ok: true; response: StoredResponse; cached: boolean; latencyMs: number; attempts: number }
  | { ok: false; error: ProviderError; latencyMs: number; attempts: number };

/** Counters the executor keeps for the run's stats. */
export interface ExecutorStats {
  requests: number;
  cacheHits: number;
  deduplicated: number;
  retries: number;
}

/** Options of `RequestExecutor`. */
export interface ExecutorOptions {
  cache?: ResponseCache;
  /** Read from the cache but never write to it. */
  cacheReadOnly?: boolean;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
  /** Wait (default `setTimeout`); injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random number in [0, 1) for jitter (default `Math.random`). */
  random?: () => number;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Executes model requests: answers from the cache when it can, makes identical requests once (also while one
 * is in flight), holds at most `concurrency` requests in flight per endpoint, and retries 429s, 5xx, timeouts
 * and connection errors with exponential backoff that honours `retry-after`. Failures are returned, not thrown.
 */
export class RequestExecutor {
  readonly stats: ExecutorStats = { requests: 0, cacheHits: 0, deduplicated: 0, retries: 0 };
  readonly #options: ExecutorOptions;
  readonly #retry: RetryPolicy;
  readonly #limiters = new Map<string, Limiter>();
  readonly #inFlight = new Map<string, Promise<ExecutionOutcome>>();
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(options: ExecutorOptions = {}) {
    this.#options = options;
    this.#retry = {
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULTS.retryBaseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULTS.retryMaxDelayMs,
    };
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  /** Execute `request` (content address `key`) against `endpoint`. */
  execute(key: string, request: ModelRequest, endpoint: Endpoint): Promise<ExecutionOutcome> {
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.stats.deduplicated++;
      return pending.then((outcome) => (outcome.ok ? { ...outcome, cached: true, latencyMs: 0 } : outcome));
    }
    const promise = this.#executeOnce(key, request, endpoint);
    this.#inFlight.set(key, promise);
    // Forget failures, so a later identical request may try again. Keep a success for the run's later identical
    // requests only when no writable cache holds it already: a 100k-call run must not keep every answer alive
    // twice (the cache answers those requests just as well, and costs nothing).
    const cached = this.#options.cache !== undefined && !this.#options.cacheReadOnly;
    promise.then((outcome) => {
      if (!outcome.ok || cached) this.#inFlight.delete(key);
    });
    return promise;
  }

  #limiter(endpoint: Endpoint): Limiter {
    let limiter = this.#limiters.get(endpoint.provider.id);
    if (!limiter) {
      limiter = new Limiter(endpoint.concurrency);
      this.#limiters.set(endpoint.provider.id, limiter);
    }
    return limiter;
  }

  async #executeOnce(key: string, request: ModelRequest, endpoint: Endpoint): Promise<ExecutionOutcome> {
    const cache = this.#options.cache;
    if (cache) {
      // A cache that cannot be read is a miss: the call is made, never failed for it.
      const hit = await cache.get(key).catch(() => undefined);
      if (hit) {
        this.stats.cacheHits++;
        return { ok: true, response: hit, cached: true, latencyMs: 0, attempts: 0 };
      }
    }
    const limiter = this.#limiter(endpoint);
    const started = this.#now();
    let attempts = 0;
    for (;;) {
      const outer = this.#options.signal;
      if (outer?.aborted) {
        return { ok: false, error: cancelled(), latencyMs: this.#now() - started, attempts };
      }
      const release = await limiter.acquire();
      // The run may have been aborted while this request waited for a slot: do not send it.
      if (outer?.aborted) {
        release();
        return { ok: false, error: cancelled(), latencyMs: this.#now() - started, attempts };
      }
      attempts++;
      this.stats.requests++;
      const attemptStart = this.#now();
      let result: ProviderResponse;
      try {
        result = await attempt(request, endpoint, outer);
      } finally {
        release();
      }
      if (result.ok) {
        const response: StoredResponse = { output: result.output };
        if (result.usage) response.usage = result.usage;
        if (result.model) response.model = result.model;
        if (result.finishReason) response.finishReason = result.finishReason;
        // A failed cache write loses nothing but a later hit: the answer is still this call's.
        if (cache && !this.#options.cacheReadOnly) await cache.set(key, response).catch(() => undefined);
        // A replayed answer is like a cached one: nothing was spent, no latency was measured.
        if (result.replayed) return { ok: true, response, cached: true, latencyMs: 0, attempts };
        return { ok: true, response, cached: false, latencyMs: this.#now() - attemptStart, attempts };
      }
      if (!result.error.retryable || attempts > endpoint.maxRetries || outer?.aborted) {
        return { ok: false, error: result.error, latencyMs: this.#now() - started, attempts };
      }
      this.stats.retries++;
      await this.#sleep(this.#delay(attempts, result.error.retryAfterMs), outer);
    }
  }

  #delay(attempt: number, retryAfterMs: number | undefined): number {
    const { baseDelayMs, maxDelayMs } = this.#retry;
    if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, maxDelayMs);
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Full jitter" between half and all of the exponential delay spreads retries of a burst.
    return exponential / 2 + this.#random() * (exponential / 2);
  }
}

/** One attempt, bounded by the endpoint's timeout and stopped by the run's signal; failures are data. */
async function attempt(
  request: ModelRequest,
  endpoint: Endpoint,
  outer: AbortSignal | undefined,
): Promise<ProviderResponse> {
  const { provider, timeoutMs } = endpoint;
  if (timesAttempts(provider)) {
    if (!outer) {
      try {
        return await provider.completeWithin(request, { timeoutMs });
      } catch (error) {
        return thrown(error);
      }
    }
    // The provider's SDK leaves its listener on the signal it is given: hand it one per attempt rather than
    // the run's, which would collect a listener per request.
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort(outer.reason);
    outer.addEventListener("abort", onOuterAbort, { once: true });
    try {
      return await provider.completeWithin(request, { timeoutMs, signal: controller.signal });
    } catch (error) {
      return thrown(error);
    } finally {
      outer.removeEventListener("abort", onOuterAbort);
    }
  }
  // One controller per attempt, aborted by the timeout or by the run's signal. (Cheaper than
  // AbortSignal.timeout + AbortSignal.any, which showed up in the engine's CPU profile.)
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  let result: ProviderResponse;
  try {
    result = await provider.complete(request, { signal: controller.signal });
  } catch (error) {
    result = thrown(error);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
  if (!result.ok && timedOut && !outer?.aborted) return timeoutError(timeoutMs);
  return result;
}

/** Providers should not throw; if one does, the failure is still data on the case. */
function thrown(error: unknown): ProviderResponse {
  return {
    ok: false,
    error: { kind: "network", message: (error as Error)?.message ?? String(error), retryable: true },
  };
}

/** The failure of an attempt that outlived its endpoint's `timeoutMs` (retryable). */
export function timeoutError(timeoutMs: number): { ok: false; error: ProviderError } {
  return {
    ok: false,
    error: { kind: "timeout", message: `no answer within ${timeoutMs} ms`, retryable: true },
  };
}

function cancelled(): ProviderError {
  return { kind: "network", message: "cancelled before the request was sent", retryable: false };
}
