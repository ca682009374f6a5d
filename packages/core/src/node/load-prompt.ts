import { type ParsedPrompt, parsePrompt } from "../prompts/index.ts";
import { type LoadFileOptions, loadTextFile } from "./load-cases.ts";

/**
 * Read and parse a prompt file (a text template, chat messages in YAML, or a GitHub Models `.prompt.yml`; see
 * parsePrompt). Errors name `displayPath`; a missing file is a FILE_NOT_FOUND PromptfirstError naming what
 * referenced it (`promptfirst.yaml: suites.support.candidates.v3.prompt: file "prompts/v3.md" not found`).
 */
export async function loadPrompt(path: string, options: LoadFileOptions = {}): Promise<ParsedPrompt> {
  const text = await loadTextFile(path, options);
  return parsePrompt(text, options.displayPath ?? path);
}
