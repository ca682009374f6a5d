import { readFile } from "node:fs/promises";
import { parseCases } from "../cases/index.ts";
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

/**
 * Read a user's text file as UTF-8 without its byte-order mark. A missing file is a FILE_NOT_FOUND
 * PromptfirstError naming the file and what referenced it (`promptfirst.yaml: suites.support.cases: file
 * "evals/support.jsonl" not found`); a directory or an unreadable file is FILE_UNREADABLE.
 */
export async function loadTextFile(path: string, options: LoadFileOptions = {}): Promise<string> {
  const display = options.displayPath ?? path;
  try {
    const text = await readFile(path, "utf8");
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  } catch (error) {
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
    throw new PromptfirstError(notFound ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", message, [issue]);
  }
}

/**
 * Read and parse a case file (`.jsonl`, `.json`, `.yaml`/`.yml`, `.csv`, `.tsv`; see parseCases). Errors name
 * `displayPath`; a missing file is a FILE_NOT_FOUND PromptfirstError naming what referenced it.
 */
export async function loadCases(path: string, options: LoadFileOptions = {}): Promise<Case[]> {
  const text = await loadTextFile(path, options);
  return parseCases(text, options.displayPath ?? path);
}
