import { setFlagsFromString } from "node:v8";

/** How far V8 may grow the old generation past what a full collection left live: 1.5×. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Bound how much V8 grows its heap after each full collection. By default it grows the old generation to up to
 * 4× what is live, and a long evaluation allocates fast (responses, abort signals, cache lines in flight): a
 * 100,000-case `eval` peaked at 330–430 MB of memory for about 76 MB live. At 1.5× it peaks at 236–242 MB in
 * the same time (docs/benchmarks.md). A `--heap-growing-percent` the user passes to Node wins.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
