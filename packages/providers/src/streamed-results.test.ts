/**
 * Streaming a run's results: every finished case goes to a JSONL file as it arrives, the run keeps only what
 * the summaries need, and the RunResult file written from the stream equals the one a run holding every case
 * produces.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type CaseRecord, planRun, runEval, runResultSchema } from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import { getLastUserText, type MockOpenAIServer, startMockOpenAI } from "@promptfirst/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { OpenAIProvider } from "./openai-provider.ts";
import { StreamedResults } from "./streamed-results.ts";

const servers: MockOpenAIServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-stream-"));
  dirs.push(dir);
  return dir;
}

const CASES = 40;

/** Two suites, three candidates (one never trained), repeat 2 in one suite, clusters, and a key in the answers. */
async function project(): Promise<{ dir: string; server: MockOpenAIServer }> {
  const server = await startMockOpenAI({
    // Answers arrive out of order: later cases often finish first.
    latencyMs: (req) => (Number(/(\d+)/.exec(getLastUserText(req))?.[1] ?? 0) * 7) % 23,
    respond: (req) => {
      const n = Number(/(\d+)/.exec(getLastUserText(req))?.[1] ?? 0);
      // One answer echoes the API key: the stream and the file must mask it.
      return n === 3 ? "sk-stream-secret-123456 leaked" : String(n % 3 === 0 ? n : n * 2);
    },
  });
  servers.push(server);
  const dir = await tempDir();
  const cases = Array.from({ length: CASES }, (_, i) => ({
    id: `c${i}`,
    vars: { n: i },
    expected: String(i * 2),
    cluster: `k${i % 4}`,
  }));
  await mkdir(path.join(dir, "evals"));
  await writeFile(path.join(dir, "evals/a.jsonl"), `${cases.map((c) => JSON.stringify(c)).join("\n")}\n`);
  await writeFile(path.join(dir, "double.md"), "Double {{n}}.\n");
  await writeFile(path.join(dir, "train.jsonl"), "");
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: ${server.baseURL}
  apiKeyEnv: STREAM_KEY
  concurrency: 5
pricing:
  "m-*": { input: 1, output: 2 }
suites:
  twice:
    cases: evals/a.jsonl
    repeat: 2
    scorers:
      - exact: "{{expected}}"
    candidates:
      small:
        model: m-small
        prompt: double.md
        params: { temperature: 0.5 }
      tuned:
        prompt: double.md
        fineTune: { baseModel: m-base, trainingData: train.jsonl }
  once:
    cases: evals/a.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      large:
        model: m-large
        prompt: double.md
`,
  );
  return { dir, server };
}

async function run(dir: string, options: { keepCases: boolean; onCase?: (r: CaseRecord) => Promise<void> }) {
  const loaded = await loadConfig(path.join(dir, "promptfirst.yaml"));
  return runEval(loaded, planRun(loaded), {
    createProvider: (endpoint) =>
      new OpenAIProvider({ baseURL: endpoint.baseURL, apiKey: "sk-stream-secret-123456" }),
    toolVersion: "test",
    now: () => new Date("2026-11-25T00:00:00Z"),
    clock: () => 0,
    ...options,
  });
}

const mask = (text: string): string => text.split("sk-stream-secret-123456").join("***");

/** A RunResult without what differs between two runs of the same work (latency, cache state). */
function stable(result: unknown): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value) =>
      key === "latencyMs" || key === "latencyP50Ms" || key === "latencyP95Ms" ? 0 : value,
    ),
  );
}

describe("StreamedResults with runEval", () => {
  it("streams every case once as it finishes and writes the RunResult a run holding every case returns", async () => {
    const { dir } = await project();
    const whole = await run(dir, { keepCases: true });

    const stream = await StreamedResults.create(path.join(dir, "out", "run.cases.jsonl"), mask);
    const seen: CaseRecord[] = [];
    const lean = await run(dir, {
      keepCases: false,
      onCase: async (record) => {
        seen.push(record);
        await stream.write(record);
      },
    });
    // The run held no case, yet its summaries are the same.
    for (const suite of Object.values(lean.suites)) {
      for (const candidate of Object.values(suite.candidates)) expect(candidate.cases).toEqual([]);
    }
    expect(stable(lean.suites.twice!.candidates.small!.summary)).toEqual(
      stable(whole.suites.twice!.candidates.small!.summary),
    );
    expect(lean.suites.twice!.candidates.small!.summary).toMatchObject({ cases: CASES, calls: 2 * CASES });

    // Every case of every evaluated candidate, once; a candidate never trained streams nothing.
    expect(seen).toHaveLength(2 * CASES);
    const ids = seen.map((r) => `${r.suite}/${r.candidate}/${r.case.id}`);
    expect(new Set(ids).size).toBe(2 * CASES);
    expect(seen.filter((r) => r.candidate === "tuned")).toEqual([]);
    // Completion order, not suite order: the answers were made to arrive out of order.
    const positions = seen.filter((r) => r.suite === "once").map((r) => r.position);
    expect(positions).not.toEqual([...positions].sort((a, b) => a - b));
    // Both samples of a repeated case arrive together, in sample order.
    for (const record of seen.filter((r) => r.suite === "twice")) {
      expect(record.case.samples.map((s) => s.sample)).toEqual([0, 1]);
    }

    const out = path.join(dir, "out", "run.json");
    await stream.writeRunResult(out, lean);
    const text = await readFile(out, "utf8");
    expect(text).not.toContain("sk-stream-secret-123456");
    const fromFile = runResultSchema.parse(JSON.parse(text));
    expect(stable(fromFile)).toEqual(stable(JSON.parse(mask(JSON.stringify(whole)))));

    const lines = (await readFile(stream.file, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(2 * CASES);
    expect(lines.join("\n")).not.toContain("sk-stream-secret-123456");
    const first = JSON.parse(lines[0]!) as CaseRecord;
    expect(Object.keys(first)).toEqual(["suite", "candidate", "position", "case"]);
    expect(first.case.id).toBe(`c${first.position}`);
  });

  it("writes an empty cases list for a candidate that was not evaluated, and valid JSON with no candidates at all", async () => {
    const dir = await tempDir();
    const stream = await StreamedResults.create(path.join(dir, "none.jsonl"), mask);
    const result = runResultSchema.parse({
      schemaVersion: 1,
      tool: { name: "promptfirst", version: "test" },
      createdAt: "2026-11-25T00:00:00.000Z",
      config: { file: "promptfirst.yaml", hash: "abc" },
      suites: {},
      stats: {
        plannedCalls: 0,
        judgeCalls: 0,
        requests: 0,
        cacheHits: 0,
        deduplicated: 0,
        retries: 0,
        errors: 0,
        spentUsd: 0,
        durationMs: 0,
      },
      warnings: [],
    });
    await stream.writeRunResult(path.join(dir, "none.json"), result);
    expect(JSON.parse(await readFile(path.join(dir, "none.json"), "utf8"))).toEqual(result);
  });

  it("writes the cases it streamed, whatever the result holds in memory", async () => {
    const { dir } = await project();
    const stream = await StreamedResults.create(path.join(dir, "x.jsonl"), mask);
    const whole = await run(dir, { keepCases: true, onCase: (record) => stream.write(record) });
    const tampered = structuredClone(whole);
    tampered.suites.once!.candidates.large!.cases = [];
    await stream.writeRunResult(path.join(dir, "x.json"), tampered);
    const fromFile = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "x.json"), "utf8")));
    expect(fromFile.suites.once!.candidates.large!.cases).toHaveLength(CASES);
    expect(stable(fromFile)).toEqual(stable(JSON.parse(mask(JSON.stringify(whole)))));
  });

  it("fails the write, not the process, when the results file cannot be written", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "blocker"), "a file where a directory should be");
    await expect(StreamedResults.create(path.join(dir, "blocker", "run.jsonl"), mask)).rejects.toThrow(
      /ENOTDIR|EEXIST/,
    );
  });

  it("puts thousands of cases written in any order back in suite order, leaving out positions never written", async () => {
    const dir = await tempDir();
    const stream = await StreamedResults.create(path.join(dir, "many.jsonl"), mask);
    const count = 5000;
    // Far beyond the first room for positions, in a scattered order; position 17 never finishes.
    const order = Array.from({ length: count }, (_, i) => (i * 2399) % count).filter((p) => p !== 17);
    for (const position of order) {
      await stream.write({
        suite: "s",
        candidate: "c",
        position,
        case: {
          id: `case-${position}`,
          vars: { q: "é".repeat(position % 5) },
          samples: [],
          score: null,
          passRate: 0,
          pass: false,
          status: "ok",
        },
      });
    }
    const skeleton = {
      suites: { s: { candidates: { c: { name: "c", cases: [] as unknown[] } } } },
    } as unknown as Parameters<StreamedResults["writeRunResult"]>[1];
    await stream.writeRunResult(path.join(dir, "many.json"), skeleton);
    const written = JSON.parse(await readFile(path.join(dir, "many.json"), "utf8"));
    const ids = written.suites.s.candidates.c.cases.map((c: { id: string }) => c.id);
    expect(ids).toEqual(
      Array.from({ length: count }, (_, i) => `case-${i}`).filter((id) => id !== "case-17"),
    );
    expect(written.suites.s.candidates.c.cases[4]).toEqual(expect.objectContaining({ vars: { q: "éééé" } }));
  });
});
