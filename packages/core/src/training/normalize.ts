import { computeStringHash } from "./hash.ts";

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

/** Where `hashNormalizedText` leaves its hashes. */
export const normalizedHashes = { exact: 0, loose: 0 };

/**
 * `computeStringHash(normalizeExampleText(text))` into `normalizedHashes.exact` and, when `loose`,
 * `computeStringHash(normalizeExampleLoosely(text))` into `normalizedHashes.loose`: the same numbers, but for
 * ASCII text (most training data) in one pass over the text that builds neither string. Any other text goes
 * through the string functions.
 */
export function hashNormalizedText(text: string, loose: boolean): void {
  // Lower case first (natively, and into a flat string): the loop below then sees what the normalisations see.
  const lower = text.toLowerCase();
  // Two cyrb53 states (see computeStringHash) per normalisation, fed with the normalised characters as they come.
  let e1 = 0xdeadbeef ^ 0;
  let e2 = 0x41c6ce57 ^ 0;
  let l1 = e1;
  let l2 = e2;
  let pendingSpace = false;
  let emitted = false;
  let pendingSeparator = false;
  let looseEmitted = false;
  let inNumber = false;
  const length = lower.length;
  let i = 0;
  while (i < length) {
    let c = lower.charCodeAt(i);
    if ((c - 97) >>> 0 < 26) {
      // A run of letters (most of the text), the same in both forms.
      if (pendingSpace) {
        pendingSpace = false;
        if (emitted) {
          e1 = Math.imul(e1 ^ 32, 2654435761);
          e2 = Math.imul(e2 ^ 32, 1597334677);
          pendingSeparator = true;
        }
      }
      if (pendingSeparator) {
        pendingSeparator = false;
        if (looseEmitted) {
          l1 = Math.imul(l1 ^ 32, 2654435761);
          l2 = Math.imul(l2 ^ 32, 1597334677);
        }
      }
      emitted = true;
      looseEmitted = true;
      inNumber = false;
      do {
        e1 = Math.imul(e1 ^ c, 2654435761);
        e2 = Math.imul(e2 ^ c, 1597334677);
        l1 = Math.imul(l1 ^ c, 2654435761);
        l2 = Math.imul(l2 ^ c, 1597334677);
        if (++i >= length) break;
        c = lower.charCodeAt(i);
      } while ((c - 97) >>> 0 < 26);
      continue;
    }
    i++;
    if (c >= 128) {
      hashNormalizedStrings(text, loose);
      return;
    }
    // White space: runs become one space (none at the ends).
    if (c === 32 || (c >= 9 && c <= 13)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace) {
      pendingSpace = false;
      if (emitted) {
        e1 = Math.imul(e1 ^ 32, 2654435761);
        e2 = Math.imul(e2 ^ 32, 1597334677);
        pendingSeparator = true;
        inNumber = false;
      }
    }
    e1 = Math.imul(e1 ^ c, 2654435761);
    e2 = Math.imul(e2 ^ c, 1597334677);
    emitted = true;
    // The loose form: a run of digits becomes "0", anything else but letters separates words by one space.
    if (c >= 48 && c <= 57) {
      if (inNumber) continue;
      inNumber = true;
      if (pendingSeparator) {
        pendingSeparator = false;
        if (looseEmitted) {
          l1 = Math.imul(l1 ^ 32, 2654435761);
          l2 = Math.imul(l2 ^ 32, 1597334677);
        }
      }
      l1 = Math.imul(l1 ^ 48, 2654435761);
      l2 = Math.imul(l2 ^ 48, 1597334677);
      looseEmitted = true;
    } else {
      pendingSeparator = true;
      inNumber = false;
    }
  }
  normalizedHashes.exact = finishHash(e1, e2);
  if (loose) normalizedHashes.loose = finishHash(l1, l2);
}

function hashNormalizedStrings(text: string, loose: boolean): void {
  const exact = normalizeExampleText(text);
  normalizedHashes.exact = computeStringHash(exact);
  if (loose) normalizedHashes.loose = computeStringHash(loosenNormalizedText(exact));
}

/** The end of computeStringHash. */
function finishHash(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
