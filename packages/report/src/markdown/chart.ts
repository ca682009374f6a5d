import type { Comparison } from "@promptfirst/core";

/** Most candidates drawn in the Mermaid chart (two bars each); the rest are left out with a note. */
export const MAX_CHART_CANDIDATES = 12;

/** One candidate's bars: its label and its mean score (0–1) on each side, null when the side has none. */
export interface ChartPoint {
  suite: string;
  candidate: string;
  base: number | null;
  head: number | null;
  target: number | null;
}

/** The points of a base-vs-head score chart: every candidate scored on at least one side. */
export function collectChartPoints(comparison: Comparison): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const suite of comparison.suites) {
    for (const c of suite.candidates) {
      const base = c.base?.mean ?? null;
      const head = c.head?.mean ?? null;
      if (base === null && head === null) continue;
      points.push({ suite: suite.name, candidate: c.name, base, head, target: suite.target ?? null });
    }
  }
  return points;
}

/**
 * A label for Mermaid: only letters, digits, spaces and `._/-` (anything else could end the string or start a
 * directive), at most 28 characters.
 */
export function sanitizeChartLabel(text: string): string {
  const clean = text
    .replace(/[^\p{L}\p{N} ._/-]/gu, "_")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > 28 ? `${clean.slice(0, 27)}…` : clean || "_";
}

function percent(value: number | null): string {
  return value === null ? "0" : (Math.round(value * 1000) / 10).toString();
}

/**
 * A Mermaid `xychart-beta` of mean scores, base then head for each candidate (two bar series, so base and head
 * get different colours), with the suite's target as a line when every suite sets one. GitHub renders
 * ```mermaid blocks. Empty when nothing was scored.
 */
export function renderMermaidChart(comparison: Comparison): string[] {
  const all = collectChartPoints(comparison);
  if (all.length === 0) return [];
  const points = all.slice(0, MAX_CHART_CANDIDATES);
  const multiSuite = new Set(points.map((p) => p.suite)).size > 1;
  const labels: string[] = [];
  const baseBars: string[] = [];
  const headBars: string[] = [];
  const target: string[] = [];
  for (const p of points) {
    const name = sanitizeChartLabel(multiSuite ? `${p.suite}/${p.candidate}` : p.candidate);
    // A side without a score gets no bar at all (a zero-height bar would read as a score of 0).
    if (p.base !== null) {
      labels.push(`"${name} base"`);
      baseBars.push(percent(p.base));
      headBars.push("0");
      target.push(percent(p.target));
    }
    if (p.head !== null) {
      labels.push(`"${name} head"`);
      baseBars.push("0");
      headBars.push(percent(p.head));
      target.push(percent(p.target));
    }
  }
  const withTarget = points.every((p) => p.target !== null);
  const lines = [
    "```mermaid",
    "xychart-beta",
    `  title "Mean score (%), base then head${withTarget ? "; line: target" : ""}"`,
    `  x-axis [${labels.join(", ")}]`,
    `  y-axis "score (%)" 0 --> 100`,
    `  bar [${baseBars.join(", ")}]`,
    `  bar [${headBars.join(", ")}]`,
  ];
  if (withTarget) lines.push(`  line [${target.join(", ")}]`);
  lines.push("```");
  if (all.length > points.length) {
    lines.push("", `<sub>${all.length - points.length} more candidate(s) are in the tables above.</sub>`);
  }
  return lines;
}
