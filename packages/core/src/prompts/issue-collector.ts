import { type InputIssue, PromptfirstError, type PromptfirstErrorCode } from "../errors.ts";
import { formatPath, type LineLocator, type PathSegment } from "../yaml/source.ts";

/**
 * Gathers every problem found in one file, each with its line and path, so the user sees all of them at once
 * in one PromptfirstError instead of fixing them one run at a time.
 */
export class IssueCollector {
  readonly file: string;
  readonly issues: InputIssue[] = [];
  private readonly lineAt: LineLocator;

  constructor(file: string, lineAt: LineLocator = () => undefined) {
    this.file = file;
    this.lineAt = lineAt;
  }

  /** Report a problem with the value at `path` (or with its key, with `key: true`, e.g. an unknown key). */
  add(path: readonly PathSegment[], message: string, options: { key?: boolean } = {}): void {
    const line = this.lineAt(path, options);
    this.issues.push({
      file: this.file,
      ...(line === undefined ? {} : { line }),
      ...(path.length === 0 ? {} : { path: formatPath(path) }),
      message,
    });
  }

  /** Report a problem at a known line (JSONL and CSV records, front matter delimiters). */
  addAtLine(line: number | undefined, path: readonly PathSegment[], message: string): void {
    this.issues.push({
      file: this.file,
      ...(line === undefined ? {} : { line }),
      ...(path.length === 0 ? {} : { path: formatPath(path) }),
      message,
    });
  }

  /** Add issues found elsewhere (YAML syntax errors). */
  addIssues(issues: readonly InputIssue[]): void {
    this.issues.push(...issues);
  }

  /** Whether nothing has been reported. */
  get ok(): boolean {
    return this.issues.length === 0;
  }

  /** Throw one PromptfirstError listing every issue (sorted by line), if any were reported. */
  throwIfAny(code: PromptfirstErrorCode, heading: string): void {
    if (!this.ok) this.fail(code, heading);
  }

  /** Throw one PromptfirstError listing every issue reported so far (sorted by line). */
  fail(code: PromptfirstErrorCode, heading: string): never {
    const sorted = this.issues
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.index - b.index)
      .map(({ issue }) => issue);
    throw PromptfirstError.fromIssues(code, sorted, heading);
  }
}

/** Describe a value's type for messages: `a number (3)`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text ${JSON.stringify(truncate(value, 40))}`;
  return `${typeof value === "number" ? "the number" : `the ${typeof value}`} ${String(value)}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Whether a value is a plain object (a YAML mapping / JSON object), not an array or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
