import { formatDidYouMean } from "../text/suggest.ts";
import type { ModelParams } from "../types.ts";
import { parseYamlSource } from "../yaml/source.ts";
import { describeValue, IssueCollector, isRecord } from "./issue-collector.ts";
import { MODEL_PARAM_KEYS, readModelParam, readResponseFormat } from "./model-params.ts";
import type { ParsedPrompt, PromptMessageTemplate } from "./types.ts";

const META_KEYS = ["system", "model", "name", "description"] as const;
const FRONT_MATTER_KEYS = [...META_KEYS, "response_format", ...MODEL_PARAM_KEYS];
const FENCE = /^---[ \t]*$/;
const FENCE_END = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Parse a text prompt (`.md`, `.txt`, ...): optional YAML front matter between `---` lines with `system`,
 * `model`, `name`, `description` and model parameters (`temperature`, `top_p`, `max_tokens`, `seed`, `stop`,
 * `response_format`, ...); the body is the user message template. With `system`, the messages are
 * [system, user]. Throws a PROMPT_INVALID PromptfirstError listing every problem.
 */
export function parseTextPrompt(text: string, file: string): ParsedPrompt {
  const issues = new IssueCollector(file);
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  let front: Record<string, unknown> = {};
  let bodyStart = 0;
  let frontLineAt: ReturnType<typeof parseYamlSource>["lineAt"] = () => undefined;

  if (lines.length > 0 && FENCE.test(lines[0]!)) {
    const end = lines.findIndex((line, index) => index > 0 && FENCE_END.test(line));
    if (end === -1) {
      issues.addAtLine(
        1,
        [],
        "front matter opened with --- on line 1 is never closed: add a line with --- after it (or remove the first line)",
      );
      issues.fail("PROMPT_INVALID", `${file}: invalid prompt file`);
    }
    const source = parseYamlSource(lines.slice(1, end).join("\n"), file, 1);
    issues.addIssues(source.issues);
    frontLineAt = source.lineAt;
    if (isRecord(source.value)) front = source.value;
    else if (source.value !== null) {
      issues.addAtLine(2, [], `front matter must be key: value pairs, got ${describeValue(source.value)}`);
    }
    bodyStart = end + 1;
  }

  const fm = new IssueCollector(file, frontLineAt);
  const params: ModelParams = {};
  let responseFormat: Record<string, unknown> | undefined;
  const meta: Partial<Record<(typeof META_KEYS)[number], string>> = {};
  for (const [key, value] of Object.entries(front)) {
    if ((META_KEYS as readonly string[]).includes(key)) {
      if (typeof value === "string" && value.trim() !== "") meta[key as (typeof META_KEYS)[number]] = value;
      else fm.add([key], `must be text, got ${describeValue(value)}`);
    } else if (key === "response_format") {
      responseFormat = readResponseFormat(value, [key], fm);
    } else if (MODEL_PARAM_KEYS.includes(key)) {
      readModelParam(params, key, value, [key], fm);
    } else {
      fm.add(
        [key],
        `unknown front matter key "${key}"${formatDidYouMean(key, FRONT_MATTER_KEYS)}; allowed: ${FRONT_MATTER_KEYS.join(", ")}`,
        { key: true },
      );
    }
  }
  issues.addIssues(fm.issues);

  let first = bodyStart;
  while (first < lines.length && lines[first]!.trim() === "") first++;
  const body = lines.slice(first).join("\n").trimEnd();
  if (body === "") {
    issues.addAtLine(
      Math.min(bodyStart + 1, lines.length),
      [],
      bodyStart > 0
        ? "the prompt body is empty: write the user message template ({{vars}} allowed) after the front matter"
        : "the prompt file is empty: write the user message template ({{vars}} allowed)",
    );
  }
  issues.throwIfAny("PROMPT_INVALID", `${file}: invalid prompt file`);

  const messages: PromptMessageTemplate[] = [];
  if (meta.system !== undefined) messages.push({ role: "system", content: meta.system });
  messages.push({ role: "user", content: body });
  return {
    template: {
      messages,
      ...(meta.model === undefined ? {} : { model: meta.model }),
      ...(Object.keys(params).length === 0 ? {} : { params }),
      ...(responseFormat === undefined ? {} : { responseFormat }),
      source: file,
      kind: "text",
    },
    ...(meta.name === undefined ? {} : { name: meta.name }),
    ...(meta.description === undefined ? {} : { description: meta.description }),
  };
}
