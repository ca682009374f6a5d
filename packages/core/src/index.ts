export * from "./errors.ts";
export * from "./template.ts";
export type * from "./types.ts";
