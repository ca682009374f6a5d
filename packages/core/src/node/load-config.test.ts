import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatIssue, isPromptfirstError } from "../errors.ts";
import { loadConfig } from "./load-config.ts";

const CONFIG = "promptfirst.yaml";

/** A file's lines joined into its text (one string per line keeps the line numbers readable). */
function lines(...text: string[]): string {
  return `${text.join("\n")}\n`;
}

/** Files every project below starts with; a row adds or replaces files. */
const BASE_FILES: Record<string, string> = {
  "prompts/support.md": "Answer the customer: {{question}}\n",
  "evals/support.jsonl": lines(
    '{"id": "refund", "vars": {"question": "Can I get a refund?"}, "expected": "30 days"}',
    '{"id": "plan", "vars": {"question": "Which plan?"}, "expected": "Pro"}',
  ),
};

let root: string;
let projects = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "promptfirst-load-config-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Write a project (the base files plus `files`) into a fresh directory and return it. */
async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = path.join(root, `project-${++projects}`);
  for (const [name, content] of Object.entries({ ...BASE_FILES, ...files })) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/** The error loadConfig throws: its code, message and issues formatted as `file:line: path: message`. */
async function loadError(
  configPath: string,
  displayBase: string,
): Promise<{ code: string; message: string; lines: string[] }> {
  try {
    await loadConfig(configPath, { displayBase });
  } catch (error) {
    if (isPromptfirstError(error)) {
      return { code: error.code, message: error.message, lines: error.issues.map(formatIssue) };
    }
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** Lines 1-4 of a suite whose cases and scorers are fine; the candidates follow on line 5. */
const SUITE = [
  "suites:",
  "  support:",
  "    cases: evals/support.jsonl",
  "    scorers:",
  '      - contains: "{{expected}}"',
];
/** A candidate on lines n to n+3 whose prompt is fine. */
const CANDIDATE = [
  "    candidates:",
  "      v1:",
  "        model: gpt-4o-mini",
  "        prompt: prompts/support.md",
];

describe("loadConfig", () => {
  it("reads the config and every file it references", async () => {
    const dir = await writeProject({
      [CONFIG]: lines("judge:", "  model: gpt-4.1-mini", ...SUITE, "      - judge: Polite", ...CANDIDATE),
    });
    const loaded = await loadConfig(path.join(dir, CONFIG), { displayBase: dir });
    expect(loaded.file).toBe(CONFIG);
    expect(loaded.judge.model).toBe("gpt-4.1-mini");
    const [suite] = loaded.suites;
    expect(suite?.cases.map((c) => c.id)).toEqual(["refund", "plan"]);
    expect(suite?.candidates.map((c) => [c.name, c.model])).toEqual([["v1", "gpt-4o-mini"]]);
    expect(suite?.files).toEqual(["evals/support.jsonl", "prompts/support.md"]);
  });

  it.each<[string, Record<string, string>, string, string[]]>([
    [
      "a config mistake (the config's own problems come first, named relative to displayBase)",
      { [CONFIG]: lines("sutes:", "  support:", "    cases: evals/support.jsonl") },
      "CONFIG_INVALID",
      [`${CONFIG}:1: sutes: unknown key "sutes" (did you mean "suites"?)`],
    ],
    [
      "a missing cases file, at the config line that names it",
      {
        [CONFIG]: lines(
          "suites:",
          "  support:",
          "    cases: evals/missing.jsonl",
          "    scorers:",
          "      - exact: yes",
          ...CANDIDATE,
        ),
      },
      "FILE_NOT_FOUND",
      [`${CONFIG}:3: suites.support.cases: file "evals/missing.jsonl" not found`],
    ],
    [
      "a missing prompt file",
      {
        [CONFIG]: lines(
          ...SUITE,
          "    candidates:",
          "      v1:",
          "        model: gpt-4o-mini",
          "        prompt: prompts/missing.md",
        ),
      },
      "FILE_NOT_FOUND",
      [`${CONFIG}:9: suites.support.candidates.v1.prompt: file "prompts/missing.md" not found`],
    ],
    [
      "a missing training data file",
      {
        [CONFIG]: lines(
          ...SUITE,
          ...CANDIDATE,
          "        fineTune:",
          "          trainingData: training/missing.jsonl",
          "          baseModel: meta-llama/Llama-3.1-8B-Instruct",
        ),
      },
      "FILE_NOT_FOUND",
      [
        `${CONFIG}:11: suites.support.candidates.v1.fineTune.trainingData: training data file "training/missing.jsonl" not found`,
      ],
    ],
    [
      "a missing custom scorer module",
      { [CONFIG]: lines(...SUITE, "      - custom: scorers/missing.ts", ...CANDIDATE) },
      "FILE_NOT_FOUND",
      [`${CONFIG}:6: suites.support.scorers[1].custom: scorer module "scorers/missing.ts" not found`],
    ],
    [
      "a missing JSON Schema file",
      { [CONFIG]: lines(...SUITE, "      - json:", "          schema: schemas/missing.json", ...CANDIDATE) },
      "FILE_NOT_FOUND",
      [
        `${CONFIG}:7: suites.support.scorers[1].json.schema: JSON Schema file "schemas/missing.json" not found`,
      ],
    ],
    [
      "a JSON Schema file that is not JSON",
      {
        [CONFIG]: lines(...SUITE, "      - json:", "          schema: schemas/answer.json", ...CANDIDATE),
        "schemas/answer.json": "{ type: object }\n",
      },
      "CONFIG_INVALID",
      [
        'schemas/answer.json:1: invalid JSON at column 3: expected a property name in double quotes, found "t"',
      ],
    ],
    [
      "a JSON Schema file that is not a valid JSON Schema",
      {
        [CONFIG]: lines(...SUITE, "      - json:", "          schema: schemas/answer.json", ...CANDIDATE),
        "schemas/answer.json": '{ "type": "objekt" }\n',
      },
      "CONFIG_INVALID",
      [
        `${CONFIG}:7: suites.support.scorers[1].json.schema: JSON Schema file "schemas/answer.json" is not a valid JSON Schema: schema is invalid: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf`,
      ],
    ],
    [
      "a judge scorer without a model and no top-level judge.model",
      { [CONFIG]: lines(...SUITE, "      - judge: Polite and correct", ...CANDIDATE) },
      "CONFIG_INVALID",
      [
        `${CONFIG}:6: suites.support.scorers[1]: a judge scorer needs a model: set \`model\` in the scorer (judge: { rubric, model }) or \`judge.model\` at the top level of the config`,
      ],
    ],
    [
      "a judge scorer after a missing custom module, at its own index",
      {
        [CONFIG]: lines(
          ...SUITE,
          "      - custom: scorers/missing.ts",
          "      - judge: Polite",
          ...CANDIDATE,
        ),
      },
      "CONFIG_INVALID",
      [
        `${CONFIG}:6: suites.support.scorers[1].custom: scorer module "scorers/missing.ts" not found`,
        `${CONFIG}:7: suites.support.scorers[2]: a judge scorer needs a model: set \`model\` in the scorer (judge: { rubric, model }) or \`judge.model\` at the top level of the config`,
      ],
    ],
    [
      "a prompt file with an undefined role",
      {
        [CONFIG]: lines(
          ...SUITE,
          "    candidates:",
          "      v1:",
          "        model: gpt-4o-mini",
          "        prompt: prompts/chat.yaml",
        ),
        "prompts/chat.yaml": lines(
          "- role: system",
          "  content: Be kind.",
          "- role: usr",
          "  content: '{{question}}'",
        ),
      },
      "PROMPT_INVALID",
      [
        'prompts/chat.yaml:3: [1].role: unknown role "usr" (did you mean "user"?); use one of system, developer, user, assistant',
      ],
    ],
    [
      "a case file with a malformed line 3",
      {
        [CONFIG]: lines(
          "suites:",
          "  support:",
          "    cases: evals/x.jsonl",
          "    scorers:",
          "      - exact: yes",
          ...CANDIDATE,
        ),
        "evals/x.jsonl": lines(
          '{"vars": {"question": "a"}}',
          '{"vars": {"question": "b"}}',
          '{"vars": {"question": "c"}',
        ),
      },
      "CASES_INVALID",
      [
        'evals/x.jsonl:3: invalid JSON at column 27: expected "," or "}" after a property value, found the end of the input; the "{" at column 1 is never closed',
      ],
    ],
    [
      "a candidate with no model whose prompt names none",
      {
        [CONFIG]: lines(...SUITE, "    candidates:", "      v1:", "        prompt: prompts/support.md"),
      },
      "CONFIG_INVALID",
      [
        `${CONFIG}:7: suites.support.candidates.v1.model: is required: the prompt file "prompts/support.md" names no model`,
      ],
    ],
    [
      "a suite with no cases key and no .prompt.yml testData, on the suite's line",
      {
        [CONFIG]: lines("suites:", "  support:", "    scorers:", "      - exact: yes", ...CANDIDATE),
      },
      "CONFIG_INVALID",
      [
        `${CONFIG}:2: suites.support.cases: is required: name a case file (JSONL, JSON, YAML or CSV), or use a .prompt.yml with testData`,
      ],
    ],
    [
      "several mistakes across files at once, the config's first and in line order",
      {
        [CONFIG]: lines(
          "suites:",
          "  support:",
          "    cases: evals/missing.jsonl",
          "    scorers:",
          "      - judge: Polite",
          "    candidates:",
          "      v1:",
          "        model: gpt-4o-mini",
          "        prompt: prompts/missing.md",
          "      ft:",
          "        prompt: prompts/support.md",
          "        fineTune:",
          "          trainingData: training/missing.jsonl",
          "          baseModel: llama",
          "  billing:",
          "    cases: evals/bad.jsonl",
          "    scorers:",
          "      - exact: yes",
          "    candidates:",
          "      v1:",
          "        model: gpt-4o-mini",
          "        prompt: prompts/support.md",
        ),
        "evals/bad.jsonl": lines('{"vars": {"q": "a"}}', "not json"),
      },
      "CONFIG_INVALID",
      [
        `${CONFIG}:3: suites.support.cases: file "evals/missing.jsonl" not found`,
        `${CONFIG}:5: suites.support.scorers[0]: a judge scorer needs a model: set \`model\` in the scorer (judge: { rubric, model }) or \`judge.model\` at the top level of the config`,
        `${CONFIG}:9: suites.support.candidates.v1.prompt: file "prompts/missing.md" not found`,
        `${CONFIG}:13: suites.support.candidates.ft.fineTune.trainingData: training data file "training/missing.jsonl" not found`,
        'evals/bad.jsonl:2: invalid JSON at column 1: unexpected word "not": JSON values are "strings", numbers, true, false, null, {...} or [...]',
      ],
    ],
  ])("reports %s", async (_name, files, code, expected) => {
    const dir = await writeProject(files);
    const error = await loadError(path.join(dir, CONFIG), dir);
    expect(error.lines).toEqual(expected);
    expect(error.code).toBe(code);
    for (const line of expected) expect(error.message).toContain(`  ${line}`);
  });

  it("names the config and its files relative to displayBase when the config is in a subdirectory", async () => {
    const dir = await writeProject({
      "configs/promptfirst.yaml": lines(
        "suites:",
        "  support:",
        "    cases: ../evals/missing.jsonl",
        "    scorers:",
        "      - custom: ../scorers/missing.ts",
        ...CANDIDATE.slice(0, 3),
        "        prompt: ../prompts/support.md",
      ),
    });
    const error = await loadError(path.join(dir, "configs", CONFIG), dir);
    expect(error.lines).toEqual([
      'configs/promptfirst.yaml:3: suites.support.cases: file "evals/missing.jsonl" not found',
      'configs/promptfirst.yaml:5: suites.support.scorers[0].custom: scorer module "../scorers/missing.ts" not found (looked for scorers/missing.ts)',
    ]);
    expect(error.message.split("\n")[0]).toBe(
      "configs/promptfirst.yaml: 2 problems in the config or the files it references:",
    );
  });

  it("reports a missing config file as FILE_NOT_FOUND", async () => {
    const error = await loadError(path.join(root, "nowhere", CONFIG), root);
    expect(error.code).toBe("FILE_NOT_FOUND");
    expect(error.message).toContain("not found; create one with `promptfirst init` or pass --config PATH");
  });

  it("rejects an unknown suite name with the suites that exist (USAGE)", async () => {
    const dir = await writeProject({ [CONFIG]: lines(...SUITE, ...CANDIDATE) });
    await expect(
      loadConfig(path.join(dir, CONFIG), { suites: ["suport"], displayBase: dir }),
    ).rejects.toMatchObject({
      code: "USAGE",
      message: `${CONFIG}: no suite named "suport"; the config defines: support`,
    });
  });
});

describe("the config hash", () => {
  it("is SHA-256 over the config's text and each file's name and content, joined by NUL", async () => {
    // 3,000 cases: the cases' JSON is fed to the hash in pieces, never built as one string.
    const cases = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ id: `c${i}`, vars: { question: `question ${i}?` }, expected: `${i}` }),
    );
    const config = lines(
      "suites:",
      "  support:",
      "    cases: evals/many.jsonl",
      "    scorers:",
      '      - contains: "{{expected}}"',
      "    candidates:",
      "      mini: { model: gpt-4.1-mini, prompt: prompts/support.md }",
    );
    const dir = await writeProject({ [CONFIG]: config, "evals/many.jsonl": lines(...cases) });
    const loaded = await loadConfig(path.join(dir, CONFIG));
    const { loadPrompt } = await import("./load-prompt.ts");
    const template = (
      await loadPrompt(path.join(dir, "prompts/support.md"), { displayPath: "prompts/support.md" })
    ).template;
    const expected = createHash("sha256")
      .update(
        [
          config,
          `prompts/support.md\u0000${JSON.stringify(template)}`,
          `evals/many.jsonl\u0000${JSON.stringify(loaded.suites[0]!.cases)}`,
        ].join("\u0000"),
      )
      .digest("hex")
      .slice(0, 12);
    expect(loaded.suites[0]!.cases).toHaveLength(3000);
    expect(loaded.hash).toBe(expected);
  });
});
