/** Score as a percentage with one decimal: `0.8123` → `81.2%`; `—` when unknown. */
export function formatScorePercent(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

/** A score difference in points with its sign: `-0.035` → `-3.5`, `0.01` → `+1.0`. */
export function formatPoints(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const points = value * 100;
  const text = Math.abs(points).toFixed(1);
  if (text === "0.0") return "0.0";
  return points < 0 ? `-${text}` : `+${text}`;
}

/** A magnitude in points without sign: `0.02` → `2.0`. */
export function formatPointsAbs(value: number): string {
  return (Math.abs(value) * 100).toFixed(1);
}

/** A percent change with its sign: `25` → `+25%`, `-4.26` → `-4.3%`. */
export function formatChangePct(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const rounded = Math.abs(value) >= 10 ? Math.abs(value).toFixed(0) : Math.abs(value).toFixed(1);
  if (Number(rounded) === 0) return "0%";
  return value < 0 ? `-${rounded}%` : `+${rounded}%`;
}

/** USD with sensible precision: `$0.0042`, `$1.27`, `$1,204`; `unknown` when null. */
export function formatDollars(value: number | null | undefined): string {
  if (value === null || value === undefined) return "unknown";
  if (value === 0) return "$0";
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  if (abs < 0.01) return `${sign}$${abs.toPrecision(2)}`;
  if (abs < 100) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${Math.round(abs).toLocaleString("en-US")}`;
}

/** A p-value for people: `p = 0.032`, `p < 0.001`. */
export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return "p unknown";
  if (value < 0.001) return "p < 0.001";
  return `p = ${value.toFixed(3)}`;
}

/** Up to `max` ids, then `and N more`. */
export function formatIdList(ids: readonly string[], max = 5): string {
  if (ids.length <= max) return ids.join(", ");
  return `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}
