import { PromptfirstError } from "../errors.ts";
import { describeValue, IssueCollector, isRecord } from "../prompts/issue-collector.ts";
import { formatDidYouMean } from "../text/suggest.ts";
import type { Case } from "../types.ts";
import { type LineLocator, type PathSegment, parseYamlSource } from "../yaml/source.ts";
import { assignCaseIds, type CaseDraft, readCaseRecord } from "./case-record.ts";
import { computeLineColumn, locateJsonSyntaxError } from "./json-syntax.ts";
import { readCsvCaseDrafts } from "./parse-csv-cases.ts";

/** Case file formats, by extension. */
export type CasesFormat = "jsonl" | "json" | "yaml" | "csv" | "tsv";

const EXTENSIONS: Record<string, CasesFormat> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "json",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".csv": "csv",
  ".tsv": "tsv",
};

/** The case file format a file name implies, or `undefined` for an extension promptfirst does not read. */
export function detectCasesFormat(file: string): CasesFormat | undefined {
  const match = /\.[A-Za-z0-9]+$/.exec(file);
  return match ? EXTENSIONS[match[0].toLowerCase()] : undefined;
}

const HEADING = (file: string): string => `${file}: invalid case file`;

/**
 * Parse a case file, choosing the format by extension:
 * - `.jsonl` (`.ndjson`): one JSON object per line; blank lines and lines starting with `//` are skipped;
 * - `.json`: an array of case objects, or `{ "cases": [...] }`;
 * - `.yaml` / `.yml`: a list of cases, or `{ cases: [...] }`;
 * - `.csv` / `.tsv`: a header row; columns `id`, `expected` and `cluster` are special, `vars.x` and every
 *   other column are variables (a dotted name like `customer.name` nests); RFC 4180 quoting.
 * Every record is `{ id?, vars: {...}, expected?, cluster? }` or a flat row whose keys other than id,
 * expected and cluster are the variables. Every problem in the file is reported at once, with its line, in
 * one PromptfirstError with code CASES_INVALID; an empty file is an error.
 */
export function parseCases(text: string, file: string): Case[] {
  const format = detectCasesFormat(file);
  if (format === undefined) {
    throw PromptfirstError.fromIssues("CASES_INVALID", [
      {
        file,
        message: `cannot read cases from this kind of file: use .jsonl, .json, .yaml, .yml, .csv or .tsv`,
      },
    ]);
  }
  const body = text.replace(/^\uFEFF/, "");
  const issues = new IssueCollector(file);
  let drafts: CaseDraft[];
  if (format === "jsonl") drafts = readJsonlDrafts(body, issues);
  else if (format === "csv" || format === "tsv") {
    drafts = readCsvCaseDrafts(body, format === "tsv" ? "\t" : ",", issues);
  } else drafts = readDocumentDrafts(body, format, issues);

  if (issues.ok && drafts.length === 0) {
    issues.addAtLine(undefined, [], emptyMessage(format));
  }
  const cases = assignCaseIds(drafts, file, (draft, message) =>
    issues.addAtLine(draft.idLine ?? draft.line, [...draft.path, "id"], message),
  );
  issues.throwIfAny("CASES_INVALID", HEADING(file));
  return cases;
}

function emptyMessage(format: CasesFormat): string {
  switch (format) {
    case "jsonl":
      return 'no cases: the file is empty; write one case per line, like {"vars": {"question": "..."}, "expected": "..."}';
    case "csv":
    case "tsv":
      return "no cases: write a header row (id, expected, cluster, and one column per variable) and one row per case";
    default:
      return 'no cases: the file is empty; write a list of cases like [{ "vars": { "question": "..." }, "expected": "..." }]';
  }
}

const INVALID = Symbol("invalid JSON");

/** `JSON.parse` for text the syntax check passed; reports (rather than throws) if the two ever disagree. */
function parseJsonOrReport(text: string, line: number | undefined, issues: IssueCollector): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    issues.addAtLine(line, [], `invalid JSON: ${(error as Error).message.slice(0, 200)}`);
    return INVALID;
  }
}

function readJsonlDrafts(text: string, issues: IssueCollector): CaseDraft[] {
  const drafts: CaseDraft[] = [];
  for (const [index, raw] of text.split(/\r\n|\r|\n/).entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("//")) continue;
    const located = locateJsonSyntaxError(raw, (offset) => `column ${offset + 1}`);
    if (located) {
      issues.addAtLine(line, [], `invalid JSON at column ${located.offset + 1}: ${located.message}`);
      continue;
    }
    const value = parseJsonOrReport(raw, line, issues);
    if (value === INVALID) continue;
    if (!isRecord(value)) {
      issues.addAtLine(
        line,
        [],
        `each line must be one case object like {"vars": {...}, "expected": ...}, got ${describeValue(value)}`,
      );
      continue;
    }
    const draft = readCaseRecord(value, { path: [], line, idLine: line }, (path, message) =>
      issues.addAtLine(line, path, message),
    );
    if (draft) drafts.push(draft);
  }
  return drafts;
}

function readDocumentDrafts(text: string, format: "json" | "yaml", issues: IssueCollector): CaseDraft[] {
  let value: unknown;
  let lineAt: LineLocator = () => undefined;
  if (format === "json") {
    if (text.trim() === "") return [];
    const located = locateJsonSyntaxError(text, (offset) => {
      const { line, column } = computeLineColumn(text, offset);
      return `line ${line}, column ${column}`;
    });
    if (located) {
      const { line, column } = computeLineColumn(text, located.offset);
      issues.addAtLine(line, [], `invalid JSON at column ${column}: ${located.message}`);
      return [];
    }
    value = parseJsonOrReport(text, undefined, issues);
    if (value === INVALID) return [];
    // JSON is YAML: parse it again only to learn where each value starts.
    const positions = parseYamlSource(text, issues.file);
    if (positions.issues.length === 0) lineAt = positions.lineAt;
  } else {
    const source = parseYamlSource(text, issues.file);
    issues.addIssues(source.issues);
    if (source.issues.length > 0) return [];
    value = source.value;
    lineAt = source.lineAt;
  }
  if (value === null) return [];

  let list: unknown;
  let base: PathSegment[] = [];
  if (Array.isArray(value)) list = value;
  else if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      if (key !== "cases") {
        const hint = key === "vars" ? "; for a single case, write it as a one-item list" : "";
        issues.addAtLine(
          lineAt([key], { key: true }),
          [key],
          `unknown key "${key}"${formatDidYouMean(key, ["cases"])}: a case file is a list of cases or { cases: [...] }${hint}`,
        );
      }
    }
    list = value.cases;
    base = ["cases"];
    if (!("cases" in value)) return [];
  } else {
    issues.addAtLine(
      1,
      [],
      `a case file must be a list of cases or { cases: [...] }, got ${describeValue(value)}`,
    );
    return [];
  }
  if (!Array.isArray(list)) {
    issues.addAtLine(lineAt(base), base, `must be a list of cases, got ${describeValue(list)}`);
    return [];
  }
  const drafts: CaseDraft[] = [];
  for (const [index, item] of list.entries()) {
    const path = [...base, index];
    const line = lineAt(path);
    const idLine = lineAt([...path, "id"]);
    const where: { path: PathSegment[]; line?: number; idLine?: number } = { path };
    if (line !== undefined) where.line = line;
    if (idLine !== undefined) where.idLine = idLine;
    const draft = readCaseRecord(item, where, (rel, message, options) => {
      const full = [...path, ...rel];
      issues.addAtLine(lineAt(full, options), full, message);
    });
    if (draft) drafts.push(draft);
  }
  return drafts;
}
