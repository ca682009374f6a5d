import { inferProviderFromBaseURL } from "../pricing/index.ts";

/**
 * A model id as the endpoint expects it. GitHub Models ids carry the publisher (`openai/gpt-4o-mini`); OpenAI's
 * and Azure's own endpoints want the bare name, while routers such as OpenRouter want the prefix kept.
 */
export function adaptModelIdForEndpoint(model: string, baseURL: string): string {
  const provider = inferProviderFromBaseURL(baseURL);
  if ((provider === "openai" || provider === "azure") && model.startsWith("openai/")) return model.slice(7);
  return model;
}
