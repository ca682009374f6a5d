/** Machine-readable error codes; shells map them to exit codes (2 for usage and input errors). */
export type PromptfirstErrorCode =
  | "CONFIG_INVALID"
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
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
