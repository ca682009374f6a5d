import type { RunProgress } from "@promptfirst/core";

/** How often a log (non-TTY) gets a progress line at most, milliseconds. */
const LOG_INTERVAL_MS = 10_000;
/** In a log, nothing is printed before the run has taken this long (but the final line), milliseconds. */
const QUIET_START_MS = 1_000;
/** How often a terminal line is redrawn at most, milliseconds. */
const TTY_INTERVAL_MS = 100;

/** Format milliseconds as `1m05s` / `12s` / `0.4s`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

/** One progress line: `eval 120/400 (30%) · 80 cached · 2 errors · 12s elapsed · ~28s left`. */
export function formatProgress(p: RunProgress): string {
  const percent = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
  const parts = [`eval ${p.done}/${p.total} (${percent}%)`];
  if (p.cacheHits > 0) parts.push(`${p.cacheHits} cached`);
  if (p.errors > 0) parts.push(`${p.errors} error${p.errors === 1 ? "" : "s"}`);
  parts.push(`${formatDuration(p.elapsedMs)} elapsed`);
  if (p.etaMs !== null && p.done < p.total) parts.push(`~${formatDuration(p.etaMs)} left`);
  return parts.join(" · ");
}

/**
 * Progress on stderr that reads well in CI logs: on a terminal one line redrawn at most ten times a second; in
 * a log a line every 10 seconds and at every 25% step once the run has taken a second, and always the last
 * one. No spinner, no colour codes.
 */
export function createProgressReporter(
  write: (text: string) => void,
  isTTY: boolean,
  now: () => number,
): { update: (p: RunProgress) => void; finish: () => void } {
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastQuarter = -1;
  let last: RunProgress | undefined;
  let drawn = false;
  return {
    update(p) {
      last = p;
      const t = now();
      const quarter = p.total === 0 ? 4 : Math.floor((p.done / p.total) * 4);
      if (isTTY) {
        if (t - lastAt < TTY_INTERVAL_MS && p.done < p.total) return;
        write(`\r${formatProgress(p)}\u001b[K`);
        drawn = true;
      } else {
        // A short run gets only its final line: quarter steps in the first second are noise in a log.
        if (p.elapsedMs < QUIET_START_MS && p.done < p.total) return;
        if (t - lastAt < LOG_INTERVAL_MS && quarter === lastQuarter && p.done < p.total) return;
        if (p.done === p.total && drawn) return;
        write(`${formatProgress(p)}\n`);
        drawn = p.done === p.total;
      }
      lastAt = t;
      lastQuarter = quarter;
    },
    finish() {
      if (isTTY && drawn) write("\n");
      else if (!isTTY && last && !drawn) write(`${formatProgress(last)}\n`);
    },
  };
}
