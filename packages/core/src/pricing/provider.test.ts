import { findProvider } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import { inferProviderFromBaseURL } from "./provider.ts";

describe("inferProviderFromBaseURL", () => {
  it.each([
    ["https://api.openai.com/v1", "openai"],
    ["https://api.openai.com/v1/", "openai"],
    ["HTTPS://API.OPENAI.COM/v1", "openai"],
    ["api.openai.com/v1", "openai"],
    ["https://acme.openai.azure.com/openai/v1", "azure"],
    ["https://acme-foundry.services.ai.azure.com/openai/v1", "azure"],
    ["https://acme.cognitiveservices.azure.com/openai/v1", "azure"],
    ["https://api.together.xyz/v1", "together"],
    ["https://api.together.ai/v1", "together"],
    ["https://api.fireworks.ai/inference/v1", "fireworks"],
    ["https://openrouter.ai/api/v1", "openrouter"],
    ["https://api.groq.com/openai/v1", "groq"],
    ["https://api.deepseek.com/v1", "deepseek"],
    ["https://api.mistral.ai/v1", "mistral"],
    ["https://generativelanguage.googleapis.com/v1beta/openai/", "google"],
    // Known to the price table through its own URL patterns.
    ["https://api.x.ai/v1", "x-ai"],
    ["https://api.anthropic.com/v1", "anthropic"],
    ["https://api.cerebras.ai/v1", "cerebras"],
    ["https://router.huggingface.co/together/v1", "huggingface_together"],
    // The user's own machine or network.
    ["http://localhost:11434/v1", "self-hosted"],
    ["http://127.0.0.1:8000/v1", "self-hosted"],
    ["http://127.1.2.3:8000/v1", "self-hosted"],
    ["http://[::1]:8000/v1", "self-hosted"],
    ["http://0.0.0.0:8000/v1", "self-hosted"],
    ["http://gpu-box.local:8000/v1", "self-hosted"],
    ["http://vllm.localhost/v1", "self-hosted"],
    ["http://host.docker.internal:11434/v1", "self-hosted"],
    ["http://ollama:11434/v1", "self-hosted"],
    // Unknown: an organisation's gateway, a look-alike host, nonsense.
    ["https://llm-gateway.acme.com/v1", undefined],
    ["https://openai.example.com/v1", undefined],
    ["https://10.0.0.5/v1", undefined],
    ["", undefined],
    ["http://", undefined],
  ])("%s -> %s", (baseURL, expected) => {
    expect(inferProviderFromBaseURL(baseURL)).toBe(expected);
  });

  it("returns only provider ids the price table knows (besides self-hosted)", () => {
    const urls = [
      "https://api.openai.com/v1",
      "https://acme.openai.azure.com/openai/v1",
      "https://api.together.xyz/v1",
      "https://api.fireworks.ai/inference/v1",
      "https://openrouter.ai/api/v1",
      "https://api.groq.com/openai/v1",
      "https://api.deepseek.com/v1",
      "https://api.mistral.ai/v1",
      "https://generativelanguage.googleapis.com/v1beta/openai/",
    ];
    for (const url of urls) {
      const id = inferProviderFromBaseURL(url);
      expect(id, url).toBeDefined();
      expect(findProvider({ providerId: id as string })?.id, url).toBe(id);
    }
  });
});
