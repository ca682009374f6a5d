import { findProvider } from "@pydantic/genai-prices";

/** Provider id for endpoints on the user's own machine or network, which bill nothing per token. */
export const SELF_HOSTED_PROVIDER = "self-hosted";

/**
 * Hosts we map ourselves, so the common OpenAI-compatible endpoints keep their provider even if the price
 * table's own URL patterns change. Every id here is a provider id of `@pydantic/genai-prices` (a test checks).
 */
const HOST_RULES: ReadonlyArray<{ provider: string; test: (host: string) => boolean }> = [
  { provider: "openai", test: (h) => h === "api.openai.com" },
  {
    provider: "azure",
    test: (h) =>
      h.endsWith(".openai.azure.com") ||
      h.endsWith(".services.ai.azure.com") ||
      h.endsWith(".cognitiveservices.azure.com"),
  },
  { provider: "together", test: (h) => h === "api.together.xyz" || h === "api.together.ai" },
  { provider: "fireworks", test: (h) => h === "api.fireworks.ai" },
  { provider: "openrouter", test: (h) => h === "openrouter.ai" || h === "api.openrouter.ai" },
  { provider: "groq", test: (h) => h === "api.groq.com" },
  { provider: "deepseek", test: (h) => h === "api.deepseek.com" },
  { provider: "mistral", test: (h) => h === "api.mistral.ai" },
  // Gemini's OpenAI-compatible endpoint (generativelanguage) and Vertex AI (aiplatform, regional hosts).
  {
    provider: "google",
    test: (h) => h === "generativelanguage.googleapis.com" || h.endsWith("aiplatform.googleapis.com"),
  },
];

/**
 * Whether a host is the user's own: loopback (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`), `0.0.0.0`, mDNS
 * `*.local`, Docker's `host.docker.internal`, or a single-label name such as a Compose or Actions service
 * container (`ollama`, `vllm`), which no public endpoint can have.
 */
function isSelfHostedHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0.0.0.0" || host === "::") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (host.endsWith(".local") || host === "host.docker.internal") return true;
  return !host.includes(".") && !host.includes(":") && /^[a-z0-9-]+$/.test(host);
}

function parseBaseURL(baseURL: string): URL | undefined {
  const trimmed = baseURL.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return undefined;
  }
}

/** Infer the provider (for the price table) from an OpenAI-compatible base URL: api.openai.com -> "openai"; *.openai.azure.com / *.services.ai.azure.com / *.cognitiveservices.azure.com -> "azure"; api.together.xyz -> "together"; api.fireworks.ai -> "fireworks"; openrouter.ai -> "openrouter"; api.groq.com, api.deepseek.com, api.mistral.ai, generativelanguage.googleapis.com (OpenAI-compat) etc. where the library knows them; localhost/127.x/::1/0.0.0.0 and *.local -> "self-hosted"; otherwise undefined. */
export function inferProviderFromBaseURL(baseURL: string): string | undefined {
  const url = parseBaseURL(baseURL);
  if (!url) return undefined;
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (!host) return undefined;
  if (isSelfHostedHost(host)) return SELF_HOSTED_PROVIDER;
  const rule = HOST_RULES.find((r) => r.test(host));
  if (rule) return rule.provider;
  // The price table's own URL patterns (x.ai, Anthropic, Cerebras, Hugging Face router, Bedrock, ...). They are
  // anchored at `https://`, so ask with that scheme whatever the user wrote.
  return findProvider({ providerApiUrl: `https://${host}${url.pathname}` })?.id;
}
