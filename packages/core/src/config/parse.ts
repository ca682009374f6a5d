import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { type InputIssue, PromptfirstError } from "../errors.ts";
import { suggestClosest } from "../scorers/index.ts";
import { type Config, configSchema } from "./schema.ts";

/** A YAML document kept with its line counter, so issues found later can name lines. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Format a document path the way users read it: `suites.support.scorers[1].contains`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
      out += plain ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** The 1-based line of the node at `path`, or of its closest existing ancestor. */
export function findLine(
  source: YamlSource,
  path: ReadonlyArray<PropertyKey>,
  preferKey = false,
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth) as Array<string | number>;
    const line = lineOf(source, sub, preferKey && depth === path.length);
    if (line !== undefined) return line;
  }
  return undefined;
}

function lineOf(source: YamlSource, path: Array<string | number>, preferKey: boolean): number | undefined {
  if (path.length === 0) {
    const start = source.doc.contents?.range?.[0];
    return start === undefined ? undefined : source.lines.linePos(start).line;
  }
  const parent = path.length === 1 ? source.doc.contents : source.doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => {
      const key = (p.key as Node | null)?.toJSON?.() ?? p.key;
      return String(key) === String(last);
    });
    if (!pair) return undefined;
    const node = (preferKey ? pair.key : (pair.value ?? pair.key)) as Node | null;
    const start = node?.range?.[0];
    return start === undefined ? undefined : source.lines.linePos(start).line;
  }
  if (isSeq(parent) && typeof last === "number") {
    const start = (parent.items[last] as Node | undefined)?.range?.[0];
    return start === undefined ? undefined : source.lines.linePos(start).line;
  }
  return undefined;
}

/**
 * Parse YAML text keeping positions. YAML syntax errors are collected as issues with their lines (the document
 * is still returned so more issues can be found); duplicate keys are errors.
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource; issues: InputIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: InputIssue[] = doc.errors.map((error) => ({
    file,
    line: error.linePos?.[0]?.line,
    message: `YAML syntax error: ${firstLine(error.message)}`,
  }));
  return { source: { file, doc, lines }, issues };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** Walk a zod schema down a document path (objects, records, arrays, optionals), for did-you-mean hints. */
function schemaAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let inner = s;
    for (;;) {
      const def = inner._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
      if ((def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType)
        inner = def.innerType;
      else if (def.type === "pipe" && def.in) inner = def.in;
      else return inner;
    }
  };
  for (const part of path) {
    if (!current) return undefined;
    const s = unwrap(current);
    const def = s._zod.def as {
      type: string;
      shape?: Record<string, z.ZodType>;
      valueType?: z.ZodType;
      element?: z.ZodType;
    };
    if (def.type === "object") current = def.shape?.[String(part)];
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "array") current = def.element;
    else return undefined;
  }
  return current ? unwrap(current) : undefined;
}

function knownKeys(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  const at = schemaAt(schema, path);
  const shape = (at?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

/**
 * Turn zod issues into `InputIssue`s that name the file, line and path, with "did you mean" for unknown keys
 * and the received value for wrong ones.
 */
export function convertZodIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  source: YamlSource,
  schema: z.ZodType,
  pathPrefix: ReadonlyArray<PropertyKey> = [],
): InputIssue[] {
  const out: InputIssue[] = [];
  const data = source.doc.toJS() as unknown;
  const valueAt = (path: ReadonlyArray<PropertyKey>): unknown => {
    let v: unknown = data;
    for (const p of path)
      v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[String(p)] : undefined;
    return v;
  };
  for (const issue of issues) {
    const path = [...pathPrefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const allowed = knownKeys(schema, issue.path);
      for (const key of issue.keys) {
        const guess = suggestClosest(key, allowed);
        const hint = guess
          ? ` (did you mean "${guess}"?)`
          : allowed.length
            ? `; allowed keys: ${allowed.join(", ")}`
            : "";
        out.push({
          file: source.file,
          path: formatPath([...path, key]),
          line: findLine(source, [...path, key], true),
          message: `unknown key "${key}"${hint}`,
        });
      }
      continue;
    }
    let message = issue.message;
    const received = valueAt(path);
    if (issue.code === "invalid_type") {
      message =
        received === undefined
          ? `is required (expected ${issue.expected})`
          : `must be ${article(issue.expected)}, got ${describeValue(received)}`;
    } else if (issue.code === "invalid_value") {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const guess =
        typeof received === "string" ? suggestClosest(received, issue.values.map(String)) : undefined;
      message = `got ${describeValue(received)}; allowed: ${allowed.join(", ")}${guess ? ` (did you mean "${guess}"?)` : ""}`;
    } else if (issue.code === "too_small" || issue.code === "too_big" || issue.code === "invalid_format") {
      message = `${issue.message}, got ${describeValue(received)}`;
    }
    out.push({
      file: source.file,
      path: formatPath(path) || undefined,
      line: findLine(source, path),
      message,
    });
  }
  return out;
}

function article(expected: string): string {
  const word =
    expected === "int" ? "integer" : expected === "record" || expected === "object" ? "mapping" : expected;
  if (word === "array") return "a list";
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/**
 * Validate any YAML document against a zod schema; all problems come back as issues naming file, line and path.
 */
export function validateYaml<T extends z.ZodType>(
  text: string,
  file: string,
  schema: T,
): { value?: z.infer<T>; source: YamlSource; issues: InputIssue[] } {
  const { source, issues } = parseYamlSource(text, file);
  if (issues.length > 0) return { source, issues };
  const json = source.doc.toJS() as unknown;
  if (json === null || json === undefined) {
    return { source, issues: [{ file, line: 1, message: "the file is empty" }] };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { source, issues: convertZodIssues(result.error.issues, source, schema) };
  return { value: result.data, source, issues: [] };
}

/**
 * Parse the text of `promptfirst.yaml`. Every mistake in the file is reported at once in one PromptfirstError
 * (code `CONFIG_INVALID`), each as `file:line: path: message`.
 */
export function parseConfig(text: string, file: string): { config: Config; source: YamlSource } {
  const { value, source, issues } = validateYaml(text, file, configSchema);
  if (issues.length > 0 || value === undefined) {
    throw PromptfirstError.fromIssues(
      "CONFIG_INVALID",
      issues,
      `${file} has ${issues.length} problem${issues.length === 1 ? "" : "s"}:`,
    );
  }
  return { config: value, source };
}
