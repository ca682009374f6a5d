import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019.js";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** Checks one value against a compiled JSON Schema: the list of problems, empty when it conforms. */
export type JsonSchemaCheck = (value: unknown) => string[];

/**
 * Compile a JSON Schema (draft-07 by default; draft 2019-09 or 2020-12 when its `$schema` says so), with the
 * standard `format`s. Throws an `Error` whose message says what is wrong when the schema itself is invalid.
 * Unknown keywords are tolerated (schemas written for editors often carry `examples`, `x-…`), and nothing is
 * logged.
 */
export function compileJsonSchema(schema: unknown): JsonSchemaCheck {
  if (typeof schema === "boolean")
    return schema ? () => [] : () => ["$ is not allowed by the schema (false)"];
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new Error("a JSON Schema must be an object (or true/false)");
  }
  const draft = String((schema as { $schema?: unknown }).$schema ?? "");
  const options = { allErrors: true, strict: false, logger: false } as const;
  const ajv = draft.includes("2020-12")
    ? new Ajv2020(options)
    : draft.includes("2019-09")
      ? new Ajv2019(options)
      : new Ajv(options);
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema as object);
  return (value) => (validate(value) ? [] : formatSchemaErrors(validate.errors ?? []));
}

/**
 * Turn Ajv errors into readable problems that name the failing path, e.g. `$.items[0].price must be number`,
 * `$ must have required property 'id'`, `$.status must be equal to one of the allowed values ("open", "closed")`.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const error of errors) {
    // `if`/`anyOf` wrappers repeat what their branches already said.
    if (error.keyword === "if") continue;
    let detail = error.message ?? `fails "${error.keyword}"`;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
      detail += ` ("${params.additionalProperty}")`;
    } else if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
      detail += ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
    } else if (error.keyword === "const" && "allowedValue" in params) {
      detail += ` (${JSON.stringify(params.allowedValue)})`;
    }
    const line = `${formatJsonPointer(error.instancePath)} ${detail}`;
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  }
  return out;
}

/** Render a JSON Pointer (`/items/0/unit price`) as a path a reader knows: `$.items[0]["unit price"]`. */
export function formatJsonPointer(pointer: string): string {
  if (pointer === "") return "$";
  let out = "$";
  for (const raw of pointer.slice(1).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
