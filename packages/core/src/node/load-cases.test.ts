import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import { loadCases } from "./load-cases.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "promptfirst-load-cases-"));
  await writeFile(join(dir, "support.jsonl"), '\uFEFF{"id": "a", "vars": {"q": 1}}\n{"q": 2}\n');
  await writeFile(join(dir, "bad.jsonl"), '{"id": "a", "vars": {}}\n{"id": "a", "vars": {}}\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(path: string, options = {}): Promise<{ code: string; message: string }> {
  try {
    await loadCases(path, options);
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected an error");
}

describe("loadCases", () => {
  it("reads a case file without its byte-order mark and names cases by displayPath", async () => {
    const cases = await loadCases(join(dir, "support.jsonl"), { displayPath: "evals/support.jsonl" });
    expect(cases.map((c) => [c.id, c.source])).toEqual([
      ["a", "evals/support.jsonl:1"],
      [expect.stringMatching(/^[0-9a-f]{10}$/), "evals/support.jsonl:2"],
    ]);
  });

  it("uses the path itself when no displayPath is given", async () => {
    const error = await loadError(join(dir, "bad.jsonl"));
    expect(error.code).toBe("CASES_INVALID");
    expect(error.message).toContain(
      `${join(dir, "bad.jsonl")}:2: id: "a" is already the id of the case on line 1`,
    );
  });

  it("names the missing file and what referenced it", async () => {
    const error = await loadError(join(dir, "missing.jsonl"), {
      displayPath: "evals/support.jsonl",
      referencedFrom: "promptfirst.yaml: suites.support.cases",
    });
    expect(error).toEqual({
      code: "FILE_NOT_FOUND",
      message: 'promptfirst.yaml: suites.support.cases: file "evals/support.jsonl" not found',
    });
  });

  it("names the missing file alone when nothing referenced it", async () => {
    const error = await loadError(join(dir, "nope", "x.csv"), { displayPath: "nope/x.csv" });
    expect(error).toEqual({ code: "FILE_NOT_FOUND", message: "nope/x.csv: file not found" });
  });
});
