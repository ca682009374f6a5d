import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRunResult } from "../compare/builders.ts";
import { isPromptfirstError } from "../errors.ts";
import { loadRunResult } from "./load-result.ts";

let dir: string;
const valid = buildRunResult({
  suites: [{ name: "qa", candidates: [{ name: "p", cases: [{ id: "a", score: 1 }] }] }],
});
const validText = `${JSON.stringify(valid, null, 2)}\n`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptfirst-load-result-"));
  await mkdir(path.join(dir, "folder.json"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(name: string, content?: string): Promise<unknown> {
  const file = path.join(dir, name);
  if (content !== undefined) await writeFile(file, content);
  return loadRunResult(file, { displayPath: name });
}

async function failure(name: string, content?: string): Promise<{ code: string; message: string }> {
  try {
    await load(name, content);
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected loadRunResult to fail");
}

describe("loadRunResult", () => {
  it("reads a RunResult written by eval", async () => {
    expect(await load("ok.json", validText)).toEqual(valid);
  });

  it.each([
    [
      "a missing file",
      "missing.json",
      undefined,
      "FILE_NOT_FOUND",
      "missing.json: result file not found: give the path of a file written by `promptfirst eval --out`",
    ],
    [
      "a directory",
      "folder.json",
      undefined,
      "FILE_UNREADABLE",
      "folder.json: is a directory, not a result file",
    ],
    [
      "an empty file",
      "empty.json",
      "\n",
      "RESULT_INVALID",
      "empty.json: the result file is empty: re-run `promptfirst eval --out` with this version of promptfirst",
    ],
    ["a truncated file", "truncated.json", validText.slice(0, 200), "RESULT_INVALID", "truncated.json:"],
    [
      "invalid JSON in the middle",
      "broken.json",
      '{\n  "schemaVersion": 1,\n  "tool": {"name": "promptfirst",, "version": "0.1.0"}\n}\n',
      "RESULT_INVALID",
      "broken.json:3: invalid JSON at column 34:",
    ],
    [
      "another kind of JSON file",
      "cases.json",
      '[{"vars": {"q": 1}}]',
      "RESULT_INVALID",
      "cases.json: not a promptfirst result file (no `tool.name: promptfirst` and `schemaVersion`): give a file written by `promptfirst eval --out`",
    ],
    [
      "a newer schema version",
      "future.json",
      JSON.stringify({ ...valid, schemaVersion: 2, tool: { name: "promptfirst", version: "9.0.0" } }),
      "RESULT_INVALID",
      "future.json: schemaVersion: the file has RunResult schemaVersion 2 (written by promptfirst 9.0.0), and this promptfirst reads version 1: upgrade promptfirst, or re-run `promptfirst eval --out` with this version of promptfirst",
    ],
    [
      "a value of the wrong type",
      "wrong.json",
      JSON.stringify({ ...valid, createdAt: 5 }),
      "RESULT_INVALID",
      "wrong.json: createdAt: Invalid input: expected string, received number: the file does not match the RunResult format; re-run `promptfirst eval --out` with this version of promptfirst",
    ],
  ])("explains %s, naming the file", async (_what, name, content, code, message) => {
    const error = await failure(name, content);
    expect(error.code).toBe(code);
    expect(error.message.slice(0, message.length)).toBe(message);
  });

  it("says a truncated file was probably cut off, with its line", async () => {
    const error = await failure("cut.json", validText.slice(0, 200));
    expect(error.message).toMatch(
      /^cut\.json:\d+: the result file ends early, at column \d+ \(.*\): it was probably cut off; re-run `promptfirst eval --out`/,
    );
  });

  it("names the path of the first mismatch deep inside the file", async () => {
    const broken = structuredClone(valid) as unknown as {
      suites: { qa: { candidates: { p: { cases: Array<{ score: unknown }> } } } };
    };
    broken.suites.qa.candidates.p.cases[0]!.score = "high";
    const error = await failure("deep.json", JSON.stringify(broken));
    expect(error.message).toContain("deep.json: suites.qa.candidates.p.cases[0].score: ");
  });
});
