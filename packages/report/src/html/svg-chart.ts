import { escapeHtml } from "../markdown/escape.ts";

/** One candidate's bars in an SVG chart: its mean score (0–1) on each side, null when the side has none. */
export interface SvgChartRow {
  label: string;
  base: number | null;
  head: number | null;
}

const WIDTH = 720;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 56;
const BAR_HEIGHT = 12;
const ROW_HEIGHT = 2 * BAR_HEIGHT + 14;
const TOP = 34;

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * An inline SVG bar chart of mean scores, base (grey) and head (blue) for each candidate, with the target as a
 * dashed line when given: no script, no external resource, every label escaped. Empty string without rows.
 */
export function renderSvgScoreChart(
  rows: readonly SvgChartRow[],
  options: { title: string; target?: number },
): string {
  if (rows.length === 0) return "";
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = TOP + rows.length * ROW_HEIGHT + 24;
  const x = (v: number): number => LABEL_WIDTH + Math.max(0, Math.min(1, v)) * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<rect x="${LABEL_WIDTH}" y="8" width="12" height="10" fill="#8c959f"/><text x="${LABEL_WIDTH + 16}" y="17" font-size="12">base</text>`,
    `<rect x="${LABEL_WIDTH + 60}" y="8" width="12" height="10" fill="#0969da"/><text x="${LABEL_WIDTH + 76}" y="17" font-size="12">head</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = x(tick).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 20}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${tx}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#57606a">${tick * 100}%</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = TOP + i * ROW_HEIGHT;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT + 4}" font-size="12" text-anchor="end">${escapeHtml(truncate(row.label, 30))}</text>`,
    );
    for (const [side, value, color, dy] of [
      ["base", row.base, "#8c959f", 0],
      ["head", row.head, "#0969da", BAR_HEIGHT + 2],
    ] as const) {
      const by = y + dy;
      if (value === null) {
        parts.push(
          `<text x="${LABEL_WIDTH + 4}" y="${by + BAR_HEIGHT - 2}" font-size="11" fill="#57606a">${side}: no score</text>`,
        );
        continue;
      }
      const w = Math.max(1, x(value) - LABEL_WIDTH);
      parts.push(
        `<rect class="bar-${side}" x="${LABEL_WIDTH}" y="${by}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"><title>${escapeHtml(`${row.label} ${side}: ${pct(value)}`)}</title></rect>`,
        `<text x="${(LABEL_WIDTH + w + 4).toFixed(1)}" y="${by + BAR_HEIGHT - 2}" font-size="11">${pct(value)}</text>`,
      );
    }
  });
  if (options.target !== undefined) {
    const tx = x(options.target).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 20}" stroke="#cf222e" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<text x="${tx}" y="${TOP - 10}" font-size="11" text-anchor="middle" fill="#cf222e">target ${pct(options.target)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
