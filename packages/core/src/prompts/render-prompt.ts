import { listTemplateVariables, renderTemplate } from "../template.ts";
import type { ChatMessage } from "../types.ts";
import type { PromptTemplate } from "./types.ts";

/**
 * Fill a prompt template's `{{vars}}` (dotted paths allowed) from a case's variables. A variable the case
 * does not define throws a TEMPLATE_VARIABLE_MISSING PromptfirstError naming the variable, the case (when
 * `caseId` is given) and the template's file.
 */
export function renderPrompt(
  template: PromptTemplate,
  vars: Record<string, unknown>,
  caseId?: string,
): ChatMessage[] {
  const context =
    caseId === undefined ? { templateSource: template.source } : { caseId, templateSource: template.source };
  return template.messages.map((message) => ({
    role: message.role,
    content: renderTemplate(message.content, vars, context),
  }));
}

/** Every `{{variable}}` the template's messages use, in order of first appearance (dotted paths kept whole). */
export function listPromptVariables(template: PromptTemplate): string[] {
  const names = new Set<string>();
  for (const message of template.messages) {
    for (const name of listTemplateVariables(message.content)) names.add(name);
  }
  return [...names];
}
