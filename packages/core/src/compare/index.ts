export * from "./builders.ts";
export * from "./compare-runs.ts";
export * from "./gates.ts";
export * from "./gates-config.ts";
export * from "./schema.ts";
export * from "./thresholds.ts";
export * from "./wording.ts";
