export * from "./io.ts";
export * from "./main.ts";
export * from "./summary.ts";
