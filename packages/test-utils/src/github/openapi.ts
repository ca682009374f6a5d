/**
 * GitHub's own REST API description (`@octokit/openapi`, the api.github.com OpenAPI 3.0 document), loaded once
 * per process and compiled into a route table and lazily compiled ajv validators for parameters, request bodies
 * and responses.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/** The npm package holding GitHub's REST API description. */
export const GITHUB_OPENAPI_PACKAGE = "@octokit/openapi";

/** Module specifier of the api.github.com description inside `@octokit/openapi` (plain, not dereferenced). */
export const GITHUB_OPENAPI_SPEC = "@octokit/openapi/generated/api.github.com.json";

/** Documentation URL GitHub sends in error bodies when no operation applies. */
export const GITHUB_DOCS_URL = "https://docs.github.com/rest";

const SCHEMA_ID_PREFIX = "https://api.github.com/components/schemas/";
const LOCAL_SCHEMA_REF = "#/components/schemas/";
/** Keys of OpenAPI schema objects that are documentation only and are dropped before compiling. */
const DOC_KEYS = new Set([
  "description",
  "example",
  "examples",
  "externalDocs",
  "title",
  "xml",
  "discriminator",
]);
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

type JsonObject = Record<string, unknown>;

/** One parameter of an operation, with its schema converted to JSON Schema. */
export interface GitHubParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: unknown;
  /** A path parameter that may span several segments (`x-multi-segment`, e.g. `basehead`, `path`). */
  multiSegment: boolean;
}

/** One operation of GitHub's REST API. */
export interface GitHubOperation {
  /** E.g. `issues/create-comment`. */
  operationId: string;
  /** Upper case, e.g. `POST`. */
  method: string;
  /** Path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  template: string;
  /** The operation's documentation page, sent as `documentation_url` in error bodies. */
  docsUrl: string;
  /** `x-github.category`, e.g. `issues`, `pulls`, `checks`. */
  category: string;
  /** False for endpoints GitHub App installation tokens (GITHUB_TOKEN) may not call, e.g. `GET /user`. */
  enabledForGitHubApps: boolean;
  parameters: GitHubParameter[];
  /** The JSON request body, when the operation takes one. */
  requestBody?: { required: boolean; schema: unknown };
}

/** The result of looking a request up in the route table. */
export type GitHubRouteLookup =
  | { kind: "match"; operation: GitHubOperation; params: Record<string, string> }
  | { kind: "no-method"; template: string; methods: string[] }
  | { kind: "no-path" };

/** GitHub's REST API description, compiled. */
export interface GitHubApiDescription {
  /** Version of `@octokit/openapi`. */
  packageVersion: string;
  /** OpenAPI version of the document, e.g. `3.0.3`. */
  openapi: string;
  /** Absolute path of the JSON document. */
  file: string;
  /** Size of the JSON document in bytes. */
  bytes: number;
  /** Number of path templates. */
  pathCount: number;
  /** Number of operations. */
  operationCount: number;
  /** Milliseconds spent reading, parsing and compiling the route table. */
  loadMs: number;
  /** Matches a method and a decoded-or-not request path (no query) against the path templates. */
  findRoute(method: string, path: string): GitHubRouteLookup;
  /** The operation with this id, e.g. `pulls/list-files`. */
  getOperation(operationId: string): GitHubOperation | undefined;
  /**
   * Problems of one parameter value (a path segment, query string value or header), in GitHub's wording;
   * empty when valid. Query values are coerced from strings to the schema's type first.
   */
  validateParameter(operation: GitHubOperation, parameter: GitHubParameter, value: string): string[];
  /** Problems of a JSON request body against the operation's requestBody schema; empty when valid. */
  validateRequestBody(operation: GitHubOperation, body: unknown): string[];
  /**
   * Problems of a response body against the operation's response schema for `status` (JSON content only);
   * empty when valid, or when the description declares no JSON body for that status.
   */
  validateResponse(operationId: string, status: number, body: unknown): string[];
  /** A deep copy of the value of `#/components/examples/<name>`, or undefined. */
  getExample(name: string): unknown;
}

type Segment =
  | { kind: "literal"; value: string }
  | { kind: "param"; name: string }
  | { kind: "pattern"; regex: RegExp; names: string[] }
  | { kind: "rest"; name: string };

interface CompiledRoute {
  template: string;
  segments: Segment[];
  /** The last segment is a multi-segment parameter. */
  multi: boolean;
  /** Per-segment specificity (literal 3, pattern 2, param 1, rest 0), compared lexicographically. */
  rank: number[];
  methods: Map<string, GitHubOperation>;
}

function isRecord(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Converts an OpenAPI 3.0 schema object to JSON Schema for ajv: `nullable: true` becomes a `null` type (or an
 * `anyOf` with `{ type: "null" }` when there is no `type`, and `null` joins an `enum`), references to
 * `#/components/schemas/X` become absolute ids, documentation keys and `x-` extensions are dropped. Collects
 * the names of referenced component schemas into `refs`.
 */
function convertSchema(schema: unknown, refs: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => convertSchema(item, refs));
  if (!isRecord(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string") {
      if (!value.startsWith(LOCAL_SCHEMA_REF)) throw new Error(`unsupported $ref in a schema: ${value}`);
      const name = value.slice(LOCAL_SCHEMA_REF.length);
      refs.add(name);
      out.$ref = SCHEMA_ID_PREFIX + name;
    } else if (key === "properties" && isRecord(value)) {
      const properties: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) properties[name] = convertSchema(sub, refs);
      out.properties = properties;
    } else if (!DOC_KEYS.has(key) && !key.startsWith("x-")) {
      out[key] = convertSchema(value, refs);
    }
  }
  const nullable = out.nullable;
  delete out.nullable;
  if (nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [{ type: "null" }, out] };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compileSegment(text: string, multiNames: Set<string>, isLast: boolean): Segment {
  const whole = /^\{([^}]+)\}$/.exec(text);
  if (whole) {
    const name = whole[1]!;
    return isLast && multiNames.has(name) ? { kind: "rest", name } : { kind: "param", name };
  }
  if (!text.includes("{")) return { kind: "literal", value: text };
  const names: string[] = [];
  let source = "^";
  let rest = text;
  for (let m = /\{([^}]+)\}/.exec(rest); m; m = /\{([^}]+)\}/.exec(rest)) {
    source += `${escapeRegExp(rest.slice(0, m.index))}(.+?)`;
    names.push(m[1]!);
    rest = rest.slice(m.index + m[0].length);
  }
  source += `${escapeRegExp(rest)}$`;
  return { kind: "pattern", regex: new RegExp(source), names };
}

function segmentRank(segment: Segment): number {
  if (segment.kind === "literal") return 3;
  if (segment.kind === "pattern") return 2;
  if (segment.kind === "param") return 1;
  return 0;
}

function compareRank(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return b[i]! - a[i]!;
  return b.length - a.length;
}

function matchRoute(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const { segments } = route;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === "rest") {
      const tail = parts.slice(i);
      if (tail.length === 0 || tail.some((p) => p === "")) return undefined;
      const decoded = decodeSegment(tail.join("/"));
      if (decoded === undefined) return undefined;
      params[segment.name] = decoded;
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (part !== segment.value) return undefined;
      continue;
    }
    if (part === "") return undefined;
    const decoded = decodeSegment(part);
    if (decoded === undefined) return undefined;
    if (segment.kind === "param") {
      params[segment.name] = decoded;
    } else {
      const m = segment.regex.exec(decoded);
      if (!m) return undefined;
      segment.names.forEach((name, k) => {
        params[name] = m[k + 1]!;
      });
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function formatValue(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

function getAt(data: unknown, pointer: string): unknown {
  if (pointer === "") return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/** Words GitHub uses for a JSON type in its "is not a …" messages. */
function describeType(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).filter((t) => t !== "null").map(String);
  const words = types.map((t) => (t === "integer" || t === "object" || t === "array" ? `an ${t}` : `a ${t}`));
  return words.join(" or ") || "null";
}

/** GitHub-worded messages ("For 'properties/body', 5 is not a string.") for ajv errors over `data`. */
function describeErrors(errors: ErrorObject[], data: unknown, label: (path: string) => string): string[] {
  const messages = new Set<string>();
  // Errors inside a failed `anyOf` (nullable unions) repeat the branch errors: keep the most specific ones.
  const specific = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
  for (const error of specific.length > 0 ? specific : errors) {
    const value = getAt(data, error.instancePath);
    const where = label(error.instancePath);
    if (error.keyword === "required") {
      messages.add(`"${String(error.params.missingProperty)}" wasn't supplied.`);
    } else if (error.keyword === "type") {
      if (value === null && specific.some((e) => e !== error && e.instancePath === error.instancePath))
        continue;
      messages.add(`For '${where}', ${formatValue(value)} is not ${describeType(error.params.type)}.`);
    } else if (error.keyword === "enum") {
      const allowed = (error.params.allowedValues as unknown[]).filter((v) => v !== null);
      messages.add(`For '${where}', ${formatValue(value)} is not a member of ${JSON.stringify(allowed)}.`);
    } else if (error.keyword === "additionalProperties") {
      messages.add(`"${String(error.params.additionalProperty)}" is not a permitted key.`);
    } else {
      messages.add(`For '${where}', ${formatValue(value)} ${error.message ?? "is invalid"}.`);
    }
  }
  return [...messages];
}

function bodyLabel(pointer: string): string {
  if (pointer === "") return "links/0/schema";
  return pointer
    .slice(1)
    .split("/")
    .map((key) => (/^\d+$/.test(key) ? `items/${key}` : `properties/${key}`))
    .join("/");
}

/** Coerces a query string value to the JSON type its schema expects; returns the string when it cannot. */
function coerceQueryValue(schema: unknown, value: string): unknown {
  const type = isRecord(schema) ? schema.type : undefined;
  const types = Array.isArray(type) ? type : [type];
  if (types.includes("integer") && /^-?\d+$/.test(value)) return Number(value);
  if (types.includes("number") && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  if (types.includes("array")) {
    const items = isRecord(schema) ? schema.items : undefined;
    return value === "" ? [] : value.split(",").map((item) => coerceQueryValue(items, item));
  }
  return value;
}

function resolveComponent(spec: JsonObject, value: unknown, kind: string): JsonObject | undefined {
  if (!isRecord(value)) return undefined;
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  const prefix = `#/components/${kind}/`;
  if (!ref.startsWith(prefix)) return undefined;
  const components = spec.components as JsonObject;
  const group = components[kind] as JsonObject | undefined;
  const target = group?.[ref.slice(prefix.length)];
  return isRecord(target) ? target : undefined;
}

function loadDescription(): GitHubApiDescription {
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const file = require.resolve(GITHUB_OPENAPI_SPEC);
  const packageVersion = (require(`${GITHUB_OPENAPI_PACKAGE}/package.json`) as { version: string }).version;
  const text = readFileSync(file, "utf8");
  const spec = JSON.parse(text) as JsonObject;
  const paths = spec.paths as Record<string, JsonObject>;
  const components = spec.components as JsonObject;
  const componentSchemas = components.schemas as JsonObject;

  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    inlineRefs: false,
    logger: false,
  });
  addFormats(ajv);
  ajv.addFormat("repo.nwo", /^[^/\s]+\/[^/\s]+$/);
  const registered = new Set<string>();

  function register(names: Iterable<string>): void {
    const pending = [...names];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (registered.has(name)) continue;
      const source = componentSchemas[name];
      if (source === undefined) throw new Error(`unknown component schema ${name}`);
      registered.add(name);
      const refs = new Set<string>();
      const converted = convertSchema(source, refs);
      ajv.addSchema({ ...(isRecord(converted) ? converted : {}), $id: SCHEMA_ID_PREFIX + name });
      pending.push(...refs);
    }
  }

  function compile(schema: unknown): ValidateFunction {
    const refs = new Set<string>();
    const converted = convertSchema(schema, refs);
    register(refs);
    return ajv.compile(isRecord(converted) ? converted : {});
  }

  const operations = new Map<string, GitHubOperation>();
  const buckets = new Map<number, CompiledRoute[]>();
  const multiRoutes: CompiledRoute[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    const methods = new Map<string, GitHubOperation>();
    const multiNames = new Set<string>();
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !isRecord(raw)) continue;
      const parameters: GitHubParameter[] = [];
      for (const p of [...shared, ...(Array.isArray(raw.parameters) ? raw.parameters : [])]) {
        const param = resolveComponent(spec, p, "parameters");
        if (!param) continue;
        const multiSegment = param["x-multi-segment"] === true;
        if (multiSegment) multiNames.add(String(param.name));
        parameters.push({
          name: String(param.name),
          in: param.in as GitHubParameter["in"],
          required: param.required === true,
          schema: param.schema ?? {},
          multiSegment,
        });
      }
      let requestBody: GitHubOperation["requestBody"];
      const body = resolveComponent(spec, raw.requestBody, "requestBodies");
      const content = body && isRecord(body.content) ? body.content : undefined;
      const json = content?.["application/json"];
      if (isRecord(json)) requestBody = { required: body?.required === true, schema: json.schema ?? {} };
      const xGithub = isRecord(raw["x-github"]) ? raw["x-github"] : {};
      const docs = isRecord(raw.externalDocs) ? raw.externalDocs.url : undefined;
      const operation: GitHubOperation = {
        operationId: String(raw.operationId),
        method: method.toUpperCase(),
        template,
        docsUrl: typeof docs === "string" ? docs : GITHUB_DOCS_URL,
        category: typeof xGithub.category === "string" ? xGithub.category : "",
        enabledForGitHubApps: xGithub.enabledForGitHubApps !== false,
        parameters,
      };
      if (requestBody) operation.requestBody = requestBody;
      methods.set(operation.method, operation);
      operations.set(operation.operationId, operation);
    }
    const texts = template.slice(1).split("/");
    const segments = texts.map((t, i) => compileSegment(t, multiNames, i === texts.length - 1));
    const route: CompiledRoute = {
      template,
      segments,
      multi: segments.at(-1)?.kind === "rest",
      rank: segments.map(segmentRank),
      methods,
    };
    if (route.multi) multiRoutes.push(route);
    else {
      const bucket = buckets.get(segments.length) ?? [];
      bucket.push(route);
      buckets.set(segments.length, bucket);
    }
  }
  for (const bucket of buckets.values()) bucket.sort((a, b) => compareRank(a.rank, b.rank));
  multiRoutes.sort((a, b) => compareRank(a.rank, b.rank));

  const parameterValidators = new Map<string, ValidateFunction>();
  const bodyValidators = new Map<string, ValidateFunction>();
  const responseValidators = new Map<string, ValidateFunction | null>();
  const examples = components.examples as JsonObject;

  function findRoute(method: string, path: string): GitHubRouteLookup {
    const parts = path.slice(1).split("/");
    const matches: Array<{ route: CompiledRoute; params: Record<string, string> }> = [];
    for (const route of buckets.get(parts.length) ?? []) {
      const params = matchRoute(route, parts);
      if (params) matches.push({ route, params });
    }
    for (const route of multiRoutes) {
      if (route.segments.length > parts.length) continue;
      const params = matchRoute(route, parts);
      if (params) matches.push({ route, params });
    }
    if (matches.length === 0) return { kind: "no-path" };
    matches.sort((a, b) => compareRank(a.route.rank, b.route.rank));
    const upper = method.toUpperCase();
    for (const { route, params } of matches) {
      const operation = route.methods.get(upper);
      if (operation) return { kind: "match", operation, params };
    }
    const best = matches[0]!.route;
    return { kind: "no-method", template: best.template, methods: [...best.methods.keys()] };
  }

  function validateParameter(
    operation: GitHubOperation,
    parameter: GitHubParameter,
    value: string,
  ): string[] {
    const key = `${operation.operationId} ${parameter.in} ${parameter.name}`;
    let validate = parameterValidators.get(key);
    if (!validate) {
      validate = compile(parameter.schema);
      parameterValidators.set(key, validate);
    }
    const data = parameter.in === "query" ? coerceQueryValue(parameter.schema, value) : value;
    if (parameter.in === "path") {
      const type = isRecord(parameter.schema) ? parameter.schema.type : undefined;
      if (type === "integer" && !/^\d+$/.test(value)) {
        return [`For '${parameter.name}', ${JSON.stringify(value)} is not an integer.`];
      }
      const coerced = type === "integer" ? Number(value) : value;
      return validate(coerced) ? [] : describeErrors(validate.errors ?? [], coerced, () => parameter.name);
    }
    return validate(data) ? [] : describeErrors(validate.errors ?? [], data, () => parameter.name);
  }

  function validateRequestBody(operation: GitHubOperation, body: unknown): string[] {
    const requestBody = operation.requestBody;
    if (!requestBody) return [];
    let validate = bodyValidators.get(operation.operationId);
    if (!validate) {
      validate = compile(requestBody.schema);
      bodyValidators.set(operation.operationId, validate);
    }
    return validate(body) ? [] : describeErrors(validate.errors ?? [], body, bodyLabel);
  }

  function validateResponse(operationId: string, status: number, body: unknown): string[] {
    const key = `${operationId} ${status}`;
    let validate = responseValidators.get(key);
    if (validate === undefined) {
      validate = null;
      const operation = operations.get(operationId);
      const raw = operation
        ? (paths[operation.template]?.[operation.method.toLowerCase()] as JsonObject)
        : undefined;
      const responses = raw && isRecord(raw.responses) ? raw.responses : {};
      const response = resolveComponent(spec, responses[String(status)] ?? responses.default, "responses");
      const content = response && isRecord(response.content) ? response.content : undefined;
      const json = content?.["application/json"];
      if (isRecord(json) && json.schema !== undefined) validate = compile(json.schema);
      responseValidators.set(key, validate);
    }
    if (validate === null) return [];
    return validate(body) ? [] : describeErrors(validate.errors ?? [], body, (p) => p || "/");
  }

  const loadMs = performance.now() - started;
  return {
    packageVersion,
    openapi: String(spec.openapi),
    file,
    bytes: Buffer.byteLength(text),
    pathCount: Object.keys(paths).length,
    operationCount: operations.size,
    loadMs,
    findRoute,
    getOperation: (operationId) => operations.get(operationId),
    validateParameter,
    validateRequestBody,
    validateResponse,
    getExample(name: string): unknown {
      const example = examples[name];
      return isRecord(example) ? structuredClone(example.value) : undefined;
    },
  };
}

let cached: GitHubApiDescription | undefined;

/**
 * GitHub's REST API description from `@octokit/openapi`, read, parsed and compiled into a route table on the
 * first call (a few hundred milliseconds for the 13 MB document) and cached for the life of the process.
 * Validators are compiled per operation on first use.
 */
export function loadGitHubApiDescription(): GitHubApiDescription {
  cached ??= loadDescription();
  return cached;
}
