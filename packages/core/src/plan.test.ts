import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoadedConfig } from "./config/loaded.ts";
import { isPromptfirstError, type PromptfirstError } from "./errors.ts";
import { loadConfig } from "./node/index.ts";
import { planRun } from "./plan.ts";
import { computeRequestKey } from "./request-key.ts";

const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Write a project (config, prompts, cases) to a temp dir and load it. */
async function loadProject(files: Record<string, string>): Promise<LoadedConfig> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-plan-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return loadConfig(path.join(dir, "promptfirst.yaml"));
}

function jsonl(records: unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
}

function planError(config: LoadedConfig): PromptfirstError {
  try {
    planRun(config);
  } catch (error) {
    if (isPromptfirstError(error)) return error;
    throw error;
  }
  throw new Error("expected planRun to throw");
}

const CASES = jsonl([
  { id: "c1", vars: { question: "What is 2+2?" }, expected: "4" },
  { id: "c2", vars: { question: "Capital of France?" }, expected: "Paris" },
  { id: "c3", vars: { question: "Colour of the sky?" }, expected: "blue" },
]);

describe("planRun", () => {
  it("plans candidate × case × sample in order, with rendered requests and their keys", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
provider:
  baseURL: http://127.0.0.1:9/v1/
suites:
  qa:
    cases: cases.jsonl
    repeat: 2
    scorers:
      - contains: "{{expected}}"
    candidates:
      terse:
        model: gpt-4o-mini
        prompt: prompts/terse.md
        temperature: 0
      chatty:
        model: gpt-4.1-mini
        prompt: prompts/chatty.md
        max_tokens: 50
`,
      "prompts/terse.md": "---\nsystem: Answer in one word.\n---\nQ: {{question}}\n",
      "prompts/chatty.md": "Please answer: {{question}}\n",
      "cases.jsonl": CASES,
    });
    const plan = planRun(config);

    expect(plan.calls.map((c) => `${c.suite}/${c.candidate}/${c.caseId}/${c.sample}`)).toEqual([
      "qa/terse/c1/0",
      "qa/terse/c1/1",
      "qa/terse/c2/0",
      "qa/terse/c2/1",
      "qa/terse/c3/0",
      "qa/terse/c3/1",
      "qa/chatty/c1/0",
      "qa/chatty/c1/1",
      "qa/chatty/c2/0",
      "qa/chatty/c2/1",
      "qa/chatty/c3/0",
      "qa/chatty/c3/1",
    ]);
    expect(plan.calls[3]!.request).toEqual({
      baseURL: "http://127.0.0.1:9/v1",
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Answer in one word." },
        { role: "user", content: "Q: Capital of France?" },
      ],
      params: { temperature: 0 },
      sample: 1,
    });
    expect(plan.calls[6]!.request).toEqual({
      baseURL: "http://127.0.0.1:9/v1",
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Please answer: What is 2+2?" }],
      params: { max_tokens: 50 },
      sample: 0,
    });
    for (const call of plan.calls) expect(call.key).toBe(computeRequestKey(call.request));
    // Every sample is its own request.
    expect(plan.uniqueRequests).toBe(12);
    expect(plan.skipped).toEqual([]);
  });

  it("gives candidates with the same model, messages and parameters the same keys", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
suites:
  qa:
    cases: cases.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      a:
        model: gpt-4o-mini
        prompt: prompts/a.md
      b:
        model: gpt-4o-mini
        prompt: prompts/b.md
      c:
        model: gpt-4o-mini
        prompt: prompts/a.md
        temperature: 0.5
`,
      // Same text in another file: the same request.
      "prompts/a.md": "{{question}}\n",
      "prompts/b.md": "{{question}}\n",
      "cases.jsonl": CASES,
    });
    const plan = planRun(config);
    expect(plan.calls).toHaveLength(9);
    const keysOf = (candidate: string) =>
      plan.calls.filter((c) => c.candidate === candidate).map((c) => c.key);
    expect(keysOf("b")).toEqual(keysOf("a"));
    expect(keysOf("c").some((key) => keysOf("a").includes(key))).toBe(false);
    expect(plan.uniqueRequests).toBe(6);
  });

  it("gives a candidate whose endpoint routes by header its own keys (a gateway's answers are not shared)", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
suites:
  qa:
    cases: cases.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      direct:
        model: gpt-4o-mini
        prompt: prompts/a.md
      routed:
        model: gpt-4o-mini
        prompt: prompts/a.md
        provider: { headers: { x-route: other-provider } }
`,
      "prompts/a.md": "{{question}}\n",
      "cases.jsonl": CASES,
    });
    const plan = planRun(config);
    const keysOf = (candidate: string) =>
      plan.calls.filter((c) => c.candidate === candidate).map((c) => c.key);
    expect(keysOf("routed")).toHaveLength(3);
    expect(keysOf("routed").some((key) => keysOf("direct").includes(key))).toBe(false);
    expect(plan.uniqueRequests).toBe(6);
  });

  it("skips a fine-tune that is not trained yet, with the reason, and plans one that is", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
suites:
  qa:
    cases: cases.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      prompt:
        model: gpt-4o-mini
        prompt: prompts/a.md
      ft-pending:
        prompt: prompts/a.md
        fineTune:
          trainingData: training.jsonl
          baseModel: meta-llama/Llama-3.1-8B-Instruct
      ft-ready:
        prompt: prompts/a.md
        fineTune:
          trainingData: training.jsonl
          baseModel: meta-llama/Llama-3.1-8B-Instruct
          model: acme/Llama-3.1-8B-qa-lora
`,
      "prompts/a.md": "{{question}}\n",
      "cases.jsonl": CASES,
      "training.jsonl": jsonl([
        {
          messages: [
            { role: "user", content: "hi" },
            { role: "assistant", content: "hello" },
          ],
        },
      ]),
    });
    const plan = planRun(config);
    expect(plan.skipped).toEqual([
      {
        suite: "qa",
        candidate: "ft-pending",
        reason: "not trained yet: set fineTune.model once the fine-tune exists",
      },
    ]);
    expect(plan.calls.filter((c) => c.candidate === "ft-pending")).toEqual([]);
    expect(plan.calls.filter((c) => c.candidate === "ft-ready").map((c) => c.request.model)).toEqual([
      "acme/Llama-3.1-8B-qa-lora",
      "acme/Llama-3.1-8B-qa-lora",
      "acme/Llama-3.1-8B-qa-lora",
    ]);
  });

  it("fails before any call when a case lacks a variable, naming the case, the variable and the prompt", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
suites:
  qa:
    cases: cases.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      good:
        model: gpt-4o-mini
        prompt: prompts/good.md
      needs-context:
        model: gpt-4o-mini
        prompt: prompts/context.md
`,
      "prompts/good.md": "{{question}}\n",
      "prompts/context.md": "Context: {{context}}\n\n{{question}}\n",
      "cases.jsonl": jsonl([
        { id: "with-context", vars: { question: "q1", context: "docs" } },
        { id: "no-context", vars: { question: "q2" } },
        { id: "also-missing", vars: { question: "q3" } },
      ]),
    });
    const error = planError(config);
    expect(error.code).toBe("TEMPLATE_VARIABLE_MISSING");
    expect(error.issues).toHaveLength(2);
    expect(error.issues.map((i) => i.file)).toEqual(["prompts/context.md", "prompts/context.md"]);
    expect(error.issues[0]!.message).toContain('"{{context}}"');
    expect(error.issues[0]!.message).toContain('case "no-context"');
    expect(error.issues[0]!.message).toContain('candidate "needs-context"');
    expect(error.issues[0]!.message).toContain("cases.jsonl:2");
    expect(error.issues[1]!.message).toContain('case "also-missing"');
    // The message names each problem once, file first: `prompts/context.md: variable "{{context}}" …`.
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Some cases do not define variables their prompt uses:");
    expect(lines[1]).toMatch(
      /^ {2}prompts\/context\.md: variable "\{\{context\}\}" is not defined in case "no-context"/,
    );
    expect(lines[1]!.split("prompts/context.md").length - 1).toBe(1);
    expect(error.message).not.toContain('case "with-context"');
  });

  it("lists the first 20 missing-variable problems and counts the rest", async () => {
    const cases = Array.from({ length: 25 }, (_, i) => ({ id: `case-${i}`, vars: { other: i } }));
    const config = await loadProject({
      "promptfirst.yaml": `
suites:
  qa:
    cases: cases.jsonl
    scorers:
      - contains: x
    candidates:
      a:
        model: gpt-4o-mini
        prompt: prompts/a.md
`,
      "prompts/a.md": "{{question}}\n",
      "cases.jsonl": jsonl(cases),
    });
    const error = planError(config);
    expect(error.issues).toHaveLength(21);
    expect(error.issues[20]).toEqual({ file: "prompts/a.md", message: "…and 5 more" });
    expect(error.issues[19]!.message).toContain('case "case-19"');
  });

  it("plans suites in config order", async () => {
    const config = await loadProject({
      "promptfirst.yaml": `
suites:
  second:
    cases: cases.jsonl
    scorers: [{ contains: x }]
    candidates:
      a: { model: m1, prompt: p.md }
  first:
    cases: cases.jsonl
    scorers: [{ contains: x }]
    candidates:
      a: { model: m2, prompt: p.md }
`,
      "p.md": "{{question}}\n",
      "cases.jsonl": CASES,
    });
    const plan = planRun(config);
    expect(plan.calls.map((c) => `${c.suite}:${c.request.model}`)).toEqual([
      "second:m1",
      "second:m1",
      "second:m1",
      "first:m2",
      "first:m2",
      "first:m2",
    ]);
  });
});
