import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runResultSchema } from "@promptfirst/core";
import { loadRecording } from "@promptfirst/providers";
import {
  type MockOpenAIServerWithBatch,
  mockError,
  scriptedModel,
  startMockOpenAI,
} from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "./test-helpers.ts";

const SECRET = "sk-test-SECRET-0123456789abcdef";

async function writeProject(dir: string, baseURL: string, extra = ""): Promise<void> {
  await mkdir(path.join(dir, "evals"), { recursive: true });
  await writeFile(
    path.join(dir, "evals", "qa.jsonl"),
    [
      { id: "capital", vars: { q: "capital of France?" }, expected: "Paris" },
      { id: "sum", vars: { q: "2+2?" }, expected: "4" },
      { id: "color", vars: { q: "colour of the sky?" }, expected: "blue" },
    ]
      .map((c) => JSON.stringify(c))
      .join("\n"),
  );
  await writeFile(path.join(dir, "prompt.md"), "---\nsystem: Answer in one word.\n---\n{{q}}\n");
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: ${baseURL}
  apiKeyEnv: TEST_API_KEY
  maxRetries: 0
pricing:
  mini: { input: 0.4, output: 1.6 }
${extra}suites:
  qa:
    cases: evals/qa.jsonl
    target: 0.6
    scorers:
      - contains: "{{expected}}"
    candidates:
      one-word:
        model: mini
        prompt: prompt.md
`,
  );
}

describe("promptfirst CLI", () => {
  let server: MockOpenAIServerWithBatch;

  beforeAll(async () => {
    server = await startMockOpenAI({
      apiKey: SECRET,
      respond: scriptedModel(
        [
          { match: /France/, answer: "Paris" },
          { match: /2\+2/, answer: "4" },
        ],
        "green",
      ),
    });
  });
  afterAll(() => server.close());

  it("evaluates, prints a summary and writes a schema-valid RunResult", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const run = await runCli(["eval", "--out", "out/run.json"], { cwd: dir, env: { TEST_API_KEY: SECRET } });
    expect(run.stderr).toMatch(/1 suite\(s\), 3 calls \(3 distinct\)/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Suite qa — 3 cases · target 60%");
    expect(run.stdout).toMatch(/one-word\s+mini\s+66\.7%/);
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "out/run.json"), "utf8")));
    const candidate = result.suites.qa!.candidates["one-word"]!;
    expect(candidate.cases.map((c) => [c.id, c.pass])).toEqual([
      ["capital", true],
      ["sum", true],
      ["color", false],
    ]);
    expect(candidate.summary.meanScore).toBeCloseTo(2 / 3, 10);
    // Each case was also streamed, as it finished, to the JSONL file beside the results file.
    expect(run.stderr).toContain(
      `results written to out/run.json (each case as it finished: out/run.cases.jsonl)`,
    );
    const streamed = (await readFile(path.join(dir, "out/run.cases.jsonl"), "utf8"))
      .trimEnd()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { suite: string; candidate: string; position: number; case: unknown },
      );
    expect(streamed.map((r) => [r.suite, r.candidate, r.position]).sort()).toEqual([
      ["qa", "one-word", 0],
      ["qa", "one-word", 1],
      ["qa", "one-word", 2],
    ]);
    for (const record of streamed) expect(record.case).toEqual(candidate.cases[record.position]);
  });

  it("answers a second run from the cache and makes no requests", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const env = { TEST_API_KEY: SECRET };
    expect((await runCli(["eval", "-q"], { cwd: dir, env })).code).toBe(0);
    const before = server.stats.completions;
    const second = await runCli(["eval", "-o", "r.json"], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(server.stats.completions).toBe(before);
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "r.json"), "utf8")));
    expect(result.stats.cacheHits).toBe(3);
    expect(result.stats.spentUsd).toBe(0);
    // --no-cache goes to the endpoint again.
    expect((await runCli(["eval", "-q", "--no-cache"], { cwd: dir, env })).code).toBe(0);
    expect(server.stats.completions).toBe(before + 3);
  });

  it("--prune-cache keeps only the answers the run used, so an edited prompt's old answers go", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const env = { TEST_API_KEY: SECRET };
    const original = await readFile(path.join(dir, "prompt.md"), "utf8");
    expect((await runCli(["eval", "-q"], { cwd: dir, env })).code).toBe(0);
    await writeFile(path.join(dir, "prompt.md"), original.replace("one word", "a single word"));
    const pruned = await runCli(["eval", "-q", "--prune-cache"], { cwd: dir, env });
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toMatch(/^cache pruned: kept 3 of 6 entries \(0\.0 MB → 0\.0 MB\)$/m);
    const segments = await readdir(path.join(dir, ".promptfirst/cache/segments"));
    expect(segments.filter((name) => name.endsWith(".jsonl"))).toHaveLength(1);
    // The edited prompt is answered from the cache; the original one is asked again.
    const before = server.stats.completions;
    expect((await runCli(["eval", "-q"], { cwd: dir, env })).code).toBe(0);
    expect(server.stats.completions).toBe(before);
    await writeFile(path.join(dir, "prompt.md"), original);
    expect((await runCli(["eval", "-q"], { cwd: dir, env })).code).toBe(0);
    expect(server.stats.completions).toBe(before + 3);
    // With the cache off there is nothing to prune, and it is left alone.
    const off = await runCli(["eval", "-q", "--no-cache", "--prune-cache"], { cwd: dir, env });
    expect(off.stderr).toContain("cache not used (off, recording or replaying): nothing pruned");
    expect(await readdir(path.join(dir, ".promptfirst/cache/segments"))).toHaveLength(2);
  });

  it("runs an endpoint with batch: true through the Batch API, saying what it waits for, then answers from the cache", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const config = path.join(dir, "promptfirst.yaml");
    await writeFile(
      config,
      (await readFile(config, "utf8")).replace("  maxRetries: 0\n", "  maxRetries: 0\n  batch: true\n"),
    );
    const env = { TEST_API_KEY: SECRET };
    const created = server.batch.stats.batchesCreated;
    const run = await runCli(["eval", "-o", "out.json"], { cwd: dir, env });
    expect(run.code).toBe(0);
    expect(server.batch.stats.batchesCreated).toBe(created + 1);
    const [batch] = server.batch.batches().slice(-1);
    expect(run.stderr).toContain(`batch ${batch!.id}: submitted 3 request(s) to the Batch API`);
    expect(run.stderr).toMatch(new RegExp(`batch ${batch!.id}: completed, 3 answered`));
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "out.json"), "utf8")));
    expect(result.suites.qa!.candidates["one-word"]!.cases.map((c) => c.pass)).toEqual([true, true, false]);
    // The batch state stays beside the cache; a second run is answered from the cache, with no new batch.
    const again = await runCli(["eval", "-q"], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(server.batch.stats.batchesCreated).toBe(created + 1);
  });

  it("records with --record and replays the same results offline with --replay", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const recorded = await runCli(["eval", "-q", "--record", "rec.json", "-o", "a.json"], {
      cwd: dir,
      env: { TEST_API_KEY: SECRET },
    });
    expect(recorded.code).toBe(0);
    expect(Object.keys((await loadRecording(path.join(dir, "rec.json"))).entries)).toHaveLength(3);
    const before = server.stats.requests;
    const replayed = await runCli(["eval", "-q", "--replay", "rec.json", "-o", "b.json"], {
      cwd: dir,
      env: {},
    });
    expect(replayed.code).toBe(0);
    expect(server.stats.requests).toBe(before);
    const a = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "a.json"), "utf8")));
    const b = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, "b.json"), "utf8")));
    expect(b.suites.qa!.candidates["one-word"]!.cases.map((c) => c.samples[0]!.output)).toEqual(
      a.suites.qa!.candidates["one-word"]!.cases.map((c) => c.samples[0]!.output),
    );
  });

  it("fails a replay clearly when the recording lacks a request", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    await runCli(["eval", "-q", "--record", "rec.json"], { cwd: dir, env: { TEST_API_KEY: SECRET } });
    await writeFile(path.join(dir, "prompt.md"), "---\nsystem: Answer in two words.\n---\n{{q}}\n");
    const run = await runCli(["eval", "-q", "--replay", "rec.json"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("3 call(s) could not be made: no recorded answer in rec.json");
    expect(run.stderr).toContain("re-record with --record");
  });

  it("says which variable holds the missing API key, and exits 2", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, "https://api.example.invalid/v1");
    const run = await runCli(["eval", "-q"], { cwd: dir, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("set the environment variable TEST_API_KEY");
  });

  it("never prints or stores the API key, even when the endpoint echoes it", async () => {
    const echo = await startMockOpenAI({
      respond: () => mockError(401, `Incorrect API key provided: ${SECRET}`),
    });
    try {
      const dir = await makeTempDir();
      await writeProject(dir, echo.baseURL);
      const run = await runCli(["eval", "-o", "r.json"], { cwd: dir, env: { TEST_API_KEY: SECRET } });
      // A refused key is a setup problem: exit 2, with the endpoint's message (masked) on stderr.
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("3 call(s) could not be made: 401 Incorrect API key provided: ***");
      const written = await readFile(path.join(dir, "r.json"), "utf8");
      expect(written).toContain("Incorrect API key provided: ***");
      expect(written).not.toContain(SECRET);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
    } finally {
      await echo.close();
    }
  });

  it.each([
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["eval", "--concurrency", "zero"], '--concurrency must be a positive whole number, got "zero"'],
    [["eval", "--bogus"], "Unknown option '--bogus'"],
    [["eval", "--record", "a.json", "--replay", "b.json"], "--record and --replay cannot be used together"],
    [["eval", "--config", "missing.yaml"], 'config file "missing.yaml" not found'],
  ])("exits 2 with one clear line for %j", async (argv, message) => {
    const dir = await makeTempDir();
    const run = await runCli(argv, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports every config mistake at once with file, line and path, and exits 2", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const config = await readFile(path.join(dir, "promptfirst.yaml"), "utf8");
    await writeFile(
      path.join(dir, "promptfirst.yaml"),
      config.replace("contains:", "containz:").replace("target: 0.6", "target: 1.6"),
    );
    const run = await runCli(["eval"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/promptfirst\.yaml:\d+: suites\.qa\.target: /);
    expect(run.stderr).toMatch(
      /promptfirst\.yaml:\d+: suites\.qa\.scorers\[0\]: unknown scorer "containz" \(did you mean "contains"\?\)/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("names an unknown --suite and the suites that exist", async () => {
    const dir = await makeTempDir();
    await writeProject(dir, server.baseURL);
    const run = await runCli(["eval", "--suite", "nope"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no suite named "nope"; the config defines: qa');
  });

  it("prints help and the version", async () => {
    const dir = await makeTempDir();
    expect((await runCli(["--help"], { cwd: dir })).stdout).toContain("Usage: promptfirst <command>");
    expect((await runCli(["eval", "--help"], { cwd: dir })).stdout).toContain("--replay FILE");
    expect((await runCli(["--version"], { cwd: dir })).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
