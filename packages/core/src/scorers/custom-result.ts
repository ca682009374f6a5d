/** A custom scorer's return value, checked and normalized; or what is wrong with it. */
export type NormalizedCustomScore =
  | { ok: true; score: number | null; pass?: boolean; reason: string; metadata?: Record<string, unknown> }
  | { ok: false; problem: string };

const EXPECTED_SHAPE = "return a number in [0, 1], true/false, or { score, pass?, reason?, metadata? }";

function isValidScore(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

function describeReturned(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "object") return "an object without a score";
  return String(value);
}

/**
 * Check what a custom scorer returned: a number in [0, 1], a boolean (1 or 0), or `{ score, pass?, reason?,
 * metadata? }` with `score` a number in [0, 1] or `null` (does not apply). Anything else is a problem that names
 * the value received.
 */
export function normalizeCustomScore(value: unknown): NormalizedCustomScore {
  if (typeof value === "boolean") {
    return { ok: true, score: value ? 1 : 0, pass: value, reason: `custom scorer returned ${value}` };
  }
  if (typeof value === "number") {
    return isValidScore(value)
      ? { ok: true, score: value, reason: `custom scorer returned ${value}` }
      : { ok: false, problem: `returned ${value}, which is not a score in [0, 1]; ${EXPECTED_SHAPE}` };
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "score" in value) {
    const record = value as Record<string, unknown>;
    const score = record.score;
    if (score !== null && !isValidScore(score)) {
      return {
        ok: false,
        problem: `returned score ${JSON.stringify(score) ?? String(score)}, which is not a number in [0, 1] or null; ${EXPECTED_SHAPE}`,
      };
    }
    if (record.pass !== undefined && typeof record.pass !== "boolean") {
      return {
        ok: false,
        problem: `returned pass ${JSON.stringify(record.pass)}, which is not true or false`,
      };
    }
    if (record.reason !== undefined && typeof record.reason !== "string") {
      return { ok: false, problem: "returned a reason that is not a string" };
    }
    const metadata = record.metadata;
    if (
      metadata !== undefined &&
      (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))
    ) {
      return { ok: false, problem: "returned metadata that is not an object" };
    }
    const reason =
      typeof record.reason === "string" && record.reason.length > 0
        ? record.reason
        : score === null
          ? "does not apply (the custom scorer returned a null score)"
          : `custom scorer returned ${score}`;
    const out: NormalizedCustomScore = { ok: true, score, reason };
    if (typeof record.pass === "boolean") out.pass = record.pass;
    if (metadata !== undefined) out.metadata = metadata as Record<string, unknown>;
    return out;
  }
  return { ok: false, problem: `returned ${describeReturned(value)}; ${EXPECTED_SHAPE}` };
}
