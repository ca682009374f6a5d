import { computeLevenshteinDistance } from "../text/suggest.ts";

/** Quote text for a reason line: JSON-escaped (newlines visible), cut to `maxChars` code points with `…`. */
export function quoteText(text: string, maxChars = 80): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > maxChars ? `${chars.slice(0, maxChars).join("")}…` : text);
}

/** Normalize text for comparison: Unicode NFC (composed and decomposed accents compare equal), optionally lowercased. */
export function normalizeText(text: string, caseSensitive: boolean): string {
  const composed = text.normalize("NFC");
  return caseSensitive ? composed : composed.toLowerCase();
}

/** Lowercased word tokens (runs of letters, marks and digits, any script), after NFKC normalization. */
export function tokenizeWords(text: string): string[] {
  return (
    text
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}

/**
 * Token F1 (SQuAD style) between two texts over lowercased word tokens, counting repeats: 1 when both have the
 * same tokens, 0 when they share none. Two texts without tokens score 1; one without tokens scores 0.
 */
export function computeTokenF1(output: string, reference: string): number {
  const predicted = tokenizeWords(output);
  const expected = tokenizeWords(reference);
  if (predicted.length === 0 && expected.length === 0) return 1;
  if (predicted.length === 0 || expected.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Normalized Levenshtein similarity: 1 − distance / length of the longer text, in code points after NFC
 * normalization. Two empty texts score 1.
 */
export function computeLevenshteinSimilarity(a: string, b: string): number {
  const left = a.normalize("NFC");
  const right = b.normalize("NFC");
  const longest = Math.max(Array.from(left).length, Array.from(right).length);
  if (longest === 0) return 1;
  return 1 - computeLevenshteinDistance(left, right) / longest;
}

/** Format a score for a reason line: at most 2 decimals (`0.5`, `0.83`, `1`). */
export function formatScore(score: number): string {
  return String(Math.round(score * 100) / 100);
}

/** List quoted items for a reason, at most `max` of them, then `and N more`. */
export function listQuoted(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).map((item) => quoteText(item, 60));
  return items.length > max ? `${shown.join(", ")} and ${items.length - max} more` : shown.join(", ");
}
