/**
 * Exact token counts for tiktoken's byte-pair encodings (o200k_base, cl100k_base) without the tokenizer library
 * in memory: a compact rank table (the tokens' bytes in one array and an open-addressing index over them, 3.3 MB
 * for o200k_base, in buffers that worker threads can share) and the same byte-pair merge as `gpt-tokenizer`
 * (lowest rank first, leftmost on ties, and its lookups: see `#pairRank`). Counting only needs counts, so each
 * pre-tokenizer piece is first looked up in a small cache of recent pieces (natural text repeats a few thousand
 * pieces), then in the rank table as it stands (most pieces are one token), then in a bounded cache of merged
 * pieces; only the rest go through the merge. Tests compare the counts with the library's `encode()`.
 */

import { scanState } from "./pretokenize.ts";

/** Which encoding's letter pieces a `BpeCounter` reads itself (see its constructor). */
export type LetterPieces = "cl100k" | "o200k" | "none";

/** Where a counter's pieces come from: the end of the piece that starts at `start`, or -1 to ask the regex. */
export type PieceScanner = (text: string, start: number, length: number) => number;

/** A rank table's arrays, in plain or shared buffers (a worker thread receives them without copying). */
export interface RankTableData {
  /** Every token's bytes, by rank. */
  bytes: Uint8Array;
  /** Token `rank` is `bytes[offsets[rank]] .. bytes[offsets[rank + 1]]`. */
  offsets: Int32Array;
  /**
   * Open-addressing index: per slot, rank + 1 in the low bits (as many as the ranks need; 0: empty) and the
   * token's hash in the others, compared before the token's bytes.
   */
  slots: Int32Array;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const NO_RANK = 0x7fffffff;

/** Final mix of an FNV-1a hash, so that the low bits (the slot) depend on every byte. */
function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return mixHash(h);
}

/** An encoding's tokens by rank, as `gpt-tokenizer` ships them: a string for UTF-8 text, else the bytes. */
export type LibraryRanks = ReadonlyArray<string | readonly number[]>;

/**
 * Build a rank table from an encoding's tokens by rank (`LibraryRanks`). A byte token that is valid UTF-8 is left
 * out, as the library never finds it (it looks valid UTF-8 up by its text). `shared` puts the arrays in
 * SharedArrayBuffers.
 */
export function buildRankTable(tokens: LibraryRanks, shared = false): RankTableData {
  const encoder = new TextEncoder();
  const scratch = new Uint8Array(1024);
  return buildFrom(
    tokens.length,
    (rank) => {
      const token = tokens[rank];
      if (token === undefined) return undefined;
      if (typeof token === "string") return { text: true, bytes: encoder.encode(token) };
      if (token.length > scratch.length) return { text: false, bytes: Uint8Array.from(token) };
      scratch.set(token);
      return { text: false, bytes: scratch.subarray(0, token.length) };
    },
    shared,
  );
}

/**
 * The packed form of `LibraryRanks` (what `packRanks` writes; the CLI's build writes it next to its bundle, so
 * that the bundle never parses the library's 200,000-string array): "PFRANKS1", the number of ranks (uint32 LE),
 * then per rank a uint16 LE of length × 2 + 1 for bytes or + 0 for text, and the token's (UTF-8) bytes.
 */
export function packRanks(tokens: LibraryRanks): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 12;
  for (const token of tokens) {
    const bytes = typeof token === "string" ? encoder.encode(token) : Uint8Array.from(token ?? []);
    parts.push(bytes);
    size += 2 + bytes.length;
  }
  const packed = new Uint8Array(size);
  const view = new DataView(packed.buffer);
  packed.set(PACKED_MAGIC);
  view.setUint32(8, tokens.length, true);
  let at = 12;
  for (const [rank, bytes] of parts.entries()) {
    view.setUint16(at, bytes.length * 2 + (typeof tokens[rank] === "string" ? 0 : 1), true);
    packed.set(bytes, at + 2);
    at += 2 + bytes.length;
  }
  return packed;
}

const PACKED_MAGIC = new TextEncoder().encode("PFRANKS1");

/** `buildRankTable` from the packed form (`packRanks`); undefined when `packed` is not in that form. */
export function buildRankTableFromPacked(packed: Uint8Array, shared = false): RankTableData | undefined {
  if (packed.length < 12 || PACKED_MAGIC.some((b, i) => packed[i] !== b)) return undefined;
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const count = view.getUint32(8, true);
  const starts = new Int32Array(count + 1);
  let at = 12;
  for (let rank = 0; rank < count; rank++) {
    if (at + 2 > packed.length) return undefined;
    starts[rank] = at;
    at += 2 + (view.getUint16(at, true) >> 1);
  }
  if (at !== packed.length) return undefined;
  return buildFrom(
    count,
    (rank) => {
      const header = view.getUint16(starts[rank]!, true);
      const from = starts[rank]! + 2;
      return { text: (header & 1) === 0, bytes: packed.subarray(from, from + (header >> 1)) };
    },
    shared,
  );
}

/** The low bits of a slot that hold rank + 1, for `count` ranks. */
function rankMaskFor(count: number): number {
  let mask = 1;
  while (mask < count + 1) mask = mask * 2 + 1;
  return mask;
}

function buildFrom(
  count: number,
  tokenAt: (rank: number) => { text: boolean; bytes: Uint8Array } | undefined,
  shared: boolean,
): RankTableData {
  const allocate = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  let total = 0;
  for (let rank = 0; rank < count; rank++) total += tokenAt(rank)?.bytes.length ?? 0;
  const bytes = new Uint8Array(allocate(total));
  const offsets = new Int32Array(allocate((count + 1) * 4));
  let slots = 1024;
  while (slots < count * 1.25) slots *= 2;
  const table = new Int32Array(allocate(slots * 4));
  const mask = slots - 1;
  const rankMask = rankMaskFor(count);
  let at = 0;
  for (let rank = 0; rank < count; rank++) {
    offsets[rank] = at;
    const token = tokenAt(rank);
    if (token === undefined || (!token.text && isValidUtf8Range(token.bytes, 0, token.bytes.length)))
      continue;
    bytes.set(token.bytes, at);
    const end = at + token.bytes.length;
    const hash = hashBytes(bytes, at, end);
    let slot = hash & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = (hash & ~rankMask) | (rank + 1);
    at = end;
  }
  offsets[count] = at;
  return { bytes, offsets, slots: table };
}

/** Pieces (not themselves tokens) whose count the cache keeps before it starts over. */
const CACHE_ENTRIES = 1 << 14;
const CACHE_SLOTS = CACHE_ENTRIES * 2;
const CACHE_POOL_BYTES = 1 << 19;
/**
 * A direct-mapped cache of recent ASCII pieces (up to 30 bytes) and their counts, 256 KB: natural text repeats a
 * few thousand pieces most of the time, and one entry is one cache line to read.
 */
const RECENT_ENTRIES = 8192;
const RECENT_MASK = RECENT_ENTRIES - 1;
const RECENT_ENTRY_BYTES = 32;
/** Entries of the letter pieces' cache (2^(32 - RECENT_SHIFT)), and the longest piece it holds. */
const RECENT_SHIFT = 19;
const RECENT_WORD_ENTRIES = 1 << (32 - RECENT_SHIFT);
const RECENT_KEY_CHARS = 12;
/** Texts from this length on are copied to bytes to be read (see `count`). */
const ASCII_COPY_MIN_CHARS = 24;
const textEncoder = new TextEncoder();
/** Longer pieces are merged every time (they are rare, and would crowd the cache). */
const CACHE_MAX_PIECE_BYTES = 256;
/** Up to this many bytes the merge scans for the lowest rank; longer pieces use a heap (no quadratic time). */
const SCAN_MERGE_MAX_BYTES = 96;

/**
 * Counts tokens with one encoding: `scan` splits the text into the encoding's pre-tokenizer pieces where it can
 * (fast, for ASCII), `split` (the encoding's own regular expression, sticky) where it cannot; each piece is one
 * token when the rank table has it, else its count comes from the cache or the byte-pair merge.
 */
export class BpeCounter {
  readonly #bytes: Uint8Array;
  readonly #offsets: Int32Array;
  readonly #slots: Int32Array;
  readonly #rankMask: number;
  readonly #mask: number;
  readonly #scan: PieceScanner;
  readonly #split: RegExp;
  /** 0: no letter fast path; 1: cl100k_base's (` ?[A-Za-z]+`); 2: o200k_base's (` ?[A-Z]*[a-z]*`, no contraction). */
  readonly #letters: number;
  #buffer = new Uint8Array(1024);
  #starts = new Int32Array(1024);
  #ranks = new Int32Array(1024);
  /** RECENT_ENTRIES ASCII pieces by hash (the last one to land in each entry): length, count, its bytes. */
  readonly #recent = new Uint8Array(RECENT_ENTRIES * RECENT_ENTRY_BYTES);
  /**
   * Recent letter pieces of the fast path (see `count`), direct-mapped: per entry, the three words of its text
   * and its count × 256 + its length.
   */
  readonly #recentWords = new Int32Array(RECENT_WORD_ENTRIES * 4);
  /** An ASCII text's bytes (see `count`). */
  #ascii = new Uint8Array(4096);
  readonly #cacheHashes = new Int32Array(CACHE_SLOTS);
  readonly #cacheOffsets = new Int32Array(CACHE_SLOTS);
  readonly #cacheLengths = new Int32Array(CACHE_SLOTS);
  readonly #cacheCounts = new Int32Array(CACHE_SLOTS);
  readonly #cachePool = new Uint8Array(CACHE_POOL_BYTES);
  #cacheSize = 0;
  #cachePoolUsed = 0;

  /**
   * `letters`: which encoding's letter pieces (an optional space, then ASCII letters: most pieces of natural text)
   * `count` reads itself and looks up in the recent pieces, before it asks `scan` (which must agree).
   */
  constructor(table: RankTableData, scan: PieceScanner, split: RegExp, letters: LetterPieces = "none") {
    this.#letters = letters === "cl100k" ? 1 : letters === "o200k" ? 2 : 0;
    this.#bytes = table.bytes;
    this.#offsets = table.offsets;
    this.#slots = table.slots;
    this.#rankMask = rankMaskFor(table.offsets.length - 1);
    this.#mask = table.slots.length - 1;
    this.#scan = scan;
    this.#split = new RegExp(split.source, `${split.flags.replace(/[gy]/g, "")}y`);
  }

  /** Tokens in `text`, special-token text counted as ordinary text. */
  count(text: string): number {
    const length = text.length;
    if (this.#letters !== 0 && length >= ASCII_COPY_MIN_CHARS) {
      // Reading bytes is much faster than reading a string's characters: an ASCII text is copied (natively) first.
      if (this.#ascii.length < length) this.#ascii = new Uint8Array(Math.max(length, this.#ascii.length * 2));
      const { read, written } = textEncoder.encodeInto(text, this.#ascii);
      if (read === length && written === length) return this.#countAscii(text, this.#ascii, length);
    }
    const scan = this.#scan;
    const letters = this.#letters;
    let count = 0;
    let start = 0;
    while (start < length) {
      if (letters !== 0) {
        // The most common piece, read here: an optional space and ASCII letters (cl100k_base: any case; o200k_base:
        // upper case, then lower case), hashed on the way, then looked up in the recent pieces. A piece the
        // scanner may read differently (a non-ASCII letter or, for o200k_base, a contraction next) is left to it.
        // The piece's last 12 characters (7 bits each, all ASCII here) shift through three 28-bit words: for a
        // piece of 12 characters or fewer they are its exact text, compared at once with a recent piece's.
        let i = start;
        let c = text.charCodeAt(i);
        let k1 = 0;
        let k2 = 0;
        let k3 = 0;
        if (c === 32 && i + 1 < length) {
          k1 = 32;
          c = text.charCodeAt(++i);
        }
        const first = i;
        if (letters === 1) {
          while (((c | 32) - 97) >>> 0 < 26) {
            k3 = (k3 << 7) | (k2 >>> 21);
            k2 = ((k2 << 7) & 0xfffffff) | (k1 >>> 21);
            k1 = ((k1 << 7) & 0xfffffff) | c;
            if (++i === length) break;
            c = text.charCodeAt(i);
          }
        } else {
          while ((c - 65) >>> 0 < 26) {
            k3 = (k3 << 7) | (k2 >>> 21);
            k2 = ((k2 << 7) & 0xfffffff) | (k1 >>> 21);
            k1 = ((k1 << 7) & 0xfffffff) | c;
            if (++i === length) break;
            c = text.charCodeAt(i);
          }
          if (i < length) {
            while ((c - 97) >>> 0 < 26) {
              k3 = (k3 << 7) | (k2 >>> 21);
              k2 = ((k2 << 7) & 0xfffffff) | (k1 >>> 21);
              k1 = ((k1 << 7) & 0xfffffff) | c;
              if (++i === length) break;
              c = text.charCodeAt(i);
            }
          }
        }
        if (i > first && (i === length || (c < 128 && (letters === 1 || c !== 39)))) {
          const n = i - start;
          if (n === 1) count++;
          else if (n > RECENT_KEY_CHARS) count += this.#countAsciiPiece(text, start, i, -1);
          else {
            const at =
              (Math.imul(k1 ^ Math.imul(k2 ^ Math.imul(k3, 0x85ebca6b), 0x9e3779b1), 0xc2b2ae35) >>>
                RECENT_SHIFT) *
              4;
            const words = this.#recentWords;
            if (
              words[at] === k1 &&
              words[at + 1] === k2 &&
              words[at + 2] === k3 &&
              (words[at + 3]! & 255) === n
            ) {
              count += words[at + 3]! >>> 8;
            } else {
              let h = FNV_OFFSET;
              for (let j = start; j < i; j++) h = Math.imul(h ^ text.charCodeAt(j), FNV_PRIME);
              const counted = this.#countAsciiPieceAgain(text, start, i, mixHash(h));
              words[at] = k1;
              words[at + 1] = k2;
              words[at + 2] = k3;
              words[at + 3] = (counted << 8) | n;
              count += counted;
            }
          }
          start = i;
          continue;
        }
      }
      let end = scan(text, start, length);
      if (end >= 0) {
        if (end - start === 1) count++;
        else count += this.#countAsciiPiece(text, start, end, scanState.hashed ? scanState.hash : -1);
      } else {
        const split = this.#split;
        split.lastIndex = start;
        end = split.test(text) && split.lastIndex > start ? split.lastIndex : nextCodePoint(text, start);
        count += this.#countPiece(text, start, end);
      }
      start = end;
    }
    return count;
  }

  /** `count` of an ASCII text, also in `bytes` (the letter pieces are read there). */
  #countAscii(text: string, bytes: Uint8Array, length: number): number {
    const scan = this.#scan;
    const letters = this.#letters;
    let count = 0;
    let start = 0;
    while (start < length) {
      {
        // The most common piece, read here: an optional space and ASCII letters (cl100k_base: any case; o200k_base:
        // upper case, then lower case), hashed on the way, then looked up in the recent pieces. A piece the
        // scanner may read differently (a non-ASCII letter or, for o200k_base, a contraction next) is left to it.
        // The piece's last 12 characters (7 bits each, all ASCII here) shift through three 28-bit words: for a
        // piece of 12 characters or fewer they are its exact text, compared at once with a recent piece's.
        let i = start;
        let c = bytes[i]!;
        let k1 = 0;
        let k2 = 0;
        let k3 = 0;
        if (c === 32 && i + 1 < length) {
          k1 = 32;
          c = bytes[++i]!;
        }
        const first = i;
        if (letters === 1) {
          while (((c | 32) - 97) >>> 0 < 26) {
            k3 = (k3 << 7) | (k2 >>> 21);
            k2 = ((k2 << 7) & 0xfffffff) | (k1 >>> 21);
            k1 = ((k1 << 7) & 0xfffffff) | c;
            if (++i === length) break;
            c = bytes[i]!;
          }
        } else {
          while ((c - 65) >>> 0 < 26) {
            k3 = (k3 << 7) | (k2 >>> 21);
            k2 = ((k2 << 7) & 0xfffffff) | (k1 >>> 21);
            k1 = ((k1 << 7) & 0xfffffff) | c;
            if (++i === length) break;
            c = bytes[i]!;
          }
          if (i < length) {
            while ((c - 97) >>> 0 < 26) {
              k3 = (k3 << 7) | (k2 >>> 21);
              k2 = ((k2 << 7) & 0xfffffff) | (k1 >>> 21);
              k1 = ((k1 << 7) & 0xfffffff) | c;
              if (++i === length) break;
              c = bytes[i]!;
            }
          }
        }
        if (i > first && (i === length || letters === 1 || c !== 39)) {
          const n = i - start;
          if (n === 1) count++;
          else if (n > RECENT_KEY_CHARS) count += this.#countAsciiPiece(text, start, i, -1);
          else {
            const at =
              (Math.imul(k1 ^ Math.imul(k2 ^ Math.imul(k3, 0x85ebca6b), 0x9e3779b1), 0xc2b2ae35) >>>
                RECENT_SHIFT) *
              4;
            const words = this.#recentWords;
            if (
              words[at] === k1 &&
              words[at + 1] === k2 &&
              words[at + 2] === k3 &&
              (words[at + 3]! & 255) === n
            ) {
              count += words[at + 3]! >>> 8;
            } else {
              let h = FNV_OFFSET;
              for (let j = start; j < i; j++) h = Math.imul(h ^ bytes[j]!, FNV_PRIME);
              const counted = this.#countAsciiPieceAgain(text, start, i, mixHash(h));
              words[at] = k1;
              words[at + 1] = k2;
              words[at + 2] = k3;
              words[at + 3] = (counted << 8) | n;
              count += counted;
            }
          }
          start = i;
          continue;
        }
      }
      const end = scan(text, start, length);
      if (end - start === 1) count++;
      else count += this.#countAsciiPiece(text, start, end, scanState.hashed ? scanState.hash : -1);
      start = end;
    }
    return count;
  }

  /** Tokens of a piece of ASCII text (`text[start..end]`, two characters or more). */
  #countAsciiPiece(text: string, start: number, end: number, scanned: number): number {
    let h = scanned;
    if (h === -1) {
      h = FNV_OFFSET;
      for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    }
    const hash = mixHash(h);
    const length = end - start;
    // The recent pieces first: one cache line, where the rank table costs two or three misses.
    const recent = this.#recent;
    const at = (hash & RECENT_MASK) * RECENT_ENTRY_BYTES;
    if (recent[at] === length) {
      let i = 0;
      while (i < length && recent[at + 2 + i] === text.charCodeAt(start + i)) i++;
      if (i === length) return recent[at + 1]!;
    }
    return this.#countRecentMiss(text, start, end, hash);
  }

  /** `#countAsciiPiece` for a piece not in the recent pieces (`hash`: mixed), which it then holds. */
  #countRecentMiss(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    const recent = this.#recent;
    const at = (hash & RECENT_MASK) * RECENT_ENTRY_BYTES;
    const count = this.#countAsciiPieceAgain(text, start, end, hash);
    if (length <= RECENT_ENTRY_BYTES - 2 && count <= 255) {
      recent[at] = length;
      recent[at + 1] = count;
      for (let i = 0; i < length; i++) recent[at + 2 + i] = text.charCodeAt(start + i);
    }
    return count;
  }

  #countAsciiPieceAgain(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = this.#mask;
    const slots = this.#slots;
    const rankMask = this.#rankMask;
    const tag = hash & ~rankMask;
    const bytes = this.#bytes;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      if ((entry & ~rankMask) !== tag) continue;
      const rank = entry & rankMask;
      const from = this.#offsets[rank - 1]!;
      if (this.#offsets[rank]! - from !== length) continue;
      let i = 0;
      while (i < length && bytes[from + i] === text.charCodeAt(start + i)) i++;
      if (i === length) return 1;
    }
    const cached = this.#findCachedAscii(text, start, end, hash);
    if (cached !== -1) return cached;
    const buffer = this.#reserve(length);
    for (let i = 0; i < length; i++) buffer[i] = text.charCodeAt(start + i);
    const count = this.#merge(length);
    this.#remember(hash, length, count);
    return count;
  }

  /** Tokens of any piece (`text[start..end]`): UTF-8 encoded, as the library does, lone surrogates as U+FFFD. */
  #countPiece(text: string, start: number, end: number): number {
    let buffer = this.#reserve((end - start) * 3);
    let n = 0;
    let wellFormed = true;
    for (let i = start; i < end; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) buffer[n++] = c;
      else if (c < 0x800) {
        buffer[n++] = 0xc0 | (c >> 6);
        buffer[n++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const next = i + 1 < end ? text.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            i++;
            buffer[n++] = 0xf0 | (c >> 18);
            buffer[n++] = 0x80 | ((c >> 12) & 63);
            buffer[n++] = 0x80 | ((c >> 6) & 63);
            buffer[n++] = 0x80 | (c & 63);
            continue;
          }
          wellFormed = false;
          c = 0xfffd;
        }
        buffer[n++] = 0xe0 | (c >> 12);
        buffer[n++] = 0x80 | ((c >> 6) & 63);
        buffer[n++] = 0x80 | (c & 63);
      }
    }
    buffer = this.#buffer;
    const hash = hashBytes(buffer, 0, n);
    // The library looks a piece up by its text, which a lone surrogate never matches: such a piece is merged.
    if (!wellFormed) return this.#merge(n);
    if (this.#rankOf(buffer, 0, n, hash) !== NO_RANK) return 1;
    const cached = this.#findCached(buffer, n, hash);
    if (cached !== -1) return cached;
    const count = this.#merge(n);
    this.#remember(hash, n, count);
    return count;
  }

  /** The scratch buffer, at least `length` bytes (the merge's arrays grow with it). */
  #reserve(length: number): Uint8Array {
    if (this.#buffer.length < length) {
      let size = this.#buffer.length;
      while (size < length) size *= 2;
      this.#buffer = new Uint8Array(size);
      this.#starts = new Int32Array(size + 1);
      this.#ranks = new Int32Array(size + 1);
    }
    return this.#buffer;
  }

  /** The rank of `bytes[start..end]`, or NO_RANK. */
  #rankOf(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.#mask;
    const slots = this.#slots;
    const rankMask = this.#rankMask;
    const tag = hash & ~rankMask;
    const table = this.#bytes;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) return NO_RANK;
      if ((entry & ~rankMask) !== tag) continue;
      const rank = entry & rankMask;
      const from = this.#offsets[rank - 1]!;
      if (this.#offsets[rank]! - from !== length) continue;
      let i = 0;
      while (i < length && table[from + i] === bytes[start + i]) i++;
      if (i === length) return rank - 1;
    }
  }

  /**
   * The rank of `buffer[start..end]` as the library's merge finds it: valid UTF-8 is looked up by its text,
   * which `TextDecoder` decodes without a leading byte order mark (so `EF BB BF` + "using" ranks as "using").
   */
  #pairRank(start: number, end: number): number {
    const buffer = this.#buffer;
    if (
      buffer[start] === 0xef &&
      buffer[start + 1] === 0xbb &&
      buffer[start + 2] === 0xbf &&
      end - start >= 3 &&
      isValidUtf8Range(buffer, start, end)
    ) {
      start += 3;
      if (start === end) return NO_RANK;
    }
    return this.#rankOf(buffer, start, end, hashBytes(buffer, start, end));
  }

  /** Tokens of the first `length` bytes of the scratch buffer after the byte-pair merge. */
  #merge(length: number): number {
    if (length <= 1) return length;
    if (length > SCAN_MERGE_MAX_BYTES) return this.#heapMerge(length);
    const starts = this.#starts;
    const ranks = this.#ranks;
    for (let i = 0; i <= length; i++) starts[i] = i;
    let parts = length;
    for (let i = 0; i < parts - 1; i++) ranks[i] = this.#pairRank(i, i + 2);
    ranks[parts - 1] = NO_RANK;
    while (parts > 1) {
      let lowest = NO_RANK;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (ranks[i]! < lowest) {
          lowest = ranks[i]!;
          at = i;
        }
      }
      if (at === -1) break;
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at + 1, at + 2, parts);
      parts--;
      ranks[at] = at + 1 < parts ? this.#pairRank(starts[at]!, starts[at + 2]!) : NO_RANK;
      if (at > 0) ranks[at - 1] = this.#pairRank(starts[at - 1]!, starts[at + 1]!);
    }
    return parts;
  }

  /**
   * The same merge for long pieces in O(n log n): parts in a linked list, candidate pairs in a binary heap by
   * (rank, position), so the leftmost of the lowest-ranked pairs merges first, as in the scan.
   */
  #heapMerge(length: number): number {
    const next = new Int32Array(length + 1);
    const prev = new Int32Array(length + 1);
    const alive = new Uint8Array(length + 1);
    for (let i = 0; i <= length; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      alive[i] = 1;
    }
    const keys = new Float64Array(length * 3 + 4);
    const ends = new Int32Array(length * 3 + 4);
    let size = 0;
    const push = (key: number, end: number): void => {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (keys[parent]! <= key) break;
        keys[i] = keys[parent]!;
        ends[i] = ends[parent]!;
        i = parent;
      }
      keys[i] = key;
      ends[i] = end;
    };
    const pop = (): void => {
      const key = keys[--size]!;
      const end = ends[size]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= key) break;
        keys[i] = keys[child]!;
        ends[i] = ends[child]!;
        i = child;
      }
      keys[i] = key;
      ends[i] = end;
    };
    // Key: rank × 2^31 + start, so equal ranks order by position.
    const offer = (start: number): void => {
      const mid = next[start]!;
      if (mid >= length) return;
      const end = next[mid]!;
      const rank = this.#pairRank(start, end);
      if (rank !== NO_RANK) push(rank * 2147483648 + start, end);
    };
    for (let i = 0; i < length - 1; i++) offer(i);
    let parts = length;
    while (size > 0) {
      const key = keys[0]!;
      const end = ends[0]!;
      pop();
      const start = key % 2147483648;
      const mid = next[start]!;
      if (!alive[start] || mid >= length || next[mid] !== end) continue;
      // Merge the part at `start` with the next one.
      alive[mid] = 0;
      next[start] = end;
      prev[end] = start;
      parts--;
      offer(start);
      if (prev[start]! >= 0) offer(prev[start]!);
    }
    return parts;
  }

  #findCachedAscii(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = CACHE_SLOTS - 1;
    const pool = this.#cachePool;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.#cacheLengths[slot]!;
      if (stored === 0) return -1;
      if (stored !== length || this.#cacheHashes[slot] !== hash) continue;
      const from = this.#cacheOffsets[slot]!;
      let i = 0;
      while (i < length && pool[from + i] === text.charCodeAt(start + i)) i++;
      if (i === length) return this.#cacheCounts[slot]!;
    }
  }

  #findCached(bytes: Uint8Array, length: number, hash: number): number {
    const mask = CACHE_SLOTS - 1;
    const pool = this.#cachePool;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.#cacheLengths[slot]!;
      if (stored === 0) return -1;
      if (stored !== length || this.#cacheHashes[slot] !== hash) continue;
      const from = this.#cacheOffsets[slot]!;
      let i = 0;
      while (i < length && pool[from + i] === bytes[i]) i++;
      if (i === length) return this.#cacheCounts[slot]!;
    }
  }

  /** Remember the count of the piece in the scratch buffer (the merge leaves its bytes there). */
  #remember(hash: number, length: number, count: number): void {
    if (length > CACHE_MAX_PIECE_BYTES) return;
    if (this.#cacheSize >= CACHE_ENTRIES || this.#cachePoolUsed + length > CACHE_POOL_BYTES) {
      this.#cacheLengths.fill(0);
      this.#cacheSize = 0;
      this.#cachePoolUsed = 0;
    }
    const mask = CACHE_SLOTS - 1;
    let slot = hash & mask;
    while (this.#cacheLengths[slot] !== 0) slot = (slot + 1) & mask;
    const at = this.#cachePoolUsed;
    this.#cachePool.set(this.#buffer.subarray(0, length), at);
    this.#cachePoolUsed += length;
    this.#cacheSize++;
    this.#cacheHashes[slot] = hash;
    this.#cacheOffsets[slot] = at;
    this.#cacheLengths[slot] = length;
    this.#cacheCounts[slot] = count;
  }
}

/** Whether `bytes[start..end]` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
function isValidUtf8Range(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    let n: number;
    let cp: number;
    if (b <= 0x7f) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      cp = b & 0x1f;
    } else if ((b & 0xf0) === 0xe0) {
      n = 2;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      cp = b & 0x07;
    } else return false;
    if (i + n >= end) return false;
    for (let j = 1; j <= n; j++) {
      const c = bytes[i + j]!;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (
      (n === 2 && cp < 0x800) ||
      (n === 3 && cp < 0x10000) ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      cp > 0x10ffff
    ) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

function nextCodePoint(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c >= 0xd800 && c <= 0xdbff && at + 1 < text.length) {
    const d = text.charCodeAt(at + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return at + 2;
  }
  return at + 1;
}
