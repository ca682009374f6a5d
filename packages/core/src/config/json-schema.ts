import { z } from "zod";
import { type ScorerKind, scorerConfigSchema } from "../scorers/index.ts";
import { configSchema } from "./schema.ts";

/**
 * The JSON Schema's file name, at the root of `@promptfirst/core` and in its `exports` map
 * (`@promptfirst/core/promptfirst.schema.json`). Configs point editors at it with a first line such as
 * `# yaml-language-server: $schema=./node_modules/@promptfirst/core/promptfirst.schema.json`.
 */
export const CONFIG_JSON_SCHEMA_FILE = "promptfirst.schema.json";

/** The JSON Schema draft the schema is written in: draft-07, the one editors' YAML and JSON servers know best. */
export const CONFIG_JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#";

/** The widest a line of the written file may be, matching the repository's formatter (Biome). */
const LINE_WIDTH_CHARS = 110;

/** What each scorer does, shown by editors on hover (the scorer schema's own docs are comments, not data). */
const SCORER_DESCRIPTIONS: Record<ScorerKind, string> = {
  exact: 'The whole output equals the text, e.g. exact: "{{expected}}"',
  contains: 'The output contains the text (or each text of a list), e.g. contains: "{{expected}}"',
  startsWith: "The output starts with the text",
  endsWith: "The output ends with the text",
  notContains: 'The output contains none of the texts, e.g. notContains: ["As an AI"]',
  regex: "The output matches the regular expression (not a template: braces are the regex's own)",
  json: "The output is JSON; with { schema }, valid against a JSON Schema (a file path or inline)",
  similarity: "How close the output is to the text, from 0 to 1 (token-f1 or levenshtein)",
  judge: "An LLM grades the output against a rubric, or with a prompt of your own",
  custom: "A module (.js, .mjs, .ts…) whose default export scores the output",
};

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The JSON Schema of one `scorers:` entry. The zod schema checks an entry's shape by hand before a union of strict
 * objects (for precise messages), so its input side says nothing; the union describes exactly what is accepted.
 */
function generateScorerJsonSchema(): JsonObject {
  const union = (scorerConfigSchema._zod.def as unknown as { out: z.ZodType }).out;
  const { $schema: _draft, ...schema } = z.toJSONSchema(union, {
    target: "draft-7",
    io: "input",
  }) as JsonObject;
  const branches = schema.anyOf;
  if (Array.isArray(branches)) {
    for (const branch of branches) {
      if (!isJsonObject(branch) || !Array.isArray(branch.required)) continue;
      const kind = branch.required.find((key): key is ScorerKind => Object.hasOwn(SCORER_DESCRIPTIONS, key));
      if (kind) branch.description = SCORER_DESCRIPTIONS[kind];
    }
  }
  return {
    description:
      'One scorer: a mapping with one scorer key and its options, e.g. { contains: "{{expected}}" }',
    ...schema,
  };
}

/**
 * The JSON Schema (draft-07) of `promptfirst.yaml`, generated from `configSchema` for editors: completion, hover
 * docs and squiggles while typing. It describes the input side, so keys with defaults stay optional. Checks that
 * JSON Schema cannot express (a regex that must compile, a judge needing a rubric) are left to `parseConfig`.
 */
export function generateConfigJsonSchema(): JsonObject {
  const scorer = generateScorerJsonSchema();
  const generated = z.toJSONSchema(configSchema, {
    target: "draft-7",
    io: "input",
    override: (ctx) => {
      if (ctx.zodSchema !== scorerConfigSchema) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonObject)[key];
      Object.assign(ctx.jsonSchema, scorer);
    },
  }) as JsonObject;
  const { $schema: _draft, title, description, ...rest } = generated;
  return { $schema: CONFIG_JSON_SCHEMA_DRAFT, title, description, ...rest };
}

/** `generateConfigJsonSchema()` as the text of `promptfirst.schema.json`, formatted the way Biome formats JSON. */
export function renderConfigJsonSchema(): string {
  return `${formatJson(generateConfigJsonSchema())}\n`;
}

/**
 * Format JSON like Biome (and Prettier) do for a file written expanded: objects one key per line; arrays of
 * plain values on one line when it fits within the line width, else one item per line.
 */
function formatJson(value: unknown, indent = 0, lineStart = 0, after = 0): string {
  const pad = " ".repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = value.every((item) => item === null || typeof item !== "object");
    const inline = `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
    if (flat && lineStart + inline.length + after <= LINE_WIDTH_CHARS) return inline;
    const items = value.map(
      (item, index) => `${pad}${formatJson(item, indent + 2, pad.length, index < value.length - 1 ? 1 : 0)}`,
    );
    return `[\n${items.join(",\n")}\n${" ".repeat(indent)}]`;
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return "{}";
    const lines = entries.map(([key, item], index) => {
      const prefix = `${pad}${JSON.stringify(key)}: `;
      const suffix = index < entries.length - 1 ? 1 : 0;
      return `${prefix}${formatJson(item, indent + 2, prefix.length, suffix)}`;
    });
    return `{\n${lines.join(",\n")}\n${" ".repeat(indent)}}`;
  }
  return JSON.stringify(value);
}
