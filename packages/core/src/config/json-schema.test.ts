import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isPromptfirstError } from "../errors.ts";
import {
  CONFIG_JSON_SCHEMA_DRAFT,
  CONFIG_JSON_SCHEMA_FILE,
  generateConfigJsonSchema,
  renderConfigJsonSchema,
} from "./json-schema.ts";
import { parseConfig } from "./parse.ts";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const SCHEMA_PATH = path.join(PACKAGE_DIR, CONFIG_JSON_SCHEMA_FILE);
const EXAMPLE_PATH = path.join(PACKAGE_DIR, "..", "..", "examples", "customer-support", "promptfirst.yaml");
const UPDATE_HINT = "run UPDATE_SCHEMA=1 pnpm --filter @promptfirst/core test";

const schema = generateConfigJsonSchema();

let compiled: ValidateFunction | undefined;

/** The generated schema compiled by Ajv in strict mode (which rejects unknown keywords), once. */
function compileSchema(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Whether zod (through parseConfig) accepts the config text. */
function acceptedByZod(text: string): boolean {
  try {
    parseConfig(text, "promptfirst.yaml");
    return true;
  } catch (error) {
    if (isPromptfirstError(error)) return false;
    throw error;
  }
}

describe("promptfirst.schema.json", () => {
  it(`is up to date with configSchema (${UPDATE_HINT} after changing the schema)`, async () => {
    if (process.env.UPDATE_SCHEMA === "1") {
      await writeFile(SCHEMA_PATH, renderConfigJsonSchema());
    }
    let committed: unknown;
    try {
      committed = JSON.parse(await readFile(SCHEMA_PATH, "utf8"));
    } catch (error) {
      expect.fail(
        `${CONFIG_JSON_SCHEMA_FILE} is missing or not JSON (${(error as Error).message}): ${UPDATE_HINT}`,
      );
    }
    expect(committed, `${CONFIG_JSON_SCHEMA_FILE} differs from configSchema: ${UPDATE_HINT}`).toEqual(schema);
  });

  it("is a draft-07 schema with a title and descriptions for editors", () => {
    expect(schema.$schema).toBe(CONFIG_JSON_SCHEMA_DRAFT);
    expect(schema.title).toBe("promptfirst.yaml");
    expect(schema.description).toEqual(expect.any(String));
    const suites = (schema.properties as Record<string, Record<string, unknown>>).suites!;
    expect(suites.description).toEqual(expect.any(String));
    expect(suites.minProperties).toBe(1);
    const suite = suites.additionalProperties as { properties: Record<string, Record<string, unknown>> };
    expect(suite.properties.target?.description).toContain("mean score");
    const scorer = (suite.properties.scorers as { items: { anyOf: Array<Record<string, unknown>> } }).items;
    expect(scorer.anyOf).toHaveLength(10);
    expect(scorer.anyOf.every((branch) => typeof branch.description === "string")).toBe(true);
  });

  it("keeps keys with defaults optional (input side of the schema)", () => {
    const provider = (schema.properties as Record<string, { required?: string[] }>).provider!;
    expect(provider.required).toBeUndefined();
    expect(schema.required).toEqual(["suites"]);
  });

  it("compiles with Ajv in strict mode", () => {
    expect(() => compileSchema()).not.toThrow();
  });

  it("is what the example config points editors at, and the example is valid", async () => {
    const text = await readFile(EXAMPLE_PATH, "utf8");
    const first = text.split("\n")[0]!;
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match, "the example's first line names the schema").not.toBeNull();
    expect(path.resolve(path.dirname(EXAMPLE_PATH), match![1]!)).toBe(SCHEMA_PATH);
    const validate = compileSchema();
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(acceptedByZod(text)).toBe(true);
  });
});

const GOOD = `provider:
  type: openai
  baseURL: https://api.together.xyz/v1
  apiKeyEnv: TOGETHER_API_KEY
  concurrency: 4
  headers:
    X-Team: evals
judge:
  model: gpt-4.1-mini
pricing:
  acme/*:
    input: 0.2
    output: 0.6
models:
  gpt-4o-mini:
    shutdownDate: 2027-01-14
gates:
  maxScoreDrop: 0.05
  minPassRate: 0.8
  failOnUnknownCost: true
  promptFirst: warn
cache:
  enabled: false
suites:
  support:
    cases: evals/support.jsonl
    target: 0.85
    volume: 50000
    repeat: 3
    scorers:
      - contains: "{{expected}}"
        name: facts
      - contains: [refund, "30 days"]
        mode: any
      - regex: "^\\\\d+$"
        flags: i
      - json:
          schema: schemas/answer.json
      - similarity: "{{expected}}"
        method: levenshtein
        threshold: 0.8
      - judge:
          rubric: Polite and correct
          model: gpt-4.1
          choices:
            - choice: good
              score: 1
            - choice: bad
              score: 0
      - custom: scorers/tone.ts
        options:
          strict: true
    candidates:
      prompt-v3:
        model: gpt-4o-mini
        prompt: prompts/support.md
        temperature: 0
        params:
          stop: ["\\n\\n"]
      support-ft:
        prompt: prompts/support-ft.md
        provider:
          baseURL: https://api.together.xyz/v1
        fineTune:
          trainingData: training/support.jsonl
          baseModel: meta-llama/Llama-3.1-8B-Instruct
          trainingPricePerMTok: 0.5
`;

/** Replace the first occurrence of `from` in the good config (a mistake both validators must reject). */
function mistake(from: string, to: string): string {
  if (!GOOD.includes(from)) throw new Error(`the good config has no ${JSON.stringify(from)}`);
  return GOOD.replace(from, to);
}

describe("the JSON Schema and configSchema agree", () => {
  it("both accept a config that uses every section", () => {
    const validate = compileSchema();
    expect(validate(parse(GOOD)), JSON.stringify(validate.errors)).toBe(true);
    expect(acceptedByZod(GOOD)).toBe(true);
  });

  it.each<[string, string]>([
    ["an unknown top-level key", mistake("suites:", "sutes:")],
    ["an unknown candidate key", mistake("prompt: prompts/support.md", "promt: prompts/support.md")],
    ["a target that is text", mistake("target: 0.85", 'target: "high"')],
    ["a target above 1", mistake("target: 0.85", "target: 1.5")],
    ["repeat 0", mistake("repeat: 3", "repeat: 0")],
    ["concurrency 0", mistake("concurrency: 4", "concurrency: 0")],
    ["a provider type typo", mistake("type: openai", "type: opneai")],
    ["an API key env that is a key", mistake("apiKeyEnv: TOGETHER_API_KEY", "apiKeyEnv: sk-abc123")],
    ["a suite name with a space", mistake("  support:\n", "  my support:\n")],
    ["a scorer typo", mistake('- contains: "{{expected}}"', '- containz: "{{expected}}"')],
    ["a scorer with an unknown option", mistake("mode: any", "mood: any")],
    ["a threshold above 1", mistake("threshold: 0.8", "threshold: 8")],
    ["no suites", `${GOOD.slice(0, GOOD.indexOf("suites:"))}suites: {}\n`],
    ["a shutdown date that is not a date", mistake("shutdownDate: 2027-01-14", "shutdownDate: soon")],
    ["a minimum pass rate above 1", mistake("minPassRate: 0.8", "minPassRate: 80")],
    ["failOnUnknownCost as text", mistake("failOnUnknownCost: true", 'failOnUnknownCost: "yes"')],
    ["a snake_case gate key", mistake("minPassRate: 0.8", "min_pass_rate: 0.8")],
  ])("both reject %s", (_name, text) => {
    const validate = compileSchema();
    expect(validate(parse(text))).toBe(false);
    expect(acceptedByZod(text)).toBe(false);
  });
});
