/**
 * Matching model names against the keys of a config map (`pricing:`, `models:`): an exact name, or a glob where
 * `*` stands for any run of characters (slashes and colons included, since model names are not paths) and `?`
 * for one character. Matching ignores case, like the price table's own matching.
 */

/** A config entry that matched a model name. */
export interface ModelPatternMatch<T> {
  /** The key as written in the config. */
  pattern: string;
  value: T;
  /** Whether the key is the model name itself rather than a glob. */
  exact: boolean;
}

/** Whether a config key is a glob (holds `*` or `?`). */
export function isModelGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** Whether `model` matches the glob `pattern` (`*` any run of characters, `?` one character, case ignored). */
export function matchesModelGlob(pattern: string, model: string): boolean {
  let source = "";
  for (const char of pattern) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += char.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "is").test(model);
}

/**
 * Find the entry of `entries` that applies to `model`: the exact name first (case ignored), then the most
 * specific matching glob (the one with the most literal characters; the first written wins a tie).
 */
export function findModelPatternMatch<T>(
  model: string,
  entries: Readonly<Record<string, T>> | undefined,
): ModelPatternMatch<T> | undefined {
  if (!entries) return undefined;
  const wanted = model.toLowerCase();
  let best: { pattern: string; value: T; literals: number } | undefined;
  for (const [pattern, value] of Object.entries(entries)) {
    if (!isModelGlob(pattern)) {
      if (pattern.toLowerCase() === wanted) return { pattern, value, exact: true };
      continue;
    }
    if (!matchesModelGlob(pattern, model)) continue;
    const literals = pattern.replace(/[*?]/g, "").length;
    if (!best || literals > best.literals) best = { pattern, value, literals };
  }
  return best ? { pattern: best.pattern, value: best.value, exact: false } : undefined;
}
