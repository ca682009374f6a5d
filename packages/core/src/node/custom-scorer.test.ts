import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPromptfirstError, type PromptfirstError } from "../errors.ts";
import { createScorer } from "../scorers/scorers.ts";
import type { ScorerInput } from "../scorers/types.ts";
import {
  createNodeScorerRuntime,
  loadCustomScorer,
  loadJsonSchemaFile,
  stripTypeScriptTypes,
  type TypeScriptLoading,
} from "./custom-scorer.ts";

const FIXTURES: Record<string, string> = {
  "package.json": '{ "type": "module" }\n',
  "keyword.mjs": `export default function score({ output, options }) {
  const found = output.includes(options.word);
  return { score: found ? 1 : 0, reason: found ? "has " + options.word : "lacks " + options.word, metadata: { word: options.word } };
}
`,
  "boolean.js": "export default () => true;\n",
  "async.mjs": "export default async ({ expected }) => (expected === undefined ? { score: null } : 0.6);\n",
  "helper.mjs": "export const lengthScore = (text) => (text.length > 5 ? 1 : 0.25);\n",
  "typed.ts": `import { lengthScore } from "./helper.mjs";
import type { Buffer } from "node:buffer";

interface Args {
  output: string;
  options: Record<string, unknown>;
}
type Unused = Buffer | undefined;

export default function score({ output }: Args): number {
  const value = lengthScore(output) as number;
  return value satisfies number;
}
`,
  "module.mts": "export default (args: { output: string }): boolean => args.output.length === 0;\n",
  "enum.ts": "enum Level { Low, High }\nexport default () => Level.High;\n",
  "throws.mjs": 'export default () => { throw new Error("boom: cannot score"); };\n',
  "out-of-range.mjs": "export default () => 2;\n",
  "named.mjs": "export function score() { return 1; }\n",
  "not-a-function.mjs": "export default 42;\n",
  "commonjs.cjs": "module.exports = () => 0.5;\n",
  "transpiled.cjs":
    'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = () => 0.75;\n',
  "syntax-error.mjs": "export default () => {\n",
  "schema.json": '{ "type": "object", "required": ["id"] }\n',
  "schema.yaml": "type: array\nitems: { type: integer }\n",
  "broken.json": "{ nope",
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptfirst-custom-"));
  for (const [name, content] of Object.entries(FIXTURES)) await writeFile(path.join(dir, name), content);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function input(
  output: string,
  extra: Partial<ScorerInput> = {},
): ScorerInput & { options: Record<string, unknown> } {
  return { output, vars: {}, caseId: "c", options: {}, ...extra };
}

async function catchError(promise: Promise<unknown>): Promise<PromptfirstError> {
  try {
    await promise;
  } catch (error) {
    if (isPromptfirstError(error)) return error;
    throw error;
  }
  throw new Error("expected a PromptfirstError");
}

describe("loadCustomScorer", () => {
  it.each<[string, Partial<ScorerInput> & { output: string }, unknown]>([
    [
      "keyword.mjs",
      { output: "a refund", options: { word: "refund" } } as never,
      { score: 1, reason: "has refund", metadata: { word: "refund" } },
    ],
    ["boolean.js", { output: "x" }, true],
    ["async.mjs", { output: "x", expected: "y" }, 0.6],
    ["commonjs.cjs", { output: "x" }, 0.5],
    ["transpiled.cjs", { output: "x" }, 0.75],
  ])("loads the default export of %s", async (file, args, expected) => {
    const scorer = await loadCustomScorer(path.join(dir, file));
    expect(await scorer(input(args.output, args))).toEqual(expected);
  });

  it.each<[string, TypeScriptLoading | undefined]>([
    ["typed.ts", "strip"],
    ["typed.ts", undefined],
  ])("loads %s (typeScript: %s) with a relative import", async (file, typeScript) => {
    const scorer = await loadCustomScorer(path.join(dir, file), typeScript ? { typeScript } : {});
    expect(await scorer(input("long enough"))).toBe(1);
    expect(await scorer(input("tiny"))).toBe(0.25);
  });

  it("loads an .mts module by stripping its types", async () => {
    const scorer = await loadCustomScorer(path.join(dir, "module.mts"), { typeScript: "strip" });
    expect(await scorer(input(""))).toBe(true);
  });

  it("leaves no temporary files next to the module", async () => {
    await loadCustomScorer(path.join(dir, "typed.ts"), { typeScript: "strip" });
    await loadCustomScorer(path.join(dir, "enum.ts"), { typeScript: "strip" }).catch(() => undefined);
    const leftovers = (await readdir(dir)).filter((name) => name.includes(".promptfirst-"));
    expect(leftovers).toEqual([]);
  });

  it("explains TypeScript that cannot be stripped, naming the file and line", async () => {
    const file = path.join(dir, "enum.ts");
    const error = await catchError(loadCustomScorer(file, { typeScript: "strip" }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(`custom scorer module ${file} has TypeScript that cannot be stripped:`);
    expect(error.message).toContain("TypeScript enum is not supported in strip-only mode (line 1)");
    expect(error.issues).toEqual([
      { file, message: expect.stringMatching(/^TypeScript cannot be stripped: /) },
    ]);
  });

  it.each<[string, string, PromptfirstError["code"], string]>([
    ["a missing file", "missing.mjs", "FILE_NOT_FOUND", "custom scorer module {file} does not exist"],
    [
      "a directory",
      "",
      "CONFIG_INVALID",
      "custom scorer module {file} must be a .js, .mjs, .cjs, .ts, .mts, .cts file",
    ],
    [
      "no default export",
      "named.mjs",
      "CONFIG_INVALID",
      "custom scorer module {file} has no default export (it exports score); write `export default function score({ output, expected, vars, options }) { ... }`",
    ],
    [
      "a default export that is not a function",
      "not-a-function.mjs",
      "CONFIG_INVALID",
      "custom scorer module {file} has a default export that is not a function (number); write `export default function score({ output, expected, vars, options }) { ... }`",
    ],
  ])("rejects %s with a clear error naming the file", async (_label, name, code, message) => {
    const file = path.join(dir, name);
    const error = await catchError(loadCustomScorer(file));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message.replace("{file}", file));
    expect(error.issues[0]?.file).toBe(file);
  });

  it("reports a module that fails to import", async () => {
    const file = path.join(dir, "syntax-error.mjs");
    const error = await catchError(loadCustomScorer(file));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(
      new RegExp(
        `^custom scorer module ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} could not be loaded: `,
      ),
    );
  });

  it("strips types keeping line numbers", async () => {
    const code = await stripTypeScriptTypes(
      "const a: number = 1;\ninterface X { y: string }\nexport default a;\n",
      "x.ts",
    );
    expect(code.split("\n")).toHaveLength(4);
    expect(code).toMatch(/^const a\s+= 1;\n\s*\nexport default a;\n$/);
  });
});

describe("custom scorers end to end", () => {
  const runtime = createNodeScorerRuntime();

  async function score(
    file: string,
    output: string,
    extra: { threshold?: number; options?: Record<string, unknown> } = {},
  ) {
    const scorer = createScorer({ custom: file, ...extra }, runtime, { baseDir: dir, index: 4 });
    return scorer.score({ output, vars: { lang: "en" }, caseId: "c1" });
  }

  it.each<
    [string, string, { threshold?: number; options?: Record<string, unknown> }, Record<string, unknown>]
  >([
    [
      "keyword.mjs",
      "please ask for a refund",
      { options: { word: "refund" } },
      { name: "custom", score: 1, pass: true, reason: "has refund", metadata: { word: "refund" } },
    ],
    [
      "keyword.mjs",
      "nothing",
      { options: { word: "refund" } },
      { score: 0, pass: false, reason: "lacks refund" },
    ],
    ["typed.ts", "tiny", {}, { score: 0.25, pass: false, reason: "custom scorer returned 0.25" }],
    ["typed.ts", "tiny", { threshold: 0.2 }, { score: 0.25, pass: true }],
    [
      "async.mjs",
      "x",
      {},
      { score: null, pass: true, reason: "does not apply (the custom scorer returned a null score)" },
    ],
    ["./boolean.js", "x", {}, { score: 1, pass: true, reason: "custom scorer returned true" }],
    [
      "throws.mjs",
      "x",
      {},
      {
        score: 0,
        pass: false,
        reason: 'custom scorer "throws.mjs" threw: boom: cannot score',
        metadata: { error: true },
      },
    ],
    [
      "throws.mjs",
      "x",
      { threshold: 0 },
      { score: 0, pass: false, reason: 'custom scorer "throws.mjs" threw: boom: cannot score' },
    ],
    [
      "out-of-range.mjs",
      "x",
      {},
      {
        score: 0,
        pass: false,
        reason:
          'custom scorer "out-of-range.mjs" returned 2, which is not a score in [0, 1]; return a number in [0, 1], true/false, or { score, pass?, reason?, metadata? }',
      },
    ],
    [
      "missing.mjs",
      "x",
      {},
      { score: 0, pass: false, reason: "custom scorer module {dir}/missing.mjs does not exist" },
    ],
  ])("%s on %j %j", async (file, output, extra, expected) => {
    const withDir = Object.fromEntries(
      Object.entries(expected).map(([key, value]) => [
        key,
        typeof value === "string" ? value.replace("{dir}", dir) : value,
      ]),
    );
    expect(await score(file, output, extra)).toMatchObject(withDir);
  });

  it("loads the module once for all cases, and prepare() surfaces load errors", async () => {
    const loaded: string[] = [];
    const counting = {
      loadCustom: async (modulePath: string) => {
        loaded.push(modulePath);
        return loadCustomScorer(modulePath);
      },
    };
    const scorer = createScorer({ custom: "boolean.js" }, counting, { baseDir: dir, index: 0 });
    await scorer.prepare();
    await scorer.score({ output: "a", vars: {}, caseId: "1" });
    await scorer.score({ output: "b", vars: {}, caseId: "2" });
    expect(loaded).toEqual([`${dir}/boolean.js`]);

    const missing = createScorer({ custom: "missing.mjs" }, runtime, { baseDir: dir, index: 0 });
    await expect(missing.prepare()).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
  });

  it("scores 0 with a reason when no loader is given", async () => {
    const scorer = createScorer({ custom: "boolean.js" }, {}, { baseDir: dir, index: 0 });
    expect(await scorer.score({ output: "a", vars: {}, caseId: "1" })).toMatchObject({
      score: 0,
      pass: false,
      reason: 'custom scorer "boolean.js" cannot be loaded: no module loader was given to the scorer',
    });
  });
});

describe("loadJsonSchemaFile", () => {
  it("reads JSON and YAML schemas", async () => {
    expect(await loadJsonSchemaFile(path.join(dir, "schema.json"))).toEqual({
      type: "object",
      required: ["id"],
    });
    expect(await loadJsonSchemaFile(path.join(dir, "schema.yaml"))).toEqual({
      type: "array",
      items: { type: "integer" },
    });
  });

  it("names the file when it is missing or broken", async () => {
    const missing = path.join(dir, "nope.json");
    await expect(loadJsonSchemaFile(missing)).rejects.toMatchObject({
      code: "FILE_NOT_FOUND",
      message: `JSON Schema file ${missing} does not exist`,
    });
    const broken = path.join(dir, "broken.json");
    await expect(loadJsonSchemaFile(broken)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    await expect(loadJsonSchemaFile(broken)).rejects.toThrow(`JSON Schema file ${broken} does not parse: `);
  });

  it("backs json scorers with schema files in the node runtime", async () => {
    const scorer = createScorer({ json: { schema: "schema.yaml" } }, createNodeScorerRuntime(), {
      baseDir: dir,
      index: 0,
    });
    expect(await scorer.score({ output: "[1, 2.5]", vars: {}, caseId: "c" })).toMatchObject({
      score: 0,
      reason: "output does not match the JSON Schema (1 problem): $[1] must be integer",
    });
  });
});
