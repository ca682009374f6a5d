import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runResultSchema } from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import { type MockOpenAIServer, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, REPO_ROOT, runCli } from "../test-helpers.ts";
import { WORKFLOW } from "./init.ts";

describe("promptfirst init", () => {
  let server: MockOpenAIServer;
  beforeAll(async () => {
    // Answers from the prompt's facts, as a good model would.
    server = await startMockOpenAI({
      respond: (req) => {
        const q = String(req.messages.at(-1)?.content ?? "");
        if (/refund/i.test(q)) return "Yes: refunds are possible within 30 days of purchase.";
        if (/support/i.test(q)) return "Monday to Friday, 9:00 to 17:00 CET.";
        return "I am not sure; a specialist can help.";
      },
    });
  });
  afterAll(() => server.close());

  it("writes a project that loads and evaluates as it is, and the workflow the examples ship", async () => {
    const dir = await makeTempDir();
    const run = await runCli(["init", "--base-url", `${server.baseURL}/`, "--model", "mini"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("wrote promptfirst.yaml, prompts/support.md, evals/support.jsonl");
    expect(run.stdout).toContain("export OPENAI_API_KEY=...");
    expect(await readFile(path.join(dir, ".gitignore"), "utf8")).toBe(".promptfirst/\n");
    expect(await readFile(path.join(dir, ".github/workflows/promptfirst.yml"), "utf8")).toBe(WORKFLOW);

    const loaded = await loadConfig(path.join(dir, "promptfirst.yaml"));
    expect(loaded.suites.map((s) => [s.name, s.cases.length, s.candidates[0]?.model])).toEqual([
      ["support", 3, "mini"],
    ]);
    expect(loaded.suites[0]!.candidates[0]!.provider.baseURL).toBe(server.baseURL);

    const evaluated = await runCli(["eval", "-q", "--out", "run.json"], { cwd: dir, env: {} });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "run.json"), "utf8")));
    expect(result.suites.support!.candidates.prompt!.cases.map((c) => [c.id, c.pass])).toEqual([
      ["refund-window", true],
      ["opening-hours", true],
      ["two-factor", false],
    ]);
  });

  it("writes exactly examples/workflows/promptfirst.yml, which the action-validator checks", () => {
    expect(WORKFLOW).toBe(readFileSync(path.join(REPO_ROOT, "examples/workflows/promptfirst.yml"), "utf8"));
  });

  it("overwrites nothing: names every file that exists and writes none", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "prompts"));
    await writeFile(path.join(dir, "prompts/support.md"), "mine\n");
    await writeFile(path.join(dir, "promptfirst.yaml"), "mine\n");
    await writeFile(path.join(dir, ".gitignore"), "node_modules\n.promptfirst/\n");
    const run = await runCli(["init"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("these files exist already: promptfirst.yaml, prompts/support.md.");
    expect(await readFile(path.join(dir, "promptfirst.yaml"), "utf8")).toBe("mine\n");
    await expect(readFile(path.join(dir, "evals/support.jsonl"))).rejects.toThrow(/ENOENT/);

    // Elsewhere, without the workflow, with the .gitignore entry already there.
    const again = await runCli(["init", "--dir", "sub", "--suite", "faq", "--no-workflow"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      "wrote sub/promptfirst.yaml, sub/prompts/faq.md, sub/evals/faq.jsonl, sub/.gitignore (.promptfirst/)\n",
    );
    expect(again.stdout).toContain("promptfirst eval -c sub/promptfirst.yaml");
    await expect(readFile(path.join(dir, "sub/.github/workflows/promptfirst.yml"))).rejects.toThrow(/ENOENT/);
    const loaded = await loadConfig(path.join(dir, "sub/promptfirst.yaml"));
    expect(loaded.suites[0]!.name).toBe("faq");
  });

  it.each([
    [["--suite", "has space"], /--suite must be letters/],
    [["--api-key-env", "1KEY"], /--api-key-env must be an environment variable name, got "1KEY"/],
    [["--base-url", "ftp://x"], /--base-url must be an http\(s\) URL, got "ftp:\/\/x"/],
    [["--model", "a b"], /--model must be a model name/],
    [["--nope"], /Unknown option '--nope'/],
  ])("refuses %j with a clear message and exit 2", async (args, message) => {
    const dir = await makeTempDir();
    const run = await runCli(["init", ...args], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("promptfirst init --help");
  });
});
