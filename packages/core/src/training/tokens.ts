import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { BpeCounter, buildRankTable, type LibraryRanks, type RankTableData } from "./bpe.ts";
import type { TokenEncoding } from "./models.ts";
import { scanCl100kPiece, scanO200kPiece } from "./pretokenize.ts";

/** Counts the tokens of a text with one tokenizer. */
export interface TokenCounter {
  /** The tokenizer's name, shown in reports (`o200k_base`). */
  readonly encoding: string;
  countTokens(text: string): number;
}

/** The encodings `loadTokenCounter` can load. */
export const TOKEN_ENCODINGS: readonly TokenEncoding[] = ["o200k_base", "cl100k_base"];

const counters = new Map<TokenEncoding, Promise<TokenCounter>>();
const tables = new Map<TokenEncoding, Promise<RankTableData>>();
/** The counters `loadTokenCounter` made: a worker thread can make the same one from the encoding's name. */
const builtIn = new WeakSet<TokenCounter>();

/**
 * Load an OpenAI encoding offline (its ranks ship inside `gpt-tokenizer`; nothing is fetched) as an exact,
 * compact counter (see `bpe.ts`). The ranks are imported on first use only, since o200k_base alone takes tens of
 * megabytes as the library ships it, and the counter is then shared. Special-token text (`<|endoftext|>`) in
 * training data is counted as ordinary text, as the fine-tuning API treats user content.
 */
export function loadTokenCounter(encoding: TokenEncoding): Promise<TokenCounter> {
  let counter = counters.get(encoding);
  if (!counter) {
    counter = loadRankTable(encoding).then((table) => createTokenCounter(encoding, table));
    counters.set(encoding, counter);
  }
  return counter;
}

/** The rank table of an encoding, built once from the library's ranks (then the library's array is not used). */
export function loadRankTable(encoding: TokenEncoding): Promise<RankTableData> {
  let table = tables.get(encoding);
  if (!table) {
    table = importRanks(encoding).then((ranks) => buildRankTable(ranks));
    tables.set(encoding, table);
  }
  return table;
}

/**
 * Use `table` as the encoding's rank table from now on (instead of building it from the library's ranks), e.g.
 * one read from a packed file next to a bundle (`@promptfirst/core/node` does). A table already in use stays.
 */
export function provideRankTable(encoding: TokenEncoding, table: RankTableData): void {
  if (!tables.has(encoding)) tables.set(encoding, Promise.resolve(table));
}

/** The ranks of an encoding as `gpt-tokenizer` ships them (a string or the bytes of each token, by rank). */
export async function importRanks(encoding: TokenEncoding): Promise<LibraryRanks> {
  switch (encoding) {
    case "o200k_base":
      return (await import("gpt-tokenizer/bpeRanks/o200k_base")).default;
    case "cl100k_base":
      return (await import("gpt-tokenizer/bpeRanks/cl100k_base")).default;
  }
}

/** A counter for `encoding` over a rank table (which may live in shared memory, built by another thread). */
export function createTokenCounter(encoding: TokenEncoding, table: RankTableData): TokenCounter {
  const bpe =
    encoding === "o200k_base"
      ? new BpeCounter(table, scanO200kPiece, O200K_TOKEN_SPLIT_REGEX, "o200k")
      : new BpeCounter(table, scanCl100kPiece, CL100K_TOKEN_SPLIT_REGEX, "cl100k");
  const counter: TokenCounter = { encoding, countTokens: (text) => bpe.count(text) };
  builtIn.add(counter);
  return counter;
}

/** The encoding a counter from `loadTokenCounter` counts with (a worker can make the same counter); else undefined. */
export function builtInEncodingOf(counter: TokenCounter): TokenEncoding | undefined {
  return builtIn.has(counter) && isTokenEncoding(counter.encoding) ? counter.encoding : undefined;
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
