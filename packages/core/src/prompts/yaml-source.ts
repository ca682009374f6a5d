import type { Document } from "yaml";
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

/** Finds the 1-based line of the value (or, with `key`, of the key) at a path; `undefined` when unknown. */
export type LineLocator = (path: readonly PathSegment[], options?: { key?: boolean }) => number | undefined;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Format a path the way issues show it: `messages[2].role`, `vars["first name"]`, `[3].id`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A YAML (or JSON) text parsed to plain data, with its syntax errors and a way back to source lines. */
export interface YamlSource {
  /** The document as plain data (`null` for an empty document or one with syntax errors). */
  value: unknown;
  /** Syntax errors, each with its line; when non-empty, `value` is `null`. */
  issues: InputIssue[];
  lineAt: LineLocator;
}

interface PositionedNode {
  range?: [number, number, number] | null;
}

/**
 * Parse YAML text, keeping source positions so later checks can name lines. `lineOffset` is added to every
 * line, for YAML embedded in a larger file (front matter starts on line 2).
 */
export function parseYamlSource(text: string, file: string, lineOffset = 0): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const lineOf = (offset: number): number => Math.max(1, lineCounter.linePos(offset).line) + lineOffset;

  const issues: InputIssue[] = doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    return {
      file,
      line: Math.max(1, line) + lineOffset,
      message: `invalid YAML (column ${col}): ${message}`,
    };
  });

  // `content: {{question}}` is YAML for a mapping whose key is a mapping: almost surely an unquoted template.
  if (issues.length === 0) {
    visit(doc, {
      Pair(_, pair) {
        if (!isCollection(pair.key)) return;
        const offset = pair.key.range?.[0] ?? 0;
        issues.push({
          file,
          line: lineOf(offset),
          message:
            'YAML reads a value starting with "{{" as a mapping: quote it, e.g. content: "{{question}}" (or use a | block)',
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

function rangeLine(node: unknown, lineOf: (offset: number) => number): number | undefined {
  const range = (node as PositionedNode | null)?.range;
  return range ? lineOf(range[0]) : undefined;
}

function locateLine(
  doc: Document,
  path: readonly PathSegment[],
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
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
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
