/** Lower-case and drop `_`/`-`, so `topP`, `top-p` and `top_p` compare equal. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** Levenshtein distance between two short strings. */
function computeEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate the user most likely meant by `input` (`temprature` → `temperature`, `topP` → `top_p`,
 * `usr` → `user`), or `undefined` when nothing is close enough to suggest.
 */
export function suggestName(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalizeName(input);
  const exact = candidates.find((c) => normalizeName(c) === wanted);
  if (exact !== undefined) return exact;
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = computeEditDistance(wanted, normalizeName(candidate));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` when a candidate is close to `input`, else an empty string. */
export function formatDidYouMean(input: string, candidates: readonly string[]): string {
  const suggestion = suggestName(input, candidates);
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}
