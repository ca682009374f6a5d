import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import { loadPrompt } from "./load-prompt.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "promptfirst-load-prompt-"));
  await mkdir(join(dir, "prompts"));
  await writeFile(join(dir, "prompts", "support.md"), "\uFEFF---\nsystem: Be kind.\n---\n{{question}}\n");
  await writeFile(
    join(dir, "prompts", "triage.prompt.yml"),
    "model: openai/gpt-4o-mini\nmessages:\n  - role: user\n    content: '{{input}}'\ntestData:\n  - input: hi\n",
  );
  await writeFile(join(dir, "prompts", "bad.yaml"), "- role: usr\n  content: hi\n");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(
  path: string,
  options = {},
): Promise<{ code: string; message: string; issues: unknown }> {
  try {
    await loadPrompt(path, options);
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message, issues: error.issues };
    throw error;
  }
  throw new Error("expected an error");
}

describe("loadPrompt", () => {
  it("reads a text prompt, dropping the byte-order mark, and names it by displayPath", async () => {
    const parsed = await loadPrompt(join(dir, "prompts", "support.md"), {
      displayPath: "prompts/support.md",
    });
    expect(parsed.template).toEqual({
      kind: "text",
      source: "prompts/support.md",
      messages: [
        { role: "system", content: "Be kind." },
        { role: "user", content: "{{question}}" },
      ],
    });
  });

  it("reads a GitHub Models prompt file with its test data", async () => {
    const parsed = await loadPrompt(join(dir, "prompts", "triage.prompt.yml"), {
      displayPath: "prompts/triage.prompt.yml",
    });
    expect(parsed.template.modelHint).toBe("gpt-4o-mini");
    expect(parsed.cases).toEqual([
      expect.objectContaining({ vars: { input: "hi" }, source: "prompts/triage.prompt.yml:6" }),
    ]);
  });

  it("reports parse errors with the display path and line", async () => {
    const error = await loadError(join(dir, "prompts", "bad.yaml"), { displayPath: "prompts/bad.yaml" });
    expect(error.code).toBe("PROMPT_INVALID");
    expect(error.message).toContain(
      'prompts/bad.yaml:1: [0].role: unknown role "usr" (did you mean "user"?)',
    );
  });

  it("names the missing file and what referenced it", async () => {
    const error = await loadError(join(dir, "prompts", "v4.md"), {
      displayPath: "prompts/v4.md",
      referencedFrom: "promptfirst.yaml:14: suites.support.candidates.v4.prompt",
    });
    expect(error.code).toBe("FILE_NOT_FOUND");
    expect(error.message).toBe(
      'promptfirst.yaml:14: suites.support.candidates.v4.prompt: file "prompts/v4.md" not found',
    );
    expect(error.issues).toEqual([
      {
        file: "promptfirst.yaml",
        line: 14,
        path: "suites.support.candidates.v4.prompt",
        message: 'file "prompts/v4.md" not found',
      },
    ]);
  });

  it("says when the path is a directory", async () => {
    const error = await loadError(join(dir, "prompts"), { displayPath: "prompts" });
    expect(error.code).toBe("FILE_UNREADABLE");
    expect(error.message).toBe("prompts: file is a directory, not a file");
  });
});
