import { parseChatPrompt } from "./parse-chat-prompt.ts";
import { parseGithubPrompt } from "./parse-github-prompt.ts";
import { parseTextPrompt } from "./parse-text-prompt.ts";
import type { ParsedPrompt, PromptKind } from "./types.ts";

/**
 * Which kind of prompt a file name implies: `*.prompt.yml` / `*.prompt.yaml` are GitHub Models prompt files,
 * other `.yaml` / `.yml` files are chat messages, and anything else (`.md`, `.txt`, ...) is a text template.
 */
export function detectPromptKind(file: string): PromptKind {
  const name = file.toLowerCase();
  if (/\.prompt\.ya?ml$/.test(name)) return "github-models";
  if (/\.ya?ml$/.test(name)) return "chat";
  return "text";
}

/**
 * Parse a prompt file's text, choosing the format by file name (see detectPromptKind). `file` is the path as
 * the user would type it; it names the template's source and every error. Throws a PromptfirstError with code
 * PROMPT_INVALID listing every problem with its line and path.
 */
export function parsePrompt(text: string, file: string): ParsedPrompt {
  switch (detectPromptKind(file)) {
    case "github-models":
      return parseGithubPrompt(text, file);
    case "chat":
      return parseChatPrompt(text, file);
    default:
      return parseTextPrompt(text, file);
  }
}
