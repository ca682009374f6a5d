/**
 * Edit distance and "did you mean" suggestions, shared by every parser of user files: the config, scorers,
 * prompts and cases.
 */

/**
 * Levenshtein distance between two strings, counted in Unicode code points (so an emoji or an accented letter
 * counts as one character). Uses two rows of the dynamic-programming table: O(n·m) time, O(min(n, m)) memory.
 */
export function computeLevenshteinDistance(a: string, b: string): number {
  if (a === b) return 0;
  let left = Array.from(a);
  let right = Array.from(b);
  if (left.length < right.length) [left, right] = [right, left];
  if (right.length === 0) return left.length;
  let previous = new Array<number>(right.length + 1);
  let current = new Array<number>(right.length + 1);
  for (let j = 0; j <= right.length; j++) previous[j] = j;
  for (let i = 1; i <= left.length; i++) {
    current[0] = i;
    const char = left[i - 1];
    for (let j = 1; j <= right.length; j++) {
      const substitution = previous[j - 1]! + (char === right[j - 1] ? 0 : 1);
      const deletion = previous[j]! + 1;
      const insertion = current[j - 1]! + 1;
      current[j] = Math.min(substitution, deletion, insertion);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length]!;
}

/** How `suggestClosest` decides that a candidate is close enough to suggest. */
export interface SuggestOptions {
  /**
   * Also count a candidate as close when one of the two is a prefix of the other (both at least 3 characters),
   * so `similar` suggests `similarity`. Default true; turn it off where a suggestion turns a value into an error
   * (a case variable `expectedAnswer` must not be read as a misspelt `expected`).
   */
  matchPrefix?: boolean;
}

/**
 * The candidate a mistyped `word` most likely meant, or `undefined` when none is close enough. Comparison
 * ignores case, `_` and `-` (so `starts_with` suggests `startsWith`); a candidate is close when its edit distance
 * is at most a third of the word's length (at least 1), or (unless `matchPrefix: false`) when one is a prefix of
 * the other (`similar` → `similarity`). Ties go to the earlier candidate.
 */
export function suggestClosest(
  word: string,
  candidates: readonly string[],
  options: SuggestOptions = {},
): string | undefined {
  const matchPrefix = options.matchPrefix ?? true;
  const fold = (text: string): string => text.toLowerCase().replace(/[-_\s]/g, "");
  const target = fold(word);
  if (target.length === 0) return undefined;
  const limit = Math.max(1, Math.floor(target.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const folded = fold(candidate);
    if (folded.length === 0) continue;
    let distance = computeLevenshteinDistance(target, folded);
    const isPrefix =
      matchPrefix &&
      Math.min(target.length, folded.length) >= 3 &&
      (folded.startsWith(target) || target.startsWith(folded));
    if (distance > limit && isPrefix) distance = limit;
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)` when a candidate is close to `word` (see `suggestClosest`), else an empty string. */
export function formatDidYouMean(
  word: string,
  candidates: readonly string[],
  options: SuggestOptions = {},
): string {
  const suggestion = suggestClosest(word, candidates, options);
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}
