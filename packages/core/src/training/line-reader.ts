import { locateJsonSyntaxError } from "../cases/json-syntax.ts";
import type { EvalIndex } from "./eval-index.ts";
import type { DataFindingSeverity } from "./findings.ts";
import { formatInt } from "./format.ts";
import { computeStringHash, lowBits } from "./hash.ts";
import { NormalizedTextHasher, normalizedHashes } from "./normalize.ts";
import {
  detectTrainingFormat,
  type ReadExampleContext,
  readTrainingExample,
  type TrainingFormat,
} from "./read-example.ts";
import type { TokenCounter } from "./tokens.ts";
import { isRecord } from "./values.ts";

/**
 * Reading training data line by line, apart from the checks across lines: everything one line alone decides
 * (JSON, format, tokens, the hashes the duplicate checks compare, leakage) goes into a compact record, and the
 * records go, in file order, to the checks that compare lines (`check-training-data.ts`). The split lets worker
 * threads read lines in parallel (`node/training-workers.ts`) with the very same code as the in-thread check.
 */

/** What a line is. */
export const LINE_EXAMPLE = 0;
export const LINE_BLANK = 1;
export const LINE_INVALID_JSON = 2;
export const LINE_TOO_LONG = 3;

/** Fields of a line's record in `LineBatch.values`. */
export const F_KIND = 0;
/** The line's format by its keys: 0 none (not an object, or neither format), 1 chat, 2 preference. */
export const F_FORMAT = 1;
/** 1 when the line is a valid example (then the fields below are set). */
export const F_VALID = 2;
export const F_TOKENS = 3;
export const F_ANSWER_WORDS = 4;
export const F_HAS_TOOLS = 5;
/** computeStringHash of the system prompt, -1 without one. */
export const F_SYSTEM = 6;
/** Hash of the normalised input (`normalizeExampleText`). */
export const F_EXACT = 7;
/** Hash of the loosely normalised input (`normalizeExampleLoosely`). */
export const F_LOOSE = 8;
/** Low 32 bits of the hash of the normalised answer. */
export const F_ANSWER = 9;
/** `EvalIndex.findLeakCode` of the user text (-1 for none). */
export const F_LEAK = 10;
/** Findings of this line in `LineBatch.findings` (three entries each). */
export const F_FINDINGS = 11;
/** A line too long to read: its length in characters. */
export const F_LENGTH = 12;
export const LINE_STRIDE = 13;

/** The records of consecutive lines. */
export interface LineBatch {
  /** Lines in the batch. */
  lines: number;
  /** LINE_STRIDE numbers per line. */
  values: Float64Array;
  /** Code, severity and message of each finding, lines in order. */
  findings: string[];
}

export const FORMATS: ReadonlyArray<TrainingFormat | undefined> = [undefined, "chat", "preference"];

/** Options of a TrainingLineReader. */
export interface LineReaderOptions {
  /**
   * Counts tokens. Without one the reader reads a base version of the file, for the diff: only the format and
   * the input and answer hashes, no tokens, findings or leakage.
   */
  counter?: TokenCounter;
  evalIndex?: EvalIndex;
}

/** Reads lines into records (see LineBatch). */
export class TrainingLineReader {
  readonly #counter: TokenCounter | undefined;
  readonly #evalIndex: EvalIndex | undefined;
  readonly #ctx: ReadExampleContext;
  #values = new Float64Array(256 * LINE_STRIDE);
  #findings: string[] = [];
  #lines = 0;
  #lineFindings = 0;
  readonly #recurring = new Map<string, number>();
  readonly #hasher = new NormalizedTextHasher();
  #lastSystem = "";
  #lastSystemKey = computeStringHash("");

  constructor(options: LineReaderOptions = {}) {
    this.#counter = options.counter;
    this.#evalIndex = options.evalIndex;
    const counter = options.counter;
    this.#ctx = counter
      ? {
          expected: undefined,
          report: (code, severity, message) => this.#report(code, severity, message),
          countTokens: (text) => counter.countTokens(text),
          countRecurringTokens: (text) => {
            let n = this.#recurring.get(text);
            if (n === undefined) {
              n = counter.countTokens(text);
              if (this.#recurring.size >= MAX_RECURRING_TEXTS) this.#recurring.clear();
              this.#recurring.set(text, n);
            }
            return n;
          },
        }
      : { expected: undefined, report: () => {}, countTokens: () => 0, countRecurringTokens: () => 0 };
  }

  /** Lines read since the last `take`. */
  get size(): number {
    return this.#lines;
  }

  /**
   * The records read so far; the reader starts a new batch, in `recycled` (the values of an earlier batch that
   * were consumed) when given.
   */
  take(recycled?: Float64Array<ArrayBuffer>): LineBatch {
    const batch: LineBatch = {
      lines: this.#lines,
      values: this.#values.subarray(0, this.#lines * LINE_STRIDE),
      findings: this.#findings,
    };
    this.#values =
      recycled && recycled.length >= LINE_STRIDE ? recycled : new Float64Array(this.#values.length);
    this.#findings = [];
    this.#lines = 0;
    return batch;
  }

  /** Record a line longer than the reader's limit (`length` characters, line break excluded). */
  addLongLine(length: number, maxLineChars: number): void {
    const at = this.#start(LINE_TOO_LONG);
    this.#values[at + F_LENGTH] = length;
    this.#report(
      "line-too-long",
      "error",
      `the line is ${formatInt(length)} characters long, over the ${formatInt(maxLineChars)} this check reads: no fine-tuning API takes an example this long`,
    );
    this.#end(at);
  }

  /** Read one line (without its line break). */
  add(text: string): void {
    if (text.length === 0 || (isSpace(text.charCodeAt(0)) && text.trim() === "")) {
      const at = this.#start(LINE_BLANK);
      this.#report(
        "blank-line",
        "warning",
        "blank line: skipped here, but some providers reject the file for it",
      );
      this.#end(at);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const at = this.#start(LINE_INVALID_JSON);
      if (this.#counter) {
        const located = locateJsonSyntaxError(text, (offset) => `column ${offset + 1}`);
        const message = located
          ? `invalid JSON at column ${located.offset + 1}: ${located.message}`
          : `invalid JSON: ${(error as Error).message.slice(0, 200)}`;
        this.#report("invalid-json", "error", message);
      }
      this.#end(at);
      return;
    }
    const at = this.#start(LINE_EXAMPLE);
    const values = this.#values;
    const format = isRecord(value) ? detectTrainingFormat(value) : undefined;
    values[at + F_FORMAT] = format === "chat" ? 1 : format === "preference" ? 2 : 0;
    const view = readTrainingExample(value, this.#ctx);
    if (view) {
      const reading = this.#counter !== undefined;
      values[at + F_VALID] = 1;
      values[at + F_TOKENS] = view.tokens;
      values[at + F_ANSWER_WORDS] = view.answerWords;
      values[at + F_HAS_TOOLS] = view.hasTools ? 1 : 0;
      const hasher = this.#hasher;
      hasher.hashParts(view.inputParts, reading);
      values[at + F_EXACT] = normalizedHashes.exact;
      values[at + F_LOOSE] = normalizedHashes.loose;
      hasher.hashParts(view.answerParts, false);
      values[at + F_ANSWER] = lowBits(normalizedHashes.exact);
      if (reading) {
        const system = view.system;
        if (system === undefined) values[at + F_SYSTEM] = -1;
        else {
          // Most examples repeat one system prompt: comparing it with the last one is cheaper than hashing it.
          if (system !== this.#lastSystem) {
            this.#lastSystem = system;
            this.#lastSystemKey = computeStringHash(system);
          }
          values[at + F_SYSTEM] = this.#lastSystemKey;
        }
        values[at + F_LEAK] = this.#evalIndex
          ? this.#evalIndex.findLeakCode(view.userText, view.lastUserText)
          : -1;
      }
    }
    this.#end(at);
  }

  #start(kind: number): number {
    if ((this.#lines + 1) * LINE_STRIDE > this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    const at = this.#lines * LINE_STRIDE;
    this.#values.fill(0, at, at + LINE_STRIDE);
    this.#values[at + F_KIND] = kind;
    this.#lineFindings = 0;
    return at;
  }

  #end(at: number): void {
    this.#values[at + F_FINDINGS] = this.#lineFindings;
    this.#lines++;
  }

  #report(code: string, severity: DataFindingSeverity, message: string): void {
    if (!this.#counter) return;
    this.#findings.push(code, severity, message);
    this.#lineFindings++;
  }
}

/**
 * Text decoded at a time, in bytes about: `readLineBytes` decodes whole lines in pieces this long, below V8's
 * large-object size, so that each piece dies young instead of piling up in the old generation.
 */
const DECODE_BYTES = 16 * 1024;

/**
 * Read the lines of a batch of UTF-8 bytes (whole lines: ending with a line break, or the file's last line),
 * split as `LineSplitter` splits them. `decoder` must not drop a byte order mark (`ignoreBOM: true`).
 */
export function readLineBytes(
  bytes: Uint8Array,
  reader: TrainingLineReader,
  maxLineChars: number,
  decoder: InstanceType<typeof TextDecoder>,
): void {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.length;
    if (start + DECODE_BYTES < end) {
      const newline = bytes.indexOf(10, start + DECODE_BYTES);
      if (newline !== -1) end = newline + 1;
    }
    readLineText(decoder.decode(bytes.subarray(start, end)), reader, maxLineChars);
    start = end;
  }
}

/**
 * Read the lines of a text as `LineSplitter` splits them (at `\n`, a `\r` before it removed; the text ends with
 * a line break, or with the file's last line), each longer than `maxLineChars` reported instead.
 */
export function readLineText(text: string, reader: TrainingLineReader, maxLineChars: number): void {
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = length;
    if (end - start > maxLineChars) reader.addLongLine(end - start, maxLineChars);
    else if (end > start && text.charCodeAt(end - 1) === 13) reader.add(text.slice(start, end - 1));
    else reader.add(text.slice(start, end));
    start = end + 1;
  }
}

/** Texts (system prompts, tool definitions) whose token counts a reader remembers. */
const MAX_RECURRING_TEXTS = 64;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 0xa0 || code === 0xfeff;
}
