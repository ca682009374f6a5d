import type { z } from "zod";
import { type InputIssue, PromptfirstError } from "../errors.ts";
import { suggestClosest } from "../text/suggest.ts";
import { formatPath, parseYamlSource, type YamlSource } from "../yaml/source.ts";
import { type Config, configSchema } from "./schema.ts";

/** Unwrap optional, default, nullable and pipe (its input side) down to the schema that holds the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema;
  for (;;) {
    const def = inner._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if ((def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType)
      inner = def.innerType;
    else if (def.type === "pipe" && def.in) inner = def.in;
    else return inner;
  }
}

/** Walk a zod schema down a document path (objects, records, arrays, optionals), for hints about keys. */
function schemaAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const part of path) {
    if (!current) return undefined;
    const def = unwrap(current)._zod.def as {
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
  return current;
}

function knownKeys(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  const at = schemaAt(schema, path);
  const shape = at && (unwrap(at)._zod.def as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** The `.describe()` text of the schema at `path`, first letter lowered, to explain a missing key. */
function descriptionAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string | undefined {
  const at = schemaAt(schema, path);
  const text = at?.description ?? (at ? unwrap(at).description : undefined);
  if (!text) return undefined;
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  if (expected === "record" || expected === "object" || expected === "map") return "a mapping";
  if (expected === "array" || expected === "tuple") return "a list";
  if (expected === "boolean") return "true or false";
  if (expected === "string") return "text";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Whether zod wrote the message itself (its wording is replaced) rather than the schema's author. */
function isZodDefault(message: string): boolean {
  return /^(Too small|Too big|Invalid)\b/.test(message);
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      if (small && Number(bound) === 1) return "must not be empty";
      return `must be at ${small ? "least" : "most"} ${bound} characters long`;
    case "array":
    case "set":
      if (small && Number(bound) === 1) return "must list at least one item";
      return `must list at ${small ? "least" : "most"} ${bound} items`;
    default:
      if (inclusive) return `must be at ${small ? "least" : "most"} ${bound}`;
      return `must be ${small ? "greater" : "less"} than ${bound}`;
  }
}

/** The message for one zod issue (not `unrecognized_keys`, which `convertZodIssues` expands per key). */
function describeIssue(
  issue: z.core.$ZodIssue,
  received: unknown,
  schema: z.ZodType,
  schemaPath: ReadonlyArray<PropertyKey>,
  isRoot: boolean,
): string {
  switch (issue.code) {
    case "invalid_type": {
      if (received === undefined) {
        const description = descriptionAt(schema, schemaPath);
        return description ? `is required (${description})` : `is required (${article(issue.expected)})`;
      }
      if (isRoot) return `the file must be ${article(issue.expected)}, got ${describeValue(received)}`;
      return `must be ${article(issue.expected)}, got ${describeValue(received)}`;
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const guess =
        typeof received === "string" ? suggestClosest(received, issue.values.map(String)) : undefined;
      const expected = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`;
      return `must be ${expected}, got ${describeValue(received)}${guess ? ` (did you mean "${guess}"?)` : ""}`;
    }
    case "too_small":
    case "too_big": {
      const message = isZodDefault(issue.message) ? describeBound(issue) : issue.message;
      return typeof received === "number" ? `${message}, got ${received}` : message;
    }
    case "invalid_format": {
      const message = isZodDefault(issue.message)
        ? issue.format === "regex" && "pattern" in issue
          ? `must match the pattern ${String(issue.pattern)}`
          : `must be a valid ${issue.format}`
        : issue.message;
      return `${message}, got ${describeValue(received)}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}, got ${describeValue(received)}`;
    case "invalid_key":
      return `invalid key: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    case "invalid_union":
      return isZodDefault(issue.message)
        ? `does not match any allowed form, got ${describeValue(received)}`
        : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Turn zod issues into `InputIssue`s that name the file, line and path, with "did you mean" for unknown keys and
 * values and the received value for wrong ones. `value` is the document the issues are about (`source.value`
 * when `pathPrefix` is empty); `pathPrefix` places the validated part inside the document. A missing key that an
 * unknown key beside it is a typo of (`sutes` for `suites`) is reported once, as the unknown key.
 */
export function convertZodIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  source: Pick<YamlSource, "value" | "lineAt">,
  file: string,
  schema: z.ZodType,
  pathPrefix: ReadonlyArray<PropertyKey> = [],
): InputIssue[] {
  const out: InputIssue[] = [];
  const valueAt = (path: ReadonlyArray<PropertyKey>): unknown => {
    let v: unknown = source.value;
    for (const p of path)
      v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[String(p)] : undefined;
    return v;
  };
  const push = (path: ReadonlyArray<PropertyKey>, message: string, key = false): void => {
    const line = source.lineAt(path, { key });
    const issue: InputIssue = { file, message };
    if (path.length > 0) issue.path = formatPath(path);
    if (line !== undefined) issue.line = line;
    out.push(issue);
  };

  // Keys the user probably meant by an unknown key, by the path of their mapping: `sutes` → `suites`.
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const allowed = knownKeys(schema, issue.path);
    for (const key of issue.keys) {
      const guess = suggestClosest(key, allowed);
      if (guess) meant.add(JSON.stringify([...pathPrefix, ...issue.path, guess].map(String)));
    }
  }

  for (const issue of issues) {
    const path = [...pathPrefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const allowed = knownKeys(schema, issue.path);
      for (const key of issue.keys) {
        const guess = suggestClosest(key, allowed);
        const hint = guess
          ? ` (did you mean "${guess}"?)`
          : allowed.length > 0
            ? `; allowed keys: ${allowed.join(", ")}`
            : "";
        push([...path, key], `unknown key "${key}"${hint}`, true);
      }
      continue;
    }
    const received = valueAt(path);
    if (
      issue.code === "invalid_type" &&
      received === undefined &&
      meant.has(JSON.stringify(path.map(String)))
    ) {
      continue;
    }
    const onKey =
      issue.code === "invalid_key" ||
      (issue.code === "custom" && (issue.params as { key?: unknown } | undefined)?.key === true);
    push(path, describeIssue(issue, received, schema, issue.path, path.length === 0), onKey);
  }
  return out;
}

/** Options for `validateYaml`. */
export interface ValidateYamlOptions {
  /** The message for an empty document (default: "the file is empty"). */
  whenEmpty?: string;
}

/**
 * Validate any YAML document against a zod schema; all problems come back as issues naming file, line and path.
 */
export function validateYaml<T extends z.ZodType>(
  text: string,
  file: string,
  schema: T,
  options: ValidateYamlOptions = {},
): { value?: z.infer<T>; source: YamlSource; issues: InputIssue[] } {
  const source = parseYamlSource(text, file);
  if (source.issues.length > 0) return { source, issues: source.issues };
  if (source.value === null || source.value === undefined) {
    return { source, issues: [{ file, line: 1, message: options.whenEmpty ?? "the file is empty" }] };
  }
  const result = schema.safeParse(source.value);
  if (!result.success) return { source, issues: convertZodIssues(result.error.issues, source, file, schema) };
  return { value: result.data, source, issues: [] };
}

/**
 * Parse the text of `promptfirst.yaml`. Every mistake in the file is reported at once in one PromptfirstError
 * (code `CONFIG_INVALID`), each as `file:line: path: message`, e.g.
 * `promptfirst.yaml:9: suites.support.scorers[1]: unknown scorer "containz" (did you mean "contains"?)`.
 */
export function parseConfig(text: string, file: string): { config: Config; source: YamlSource } {
  // A check reads the same config more than once (to find the touched suites, then to evaluate them): the last
  // result is kept for the same text and name. Nothing changes a parsed config (loading copies what it resolves).
  if (lastParsed?.text === text && lastParsed.file === file) return lastParsed.result;
  const result = parseConfigText(text, file);
  lastParsed = { text, file, result };
  return result;
}

/** The last config `parseConfig` parsed, and what it made of it. */
let lastParsed: { text: string; file: string; result: { config: Config; source: YamlSource } } | undefined;

function parseConfigText(text: string, file: string): { config: Config; source: YamlSource } {
  const { value, source, issues } = validateYaml(text.replace(/^\uFEFF/, ""), file, configSchema, {
    whenEmpty: 'the file is empty; a config needs at least one suite under "suites:"',
  });
  if (issues.length > 0 || value === undefined) {
    throw PromptfirstError.fromIssues(
      "CONFIG_INVALID",
      sortByLine(issues),
      `${file} has ${issues.length} problem${issues.length === 1 ? "" : "s"}:`,
    );
  }
  return { config: value, source };
}

/** Issues in file order (stable: issues on one line keep the order they were found in). */
function sortByLine(issues: readonly InputIssue[]): InputIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.index - b.index)
    .map(({ issue }) => issue);
}
