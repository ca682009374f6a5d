import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config/parse.ts";
import { loadConfig } from "./node/load-config.ts";
import { findTouchedSuites } from "./touched.ts";

const CONFIG = `provider:
  baseURL: https://api.example.invalid/v1
suites:
  support:
    cases: evals/support.jsonl
    scorers:
      - custom: scorers/tone.mjs
    candidates:
      v1: { model: m-1, prompt: prompts/support.md }
  coding:
    cases: evals/coding.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      bare: { model: m-1, prompt: prompts/coding.md }
      ft:
        prompt: prompts/coding.md
        fineTune: { trainingData: training/coding.jsonl, baseModel: meta-llama/Llama-3.1-8B-Instruct }
`;

/** A repository whose config lives in `app/`: two suites, each reading its own files. */
async function makeRepo(): Promise<{ root: string; configPath: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "promptfirst-touched-"));
  const app = path.join(root, "app");
  for (const dir of ["evals", "prompts", "scorers", "training"])
    await mkdir(path.join(app, dir), { recursive: true });
  const files: Record<string, string> = {
    "evals/support.jsonl": `${JSON.stringify({ id: "s1", vars: { q: "hi" } })}\n`,
    "evals/coding.jsonl": `${JSON.stringify({ id: "c1", vars: { q: "x" }, expected: "y" })}\n`,
    "prompts/support.md": "Answer {{q}}.\n",
    "prompts/coding.md": "Code {{q}}.\n",
    "scorers/tone.mjs": "export default () => 1;\n",
    "training/coding.jsonl": "",
    "promptfirst.yaml": CONFIG,
  };
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(app, file), text);
  return { root, configPath: path.join(app, "promptfirst.yaml") };
}

describe("findTouchedSuites", () => {
  it("touches a suite through every file it reads, and only that suite", async () => {
    const { root, configPath } = await makeRepo();
    const head = await loadConfig(configPath);
    const base = parseConfig(CONFIG, "promptfirst.yaml").config;
    const touched = (changedFiles: string[]) =>
      findTouchedSuites({ head, base, changedFiles, repoRoot: root }).map((t) => [t.name, t.reasons]);
    expect(touched(["README.md", "other/prompts/support.md"])).toEqual([]);
    expect(touched(["app/prompts/support.md"])).toEqual([["support", ["app/prompts/support.md changed"]]]);
    expect(touched(["app/scorers/tone.mjs"])).toEqual([["support", ["app/scorers/tone.mjs changed"]]]);
    expect(touched(["app/evals/coding.jsonl"])).toEqual([["coding", ["app/evals/coding.jsonl changed"]]]);
    expect(touched(["app/training/coding.jsonl"])).toEqual([
      ["coding", ["app/training/coding.jsonl changed"]],
    ]);
    // A prompt two candidates share is named once per suite.
    expect(touched(["app/prompts/coding.md"])).toEqual([["coding", ["app/prompts/coding.md changed"]]]);
  });

  it("touches a suite whose own config changed, a new suite, and every suite when a global key changed", async () => {
    const { root, configPath } = await makeRepo();
    const head = await loadConfig(configPath);
    const touched = (baseText: string) =>
      findTouchedSuites({
        head,
        base: parseConfig(baseText, "promptfirst.yaml").config,
        changedFiles: [],
        repoRoot: root,
      }).map((t) => [t.name, t.reasons]);
    expect(touched(CONFIG.replace("bare: { model: m-1", "bare: { model: m-0"))).toEqual([
      ["coding", ["its config changed"]],
    ]);
    const withoutCoding = CONFIG.slice(0, CONFIG.indexOf("  coding:"));
    expect(touched(withoutCoding)).toEqual([["coding", ["new suite"]]]);
    expect(touched(CONFIG.replace("api.example.invalid", "api.other.invalid"))).toEqual([
      ["support", ["the config's `provider` changed"]],
      ["coding", ["the config's `provider` changed"]],
    ]);
    // No base config to compare with: every suite, saying why.
    expect(
      findTouchedSuites({ head, base: undefined, changedFiles: [], repoRoot: root }).map((t) => t.reasons),
    ).toEqual([["the base has no config to compare with"], ["the base has no config to compare with"]]);
  });
});
