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

/** Where `hashNormalizedText` and `NormalizedTextHasher` leave their hashes. */
export const normalizedHashes = { exact: 0, loose: 0 };

/** cyrb53's (`computeStringHash`) starting states. Its multipliers are written out where they are used: as named
 * constants (numbers above 2^31) the optimised loops read them from memory every time. */
const SEED_1 = 0xdeadbeef ^ 0;
const SEED_2 = 0x41c6ce57 ^ 0;

/**
 * `computeStringHash(normalizeExampleText(text))` into `normalizedHashes.exact` and, when `loose`,
 * `computeStringHash(normalizeExampleLoosely(text))` into `normalizedHashes.loose` (see `NormalizedTextHasher`,
 * which does it without building either string).
 */
export function hashNormalizedText(text: string, loose: boolean): void {
  const hasher = sharedHasher;
  hasher.start();
  hasher.add(text);
  hasher.finish(loose);
}

function hashNormalizedStrings(text: string, loose: boolean): void {
  const exact = normalizeExampleText(text);
  normalizedHashes.exact = computeStringHash(exact);
  if (loose) normalizedHashes.loose = computeStringHash(loosenNormalizedText(exact));
}

/** NormalizedTextHasher's state: two cyrb53 states per normalisation, then flags (bits). */
const E1 = 0;
const E2 = 1;
const L1 = 2;
const L2 = 3;
const FLAGS = 4;
const STATE_SIZE = 5;
const PENDING_SPACE = 1;
const EMITTED = 2;
const PENDING_SEPARATOR = 4;
const LOOSE_EMITTED = 8;
const IN_NUMBER = 16;
/** A character outside ASCII was met: the parts go through the string functions, joined. */
const NOT_ASCII = 32;

/**
 * `hashNormalizedText` of a text given in parts (`add`), without joining them: for ASCII text (most training
 * data) in one pass that builds neither normalised string (case folded, white space runs, punctuation and numbers
 * handled as they come); any other text goes through the string functions. When a text starts with the same
 * `PREFIX_PARTS` parts as the previous one (a training file's system message), the state after them is taken up
 * again instead of reading them again.
 */
export class NormalizedTextHasher {
  readonly #state = new Int32Array(STATE_SIZE);
  readonly #parts: string[] = [];
  /** The first parts of the previous text, and the state after them (prefixState[FLAGS] -1: none). */
  readonly #prefix: string[] = [];
  readonly #prefixState = new Int32Array(STATE_SIZE).fill(-1);
  /** The part being read, as bytes (grown to the longest part seen). */
  #bytes = new Uint8Array(4096);

  /** Start a new text. */
  start(): void {
    const state = this.#state;
    state[E1] = SEED_1;
    state[E2] = SEED_2;
    state[L1] = SEED_1;
    state[L2] = SEED_2;
    state[FLAGS] = 0;
    this.#parts.length = 0;
  }

  /** Hash a whole text given as parts (`start`, every part, `finish`), resuming after a repeated prefix. */
  hashParts(parts: readonly string[], loose: boolean): void {
    this.start();
    let from = 0;
    const prefix = this.#prefix;
    if (parts.length > PREFIX_PARTS) {
      let same = this.#prefixState[FLAGS] !== -1;
      for (let i = 0; same && i < PREFIX_PARTS; i++) same = parts[i] === prefix[i];
      if (same) {
        this.#state.set(this.#prefixState);
        for (let i = 0; i < PREFIX_PARTS; i++) this.#parts.push(parts[i]!);
      } else {
        for (let i = 0; i < PREFIX_PARTS; i++) this.add(parts[i]!);
        for (let i = 0; i < PREFIX_PARTS; i++) prefix[i] = parts[i]!;
        this.#prefixState.set(this.#state);
      }
      from = PREFIX_PARTS;
    }
    for (let i = from; i < parts.length; i++) this.add(parts[i]!);
    this.finish(loose);
  }

  /** The next part of the text. */
  add(text: string): void {
    this.#parts.push(text);
    const state = this.#state;
    if (state[FLAGS]! & NOT_ASCII) return;
    // Read as bytes, which is faster than reading a string's characters: a long part is copied natively (and
    // found ASCII or not at once), a short one by hand.
    const length = text.length;
    let bytes = this.#bytes;
    if (bytes.length < length) bytes = this.#bytes = new Uint8Array(Math.max(length, bytes.length * 2));
    if (length >= ENCODE_MIN_CHARS) {
      const { read, written } = textEncoder.encodeInto(text, bytes);
      if (read !== length || written !== length) {
        state[FLAGS] = state[FLAGS]! | NOT_ASCII;
        return;
      }
    } else {
      for (let i = 0; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 128) {
          state[FLAGS] = state[FLAGS]! | NOT_ASCII;
          return;
        }
        bytes[i] = c;
      }
    }
    this.#addAscii(bytes, length);
  }

  /** `add` of an ASCII part, as its first `length` bytes. */
  #addAscii(bytes: Uint8Array, length: number): void {
    const state = this.#state;
    let flags = state[FLAGS]!;
    let e1 = state[E1]!;
    let e2 = state[E2]!;
    let l1 = state[L1]!;
    let l2 = state[L2]!;
    let i = 0;
    while (i < length) {
      // Letters folded to lower case here (only ASCII ones: anything else goes through the string functions).
      let c = bytes[i]! | 32;
      if ((c - 97) >>> 0 < 26) {
        // A run of letters (most of the text), the same in both forms.
        if (flags & PENDING_SPACE) {
          flags &= ~PENDING_SPACE;
          if (flags & EMITTED) {
            e1 = Math.imul(e1 ^ 32, 2654435761);
            e2 = Math.imul(e2 ^ 32, 1597334677);
            flags |= PENDING_SEPARATOR;
          }
        }
        if (flags & PENDING_SEPARATOR) {
          flags &= ~PENDING_SEPARATOR;
          if (flags & LOOSE_EMITTED) {
            l1 = Math.imul(l1 ^ 32, 2654435761);
            l2 = Math.imul(l2 ^ 32, 1597334677);
          }
        }
        flags = (flags | EMITTED | LOOSE_EMITTED) & ~IN_NUMBER;
        for (;;) {
          e1 = Math.imul(e1 ^ c, 2654435761);
          e2 = Math.imul(e2 ^ c, 1597334677);
          l1 = Math.imul(l1 ^ c, 2654435761);
          l2 = Math.imul(l2 ^ c, 1597334677);
          if (++i >= length) break;
          const next = bytes[i]!;
          c = next | 32;
          if ((c - 97) >>> 0 < 26) continue;
          // The most common way a word ends: one plain space, then the next word. Both forms write that space
          // (letters were just written to both), so the run goes on without the flags' round trip below.
          if (next !== 32 || i + 1 >= length) break;
          const after = bytes[i + 1]! | 32;
          if ((after - 97) >>> 0 >= 26) break;
          e1 = Math.imul(e1 ^ 32, 2654435761);
          e2 = Math.imul(e2 ^ 32, 1597334677);
          l1 = Math.imul(l1 ^ 32, 2654435761);
          l2 = Math.imul(l2 ^ 32, 1597334677);
          i++;
          c = after;
        }
        continue;
      }
      c = bytes[i++]!;
      // White space: runs become one space (none at the ends).
      if (c === 32 || (c >= 9 && c <= 13)) {
        flags |= PENDING_SPACE;
        continue;
      }
      if (flags & PENDING_SPACE) {
        flags &= ~PENDING_SPACE;
        if (flags & EMITTED) {
          e1 = Math.imul(e1 ^ 32, 2654435761);
          e2 = Math.imul(e2 ^ 32, 1597334677);
          flags = (flags | PENDING_SEPARATOR) & ~IN_NUMBER;
        }
      }
      e1 = Math.imul(e1 ^ c, 2654435761);
      e2 = Math.imul(e2 ^ c, 1597334677);
      flags |= EMITTED;
      // The loose form: a run of digits becomes "0", anything else but letters separates words by one space.
      if (c >= 48 && c <= 57) {
        if (flags & IN_NUMBER) continue;
        flags |= IN_NUMBER;
        if (flags & PENDING_SEPARATOR) {
          flags &= ~PENDING_SEPARATOR;
          if (flags & LOOSE_EMITTED) {
            l1 = Math.imul(l1 ^ 32, 2654435761);
            l2 = Math.imul(l2 ^ 32, 1597334677);
          }
        }
        l1 = Math.imul(l1 ^ 48, 2654435761);
        l2 = Math.imul(l2 ^ 48, 1597334677);
        flags |= LOOSE_EMITTED;
      } else flags = (flags | PENDING_SEPARATOR) & ~IN_NUMBER;
    }
    state[E1] = e1;
    state[E2] = e2;
    state[L1] = l1;
    state[L2] = l2;
    state[FLAGS] = flags;
  }

  /** The text's hashes into `normalizedHashes` (`loose` as in hashNormalizedText). */
  finish(loose: boolean): void {
    const state = this.#state;
    if (state[FLAGS]! & NOT_ASCII) {
      hashNormalizedStrings(this.#parts.join(""), loose);
      return;
    }
    normalizedHashes.exact = finishHash(state[E1]!, state[E2]!);
    if (loose) normalizedHashes.loose = finishHash(state[L1]!, state[L2]!);
  }
}

/** Parts at least this long are copied to bytes natively (`encodeInto`); shorter ones by hand. */
const ENCODE_MIN_CHARS = 24;
const textEncoder = new TextEncoder();

/** Parts of a text's start that `NormalizedTextHasher.hashParts` remembers the state after (one message's). */
const PREFIX_PARTS = 8;

const sharedHasher = new NormalizedTextHasher();

/** The end of cyrb53 (`computeStringHash`). */
function finishHash(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
