import { PromptfirstError } from "../errors.ts";
import { describeValue, IssueCollector, isRecord } from "../prompts/issue-collector.ts";
import { formatDidYouMean } from "../text/suggest.ts";
import type { Case } from "../types.ts";
import { type LineLocator, type PathSegment, parseYamlSource } from "../yaml/source.ts";
import { assignCaseIds, type CaseDraft, computeCaseId, createCase, readCaseRecord } from "./case-record.ts";
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
  if (format === "jsonl") {
    const reader = new JsonlCasesReader(file);
    for (const line of body.split(/\r\n|\r|\n/)) reader.addLine(line);
    return reader.finish();
  }
  const issues = new IssueCollector(file);
  let drafts: CaseDraft[];
  if (format === "csv" || format === "tsv") {
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

/**
 * Reads a JSONL case file one line at a time, so a large file need not be held as one text: feed it every line
 * in order (split at `\r\n`, `\r` or `\n`, without the line break; a byte-order mark already removed), then
 * `finish()`. The cases and every message are exactly those of `parseCases` on the whole text: each line is
 * checked and parsed as it comes and kept as its case only; ids are checked as they come, and derived ids get
 * their `-2`, `-3`... at the end, when every given id is known.
 */
export class JsonlCasesReader {
  readonly file: string;
  readonly #issues: IssueCollector;
  readonly #cases: Case[] = [];
  /** Given ids and the line of the case that has each. */
  readonly #given = new Map<string, number>();
  /** Positions in `#cases` of the cases whose id is derived (the derived base until `finish`). */
  readonly #derived: number[] = [];
  /** One string per cluster name, shared by its cases (100,000 cases name a few dozen clusters). */
  readonly #clusters = new Map<string, string>();
  #line = 0;

  /** `file` names the file in messages and in each case's `source`. */
  constructor(file: string) {
    this.file = file;
    this.#issues = new IssueCollector(file);
  }

  /** Read the file's next line. */
  addLine(raw: string): void {
    const line = ++this.#line;
    const draft = readJsonlLine(raw, line, this.#issues);
    if (!draft) return;
    let id = draft.id;
    if (id === undefined) {
      this.#derived.push(this.#cases.length);
      id = computeCaseId(draft.vars, draft.expected);
    } else {
      const first = this.#given.get(id);
      if (first === undefined) this.#given.set(id, line);
      else {
        this.#issues.addAtLine(
          line,
          ["id"],
          `"${id}" is already the id of the case on line ${first}: give each case its own id`,
        );
      }
    }
    let cluster = draft.cluster;
    if (cluster !== undefined) {
      const shared = this.#clusters.get(cluster);
      if (shared === undefined) this.#clusters.set(cluster, cluster);
      else cluster = shared;
    }
    this.#cases.push(createCase(id, draft.vars, draft.expected, cluster, `${this.file}:${line}`));
  }

  /**
   * The file's cases, in file order; throws one PromptfirstError (CASES_INVALID) listing every problem found,
   * by line, if any (an empty file is one).
   */
  finish(): Case[] {
    if (this.#issues.ok && this.#cases.length === 0) {
      this.#issues.addAtLine(undefined, [], emptyMessage("jsonl"));
    }
    // Identical cases without ids get -2, -3, ... in file order, avoiding every id given in the file.
    const derived = new Set<string>();
    for (const index of this.#derived) {
      const testCase = this.#cases[index]!;
      const base = testCase.id;
      let id = base;
      for (let n = 2; this.#given.has(id) || derived.has(id); n++) id = `${base}-${n}`;
      derived.add(id);
      testCase.id = id;
    }
    this.#issues.throwIfAny("CASES_INVALID", HEADING(this.file));
    return this.#cases;
  }
}

/** One JSONL line: its case draft, or `undefined` for a blank or `//` line and for a line with problems (reported). */
function readJsonlLine(raw: string, line: number, issues: IssueCollector): CaseDraft | undefined {
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed.startsWith("//")) return undefined;
  const located = locateJsonSyntaxError(raw, (offset) => `column ${offset + 1}`);
  if (located) {
    issues.addAtLine(line, [], `invalid JSON at column ${located.offset + 1}: ${located.message}`);
    return undefined;
  }
  const value = parseJsonOrReport(raw, line, issues);
  if (value === INVALID) return undefined;
  if (!isRecord(value)) {
    issues.addAtLine(
      line,
      [],
      `each line must be one case object like {"vars": {...}, "expected": ...}, got ${describeValue(value)}`,
    );
    return undefined;
  }
  return readCaseRecord(value, { path: [], line, idLine: line }, (path, message) =>
    issues.addAtLine(line, path, message),
  );
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
