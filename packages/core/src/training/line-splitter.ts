/** Called with each complete line (1-based number, text without its line break) as it is split off. */
export type LineHandler = (line: number, text: string) => void;

/** Called for a line longer than the splitter's limit: its number and length; its text is not kept. */
export type LongLineHandler = (line: number, length: number) => void;

/**
 * Splits a stream of text or UTF-8 byte chunks into lines in constant memory: only the current partial line is
 * held, and a line longer than `maxLineChars` is dropped while it streams (reported by length, never
 * buffered). Lines end at `\n`; a `\r` before it (CRLF files) is removed, and so is a byte order mark at the
 * start of the stream. Push chunks with `push`, then call `end` once for a last line without a line break.
 */
export class LineSplitter {
  readonly maxLineChars: number;
  readonly #onLine: LineHandler;
  readonly #onLongLine: LongLineHandler;
  #decoder: InstanceType<typeof TextDecoder> | undefined;
  #parts: string[] = [];
  #partLength = 0;
  #overflow = 0;
  #line = 0;
  #started = false;

  constructor(onLine: LineHandler, onLongLine: LongLineHandler, maxLineChars = 64 * 1024 * 1024) {
    this.#onLine = onLine;
    this.#onLongLine = onLongLine;
    this.maxLineChars = maxLineChars;
  }

  /** Lines emitted so far. */
  get lines(): number {
    return this.#line;
  }

  /** Feed the next chunk (text, or UTF-8 bytes: a character split across chunks is decoded correctly). */
  push(chunk: string | Uint8Array): void {
    let text: string;
    if (typeof chunk === "string") text = chunk;
    else {
      this.#decoder ??= new TextDecoder("utf-8");
      text = this.#decoder.decode(chunk, { stream: true });
    }
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      if (end === -1) break;
      this.#finishLine(text, start, end);
      start = end + 1;
    }
    if (start < text.length) this.#keep(text.slice(start));
  }

  /** Flush the last line (if the stream did not end with a line break). */
  end(): void {
    if (this.#decoder) {
      const rest = this.#decoder.decode();
      if (rest) this.push(rest);
    }
    if (this.#partLength > 0 || this.#overflow > 0) this.#finishLine("", 0, 0);
  }

  #keep(piece: string): void {
    if (this.#overflow > 0 || this.#partLength + piece.length > this.maxLineChars) {
      this.#overflow += this.#partLength + piece.length;
      this.#parts = [];
      this.#partLength = 0;
      return;
    }
    this.#parts.push(piece);
    this.#partLength += piece.length;
  }

  #finishLine(text: string, start: number, end: number): void {
    const line = ++this.#line;
    const tail = end - start;
    if (this.#overflow > 0 || this.#partLength + tail > this.maxLineChars) {
      const length = this.#overflow + this.#partLength + tail;
      this.#overflow = 0;
      this.#parts = [];
      this.#partLength = 0;
      this.#onLongLine(line, length);
      return;
    }
    let full: string;
    if (this.#partLength === 0) full = text.slice(start, end);
    else {
      this.#parts.push(text.slice(start, end));
      full = this.#parts.join("");
      this.#parts = [];
      this.#partLength = 0;
    }
    if (full.charCodeAt(full.length - 1) === 13) full = full.slice(0, -1);
    this.#onLine(line, full);
  }
}
