import { assignCaseIds, type CaseDraft, readCaseRecord } from "../cases/case-record.ts";
import { formatDidYouMean } from "../text/suggest.ts";
import type { Case, ModelParams } from "../types.ts";
import { type PathSegment, parseYamlSource } from "../yaml/source.ts";
import { readGithubEvaluators } from "./github-evaluators.ts";
import { describeValue, IssueCollector, isRecord } from "./issue-collector.ts";
import { readModelParam } from "./model-params.ts";
import { readMessages } from "./read-messages.ts";
import type { ParsedPrompt } from "./types.ts";

const TOP_KEYS = [
  "name",
  "description",
  "model",
  "modelParameters",
  "responseFormat",
  "jsonSchema",
  "messages",
  "testData",
  "evaluators",
];

/** GitHub Models `modelParameters` keys and the chat completions parameters they become. */
const PARAMETER_NAMES: Record<string, string> = {
  maxTokens: "max_tokens",
  temperature: "temperature",
  topP: "top_p",
  frequencyPenalty: "frequency_penalty",
  presencePenalty: "presence_penalty",
  seed: "seed",
  stop: "stop",
};

const RESPONSE_FORMATS = ["text", "json_object", "json_schema"];

/** The model name without its publisher prefix: `openai/gpt-4o-mini` → `gpt-4o-mini`. */
export function stripModelPublisher(model: string): string {
  const slash = model.indexOf("/");
  return slash === -1 ? model : model.slice(slash + 1);
}

function readText(value: unknown, path: readonly PathSegment[], issues: IssueCollector): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value;
  issues.add(path, `must be text, got ${describeValue(value)}`);
  return undefined;
}

function readParameters(value: unknown, issues: IssueCollector): ModelParams {
  const params: ModelParams = {};
  if (!isRecord(value)) {
    issues.add(
      ["modelParameters"],
      `must be a mapping like { temperature: 0.5, maxTokens: 500 }, got ${describeValue(value)}`,
    );
    return params;
  }
  const allowed = Object.keys(PARAMETER_NAMES);
  for (const [key, item] of Object.entries(value)) {
    const ours = PARAMETER_NAMES[key];
    if (ours === undefined) {
      issues.add(
        ["modelParameters", key],
        `unknown model parameter "${key}"${formatDidYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`,
        { key: true },
      );
    } else readModelParam(params, ours, item, ["modelParameters", key], issues);
  }
  return params;
}

function readJsonSchema(value: unknown, promptName: string | undefined, issues: IssueCollector) {
  let schema = value;
  if (typeof value === "string") {
    try {
      schema = JSON.parse(value);
    } catch (error) {
      issues.add(["jsonSchema"], `is not valid JSON: ${(error as Error).message.slice(0, 120)}`);
      return undefined;
    }
  }
  if (!isRecord(schema)) {
    issues.add(
      ["jsonSchema"],
      `must be a JSON Schema (a mapping, or JSON text), got ${describeValue(schema)}`,
    );
    return undefined;
  }
  // Either OpenAI's { name, schema, strict?, description? } or the bare schema itself.
  if (isRecord(schema.schema)) {
    if (typeof schema.name !== "string" || schema.name === "") {
      issues.add(["jsonSchema", "name"], "must name the schema (letters, digits, _ or -)");
      return undefined;
    }
    return schema;
  }
  const name = (promptName ?? "response").replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 64) || "response";
  return { name, schema };
}

/**
 * Parse a GitHub Models prompt file (`*.prompt.yml` / `*.prompt.yaml`): `name`, `description`, `model`
 * (kept as written, with `modelHint` stripped of its publisher), `modelParameters` (`maxTokens` → max_tokens,
 * `topP` → top_p, `temperature`, ...), `responseFormat` (text, json_object, json_schema with `jsonSchema`),
 * `messages`, `testData` (rows become cases: `expected` is the expected value, `id` and `cluster` keep their
 * meaning, every other key is a variable) and `evaluators` (mapped to scorer configs). GitHub Models templates
 * use `{{var}}` like ours. Throws a PROMPT_INVALID PromptfirstError listing every problem.
 */
export function parseGithubPrompt(text: string, file: string): ParsedPrompt {
  const source = parseYamlSource(text.replace(/^\uFEFF/, ""), file);
  const issues = new IssueCollector(file, source.lineAt);
  issues.addIssues(source.issues);
  issues.throwIfAny("PROMPT_INVALID", `${file}: invalid prompt file`);
  const root = source.value;
  if (!isRecord(root)) {
    issues.addAtLine(
      1,
      [],
      root === null
        ? "the prompt file is empty: a GitHub Models prompt needs at least messages"
        : `a GitHub Models prompt file must be a mapping (name, model, messages, ...), got ${describeValue(root)}`,
    );
    return issues.fail("PROMPT_INVALID", `${file}: invalid prompt file`);
  }

  for (const key of Object.keys(root)) {
    if (!TOP_KEYS.includes(key)) {
      issues.add(
        [key],
        `unknown key "${key}"${formatDidYouMean(key, TOP_KEYS)}; allowed: ${TOP_KEYS.join(", ")}`,
        {
          key: true,
        },
      );
    }
  }
  const name = root.name === undefined ? undefined : readText(root.name, ["name"], issues);
  const description =
    root.description === undefined ? undefined : readText(root.description, ["description"], issues);
  const model = root.model === undefined ? undefined : readText(root.model, ["model"], issues);
  const params = root.modelParameters === undefined ? {} : readParameters(root.modelParameters, issues);

  let responseFormat: Record<string, unknown> | undefined;
  const format = root.responseFormat;
  if (format !== undefined && (typeof format !== "string" || !RESPONSE_FORMATS.includes(format))) {
    const shown = typeof format === "string" ? `"${format}"` : describeValue(format);
    const hint = typeof format === "string" ? formatDidYouMean(format, RESPONSE_FORMATS) : "";
    issues.add(
      ["responseFormat"],
      `unknown response format ${shown}${hint}; use text, json_object or json_schema`,
    );
  } else if (format === "json_object") {
    responseFormat = { type: "json_object" };
  } else if (format === "json_schema") {
    if (root.jsonSchema === undefined) {
      issues.add(["responseFormat"], "json_schema needs a jsonSchema key with the schema");
    } else {
      const schema = readJsonSchema(root.jsonSchema, name, issues);
      if (schema) responseFormat = { type: "json_schema", json_schema: schema };
    }
  }
  if (root.jsonSchema !== undefined && format !== "json_schema") {
    issues.add(
      ["jsonSchema"],
      "is only used with responseFormat: json_schema: add that, or remove jsonSchema",
      {
        key: true,
      },
    );
  }

  let messages: ReturnType<typeof readMessages> = [];
  if (root.messages === undefined) {
    issues.addAtLine(1, [], "missing messages: add messages: [{ role: user, content: ... }]");
  } else messages = readMessages(root.messages, ["messages"], issues, { ignoreRoleCase: true });

  let cases: Case[] | undefined;
  if (root.testData !== undefined) {
    if (!Array.isArray(root.testData)) {
      issues.add(
        ["testData"],
        `must be a list of rows like { input: "...", expected: "..." }, got ${describeValue(root.testData)}`,
      );
    } else {
      const drafts: CaseDraft[] = [];
      for (const [index, row] of root.testData.entries()) {
        const path: PathSegment[] = ["testData", index];
        const line = source.lineAt(path);
        const where: { path: PathSegment[]; line?: number } = { path };
        if (line !== undefined) where.line = line;
        const draft = readCaseRecord(row, where, (rel, message, options) =>
          issues.add([...path, ...rel], message, options),
        );
        if (draft) drafts.push(draft);
      }
      cases = assignCaseIds(drafts, file, (draft, message) => issues.add([...draft.path, "id"], message));
    }
  }

  const scorers =
    root.evaluators === undefined ? undefined : readGithubEvaluators(root.evaluators, ["evaluators"], issues);
  issues.throwIfAny("PROMPT_INVALID", `${file}: invalid prompt file`);

  return {
    template: {
      messages,
      ...(model === undefined ? {} : { model, modelHint: stripModelPublisher(model) }),
      ...(Object.keys(params).length === 0 ? {} : { params }),
      ...(responseFormat === undefined ? {} : { responseFormat }),
      source: file,
      kind: "github-models",
    },
    ...(cases === undefined ? {} : { cases }),
    ...(scorers === undefined ? {} : { scorers }),
    ...(name === undefined ? {} : { name }),
    ...(description === undefined ? {} : { description }),
  };
}
