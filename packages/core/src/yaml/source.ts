/**
 * YAML (and JSON) parsed with source positions, shared by every reader of user files (the config, prompts,
 * cases), so that a problem found after parsing can still name its line.
 */
import type { Document, Pair } from "yaml";
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import type { InputIssue } from "../errors.ts";

/** One step into a parsed document: an object key or an array index. */
export type PathSegment = string | number;

/**
 * Finds the 1-based line of the value (or, with `key`, of the key) at a path; `undefined` when unknown. A path
 * that does not exist (a missing key) gets the line of its deepest existing ancestor's key.
 */
export type LineLocator = (path: readonly PropertyKey[], options?: { key?: boolean }) => number | undefined;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Format a path the way issues show it: `suites.support.scorers[1]`, `messages[2].role`, `vars["first name"]`,
 * `[3].id`. Accepts zod issue paths too (a symbol is shown by its description).
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = typeof segment === "symbol" ? (segment.description ?? "") : segment;
      if (PLAIN_KEY.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** A YAML (or JSON) text parsed to plain data, with its syntax errors and a way back to source lines. */
export interface YamlSource {
  /** The document as plain data (`null` for an empty document or one with syntax errors). */
  value: unknown;
  /** Syntax errors, each with its line; when non-empty, `value` is `null`. */
  issues: InputIssue[];
  /** The line of a value (or key) in the text, for issues found after parsing. */
  lineAt: LineLocator;
}

interface PositionedNode {
  range?: [number, number, number] | null;
}

/**
 * Parse YAML text, keeping source positions so later checks can name lines. Syntax errors (duplicate keys
 * included) come back as issues with their lines, never as exceptions. `lineOffset` is added to every line, for
 * YAML embedded in a larger file (front matter starts on line 2).
 */
export function parseYamlSource(text: string, file: string, lineOffset = 0): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const lineOf = (offset: number): number => Math.max(1, lineCounter.linePos(offset).line) + lineOffset;

  // An error at the end of the input (an unclosed quote) is shown on the last line that has text.
  const lastLine = text.trimEnd().split("\n").length;
  const issues: InputIssue[] = [];
  const seenLines = new Set<number>();
  for (const error of doc.errors) {
    const position = lineCounter.linePos(error.pos[0]);
    const line = Math.min(Math.max(1, position.line), lastLine);
    // The parser often reports one mistake twice, in different words; the first says it best.
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const where = position.line > lastLine ? "at the end of the text" : `column ${position.col}`;
    const message =
      error.code === "DUPLICATE_KEY"
        ? `duplicate key${describeKeyAt(text, error.pos[0])}: each key may appear only once in a mapping`
        : error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    issues.push({ file, line: line + lineOffset, message: `invalid YAML (${where}): ${message}` });
  }

  // `content: {{question}}` is YAML for a mapping whose key is a mapping: almost surely an unquoted template.
  if (issues.length === 0) {
    visit(doc, {
      Pair(_, pair, path) {
        if (!isCollection(pair.key)) return;
        const offset = pair.key.range?.[0] ?? 0;
        issues.push({
          file,
          line: lineOf(offset),
          message: `YAML reads a value starting with "{{" as a mapping: quote it, e.g. ${quotedExample(text, path)} (or use a | block)`,
        });
      },
    });
  }

  let value: unknown = null;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) ?? null;
    } catch (error) {
      issues.push({ file, message: `invalid YAML: ${(error as Error).message}` });
    }
  }

  const lineAt: LineLocator = (path, options = {}) => locateLine(doc, path, options.key ?? false, lineOf);
  return { value, issues, lineAt };
}

/** ` "name"` for the mapping key written at `offset` (plain or quoted), or an empty string. */
function describeKeyAt(text: string, offset: number): string {
  const match = /^(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^\s:#][^:\n]*?))\s*:/.exec(text.slice(offset));
  const key = match?.[1] ?? match?.[2] ?? match?.[3];
  return key === undefined ? "" : ` ${JSON.stringify(key)}`;
}

/**
 * The line the user meant, quoted: `contains: "{{expected}}"` for `contains: {{expected}}`. `ancestors` ends with
 * the flow mapping YAML made of `{{expected}}`; the pair before it holds the user's key.
 */
function quotedExample(text: string, ancestors: readonly unknown[]): string {
  const fallback = 'content: "{{question}}"';
  const outer = ancestors[ancestors.length - 2];
  if (!isPair(outer) || !isScalar(outer.key)) return fallback;
  const range = (outer.value as PositionedNode | null)?.range;
  if (!range) return fallback;
  const written = text.slice(range[0], range[1]).trim();
  if (written === "" || written.includes("\n") || written.includes('"')) return fallback;
  return `${String(outer.key.value)}: "${written}"`;
}

function rangeLine(node: unknown, lineOf: (offset: number) => number): number | undefined {
  const range = (node as PositionedNode | null)?.range;
  return range ? lineOf(range[0]) : undefined;
}

function findPair(node: unknown, segment: PropertyKey): Pair | undefined {
  if (!isMap(node)) return undefined;
  const wanted = typeof segment === "symbol" ? segment.description : String(segment);
  return node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === wanted);
}

function locateLine(
  doc: Document,
  path: readonly PropertyKey[],
  wantKey: boolean,
  lineOf: (offset: number) => number,
): number | undefined {
  let node: unknown = doc.contents;
  // `line` is where the current value starts; `anchor` where it was introduced (its key, or its list item),
  // which is the better line for "missing key" problems about it.
  let line = rangeLine(node, lineOf);
  let anchor = line;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = findPair(node, segment);
      if (!pair) return anchor;
      const keyLine = rangeLine(pair.key, lineOf);
      if (last && wantKey) return keyLine ?? line;
      node = pair.value;
      anchor = keyLine ?? line;
      line = rangeLine(node, lineOf) ?? anchor;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      if (node === undefined) return anchor;
      line = rangeLine(node, lineOf) ?? line;
      anchor = line;
    } else {
      return anchor;
    }
  }
  return line;
}
