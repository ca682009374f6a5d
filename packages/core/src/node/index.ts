export * from "./check-training-file.ts";
export * from "./custom-scorer.ts";
export * from "./git.ts";
export * from "./load-cases.ts";
export * from "./load-config.ts";
export * from "./load-prompt.ts";
export * from "./load-result.ts";
export * from "./pull-request-check.ts";
