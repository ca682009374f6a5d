/**
 * Text normalisations behind the duplicate, contradiction, near-duplicate and leakage checks. Each is a few
 * passes of the engine's native string functions that only touch what needs changing (a run of spaces, a
 * punctuation mark), so they cost little next to tokenising.
 */

/** Whitespace that is not a single plain space: a run of two or more, or one tab, line break or the like. */
const MESSY_SPACE = /\s{2,}|[^\S ]/g;
/** Runs of anything but letters, digits and plain spaces (punctuation, symbols, line breaks). */
const NOT_WORD = /[^\p{L}\p{N} ]+/gu;
const DIGITS = /\p{N}+/gu;
const SPACES = / {2,}/g;

/**
 * The "same text" normalisation: case folded, runs of white space made one space, ends trimmed. Two examples
 * equal under it are duplicates for any practical purpose (a fine-tune learns the same thing from both).
 */
export function normalizeExampleText(text: string): string {
  return text.toLowerCase().replace(MESSY_SPACE, " ").trim();
}

/**
 * The "near-duplicate" normalisation: `normalizeExampleText`, and punctuation and symbols dropped and every
 * number replaced by `0`. Examples that differ only in numbers, punctuation, case or spacing (a template filled
 * with different ages or dates) become equal under it.
 */
export function normalizeExampleLoosely(text: string): string {
  return loosenNormalizedText(normalizeExampleText(text));
}

/** `normalizeExampleLoosely` for a text already through `normalizeExampleText` (saves a pass). */
export function loosenNormalizedText(normalized: string): string {
  return normalized.replace(NOT_WORD, " ").replace(DIGITS, "0").replace(SPACES, " ").trim();
}

/**
 * The "same words" normalisation used to match training inputs against eval cases: case folded, everything
 * but letters and digits turned into single spaces. Numbers are kept: an eval case that differs from a
 * training example in its numbers is a different case.
 */
export function normalizeExampleWords(text: string): string {
  return text.toLowerCase().replace(NOT_WORD, " ").replace(MESSY_SPACE, " ").trim();
}
