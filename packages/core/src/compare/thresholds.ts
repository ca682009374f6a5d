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
