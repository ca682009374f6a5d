import { PromptfirstError } from "./errors.ts";

const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$-]*(?:\.[\w$-]+)*)\s*\}\}/g;

/** Names of the `{{variables}}` a template uses, in order of first appearance (dotted paths kept whole). */
export function listTemplateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}

/** Look a dotted path (`customer.name`) up in a variables object. */
export function lookupVariable(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** How a variable's value is written into text: strings as they are, everything else as JSON. */
export function stringifyVariable(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Where a render happens, so a missing variable can be named precisely. */
export interface RenderContext {
  /** The case being rendered, e.g. `refund-policy` (from `evals/support.jsonl:3`). */
  caseId?: string;
  /** The template's own file or config path, e.g. `prompts/support.md`. */
  templateSource?: string;
}

/**
 * Render `{{var}}` placeholders (dotted paths allowed) from `vars`. A variable the case does not define is an
 * error that names the case, the variable and the template, never an empty string.
 */
export function renderTemplate(
  template: string,
  vars: Record<string, unknown>,
  context: RenderContext = {},
): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = lookupVariable(vars, name);
    if (value === undefined) {
      const inCase = context.caseId ? ` in case "${context.caseId}"` : "";
      const file = context.templateSource ?? "template";
      const known = Object.keys(vars);
      const hint =
        known.length > 0 ? ` (the case defines: ${known.join(", ")})` : " (the case defines no vars)";
      throw new PromptfirstError(
        "TEMPLATE_VARIABLE_MISSING",
        `${file}: variable "{{${name}}}" is not defined${inCase}${hint}; add it to the case's vars or remove it from the template`,
        [{ file, message: `variable "${name}" is not defined${inCase}` }],
      );
    }
    return stringifyVariable(value);
  });
}
