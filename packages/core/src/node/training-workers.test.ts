import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalCaseRef } from "../training/eval-index.ts";
import { makeExample, makeLine, WORD_TOKENIZER } from "../training/test-helpers.ts";
import { type LoadTrainingDataReportOptions, loadTrainingDataReport } from "./check-training-file.ts";
import { findTrainingWorkerScript, trainingWorkerStats } from "./training-workers.ts";

/**
 * The worker threads read lines in batches of 256 KB on two threads at once; the report must be the one the
 * calling thread alone writes (`workers: 0`), finding for finding, on files that exercise every kind of line.
 */

let dir: string;

/** A deterministic PRNG. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const SYSTEMS = [
  "You are a support assistant for Acme's billing product. Answer briefly and cite the policy.",
  "You are a support assistant for Acme's billing product. Answer briefly.",
];
const WORDS =
  "invoice refund café naïve Straße 東京 Привет 🎉 don't it's HELLO camelCase 12 3.5 1,000 — “quoted” <|endoftext|> \t tab".split(
    " ",
  );

/** About `bytes` of lines of every kind: valid and invalid, duplicates, near-duplicates, contradictions. */
function makeCorpus(bytes: number, seed: number): string {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const r = random();
    let line: string;
    if (r < 0.01) line = "";
    else if (r < 0.02) line = "{not json";
    else if (r < 0.025) line = '{"prompt": "legacy", "completion": "format"}';
    else if (r < 0.03) line = JSON.stringify({ input: { messages: [{ role: "user", content: "q" }] } });
    else if (r < 0.04 && lines.length > 0)
      line = pick(lines); // a duplicate (or a copy of a bad line)
    else if (r < 0.05)
      line = makeLine(Math.floor(random() * 50), { answer: `Answer ${Math.floor(random() * 3)}` });
    else if (r < 0.06)
      line = `${makeLine(i)}\r`; // CRLF
    else if (r < 0.065)
      line =
        '{"messages": [{"role": "user", "content": "\\ud800 lone"}, {"role": "assistant", "content": "ok"}]}';
    else if (r < 0.07) line = JSON.stringify({ messages: [{ role: "user", content: "x" }] });
    else {
      const example = makeExample(i, { system: r < 0.08 ? null : pick(SYSTEMS) });
      let note = "";
      for (let w = 20 + Math.floor(random() * 200); w > 0; w--) note += `${pick(WORDS)} `;
      example.messages[example.messages.length - 2]!.content += ` ${note}${Math.floor(random() * 5)}`;
      if (r > 0.97) example.messages[example.messages.length - 1]!.content = "Yes.";
      line = JSON.stringify(example);
    }
    lines.push(line);
    size += line.length + 1;
  }
  // BOM at the start, no line break after the last line.
  return `\uFEFF${lines.join("\n")}`;
}

const EVAL_CASES: EvalCaseRef[] = [
  {
    suite: "support",
    case: { id: "c1", vars: { q: "How do I change my invoices?" }, source: "evals.jsonl:1" },
    renderedInput: "How do I change my invoices?",
  },
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptfirst-training-workers-"));
  await writeFile(path.join(dir, "train.jsonl"), makeCorpus(3_000_000, 1));
  await writeFile(path.join(dir, "base.jsonl"), makeCorpus(1_000_000, 2));
  await writeFile(path.join(dir, "small.jsonl"), makeCorpus(20_000, 3));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function compare(file: string, options: LoadTrainingDataReportOptions, workers = 1): Promise<void> {
  const inThread = await loadTrainingDataReport(path.join(dir, file), { ...options, file, workers: 0 });
  const before = trainingWorkerStats.workerBatches;
  const threaded = await loadTrainingDataReport(path.join(dir, file), { ...options, file, workers });
  expect(trainingWorkerStats.workerBatches).toBeGreaterThan(before);
  expect(threaded).toEqual(inThread);
}

describe("loadTrainingDataReport on worker threads", () => {
  it("finds the worker's script next to its TypeScript source", () => {
    expect(findTrainingWorkerScript()?.pathname).toMatch(/training-worker-source\.mjs$/);
  });

  it.each([
    ["gpt-4.1-mini", 1],
    ["meta-llama/Llama-3.1-8B-Instruct", 2],
  ] as const)(
    "reports what the calling thread alone reports (%s, %i workers)",
    async (baseModel, workers) => {
      await compare("train.jsonl", { baseModel, evalCases: EVAL_CASES, maxFindingsPerCode: 20 }, workers);
    },
  );

  it("diffs against a base version, and reports lines over the limit, as the calling thread does", async () => {
    await compare("train.jsonl", {
      baseModel: "gpt-4.1-mini",
      baseVersionPath: path.join(dir, "base.jsonl"),
      maxLineChars: 1500,
    });
    await compare("small.jsonl", { baseVersionPath: path.join(dir, "missing.jsonl") });
  });

  it("reads a line longer than a batch (8 MB and more) whole, or reports its length", async () => {
    const long = JSON.stringify(makeExample(1, { answer: "word ".repeat(2_000_000) }));
    await writeFile(
      path.join(dir, "long.jsonl"),
      [makeLine(0), long, makeLine(2), "é".repeat(9_000_000)].join("\n"),
    );
    await compare("long.jsonl", { baseModel: "gpt-4.1-mini" });
    await compare("long.jsonl", { baseModel: "gpt-4.1-mini", maxLineChars: 10_000_000 });
    // Last, after buffers that held line breaks were read into again (the bytes past a short read are old).
    const lines = makeCorpus(2_000_000, 4);
    await writeFile(path.join(dir, "long-last.jsonl"), `${lines}\n${"x".repeat(9_000_000)}`);
    await compare("long-last.jsonl", { maxLineChars: 20_000_000 });
  });

  it("decodes invalid UTF-8 as the calling thread does", async () => {
    const good = Buffer.from(`${makeLine(0)}\n`);
    const bad = Buffer.from([
      ...Buffer.from('{"messages": [{"role": "user", "content": "a'),
      0xff,
      0xc3,
      0x28,
      0xc0,
      0xaf,
      0xe2,
      0x82,
      0x20,
      0xed,
      0xa0,
      0x80,
      0xf0,
      0x9f,
      0x98,
      ...Buffer.from('"}, {"role": "assistant", "content": "b"}]}\n'),
      0xe2,
      0x82,
      0x0a,
      0xf0,
      0x9f,
    ]);
    await writeFile(path.join(dir, "bytes.jsonl"), Buffer.concat([good, bad, good, bad]));
    await compare("bytes.jsonl", { baseModel: "gpt-4.1-mini" });
  });

  it("reads on the calling thread with a tokenizer of the caller's own", async () => {
    const report = await loadTrainingDataReport(path.join(dir, "small.jsonl"), {
      tokenizer: WORD_TOKENIZER,
      workers: 2,
    });
    expect(report.tokens.encoding).toBe("test-words");
  });
});
