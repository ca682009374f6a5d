import { formatDidYouMean } from "../text/suggest.ts";
import type { ModelParams } from "../types.ts";
import { parseYamlSource } from "../yaml/source.ts";
import { describeValue, IssueCollector, isRecord } from "./issue-collector.ts";
import { MODEL_PARAM_KEYS, readModelParam, readResponseFormat } from "./model-params.ts";
import { readMessages } from "./read-messages.ts";
import type { ParsedPrompt } from "./types.ts";

const CHAT_KEYS = ["messages", "model", "name", "description", "response_format", ...MODEL_PARAM_KEYS];
const GITHUB_MODELS_KEYS = ["modelParameters", "testData", "evaluators", "responseFormat", "jsonSchema"];

/**
 * Parse a chat prompt in YAML: either a list of `{ role, content }` messages, or a mapping
 * `{ messages: [...], model?, name?, description?, temperature?, top_p?, ..., response_format? }`.
 * Roles are system, developer, user and assistant. Throws a PROMPT_INVALID PromptfirstError listing every
 * problem with its line and path (`messages[2].role: unknown role "usr" (did you mean "user"?)`).
 */
export function parseChatPrompt(text: string, file: string): ParsedPrompt {
  const source = parseYamlSource(text.replace(/^\uFEFF/, ""), file);
  const issues = new IssueCollector(file, source.lineAt);
  issues.addIssues(source.issues);
  issues.throwIfAny("PROMPT_INVALID", `${file}: invalid prompt file`);

  const root = source.value;
  const params: ModelParams = {};
  const meta: { model?: string; name?: string; description?: string } = {};
  let responseFormat: Record<string, unknown> | undefined;
  let messages: ReturnType<typeof readMessages> = [];

  if (root === null) {
    issues.addAtLine(1, [], "the prompt file is empty: write a list of messages ({ role, content })");
  } else if (Array.isArray(root)) {
    messages = readMessages(root, [], issues);
  } else if (isRecord(root)) {
    for (const [key, value] of Object.entries(root)) {
      if (key === "messages") messages = readMessages(value, [key], issues);
      else if (key === "model" || key === "name" || key === "description") {
        if (typeof value === "string" && value.trim() !== "") meta[key] = value;
        else issues.add([key], `must be text, got ${describeValue(value)}`);
      } else if (key === "response_format") responseFormat = readResponseFormat(value, [key], issues);
      else if (MODEL_PARAM_KEYS.includes(key)) readModelParam(params, key, value, [key], issues);
      else {
        const hint = GITHUB_MODELS_KEYS.includes(key)
          ? "; this looks like a GitHub Models prompt file: name it *.prompt.yml"
          : `; allowed: ${CHAT_KEYS.join(", ")}`;
        issues.add([key], `unknown key "${key}"${formatDidYouMean(key, CHAT_KEYS)}${hint}`, { key: true });
      }
    }
    if (!("messages" in root)) {
      issues.addAtLine(1, [], "missing messages: add messages: [{ role: user, content: ... }]");
    }
  } else {
    issues.addAtLine(
      1,
      [],
      `a chat prompt must be a list of messages or a mapping with messages, got ${describeValue(root)}`,
    );
  }
  issues.throwIfAny("PROMPT_INVALID", `${file}: invalid prompt file`);

  return {
    template: {
      messages,
      ...(meta.model === undefined ? {} : { model: meta.model }),
      ...(Object.keys(params).length === 0 ? {} : { params }),
      ...(responseFormat === undefined ? {} : { responseFormat }),
      source: file,
      kind: "chat",
    },
    ...(meta.name === undefined ? {} : { name: meta.name }),
    ...(meta.description === undefined ? {} : { description: meta.description }),
  };
}
