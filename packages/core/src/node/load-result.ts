import { readFile } from "node:fs/promises";
import { computeLineColumn, locateJsonSyntaxError } from "../cases/json-syntax.ts";
import { type InputIssue, PromptfirstError, type PromptfirstErrorCode } from "../errors.ts";
import { RUN_RESULT_SCHEMA_VERSION, type RunResult, runResultSchema } from "../result/schema.ts";

/** How loadRunResult names the file in its messages. */
export interface LoadRunResultOptions {
  /** The path as the user typed it (default: the path read). */
  displayPath?: string;
}

const RERUN = "re-run `promptfirst eval --out` with this version of promptfirst";

function fail(code: PromptfirstErrorCode, issue: InputIssue): never {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const message = issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
  throw new PromptfirstError(code, message, [issue]);
}

function formatZodPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * Read a RunResult file (`promptfirst eval --out`) and check it. Every problem is a PromptfirstError whose
 * message names the file and says what to do: FILE_NOT_FOUND for a missing file, FILE_UNREADABLE for a
 * directory or unreadable file, RESULT_INVALID for an empty or truncated file or invalid JSON (with line and
 * column), a file that is not a RunResult, another RunResult format (schemaVersion), or a value that does not
 * match the format (the first problem, with its path, and how many more there are).
 */
export async function loadRunResult(path: string, options: LoadRunResultOptions = {}): Promise<RunResult> {
  const file = options.displayPath ?? path;
  let text: string;
  try {
    text = (await readFile(path, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      fail("FILE_NOT_FOUND", {
        file,
        message: "result file not found: give the path of a file written by `promptfirst eval --out`",
      });
    }
    fail("FILE_UNREADABLE", {
      file,
      message:
        code === "EISDIR"
          ? "is a directory, not a result file"
          : `result file cannot be read (${code ?? (error as Error).message})`,
    });
  }
  if (text.trim() === "") fail("RESULT_INVALID", { file, message: `the result file is empty: ${RERUN}` });

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const located = locateJsonSyntaxError(text, (offset) => {
      const { line, column } = computeLineColumn(text, offset);
      return `line ${line}, column ${column}`;
    }) ?? { offset: text.length, message: "not valid JSON" };
    const { line, column } = computeLineColumn(text, located.offset);
    const truncated = located.offset >= text.trimEnd().length;
    fail("RESULT_INVALID", {
      file,
      line,
      message: truncated
        ? `the result file ends early, at column ${column} (${located.message}): it was probably cut off; ${RERUN}`
        : `invalid JSON at column ${column}: ${located.message}`,
    });
  }

  const record = (data !== null && typeof data === "object" && !Array.isArray(data) ? data : {}) as Record<
    string,
    unknown
  >;
  const tool = record.tool as { name?: unknown; version?: unknown } | undefined;
  if (tool?.name !== "promptfirst" || !("schemaVersion" in record)) {
    fail("RESULT_INVALID", {
      file,
      message:
        "not a promptfirst result file (no `tool.name: promptfirst` and `schemaVersion`): give a file written by `promptfirst eval --out`",
    });
  }
  const version = record.schemaVersion;
  if (version !== RUN_RESULT_SCHEMA_VERSION) {
    const newer = typeof version === "number" && version > RUN_RESULT_SCHEMA_VERSION;
    fail("RESULT_INVALID", {
      file,
      path: "schemaVersion",
      message: `the file has RunResult schemaVersion ${JSON.stringify(version)}${typeof tool.version === "string" ? ` (written by promptfirst ${tool.version})` : ""}, and this promptfirst reads version ${RUN_RESULT_SCHEMA_VERSION}: ${newer ? "upgrade promptfirst, or " : ""}${RERUN}`,
    });
  }

  const parsed = runResultSchema.safeParse(data);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem(s))` : "";
    fail("RESULT_INVALID", {
      file,
      path: formatZodPath(first!.path),
      message: `${first!.message}${more}: the file does not match the RunResult format; ${RERUN}`,
    });
  }
  return parsed.data;
}
