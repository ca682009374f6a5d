import type { TokenEncoding } from "./models.ts";

/** Counts the tokens of a text with one tokenizer. */
export interface TokenCounter {
  /** The tokenizer's name, shown in reports (`o200k_base`). */
  readonly encoding: string;
  countTokens(text: string): number;
}

/** The encodings `loadTokenCounter` can load. */
export const TOKEN_ENCODINGS: readonly TokenEncoding[] = ["o200k_base", "cl100k_base"];

/**
 * Pieces whose token count `createPieceCount` remembers (pieces outside the rank table, i.e. rarer words). When
 * full, the cache is emptied and refilled: no reordering on each hit, unlike gpt-tokenizer's own LRU merge
 * cache, whose delete-and-reinsert on every hit makes V8 reallocate the map's large backing store over and over
 * (that alone grew the old generation by about 100 MB while checking a gigabyte).
 */
const PIECE_CACHE_ENTRIES = 50_000;

const loaded = new Map<TokenEncoding, Promise<TokenCounter>>();

/**
 * Load an OpenAI encoding offline from `gpt-tokenizer` (its rank tables ship inside the package; nothing is
 * fetched). The module is imported on first use only, since o200k_base alone takes tens of megabytes, and is
 * then shared. Special-token text (`<|endoftext|>`) in training data is counted as ordinary text, as the
 * fine-tuning API treats user content.
 */
export function loadTokenCounter(encoding: TokenEncoding): Promise<TokenCounter> {
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = importEncoding(encoding).then((api) => {
      const pieceCount = createPieceCount(api);
      if (pieceCount) api.setMergeCacheSize(0);
      return { encoding, countTokens: pieceCount ?? createLibraryCount(api) };
    });
    loaded.set(encoding, counter);
  }
  return counter;
}

interface EncodingCore {
  tokenSplitRegex: RegExp;
  bytePairStringRankEncoder: Map<string, number>;
  bytePairEncode(piece: string): number[];
  countNative(text: string): number;
}

interface EncodingApi {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
  setMergeCacheSize(size: number): void;
  bytePairEncodingCoreProcessor?: Partial<EncodingCore>;
}

async function importEncoding(encoding: TokenEncoding): Promise<EncodingApi> {
  switch (encoding) {
    case "o200k_base":
      return (await import("gpt-tokenizer/encoding/o200k_base")).default as unknown as EncodingApi;
    case "cl100k_base":
      return (await import("gpt-tokenizer/encoding/cl100k_base")).default as unknown as EncodingApi;
  }
}

function createLibraryCount(api: EncodingApi): (text: string) => number {
  const options = { disallowedSpecial: new Set<string>() };
  return (text) => api.countTokens(text, options);
}

/**
 * The library's own count, with a cache that does not churn memory: walk the pre-tokenizer's pieces with a
 * sticky copy of the library's own regular expression, look each piece up in its rank table, and merge the
 * rest with its byte-pair merge, remembering the count per piece (see PIECE_CACHE_ENTRIES). It also skips the
 * iterator and match array `countNative` allocates per piece. Same counts (a test compares them on varied
 * text); `undefined` when the library's internals are not the ones this was written against (gpt-tokenizer
 * 4.0.0, pinned), and then the public API is used.
 */
function createPieceCount(api: EncodingApi): ((text: string) => number) | undefined {
  const core = api.bytePairEncodingCoreProcessor;
  if (
    !core ||
    !(core.tokenSplitRegex instanceof RegExp) ||
    !(core.bytePairStringRankEncoder instanceof Map) ||
    typeof core.bytePairEncode !== "function" ||
    typeof core.countNative !== "function"
  ) {
    return undefined;
  }
  const full = core as EncodingCore;
  const split = new RegExp(full.tokenSplitRegex.source, `${full.tokenSplitRegex.flags.replace("g", "")}y`);
  const ranks = full.bytePairStringRankEncoder;
  const cache = new Map<string, number>();
  const countPiece = (piece: string): number => {
    if (ranks.get(piece) !== undefined) return 1;
    let n = cache.get(piece);
    if (n === undefined) {
      n = full.bytePairEncode(piece).length;
      if (cache.size >= PIECE_CACHE_ENTRIES) cache.clear();
      cache.set(piece, n);
    }
    return n;
  };
  return (text) => {
    let count = 0;
    let start = 0;
    split.lastIndex = 0;
    while (start < text.length) {
      if (!split.test(text) || split.lastIndex === start) return count + full.countNative(text.slice(start));
      const end = split.lastIndex;
      count += countPiece(text.slice(start, end));
      start = end;
    }
    return count;
  };
}

/** Whether a string names an encoding `loadTokenCounter` can load. */
export function isTokenEncoding(value: string): value is TokenEncoding {
  return (TOKEN_ENCODINGS as readonly string[]).includes(value);
}

/** Tokens OpenAI's fine-tuning cookbook adds around each message (`<|im_start|>role<|im_sep|>…<|im_end|>`). */
export const TOKENS_PER_MESSAGE = 3;
/** Extra tokens for a message's `name`. */
export const TOKENS_PER_NAME = 1;
/** Tokens the cookbook adds per example (priming the assistant's reply). */
export const TOKENS_PER_EXAMPLE = 3;
