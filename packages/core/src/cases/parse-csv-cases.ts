import { parse } from "csv-parse/sync";
import type { IssueCollector } from "../prompts/issue-collector.ts";
import type { CaseDraft } from "./case-record.ts";

/** What a CSV column holds. */
type Column =
  | { kind: "id" | "expected" | "cluster"; name: string }
  | { kind: "var"; name: string; path: string[] };

interface ParsedRecord {
  record: string[];
  info: { lines: number };
  raw: string;
}

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
}

const SPECIAL = new Set(["id", "expected", "cluster"]);

function describeCsvError(error: CsvParseError, delimiterName: string): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return 'a quoted field is never closed: every field that starts with " needs a closing ", and a " inside it is written ""';
    case "CSV_INVALID_CLOSING_QUOTE":
      return `text follows a closing quote: a " inside a quoted field is written "", and the field must end at the quote (before the ${delimiterName} or the line end)`;
    case "INVALID_OPENING_QUOTE":
      return `a quote in the middle of an unquoted field: wrap the whole field in quotes and double the quotes inside it`;
    default:
      return error.message.replace(/ at line \d+/, "");
  }
}

/**
 * Read case drafts from CSV (or TSV with `delimiter: "\t"`) text: a header row, then one case per record.
 * Columns `id`, `expected` and `cluster` are special (an empty cell means "none"); `vars.x` and every other
 * column become variables, kept as text, with dotted names nesting (`customer.name`). Quoting follows RFC 4180,
 * so a quoted field may span lines; each case's line is where its record starts. Parsed with csv-parse.
 */
export function readCsvCaseDrafts(text: string, delimiter: string, issues: IssueCollector): CaseDraft[] {
  const delimiterName = delimiter === "\t" ? "tab" : "comma";
  // One record delimiter for the whole file, so mixed line endings cannot confuse the parser.
  const normalized = text.replace(/\r\n?/g, "\n");
  let lastEndLine = 0;
  let records: ParsedRecord[];
  try {
    records = parse(normalized, {
      delimiter,
      record_delimiter: "\n",
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      on_record: (record, context) => {
        lastEndLine = context.lines;
        return record;
      },
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const csvError = error as CsvParseError;
    const line =
      csvError.code === "CSV_QUOTE_NOT_CLOSED" ? findNextRecordLine(normalized, lastEndLine) : csvError.lines;
    issues.addAtLine(
      line,
      [],
      `invalid CSV: ${describeCsvError(csvError, delimiterName)} (the rest of the file was not read)`,
    );
    return [];
  }

  const [header, ...rows] = records;
  if (header === undefined) return [];
  const headerLine = startLine(header);
  const columns = readHeader(header.record, headerLine, issues);
  if (columns === undefined) return [];

  const drafts: CaseDraft[] = [];
  for (const row of rows) {
    const line = startLine(row);
    if (row.record.length !== columns.length) {
      issues.addAtLine(
        line,
        [],
        `this row has ${row.record.length} fields but the header has ${columns.length}: quote fields that contain a ${delimiterName}, a quote or a line break`,
      );
      continue;
    }
    const draft: CaseDraft = { vars: {}, path: [], line, idLine: line };
    for (const [index, column] of columns.entries()) {
      const cell = row.record[index]!;
      if (column.kind === "var") setNested(draft.vars, column.path, cell);
      else if (cell.trim() === "") continue;
      else if (column.kind === "expected") draft.expected = cell;
      else draft[column.kind] = cell;
    }
    drafts.push(draft);
  }
  return drafts;
}

/** The line a record starts on: csv-parse counts the line it ends on, and `raw` holds skipped blank lines. */
function startLine(record: ParsedRecord): number {
  const core = record.raw.replace(/^\n+/, "").replace(/\n$/, "");
  return record.info.lines - (core.match(/\n/g)?.length ?? 0);
}

/** The first non-blank line after `afterLine` (where a record that never ends began). */
function findNextRecordLine(text: string, afterLine: number): number {
  const lines = text.split("\n");
  for (let index = afterLine; index < lines.length; index++) {
    if (lines[index]!.trim() !== "") return index + 1;
  }
  return afterLine + 1;
}

function readHeader(names: string[], line: number, issues: IssueCollector): Column[] | undefined {
  const columns: Column[] = [];
  const seen = new Map<string, number>();
  let ok = true;
  for (const [index, rawName] of names.entries()) {
    const name = rawName.trim();
    const where = `column ${index + 1}`;
    if (name === "") {
      issues.addAtLine(line, [], `${where} has no name: every column needs a header`);
      ok = false;
      continue;
    }
    const lower = name.toLowerCase();
    let column: Column;
    if (SPECIAL.has(name)) column = { kind: name as "id" | "expected" | "cluster", name };
    else if (SPECIAL.has(lower)) {
      issues.addAtLine(line, [], `${where} "${name}": write the special column "${lower}" in lower case`);
      ok = false;
      continue;
    } else {
      const varName = name.startsWith("vars.") ? name.slice("vars.".length) : name;
      const path = varName.split(".");
      if (name === "vars" || path.some((part) => part === "")) {
        issues.addAtLine(
          line,
          [],
          `${where} "${name}" is not a usable variable name: name variable columns like question or vars.question`,
        );
        ok = false;
        continue;
      }
      column = { kind: "var", name, path };
    }
    const key = column.kind === "var" ? `vars.${column.path.join(".")}` : column.kind;
    const previous = seen.get(key);
    if (previous !== undefined) {
      issues.addAtLine(
        line,
        [],
        `${where} "${name}" repeats column ${previous + 1}: each column name must be unique`,
      );
      ok = false;
      continue;
    }
    seen.set(key, index);
    columns.push(column);
  }
  // `a` and `a.b` cannot both be variables: one would overwrite the other.
  const varPaths = columns.flatMap((c) => (c.kind === "var" ? [c] : []));
  for (const column of varPaths) {
    const clash = varPaths.find(
      (other) => other !== column && column.path.join(".").startsWith(`${other.path.join(".")}.`),
    );
    if (clash) {
      issues.addAtLine(
        line,
        [],
        `column "${column.name}" nests inside column "${clash.name}": keep one of them`,
      );
      ok = false;
    }
  }
  return ok ? columns : undefined;
}

function setNested(target: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[path[path.length - 1]!] = value;
}
