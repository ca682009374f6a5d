import type { Comparison } from "@promptfirst/core";

/** The Comparison as the JSON file `promptfirst compare --out` writes (pretty, with a final newline). */
export function renderJson(comparison: Comparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
