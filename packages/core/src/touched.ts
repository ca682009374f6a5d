import path from "node:path";
import type { LoadedConfig } from "./config/loaded.ts";
import type { Config } from "./config/schema.ts";
import { stringifyCanonical } from "./request-key.ts";

/** A suite a change touches, and why. */
export interface TouchedSuite {
  name: string;
  /** Human-readable reasons: `prompts/support.md changed`, `its config changed`, `new suite`. */
  reasons: string[];
}

/** What `findTouchedSuites` compares. */
export interface TouchInput {
  /** The head config, loaded (its suites know every file they read). */
  head: LoadedConfig;
  /** The base version of the config, parsed; undefined when the base has no (valid) config. */
  base: Config | undefined;
  /** Files changed between base and head, relative to `repoRoot`. */
  changedFiles: readonly string[];
  /** Absolute path of the repository root. */
  repoRoot: string;
}

/** Config keys outside `suites` whose change can change every suite's results. */
const GLOBAL_KEYS = ["provider", "judge", "pricing", "models"] as const;

/**
 * The suites a change touches: a suite is touched when it is new, when its own config changed, when a config
 * key every suite depends on changed (provider, judge, pricing, models), or when a file it reads changed
 * (prompt, cases, training data, scorer module, JSON Schema). Suites come back in config order.
 */
export function findTouchedSuites(input: TouchInput): TouchedSuite[] {
  const changed = new Set(input.changedFiles.map((f) => path.resolve(input.repoRoot, f)));
  const headConfig = input.head.config;
  const globalChanges = input.base
    ? GLOBAL_KEYS.filter(
        (key) => stringifyCanonical(headConfig[key]) !== stringifyCanonical(input.base?.[key]),
      )
    : [];
  const touched: TouchedSuite[] = [];
  for (const suite of input.head.suites) {
    const reasons: string[] = [];
    const baseSuite = input.base?.suites[suite.name];
    if (!input.base) reasons.push("the base has no config to compare with");
    else if (!baseSuite) reasons.push("new suite");
    else if (stringifyCanonical(baseSuite) !== stringifyCanonical(headConfig.suites[suite.name])) {
      reasons.push("its config changed");
    }
    for (const key of globalChanges) reasons.push(`the config's \`${key}\` changed`);
    for (const file of suite.files) {
      const absolute = path.resolve(input.head.dir, file);
      if (changed.has(absolute)) reasons.push(`${path.relative(input.repoRoot, absolute)} changed`);
    }
    if (reasons.length > 0) touched.push({ name: suite.name, reasons });
  }
  return touched;
}
