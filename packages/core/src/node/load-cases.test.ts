import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCases } from "../cases/index.ts";
import { isPromptfirstError } from "../errors.ts";
import { forEachTextLine, loadCases } from "./load-cases.ts";

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

/** What parseCases makes of the whole text (the way a case file was read before it was streamed): cases or error. */
function parseWhole(text: string, file: string): unknown {
  try {
    return parseCases(text.replace(/^\uFEFF/, ""), file);
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message, issues: error.issues };
    throw error;
  }
}

async function loadStreamed(path: string, file: string): Promise<unknown> {
  try {
    return await loadCases(path, { displayPath: file });
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message, issues: error.issues };
    throw error;
  }
}

describe("loadCases on JSONL, read line by line", () => {
  const line = (value: unknown): string => JSON.stringify(value);
  it.each<[string, string]>([
    ["LF line breaks and a last line without one", `${line({ id: "a", vars: { q: 1 } })}\n${line({ q: 2 })}`],
    [
      "CRLF and lone CR line breaks",
      `${line({ id: "a", vars: {} })}\r\n\r\n${line({ q: 2 })}\r${line({ q: 3 })}\r\n`,
    ],
    ["two byte-order marks", `\uFEFF\uFEFF${line({ id: "a", vars: {} })}\n`],
    [
      "text in many scripts",
      `${line({ vars: { q: "café — 日本語 — 🙂 — ünïcödé" } })}\n${line({ q: "Ωμέγα" })}\n`,
    ],
    ["comments, blank lines and spaces", `// heading\n\n   \n${line({ q: 1 })}\n\t// note\n`],
    [
      "identical cases without ids, and a later id a derived one would take",
      `${line({ q: 1 })}\n${line({ q: 1 })}\n${line({ q: 1 })}\n${line({ id: "placeholder", q: 2 })}`,
    ],
    [
      "shared clusters",
      `${line({ q: 1, cluster: "x" })}\n${line({ q: 2, cluster: "x" })}\n${line({ q: 3, cluster: 7 })}\n`,
    ],
    [
      "every kind of problem, on their lines",
      [
        line({ id: "a", vars: {} }),
        '{"id": "b", "vars": {}',
        '{"q": 1, "q": 2}',
        "[1, 2]",
        line({ id: "a", vars: {} }),
        line({ vars: 3 }),
        line({ expcted: 1 }),
        line({ id: "c", vars: {}, extra: 1 }),
        "\uFEFF{}",
      ].join("\n"),
    ],
    ["an empty file", ""],
    ["only comments", "// nothing here\n\n"],
  ])("gives what parsing the whole text gives: %s", async (_, text) => {
    const file = join(dir, "same.jsonl");
    await writeFile(file, text);
    const expected = parseWhole(text, "evals/same.jsonl");
    expect(await loadStreamed(file, "evals/same.jsonl")).toEqual(expected);
  });

  it("reports every problem of a file at once, on its line, as before", async () => {
    const file = join(dir, "problems.jsonl");
    const text = [
      '{"id": "a", "vars": {}}',
      '{"id": "b", "vars": {}',
      '{"id": "a", "vars": {}}',
      '{"q": 1, "q": 2}',
    ].join("\n");
    await writeFile(file, text);
    const error = (await loadStreamed(file, "p.jsonl")) as { code: string; message: string };
    expect(error.code).toBe("CASES_INVALID");
    expect(error.message.split("\n").slice(1)).toEqual([
      expect.stringMatching(/^ {2}p\.jsonl:2: invalid JSON at column 23: /),
      '  p.jsonl:3: id: "a" is already the id of the case on line 1: give each case its own id',
      expect.stringMatching(/^ {2}p\.jsonl:4: invalid JSON at column 10: duplicate key "q"/),
    ]);
  });

  it("reads a file larger than one read, lines crossing reads, with the same cases and sources", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      line({ vars: { q: `question ${i} ${"é".repeat(i % 40)}` }, expected: `${i}`, cluster: `t${i % 9}` }),
    );
    const body = lines.map((l, i) => (i % 3 === 0 ? `${l}\r\n` : `${l}\n`)).join("");
    const file = join(dir, "large.jsonl");
    await writeFile(file, body);
    const cases = await loadCases(file, { displayPath: "large.jsonl" });
    expect(cases).toHaveLength(5000);
    expect(cases).toEqual(parseWhole(body, "large.jsonl"));
    expect(cases[4999]).toMatchObject({ source: "large.jsonl:5000", expected: "4999", cluster: "t4" });
    // One string per cluster name, shared by its cases.
    expect(cases[9]!.cluster).toBe(cases[0]!.cluster);
  });

  it("names a directory given as the case file", async () => {
    await mkdir(join(dir, "folder.jsonl"), { recursive: true });
    const error = await loadError(join(dir, "folder.jsonl"), { displayPath: "folder.jsonl" });
    expect(error).toEqual({
      code: "FILE_UNREADABLE",
      message: "folder.jsonl: file is a directory, not a file",
    });
  });
});

describe("forEachTextLine", () => {
  const text = "\uFEFFfirst\r\nsecond — é\rthird 🙂\n\nfifth\r\n\r\nseventh";
  it.each([1, 2, 3, 4, 5, 7, 64])(
    "splits as text.split(/\\r\\n|\\r|\\n/) does, reading %i byte(s) at a time",
    async (chunkBytes) => {
      const file = join(dir, "lines.txt");
      await writeFile(file, text);
      const lines: string[] = [];
      await forEachTextLine(file, (l) => lines.push(l), { chunkBytes });
      expect(lines).toEqual(text.slice(1).split(/\r\n|\r|\n/));
    },
  );

  it("ends with an empty line after a final line break, as split does", async () => {
    const file = join(dir, "final.txt");
    await writeFile(file, "a\r");
    const lines: string[] = [];
    await forEachTextLine(file, (l) => lines.push(l), { chunkBytes: 2 });
    expect(lines).toEqual(["a", ""]);
  });
});
