import { createHash } from "node:crypto";
import { describeValue, isRecord } from "../prompts/issue-collector.ts";
import { formatDidYouMean, suggestClosest } from "../text/suggest.ts";
import type { Case } from "../types.ts";
import type { PathSegment } from "../yaml/source.ts";

/** Keys with a meaning of their own in a case record; in a flat row every other key is a variable. */
export const RESERVED_CASE_KEYS: readonly string[] = ["id", "vars", "expected", "cluster"];

/** Reports a problem at a path relative to the record (`vars`, `id`); `key` marks an unknown key. */
export type RecordReporter = (
  path: readonly PathSegment[],
  message: string,
  options?: { key?: boolean },
) => void;

/** A case as read from one record, before ids are checked for duplicates and derived. */
export interface CaseDraft {
  /** The id given in the file, if any (numbers already turned into text). */
  id?: string;
  vars: Record<string, unknown>;
  expected?: unknown;
  cluster?: string;
  /** Line the record starts on, when known. */
  line?: number;
  /** Line of the record's `id`, when known (for duplicate-id messages). */
  idLine?: number;
  /** Path of the record in its file (`[3]`, `cases[3]`, `testData[0]`; empty for JSONL and CSV). */
  path: PathSegment[];
}

/** In a flat row, a key that is almost surely a reserved key written wrongly (`ID`, `expcted`, `var: {...}`). */
function findMisspeltReservedKey(key: string, value: unknown): string | undefined {
  const lower = key.toLowerCase();
  if (RESERVED_CASE_KEYS.includes(lower)) return lower;
  if (isRecord(value) && (lower === "var" || lower === "variables")) return "vars";
  return key.length >= 5 ? suggestClosest(key, ["expected", "cluster"], { matchPrefix: false }) : undefined;
}

function readLabel(value: unknown, key: "id" | "cluster", report: RecordReporter): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim() !== "") return value;
  report([key], `must be text or a number, got ${describeValue(value)}`);
  return undefined;
}

/**
 * Read one case record. Two shapes are accepted, decided per record:
 * - canonical: `{ id?, vars: {...}, expected?, cluster? }`; any other key is an error;
 * - flat: no `vars` key; `id`, `expected` and `cluster` keep their meaning and every other key is a variable
 *   (`{ "question": "...", "expected": "..." }`). A key that looks like a misspelt reserved key (`expcted`,
 *   `ID`) is an error rather than a silent variable.
 * `expected: null` means no expected value. Returns `undefined` (after reporting) for a bad record.
 */
export function readCaseRecord(
  value: unknown,
  where: { path: PathSegment[]; line?: number; idLine?: number },
  report: RecordReporter,
): CaseDraft | undefined {
  if (!isRecord(value)) {
    report(
      [],
      `a case must be an object like { "vars": {...}, "expected": ... }, got ${describeValue(value)}`,
    );
    return undefined;
  }
  let ok = true;
  const fail: RecordReporter = (path, message, options) => {
    ok = false;
    report(path, message, options);
  };
  const draft: CaseDraft = { vars: {}, path: where.path };
  if (where.line !== undefined) draft.line = where.line;
  if (where.idLine !== undefined) draft.idLine = where.idLine;

  const flat = !("vars" in value);
  for (const [key, item] of Object.entries(value)) {
    if (key === "id" || key === "cluster") {
      const label = readLabel(item, key, fail);
      if (label !== undefined) draft[key] = label;
    } else if (key === "expected") {
      if (item !== null && item !== undefined) draft.expected = item;
    } else if (key === "vars") {
      if (isRecord(item)) draft.vars = item;
      else
        fail(
          ["vars"],
          `must be an object of variables like { "question": "..." }, got ${describeValue(item)}`,
        );
    } else if (!flat) {
      fail(
        [key],
        `unknown key "${key}"${formatDidYouMean(key, RESERVED_CASE_KEYS)}: a case with "vars" has only id, vars, expected and cluster; move variables under "vars"`,
        { key: true },
      );
    } else {
      const near = findMisspeltReservedKey(key, item);
      if (near === undefined) draft.vars[key] = item;
      else {
        const looks =
          near === key.toLowerCase() ? "reserved keys are lower case" : `looks like "${near}" misspelt`;
        fail(
          [key],
          `${looks}: write "${near}", or put the case's variables under "vars" to keep "${key}" as a variable`,
          { key: true },
        );
      }
    }
  }
  return ok ? draft : undefined;
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalize(item)));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) out[key] = canonicalize(value[key]);
    }
    return out;
  }
  return value;
}

/** Length of a derived case id, in hex characters (40 bits: collisions are unlikely below ~100k cases). */
export const DERIVED_CASE_ID_HEX_CHARS = 10;

/**
 * The id of a case that has none: the first 10 hex characters of the SHA-256 of the canonical JSON (keys
 * sorted at every level) of `{ vars, expected }`, so it is stable across key order, formats and runs.
 */
export function computeCaseId(vars: Record<string, unknown>, expected?: unknown): string {
  const content = expected === undefined ? { vars } : { vars, expected };
  const json = JSON.stringify(canonicalize(content));
  return createHash("sha256").update(json).digest("hex").slice(0, DERIVED_CASE_ID_HEX_CHARS);
}

/**
 * Turn drafts into cases: given ids must be unique (a duplicate is reported, naming both lines); missing ids
 * are derived with computeCaseId, and identical derived cases get `-2`, `-3`, ... in file order.
 * `source` is `file:line`.
 */
export function assignCaseIds(
  drafts: readonly CaseDraft[],
  file: string,
  report: (draft: CaseDraft, message: string) => void,
): Case[] {
  const given = new Map<string, CaseDraft>();
  for (const draft of drafts) {
    if (draft.id === undefined) continue;
    const first = given.get(draft.id);
    if (first === undefined) given.set(draft.id, draft);
    else {
      const where = first.line === undefined ? "another case" : `the case on line ${first.line}`;
      report(draft, `"${draft.id}" is already the id of ${where}: give each case its own id`);
    }
  }
  const used = new Set(given.keys());
  return drafts.map((draft) => {
    let id = draft.id;
    if (id === undefined) {
      const base = computeCaseId(draft.vars, draft.expected);
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
    }
    return createCase(
      id,
      draft.vars,
      draft.expected,
      draft.cluster,
      draft.line === undefined ? file : `${file}:${draft.line}`,
    );
  });
}

/**
 * A case with its keys in the order every case has (`id`, `vars`, `expected`, `cluster`, `source`), the optional
 * ones only when defined. Built as one object literal per shape: keys added one by one after the literal would
 * live in a separate property store, about 40 bytes more per case (4 MB at 100,000 cases).
 */
export function createCase(
  id: string,
  vars: Record<string, unknown>,
  expected: unknown,
  cluster: string | undefined,
  source: string,
): Case {
  if (expected === undefined)
    return cluster === undefined ? { id, vars, source } : { id, vars, cluster, source };
  return cluster === undefined ? { id, vars, expected, source } : { id, vars, expected, cluster, source };
}
