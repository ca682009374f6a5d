import type { PieceScanner } from "./bpe.ts";

/**
 * The pre-tokenizers of o200k_base and cl100k_base (the regular expressions in `gpt-tokenizer`'s
 * `encodingParams/constants`) for ASCII text, as plain code: each scanner returns where the regular expression's
 * match at `start` ends, and -1 as soon as the answer depends on a character outside ASCII (which may be a
 * letter, a number, white space or a mark), so that the caller runs the regular expression itself for that
 * piece. The regular expression is anchored at each piece and never looks behind, so the two can take turns
 * piece by piece. A test compares the counts with the library's on varied and random text.
 */

/**
 * What a scanner leaves for the counter about the piece it returned: its FNV-1a hash (before `mixHash`), when the
 * scanner computed it on the way (letter pieces, the most common), so that the counter does not read the piece
 * again to hash it.
 */
export const scanState = { hashed: false, hash: 0 };

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
/** White space other than a line break: tab, vertical tab, form feed, space. */
const SPACE = 4;
/** `\r` or `\n`. */
const NEWLINE = 5;
/** Everything else in ASCII (punctuation, symbols, control characters): `[^\s\p{L}\p{N}]`. */
const OTHER = 6;

const CLASSES = new Uint8Array(128).fill(OTHER);
for (let c = 97; c <= 122; c++) CLASSES[c] = LOWER;
for (let c = 65; c <= 90; c++) CLASSES[c] = UPPER;
for (let c = 48; c <= 57; c++) CLASSES[c] = DIGIT;
for (const c of [9, 11, 12, 32]) CLASSES[c] = SPACE;
CLASSES[10] = NEWLINE;
CLASSES[13] = NEWLINE;

/** Class of the character at `i` (0 past the end), or -1 outside ASCII. */
function classAt(text: string, i: number, length: number): number {
  if (i >= length) return 0;
  const c = text.charCodeAt(i);
  return c < 128 ? CLASSES[c]! : -1;
}

/** End of a `'s|'t|'re|'ve|'m|'ll|'d` suffix (any case) at `i`, or `i` when there is none. */
function contractionEnd(text: string, i: number, length: number): number {
  if (i + 1 >= length || text.charCodeAt(i) !== 39) return i;
  const c = text.charCodeAt(i + 1) | 32;
  if (c === 115 || c === 100 || c === 109 || c === 116) return i + 2; // s d m t
  if (i + 2 >= length) return i;
  const d = text.charCodeAt(i + 2) | 32;
  if ((c === 108 && d === 108) || ((c === 118 || c === 114) && d === 101)) return i + 3; // ll ve re
  return i;
}

/** End of the run of white space at `start` (which is white space), or -1 if a non-ASCII character ends it. */
function spaceRunEnd(text: string, start: number, length: number): number {
  let i = start + 1;
  for (;;) {
    const k = classAt(text, i, length);
    if (k === SPACE || k === NEWLINE) i++;
    else return k === -1 ? -1 : i;
  }
}

/** Index after the last line break in `text[start..end]`, or -1. */
function afterLastNewline(text: string, start: number, end: number): number {
  for (let i = end - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i + 1;
  }
  return -1;
}

/** End of ` ?[^\s\p{L}\p{N}]+` at `start`, 0 if it does not match, -1 if it depends on a non-ASCII character. */
function symbolRunEnd(text: string, start: number, length: number): number {
  let i = start;
  if (text.charCodeAt(i) === 32) {
    const k = classAt(text, i + 1, length);
    if (k === -1) return -1;
    if (k !== OTHER) return 0;
    i++;
  } else if (classAt(text, i, length) !== OTHER) return 0;
  for (i++; ; i++) {
    const k = classAt(text, i, length);
    if (k === -1) return -1;
    if (k !== OTHER) return i;
  }
}

/**
 * o200k_base: `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'s|…)?`
 * `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'s|…)?|\p{N}{1,3}`
 * `| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
 */
export const scanO200kPiece: PieceScanner = (text, start, length) => {
  // The most common piece first: an optional space, then upper case letters and lower case ones (at least one
  // letter; a lower case one then ends the upper case run), then an optional contraction.
  let first = start;
  let c = text.charCodeAt(start);
  let h = FNV_OFFSET;
  if (c === 32 && start + 1 < length) {
    h = Math.imul(h ^ 32, FNV_PRIME);
    c = text.charCodeAt(++first);
  }
  if ((c - 65) >>> 0 < 26 || (c - 97) >>> 0 < 26) {
    let i = first;
    while ((c - 65) >>> 0 < 26) {
      h = Math.imul(h ^ c, FNV_PRIME);
      if (++i === length) break;
      c = text.charCodeAt(i);
    }
    if (i < length) {
      while ((c - 97) >>> 0 < 26) {
        h = Math.imul(h ^ c, FNV_PRIME);
        if (++i === length) break;
        c = text.charCodeAt(i);
      }
    }
    if (i < length) {
      if (c >= 128) return -1;
      if (c === 39) {
        const end = contractionEnd(text, i, length);
        for (; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
      }
    }
    scanState.hashed = true;
    scanState.hash = h;
    return i;
  }
  const k = classAt(text, start, length);
  if (k === -1) return -1;
  // The two letter alternatives: an optional non-letter, non-number, non-line-break prefix, then upper case
  // letters and lower case ones (at least one of either), then a contraction.
  let letters = -1;
  if (k === LOWER || k === UPPER) letters = start;
  else if (k === SPACE || k === OTHER) {
    const k1 = classAt(text, start + 1, length);
    if (k1 === -1) return -1;
    if (k1 === LOWER || k1 === UPPER) letters = start + 1;
  }
  if (letters !== -1) {
    let h = FNV_OFFSET;
    if (letters !== start) h = Math.imul(h ^ text.charCodeAt(start), FNV_PRIME);
    let i = letters;
    let c = 0;
    // Upper case letters (A-Z), then lower case ones (a-z); anything else outside ASCII defers.
    for (; i < length; i++) {
      c = text.charCodeAt(i);
      if ((c - 65) >>> 0 > 25) break;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    if (c >= 128 && i < length) return -1;
    for (; i < length; i++) {
      c = text.charCodeAt(i);
      if ((c - 97) >>> 0 > 25) break;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    if (c >= 128 && i < length) return -1;
    const end = contractionEnd(text, i, length);
    for (; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    scanState.hashed = true;
    scanState.hash = h;
    return end;
  }
  scanState.hashed = false;
  if (k === DIGIT) return digitsEnd(text, start, length);
  const symbols = symbolRunEnd(text, start, length);
  if (symbols === -1) return -1;
  if (symbols > 0) {
    let i = symbols;
    for (;;) {
      const c = i < length ? text.charCodeAt(i) : 0;
      if (c === 13 || c === 10 || c === 47) i++;
      else return i;
    }
  }
  // White space (k is SPACE or NEWLINE here).
  const end = spaceRunEnd(text, start, length);
  if (end === -1) return -1;
  const newline = afterLastNewline(text, start, end);
  if (newline !== -1) return newline;
  return end === length || end - start === 1 ? end : end - 1;
};

/**
 * cl100k_base: `'s|'t|'re|'ve|'m|'ll|'d` (any case) `|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}`
 * `| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s`.
 */
export const scanCl100kPiece: PieceScanner = (text, start, length) => {
  // The most common piece first: an optional space and letters.
  let first = start;
  let c = text.charCodeAt(start);
  let h = FNV_OFFSET;
  if (c === 32 && start + 1 < length) {
    h = Math.imul(h ^ 32, FNV_PRIME);
    c = text.charCodeAt(++first);
  }
  if (((c | 32) - 97) >>> 0 < 26) {
    let i = first;
    do {
      h = Math.imul(h ^ c, FNV_PRIME);
      if (++i === length) break;
      c = text.charCodeAt(i);
    } while (((c | 32) - 97) >>> 0 < 26);
    if (i < length && c >= 128) return -1;
    scanState.hashed = true;
    scanState.hash = h;
    return i;
  }
  const k = classAt(text, start, length);
  if (k === -1) return -1;
  if (k === OTHER) {
    const end = contractionEnd(text, start, length);
    if (end !== start) {
      scanState.hashed = false;
      return end;
    }
  }
  let letters = -1;
  if (k === LOWER || k === UPPER) letters = start;
  else if (k === SPACE || k === OTHER) {
    const k1 = classAt(text, start + 1, length);
    if (k1 === -1) return -1;
    if (k1 === LOWER || k1 === UPPER) letters = start + 1;
  }
  if (letters !== -1) {
    let h = FNV_OFFSET;
    if (letters !== start) h = Math.imul(h ^ text.charCodeAt(start), FNV_PRIME);
    let i = letters;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (((c | 32) - 97) >>> 0 > 25) {
        if (c >= 128) return -1;
        break;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    scanState.hashed = true;
    scanState.hash = h;
    return i;
  }
  scanState.hashed = false;
  if (k === DIGIT) return digitsEnd(text, start, length);
  const symbols = symbolRunEnd(text, start, length);
  if (symbols === -1) return -1;
  if (symbols > 0) {
    let i = symbols;
    for (;;) {
      const c = i < length ? text.charCodeAt(i) : 0;
      if (c === 13 || c === 10) i++;
      else return i;
    }
  }
  const end = spaceRunEnd(text, start, length);
  if (end === -1) return -1;
  if (end === length) return end;
  const newline = afterLastNewline(text, start, end);
  if (newline !== -1) return newline;
  return end - start === 1 ? end : end - 1;
};

/** End of `\p{N}{1,3}` at `start` (a digit). */
function digitsEnd(text: string, start: number, length: number): number {
  for (let i = start + 1; i < start + 3; i++) {
    const c = classAt(text, i, length);
    if (c === -1) return -1;
    if (c !== DIGIT) return i;
  }
  return start + 3;
}
