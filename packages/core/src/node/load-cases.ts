import { type FileHandle, open, readFile } from "node:fs/promises";
import { detectCasesFormat, JsonlCasesReader, parseCases } from "../cases/index.ts";
import { type InputIssue, PromptfirstError } from "../errors.ts";
import type { Case } from "../types.ts";

/** How a loader names the file it reads and what pointed at it, for error messages. */
export interface LoadFileOptions {
  /** The path as the user would type it (relative to the working directory); defaults to the path read. */
  displayPath?: string;
  /** What referenced the file, as `file[:line]: path`, e.g. `promptfirst.yaml:12: suites.support.cases`. */
  referencedFrom?: string;
}

const REFERENCE = /^(.+?)(?::(\d+))?: (.+)$/;

/** An issue that points at the reference (the config key) when there is one, else at the file itself. */
function referenceIssue(display: string, problem: string, referencedFrom: string | undefined): InputIssue {
  if (referencedFrom === undefined) return { file: display, message: problem };
  const match = REFERENCE.exec(referencedFrom);
  const message = `file "${display}" ${problem}`;
  if (!match) return { file: referencedFrom, message };
  const issue: InputIssue = { file: match[1]!, path: match[3]!, message };
  if (match[2] !== undefined) issue.line = Number(match[2]);
  return issue;
}

/** The PromptfirstError for a file that could not be opened or read (FILE_NOT_FOUND or FILE_UNREADABLE). */
function describeFileError(error: unknown, path: string, options: LoadFileOptions): PromptfirstError {
  const display = options.displayPath ?? path;
  const code = (error as NodeJS.ErrnoException).code;
  const notFound = code === "ENOENT" || code === "ENOTDIR";
  const problem = notFound
    ? "not found"
    : code === "EISDIR"
      ? "is a directory, not a file"
      : `cannot be read (${code ?? (error as Error).message})`;
  const issue = referenceIssue(display, problem, options.referencedFrom);
  const message =
    options.referencedFrom === undefined
      ? `${display}: file ${problem}`
      : `${options.referencedFrom}: file "${display}" ${problem}`;
  return new PromptfirstError(notFound ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", message, [issue]);
}

/**
 * Read a user's text file as UTF-8 without its byte-order mark. A missing file is a FILE_NOT_FOUND
 * PromptfirstError naming the file and what referenced it (`promptfirst.yaml: suites.support.cases: file
 * "evals/support.jsonl" not found`); a directory or an unreadable file is FILE_UNREADABLE.
 */
export async function loadTextFile(path: string, options: LoadFileOptions = {}): Promise<string> {
  try {
    const text = await readFile(path, "utf8");
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  } catch (error) {
    throw describeFileError(error, path, options);
  }
}

/** Bytes read at a time from a JSONL case file. */
const READ_CHUNK_BYTES = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Call `onLine` with each line of a UTF-8 text file, in order, without its line break (`\r\n`, `\r` or `\n`,
 * exactly as `text.split(/\r\n|\r|\n/)` on the whole text, the last line included even when empty), reading
 * the file in chunks: neither the whole text nor a list of its lines is ever held. Line breaks are found in
 * the bytes (their bytes never occur inside a multi-byte UTF-8 character) and each line is decoded on its own.
 * The first line loses its byte-order marks (at most `boms`, default 1). `chunkBytes` (default 64 KiB) is how much
 * is read at a time. Errors as `loadTextFile`.
 */
export async function forEachTextLine(
  path: string,
  onLine: (line: string) => void,
  options: LoadFileOptions & { boms?: number; chunkBytes?: number } = {},
): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw describeFileError(error, path, options);
  }
  let first = true;
  const emit = (line: string): void => {
    if (first) {
      first = false;
      for (let n = 0; n < (options.boms ?? 1) && line.startsWith("\uFEFF"); n++) line = line.slice(1);
    }
    onLine(line);
  };
  try {
    const chunk = Buffer.allocUnsafe(options.chunkBytes ?? READ_CHUNK_BYTES);
    // The start of a line that began in an earlier chunk (copies: the chunk is reused).
    let carry: Buffer[] = [];
    // A chunk ended on "\r": a "\n" starting the next one belongs to the same line break.
    let skipLf = false;
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (error) {
        throw describeFileError(error, path, options);
      }
      if (bytesRead === 0) break;
      let start = skipLf && chunk[0] === LF ? 1 : 0;
      skipLf = false;
      for (let i = start; i < bytesRead; i++) {
        const byte = chunk[i];
        if (byte !== LF && byte !== CR) continue;
        emit(
          carry.length === 0
            ? chunk.toString("utf8", start, i)
            : Buffer.concat([...carry, chunk.subarray(start, i)]).toString("utf8"),
        );
        carry = [];
        if (byte === CR) {
          if (i + 1 === bytesRead) skipLf = true;
          else if (chunk[i + 1] === LF) i++;
        }
        start = i + 1;
      }
      if (start < bytesRead) carry.push(Buffer.from(chunk.subarray(start, bytesRead)));
    }
    emit(Buffer.concat(carry).toString("utf8"));
  } finally {
    await handle.close();
  }
}

/**
 * Read and parse a case file (`.jsonl`, `.json`, `.yaml`/`.yml`, `.csv`, `.tsv`; see parseCases). Errors name
 * `displayPath`; a missing file is a FILE_NOT_FOUND PromptfirstError naming what referenced it. A JSONL file is
 * read and checked line by line (same cases, same messages): a 100,000-case file is never held as one text.
 */
export async function loadCases(path: string, options: LoadFileOptions = {}): Promise<Case[]> {
  const display = options.displayPath ?? path;
  if (detectCasesFormat(display) !== "jsonl") return parseCases(await loadTextFile(path, options), display);
  const reader = new JsonlCasesReader(display);
  // `loadTextFile` then `parseCases` each took a byte-order mark off the text: two at most, as before.
  await forEachTextLine(path, (line) => reader.addLine(line), { ...options, boms: 2 });
  return reader.finish();
}
