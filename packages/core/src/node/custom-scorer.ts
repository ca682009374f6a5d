/**
 * Loading the files scorers reference: custom scorer modules (JavaScript or TypeScript) and JSON Schema files.
 */
import { randomUUID } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { PromptfirstError } from "../errors.ts";
import { CUSTOM_SCORER_EXTENSIONS } from "../scorers/schema.ts";
import type { CustomScorerFn, JudgeCall, ScorerRuntime } from "../scorers/types.ts";

/** How `loadCustomScorer` loads a TypeScript module. */
export type TypeScriptLoading = "native" | "strip";

/** Options for `loadCustomScorer`. */
export interface LoadCustomScorerOptions {
  /**
   * `native`: import the `.ts` file and let Node strip its types (Node 22.18+, 24). `strip`: strip the types with
   * amaro (the stripper Node itself uses) into a hidden file next to the module, import that, and delete it.
   * Default: `native` when this Node strips types itself, else `strip`.
   */
  typeScript?: TypeScriptLoading;
}

const TYPESCRIPT_EXTENSIONS: Record<string, string> = { ".ts": ".js", ".mts": ".mjs", ".cts": ".cjs" };

/** Whether this Node runtime imports `.ts` files itself (type stripping on: Node 22.18+, 23.6+, 24). */
export function detectNativeTypeStripping(): boolean {
  const feature = (process.features as { typescript?: unknown }).typescript;
  return feature === "strip" || feature === "transform" || feature === true;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === "object" && "message" in error) {
    // amaro (swc) throws plain objects: { code, message, startLine, snippet }.
    const record = error as { message: unknown; startLine?: unknown; snippet?: unknown };
    const line = typeof record.startLine === "number" ? ` (line ${record.startLine})` : "";
    const snippet = typeof record.snippet === "string" ? `\n${record.snippet.trimEnd()}` : "";
    return `${String(record.message)}${line}${snippet}`;
  }
  return String(error);
}

/** Remove TypeScript types from a module's source with amaro, keeping every line where it was. */
export async function stripTypeScriptTypes(source: string, fileName: string): Promise<string> {
  const { transformSync } = await import("amaro");
  const { code } = transformSync(source, { mode: "strip-only", filename: fileName });
  return code;
}

/** Import a TypeScript module by stripping its types into a hidden sibling file (so relative imports resolve). */
async function importStripped(absolute: string, shownPath: string): Promise<unknown> {
  const source = await readFile(absolute, "utf8");
  let code: string;
  try {
    code = await stripTypeScriptTypes(source, absolute);
  } catch (error) {
    throw new PromptfirstError(
      "CONFIG_INVALID",
      `custom scorer module ${shownPath} has TypeScript that cannot be stripped: ${describeError(error)}\n` +
        "Only erasable syntax is supported (no enum, namespace or parameter properties), as in Node's own type stripping.",
      [{ file: shownPath, message: `TypeScript cannot be stripped: ${describeError(error)}` }],
    );
  }
  const extension = path.extname(absolute).toLowerCase();
  const temp = path.join(
    path.dirname(absolute),
    `.${path.basename(absolute, path.extname(absolute))}.promptfirst-${randomUUID().slice(0, 8)}${TYPESCRIPT_EXTENSIONS[extension] ?? ".js"}`,
  );
  await writeFile(temp, `${code}\n//# sourceURL=${pathToFileURL(absolute).href}\n`, { flag: "wx" });
  try {
    return await import(pathToFileURL(temp).href);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The default export of a module; unwraps a transpiled CommonJS `exports.default` once. */
function pickDefaultExport(module: unknown): unknown {
  const candidate = (module as { default?: unknown } | null)?.default;
  if (
    candidate !== null &&
    typeof candidate === "object" &&
    typeof (candidate as { default?: unknown }).default === "function"
  ) {
    return (candidate as { default: unknown }).default;
  }
  return candidate;
}

/**
 * Import a custom scorer module and return its default export, a function of `{ output, expected, vars, caseId,
 * input, options }`. `.js`, `.mjs` and `.cjs` are imported as they are; `.ts`, `.mts` and `.cts` work on every
 * supported Node: natively where Node strips types, else through amaro (see `LoadCustomScorerOptions`). On the
 * amaro path a TypeScript module may import JavaScript modules and packages, but not other `.ts` files.
 *
 * Throws a `PromptfirstError` naming the file when it does not exist (`FILE_NOT_FOUND`), cannot be imported, or
 * has no default-export function (`CONFIG_INVALID`).
 */
export async function loadCustomScorer(
  modulePath: string,
  options: LoadCustomScorerOptions = {},
): Promise<CustomScorerFn> {
  const absolute = path.resolve(modulePath);
  const extension = path.extname(absolute).toLowerCase();
  if (!(CUSTOM_SCORER_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new PromptfirstError(
      "CONFIG_INVALID",
      `custom scorer module ${modulePath} must be a ${CUSTOM_SCORER_EXTENSIONS.join(", ")} file`,
      [{ file: modulePath, message: "not a JavaScript or TypeScript module" }],
    );
  }
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOTFILE" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT" ? "does not exist" : code === "ENOTFILE" ? "is not a file" : describeError(error);
    throw new PromptfirstError(
      code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      `custom scorer module ${modulePath} ${what}`,
      [{ file: modulePath, message: `custom scorer module ${what}` }],
    );
  }

  const isTypeScript = extension in TYPESCRIPT_EXTENSIONS;
  const mode = options.typeScript ?? (detectNativeTypeStripping() ? "native" : "strip");
  let module: unknown;
  try {
    module =
      isTypeScript && mode === "strip"
        ? await importStripped(absolute, modulePath)
        : await import(pathToFileURL(absolute).href);
  } catch (error) {
    if (error instanceof PromptfirstError) throw error;
    const code = (error as { code?: unknown }).code;
    const hint =
      code === "ERR_UNKNOWN_FILE_EXTENSION" && isTypeScript
        ? " (on this Node version a TypeScript scorer may import .js/.mjs modules and packages, but not other .ts files)"
        : "";
    throw new PromptfirstError(
      "CONFIG_INVALID",
      `custom scorer module ${modulePath} could not be loaded: ${describeError(error)}${hint}`,
      [{ file: modulePath, message: `could not be loaded: ${describeError(error)}` }],
    );
  }

  const scorer = pickDefaultExport(module);
  if (typeof scorer !== "function") {
    const named = Object.entries((module ?? {}) as Record<string, unknown>)
      .filter(([key, value]) => key !== "default" && typeof value === "function")
      .map(([key]) => key);
    const found =
      scorer === undefined
        ? named.length > 0
          ? `has no default export (it exports ${named.join(", ")})`
          : "has no default export"
        : `has a default export that is not a function (${typeof scorer})`;
    throw new PromptfirstError(
      "CONFIG_INVALID",
      `custom scorer module ${modulePath} ${found}; write \`export default function score({ output, expected, vars, options }) { ... }\``,
      [{ file: modulePath, message: `${found}; a custom scorer must default-export a function` }],
    );
  }
  return scorer as CustomScorerFn;
}

/**
 * Read a JSON Schema file named by a `json: { schema }` scorer (JSON, or YAML for `.yaml`/`.yml`). Throws a
 * `PromptfirstError` naming the file when it is missing or does not parse.
 */
export async function loadJsonSchemaFile(schemaPath: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(schemaPath, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new PromptfirstError(
      missing ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      `JSON Schema file ${schemaPath} ${missing ? "does not exist" : `cannot be read: ${describeError(error)}`}`,
      [{ file: schemaPath, message: missing ? "file not found" : describeError(error) }],
    );
  }
  try {
    return /\.ya?ml$/i.test(schemaPath) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new PromptfirstError(
      "CONFIG_INVALID",
      `JSON Schema file ${schemaPath} does not parse: ${describeError(error)}`,
      [{ file: schemaPath, message: `does not parse: ${describeError(error)}` }],
    );
  }
}

/** A `ScorerRuntime` that loads custom scorers and JSON Schema files from disk, with the given judge. */
export function createNodeScorerRuntime(judge?: JudgeCall): ScorerRuntime {
  const runtime: ScorerRuntime = {
    loadCustom: (modulePath) => loadCustomScorer(modulePath),
    loadJsonSchema: loadJsonSchemaFile,
  };
  if (judge) runtime.judge = judge;
  return runtime;
}
