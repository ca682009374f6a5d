import type { GatesConfig } from "../config/schema.ts";
import { DEFAULTS } from "../defaults.ts";
import { type InputIssue, PromptfirstError } from "../errors.ts";
import { DEFAULT_POWER } from "../stats/paired.ts";
import { type Thresholds, thresholdsSchema } from "./schema.ts";

/** The thresholds a comparison uses when nothing overrides them (from DEFAULTS, plus compare's own). */
export const DEFAULT_GATE_THRESHOLDS: Thresholds = {
  confidence: DEFAULTS.confidence,
  maxScoreDrop: DEFAULTS.maxScoreDrop,
  maxCostIncrease: DEFAULTS.maxCostIncrease,
  maxErrorRate: DEFAULTS.maxErrorRate,
  failOnUnknownCost: false,
  power: DEFAULT_POWER,
  failOn: DEFAULTS.failOn,
};

/**
 * Fill in the defaults for every threshold not given (undefined counts as not given) and check the ranges. A
 * value out of range is a USAGE PromptfirstError listing every bad key with the value received and the range
 * allowed.
 */
export function resolveThresholds(partial: Partial<Thresholds> = {}): Thresholds {
  const merged: Record<string, unknown> = { ...DEFAULT_GATE_THRESHOLDS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) merged[key] = value;
  }
  const parsed = thresholdsSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issues: InputIssue[] = parsed.error.issues.map((issue) => {
    const key = issue.path.join(".");
    return {
      file: "thresholds",
      path: key,
      message: `${issue.message} (got ${JSON.stringify(merged[key])})`,
    };
  });
  throw new PromptfirstError(
    "USAGE",
    ["invalid gate thresholds:", ...issues.map((i) => `  ${i.path}: ${i.message}`)].join("\n"),
    issues,
  );
}

/** For each key of a config's `gates:` block: `true` when it is a threshold of the same name and type. */
type GatesKeyIsThreshold = {
  [K in keyof GatesConfig]-?: K extends keyof Thresholds
    ? NonNullable<GatesConfig[K]> extends NonNullable<Thresholds[K]>
      ? true
      : false
    : false;
};

/**
 * Each key of a config's `gates:` block. `satisfies` makes a key added to the block without being listed here,
 * or one that is not a threshold of the same name and type, a compile error.
 */
const GATES_CONFIG_KEYS = {
  minScore: true,
  minPassRate: true,
  maxScoreDrop: true,
  maxCostIncrease: true,
  maxMonthlyCost: true,
  failOnUnknownCost: true,
  maxErrorRate: true,
  confidence: true,
  minFineTuneGain: true,
  promptFirst: true,
} as const satisfies GatesKeyIsThreshold;

/**
 * The thresholds a config's `gates:` block sets; keys it leaves out stay out, so defaults fill them. Flags and
 * Action inputs win when spread after it: `{ ...readGatesThresholds(config.gates), ...flags }`.
 */
export function readGatesThresholds(gates: GatesConfig | undefined): Partial<Thresholds> {
  const out: Record<string, unknown> = {};
  if (!gates) return {};
  for (const key of Object.keys(GATES_CONFIG_KEYS) as Array<keyof typeof GATES_CONFIG_KEYS>) {
    if (gates[key] !== undefined) out[key] = gates[key];
  }
  return out as Partial<Thresholds>;
}
