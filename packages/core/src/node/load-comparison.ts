import { readFile } from "node:fs/promises";
import type { Comparison } from "../compare/schema.ts";
import { PromptfirstError } from "../errors.ts";

/**
 * Reading a Comparison file back (`promptfirst report`, the Action's comment mode): the file is checked against
 * the Comparison format, and every problem is one PromptfirstError naming the file. The schema is imported on
 * first use, so loading this module costs nothing before it is needed.
 */

function formatZodPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Check a parsed Comparison file; every problem is a RESULT_INVALID error naming `file`. */
export async function validateComparison(data: unknown, file: string): Promise<Comparison> {
  const { COMPARISON_SCHEMA_VERSION, comparisonSchema } = await import("../compare/schema.ts");
  const record = (data !== null && typeof data === "object" && !Array.isArray(data) ? data : {}) as Record<
    string,
    unknown
  >;
  const tool = record.tool as { name?: unknown; version?: unknown } | undefined;
  if (tool?.name !== "promptfirst" || !("schemaVersion" in record) || !("verdict" in record)) {
    throw new PromptfirstError(
      "RESULT_INVALID",
      `${file}: not a promptfirst comparison (no \`tool.name: promptfirst\`, \`schemaVersion\` and \`verdict\`): give the file \`promptfirst compare --out\` writes`,
    );
  }
  if (record.schemaVersion !== COMPARISON_SCHEMA_VERSION) {
    throw new PromptfirstError(
      "RESULT_INVALID",
      `${file}: schemaVersion: the file has Comparison schemaVersion ${JSON.stringify(record.schemaVersion)}${typeof tool.version === "string" ? ` (written by promptfirst ${tool.version})` : ""}, and this promptfirst reads version ${COMPARISON_SCHEMA_VERSION}: run \`promptfirst compare\` again with this version`,
    );
  }
  const parsed = comparisonSchema.safeParse(data);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem(s))` : "";
    throw new PromptfirstError(
      "RESULT_INVALID",
      `${file}: ${formatZodPath(first!.path)}: ${first!.message}${more}: the file does not match the Comparison format; run \`promptfirst compare\` again with this version`,
    );
  }
  return parsed.data as Comparison;
}

/** Read and check a Comparison file; errors name the file as the user typed it. */
export async function loadComparison(file: string, displayPath = file): Promise<Comparison> {
  let text: string;
  try {
    text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new PromptfirstError(
        "FILE_NOT_FOUND",
        `${displayPath}: comparison file not found: give the path of a file written by \`promptfirst compare --out\``,
      );
    }
    throw new PromptfirstError(
      "FILE_UNREADABLE",
      `${displayPath}: ${code === "EISDIR" ? "is a directory, not a comparison file" : `cannot be read (${code ?? (error as Error).message})`}`,
    );
  }
  if (text.trim() === "") {
    throw new PromptfirstError("RESULT_INVALID", `${displayPath}: the comparison file is empty`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PromptfirstError(
      "RESULT_INVALID",
      `${displayPath}: not valid JSON (${(error as Error).message}): give the file \`promptfirst compare --out\` writes`,
    );
  }
  return await validateComparison(data, displayPath);
}
