/** Proxy settings for model calls, as a shell reads them from its environment (see `readProxySettings`). */
export interface ProxySettings {
  /** Proxy for `https:` endpoints (HTTPS_PROXY). */
  httpsProxy?: string;
  /** Proxy for `http:` endpoints (HTTP_PROXY). */
  httpProxy?: string;
  /** Hosts reached directly, comma-separated (NO_PROXY): `example.com`, `.example.com`, `host:port`, `*`. */
  noProxy?: string;
}

/** Loopback hosts are never proxied, as `@actions/http-client` does for the GitHub API. */
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The proxy settings `env` gives (HTTPS_PROXY, HTTP_PROXY and NO_PROXY, either case, the lower-case one first as
 * curl reads them), or undefined when it names no proxy. Loopback addresses are added to NO_PROXY: a local
 * endpoint (Ollama, vLLM, a test server) is never sent through a proxy.
 */
export function readProxySettings(
  env: Readonly<Record<string, string | undefined>>,
): ProxySettings | undefined {
  const read = (name: string): string | undefined =>
    (env[name.toLowerCase()] ?? env[name.toUpperCase()])?.trim() || undefined;
  const httpsProxy = read("https_proxy");
  const httpProxy = read("http_proxy");
  if (!httpsProxy && !httpProxy) return undefined;
  const noProxy = [read("no_proxy"), ...LOOPBACK].filter(Boolean).join(",");
  return { ...(httpsProxy ? { httpsProxy } : {}), ...(httpProxy ? { httpProxy } : {}), noProxy };
}

/**
 * A `fetch` that sends each request through the proxy `settings` name for its URL, or directly for a host in
 * `noProxy`: undici's fetch with its `EnvHttpProxyAgent` (CONNECT tunnels), given the settings rather than
 * reading the process's environment. undici is loaded on the first request, so a run without a proxy never
 * parses it.
 */
export function createProxyFetch(settings: ProxySettings): typeof fetch {
  let loading:
    | Promise<{ fetch: typeof import("undici").fetch; dispatcher: import("undici").Dispatcher }>
    | undefined;
  return async (input, init) => {
    loading ??= import("undici").then(({ fetch, EnvHttpProxyAgent }) => ({
      fetch,
      // Empty strings, not undefined: undefined would make undici read the process's own variables.
      dispatcher: new EnvHttpProxyAgent({
        httpProxy: settings.httpProxy ?? "",
        httpsProxy: settings.httpsProxy ?? "",
        noProxy: settings.noProxy ?? "",
      }),
    }));
    const { fetch, dispatcher } = await loading;
    const url = input instanceof URL || typeof input === "string" ? input : input.url;
    return (await fetch(url, { ...(init as object), dispatcher })) as unknown as Response;
  };
}
