import http from "node:http";
import https from "node:https";

/** Connections kept open per endpoint; above the highest concurrency a config is likely to set. */
const MAX_SOCKETS_PER_HOST = 256;
/** Parsed request URLs kept (the SDK asks for the same few URLs over and over). */
const MAX_CACHED_URLS = 64;

interface Target {
  protocol: "http:" | "https:";
  hostname: string;
  port: string | undefined;
  path: string;
}

/**
 * A `fetch` for the openai SDK built on `node:http`/`node:https` with keep-alive agents. Node 20's built-in
 * fetch (undici) spends about twice the CPU per request; measured here through the SDK at 32 concurrent
 * requests: 1.76 ms vs 0.79 ms of CPU per call (see docs/benchmarks.md). Responses are buffered (promptfirst
 * never streams) and handed back as a `BufferedResponse`, which has what the SDK reads of a `Response` without
 * the WHATWG stream and header machinery behind one. Aborts reject with an `AbortError` as the SDK expects, and
 * connection failures reject with the socket error, which the SDK reports as a connection error.
 */
export function createNodeHttpFetch(): typeof fetch {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
  };
  const targets = new Map<string, Target>();
  /** Where a request goes; throws a TypeError for a URL that is not http(s). */
  const targetOf = (href: string): Target => {
    let target = targets.get(href);
    if (target === undefined) {
      const url = new URL(href);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new TypeError(`unsupported protocol ${url.protocol}`);
      }
      target = {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
      };
      if (targets.size >= MAX_CACHED_URLS) targets.clear();
      targets.set(href, target);
    }
    return target;
  };
  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    // The SDK sends JSON strings for chat completions; other bodies (uploads) and `Request` objects go through
    // the built-in fetch. (`Request`, like every fetch global, is a getter that loads Node's own undici, about
    // 45 ms at start: a string or URL never reads it.)
    if ((typeof input !== "string" && !(input instanceof URL)) || !isSimpleBody(body)) {
      return fetch(input, init);
    }
    const href = typeof input === "string" ? input : input.href;
    let target: Target;
    try {
      target = targetOf(href);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<Response>((resolve, reject) => {
      const request = (target.protocol === "https:" ? https : http).request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          method: init.method ?? "GET",
          headers: toNodeHeaders(init.headers),
          agent: agents[target.protocol],
        },
        (response) => {
          let first: Buffer | undefined;
          let rest: Buffer[] | undefined;
          response.on("data", (chunk: Buffer) => {
            if (first === undefined) first = chunk;
            else if (rest === undefined) rest = [first, chunk];
            else rest.push(chunk);
          });
          response.on("error", fail);
          response.on("end", () => {
            signal?.removeEventListener("abort", onAbort);
            const status = response.statusCode ?? 500;
            const payload =
              status === 204 || status === 304
                ? null
                : rest
                  ? Buffer.concat(rest)
                  : (first ?? Buffer.alloc(0));
            resolve(
              new BufferedResponse(
                status,
                response.statusMessage ?? "",
                href,
                new RawHeaders(response.rawHeaders),
                payload,
              ) as unknown as Response,
            );
          });
        },
      );
      function fail(error: Error): void {
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      }
      function onAbort(): void {
        request.destroy();
        reject(abortError(signal!));
      }
      signal?.addEventListener("abort", onAbort);
      request.on("error", fail);
      request.end((body as string | Uint8Array | null | undefined) ?? undefined);
    });
  };
  return nodeFetch as typeof fetch;
}

function isSimpleBody(body: unknown): boolean {
  return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
}

/**
 * The request's headers as `node:http` takes them: a plain record of strings is passed as is (the provider's
 * client hands over one); anything else is read through `Headers`.
 */
function toNodeHeaders(given: RequestInit["headers"]): Record<string, string> | undefined {
  if (given === undefined || given === null) return undefined;
  if (isStringRecord(given)) return given;
  const headers: Record<string, string> = {};
  (given instanceof Headers ? given : new Headers(given)).forEach((value, key) => {
    headers[key] = value;
  });
  return headers;
}

function isStringRecord(value: object): value is Record<string, string> {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== "string") return false;
  return true;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  const error = new Error(reason instanceof Error ? reason.message : "The operation was aborted");
  error.name = "AbortError";
  return error;
}

/**
 * The response headers as a read-only `Headers` look-alike over `node:http`'s raw name/value list (values
 * already trimmed): `get` scans the few entries instead of building a `Headers`, whose every `append`
 * validates. Names match case-insensitively; repeated headers are joined with ", " and iteration is sorted by
 * name, as `Headers` does.
 */
export class RawHeaders implements Iterable<[string, string]> {
  readonly #raw: readonly string[];
  #sorted: Array<[string, string]> | undefined;

  /** `raw`: names and values in turn, as `IncomingMessage.rawHeaders` holds them. */
  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const wanted = name.toLowerCase();
    const raw = this.#raw;
    let value: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!;
      if (key.length !== wanted.length || (key !== wanted && key.toLowerCase() !== wanted)) continue;
      value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
    }
    return value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    const raw = this.#raw;
    const cookies: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.toLowerCase() === "set-cookie") cookies.push(raw[i + 1]!);
    }
    return cookies;
  }

  forEach(callback: (value: string, name: string, parent: RawHeaders) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#entries()) callback.call(thisArg, value, name, this);
  }

  entries(): IterableIterator<[string, string]> {
    return this.#entries()[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return this.#entries()
      .map(([name]) => name)
      [Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return this.#entries()
      .map(([, value]) => value)
      [Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  // A response's headers cannot be changed (a `Response`'s are immutable too).
  append(): never {
    throw new TypeError("immutable");
  }
  set(): never {
    throw new TypeError("immutable");
  }
  delete(): never {
    throw new TypeError("immutable");
  }

  /** Lower-case names, sorted; repeated names joined, except set-cookie, which `Headers` lists one by one. */
  #entries(): Array<[string, string]> {
    if (this.#sorted) return this.#sorted;
    const raw = this.#raw;
    const sorted: Array<[string, string]> = [];
    // An insertion sort, stable (repeated names keep their order): a response has a handful of headers, and
    // `Array.prototype.sort` allocates more than it saves here.
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      let at = sorted.length;
      while (at > 0 && sorted[at - 1]![0] > name) at--;
      const before = sorted[at - 1];
      if (before !== undefined && before[0] === name && name !== "set-cookie")
        before[1] = `${before[1]}, ${value}`;
      else sorted.splice(at, 0, [name, value]);
    }
    this.#sorted = sorted;
    return sorted;
  }
}

/**
 * What the openai SDK reads of a `Response` (status, headers, `json()` / `text()`), over a body already in
 * memory. `body` makes a stream only when asked for one.
 */
export class BufferedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: RawHeaders;
  readonly redirected = false;
  readonly type = "basic";
  #payload: Buffer | null;
  #stream: ReadableStream<Uint8Array> | null | undefined;
  #used = false;

  constructor(status: number, statusText: string, url: string, headers: RawHeaders, payload: Buffer | null) {
    this.status = status;
    this.statusText = statusText;
    this.url = url;
    this.headers = headers;
    this.#payload = payload;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body as a one-chunk stream (null for a response without one); reading it uses the body up. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream !== undefined) return this.#stream;
    const payload = this.#payload;
    this.#stream =
      payload === null
        ? null
        : new ReadableStream<Uint8Array>({
            pull: (controller) => {
              this.#used = true;
              controller.enqueue(new Uint8Array(payload));
              controller.close();
            },
          });
    return this.#stream;
  }

  async text(): Promise<string> {
    const bytes = this.#consume();
    // As `Response.text()`: UTF-8, a leading byte-order mark dropped.
    const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return bytes.toString("utf8", start);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    const type = this.headers.get("content-type");
    return new Blob([await this.arrayBuffer()], type === null ? {} : { type });
  }

  clone(): BufferedResponse {
    if (this.#used || this.#stream) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this.status, this.statusText, this.url, this.headers, this.#payload);
  }

  #consume(): Buffer {
    if (this.#used || this.#stream) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#payload ?? Buffer.alloc(0);
  }
}
