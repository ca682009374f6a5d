export { GITHUB_BUILTIN_CHOICES, GITHUB_BUILTIN_RUBRICS } from "./github-evaluators.ts";
export { stripModelPublisher } from "./parse-github-prompt.ts";
export { detectPromptKind, parsePrompt } from "./parse-prompt.ts";
export { CHAT_ROLES } from "./read-messages.ts";
export { listPromptVariables, renderPrompt } from "./render-prompt.ts";
export type { ParsedPrompt, PromptKind, PromptMessageTemplate, PromptTemplate } from "./types.ts";
