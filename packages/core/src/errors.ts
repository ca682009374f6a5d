/** Machine-readable error codes; shells map them to exit codes (2 for usage and input errors). */
export type PromptfirstErrorCode =
  | "CONFIG_INVALID"
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
  | "FILE_UNWRITABLE"
  | "PROMPT_INVALID"
  | "CASES_INVALID"
  | "TEMPLATE_VARIABLE_MISSING"
  | "RESULT_INVALID"
  | "REPLAY_INVALID"
  | "USAGE";

/** One problem found in a user's file: which file, where in it, and what is wrong (with what to do). */
export interface InputIssue {
  /** File the problem is in, as the user would type it (relative to the working directory when possible). */
  file: string;
  /** Dotted path inside the document (`suites.support.scorers[1]`), when the file is structured. */
  path?: string;
  /** 1-based line number, when known. */
  line?: number;
  message: string;
}

/** Format one issue as `file:line: path: message` (parts that are unknown are left out). */
export function formatIssue(issue: InputIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/**
 * The one error type promptfirst throws for problems a user can fix (bad config, missing file, bad result
 * file). Its message is complete and human-readable; shells print it without a stack trace.
 */
export class PromptfirstError extends Error {
  readonly code: PromptfirstErrorCode;
  readonly issues: InputIssue[];

  constructor(code: PromptfirstErrorCode, message: string, issues: InputIssue[] = []) {
    super(message);
    this.name = "PromptfirstError";
    this.code = code;
    this.issues = issues;
  }

  /** Build an error from a list of issues; the message lists every one of them, one per line. */
  static fromIssues(code: PromptfirstErrorCode, issues: InputIssue[], heading?: string): PromptfirstError {
    const lines = issues.map(formatIssue);
    const message = heading ? [heading, ...lines.map((l) => `  ${l}`)].join("\n") : lines.join("\n");
    return new PromptfirstError(code, message, issues);
  }
}

/** Whether a value is a PromptfirstError (also across bundle copies of this module). */
export function isPromptfirstError(value: unknown): value is PromptfirstError {
  return (
    value instanceof PromptfirstError ||
    (value instanceof Error && value.name === "PromptfirstError" && "code" in value && "issues" in value)
  );
}

/** Why the system refused to write a file, by errno code, with what to do about it. */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: "a folder on its path does not exist and could not be made: check the path",
  ENOTDIR: "a part of its path is a file, not a folder: choose another path",
  EEXIST: "a part of its path is a file, not a folder: choose another path",
  EISDIR: "it is a folder: give a file name inside it",
  EACCES: "permission denied: choose a path you can write to",
  EPERM: "permission denied: choose a path you can write to",
  EROFS: "the file system is read-only: choose a path on a writable disk",
  ENOSPC: "the disk is full: free some space or choose another disk",
  EDQUOT: "the disk quota is used up: free some space or choose another disk",
  ENAMETOOLONG: "the path is too long: choose a shorter one",
};

/**
 * A file promptfirst could not write (an `--out` file, a report, a results file) as a PromptfirstError that
 * names the file as the user gave it, says why and what to do; an error that is not about the file system (a
 * bug) comes back unchanged.
 */
export function toOutputFileError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  const why = typeof code === "string" ? WRITE_FAILURES[code] : undefined;
  if (why === undefined) return error;
  return new PromptfirstError("FILE_UNWRITABLE", `cannot write ${file}: ${why} (${code})`, [
    { file, message: why },
  ]);
}
