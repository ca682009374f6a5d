import type { GatesConfig } from "../config/schema.ts";
import type { Thresholds } from "./schema.ts";

// A config's `gates:` block as comparison thresholds. Types only from the schemas: the check reads its gates
// before the first model request, and the comparison's zod schemas are not needed until the comparison.

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
