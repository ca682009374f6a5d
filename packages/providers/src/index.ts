export * from "./batch-provider.ts";
export * from "./batch-state.ts";
export * from "./evaluate.ts";
export * from "./file-cache.ts";
export * from "./node-http-fetch.ts";
export * from "./openai-provider.ts";
export * from "./recording.ts";
export * from "./streamed-results.ts";
