import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { planRun, type RunResult, runEval, runResultSchema } from "@promptfirst/core";
import { loadConfig } from "@promptfirst/core/node";
import {
  loadRecording,
  OpenAIProvider,
  type RecordingFile,
  RecordingProvider,
  saveRecording,
} from "@promptfirst/providers";
import { EXAMPLES, startMockOpenAI } from "@promptfirst/test-utils";
import { describe, expect, it } from "vitest";
import { makeTempDir, REPO_ROOT, runCli } from "./test-helpers.ts";

const UPDATE = process.env.UPDATE_RECORDINGS === "1";

/** The example as a pull request leaves it: its files with `pr/<variant>/` laid over them, in a temp dir. */
async function materialize(name: string, variant?: string): Promise<string> {
  const source = path.join(REPO_ROOT, "examples", name);
  if (!variant) return source;
  const dir = path.join(await makeTempDir(), name);
  await cp(source, dir, { recursive: true });
  await cp(path.join(source, "pr", variant), dir, { recursive: true });
  return dir;
}

/** Record an example's calls from its scripted loopback model, keyed by the requests the config plans. */
async function recordExample(name: string, variant?: string): Promise<RecordingFile["entries"]> {
  const server = await startMockOpenAI({ respond: EXAMPLES[name]!.model });
  try {
    const loaded = await loadConfig(path.join(await materialize(name, variant), "promptfirst.yaml"));
    const recorders: RecordingProvider[] = [];
    const result = await runEval(loaded, planRun(loaded), {
      createProvider: () => {
        const recorder = new RecordingProvider(
          new OpenAIProvider({ baseURL: server.baseURL, apiKey: "test" }),
        );
        recorders.push(recorder);
        return recorder;
      },
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      toolVersion: "test",
    });
    expect(result.stats.errors).toBe(0);
    return Object.assign({}, ...recorders.map((r) => r.entries()));
  } finally {
    await server.close();
  }
}

describe.each(Object.keys(EXAMPLES))("example %s", (name) => {
  const dir = path.join(REPO_ROOT, "examples", name);
  const recordingFile = path.join(dir, "recording.json");

  it("has a recording that matches its scripted model (UPDATE_RECORDINGS=1 rewrites it)", async () => {
    const entries = await recordExample(name);
    for (const variant of EXAMPLES[name]!.pullRequests)
      Object.assign(entries, await recordExample(name, variant));
    if (UPDATE) await saveRecording(recordingFile, entries);
    const committed = await loadRecording(recordingFile);
    expect(Object.keys(committed.entries).sort()).toEqual(Object.keys(entries).sort());
    expect(committed.entries).toEqual(JSON.parse(JSON.stringify(entries)));
  });

  it("evaluates offline from the recording through the CLI", async () => {
    const out = path.join(await makeTempDir(), "head.json");
    const run = await runCli(
      ["eval", "--config", path.join(dir, "promptfirst.yaml"), "--replay", recordingFile, "--out", out],
      { cwd: REPO_ROOT },
    );
    expect(run.stderr).not.toContain("error:");
    expect(run.code).toBe(0);
    const result: RunResult = runResultSchema.parse(JSON.parse(await readFile(out, "utf8")));
    expect(result.stats.errors).toBe(0);
    // Replays make no network calls, but every planned call (and judge call) was answered from the recording.
    expect(result.stats.requests).toBeGreaterThanOrEqual(
      result.stats.plannedCalls - result.stats.deduplicated,
    );
    expect(result.stats.cacheHits).toBe(0);
    for (const suite of Object.values(result.suites)) {
      expect(run.stdout).toContain(`Suite ${suite.name}`);
      for (const candidate of Object.values(suite.candidates)) {
        if (candidate.skipped) continue;
        expect(candidate.summary.scored).toBe(suite.caseCount);
        expect(run.stdout).toContain(candidate.name);
      }
    }
  });
});

describe("examples/customer-support", () => {
  it("shows the knowledge-base prompt reaching the target and the bare prompt falling short", async () => {
    const dir = path.join(REPO_ROOT, "examples", "customer-support");
    const out = path.join(await makeTempDir(), "head.json");
    const run = await runCli(
      [
        "eval",
        "-c",
        path.join(dir, "promptfirst.yaml"),
        "--replay",
        path.join(dir, "recording.json"),
        "-o",
        out,
      ],
      { cwd: REPO_ROOT },
    );
    expect(run.code).toBe(0);
    const result = runResultSchema.parse(JSON.parse(await readFile(out, "utf8")));
    const support = result.suites.support!;
    const kb = support.candidates["kb-prompt"]!.summary;
    const bare = support.candidates["bare-prompt"]!.summary;
    expect(support.target).toBe(0.85);
    expect(kb.meanScore).toBeGreaterThanOrEqual(0.85);
    expect(bare.meanScore).toBeLessThan(0.6);
    // gpt-5.4-mini has a known price, so cost is reported, never a silent 0.
    expect(kb.costKnown).toBe(true);
    expect(kb.costPer1kUsd).toBeGreaterThan(0);
    // The knowledge base makes the prompt longer: the kb candidate costs more per call.
    expect(kb.costPerCallUsd!).toBeGreaterThan(bare.costPerCallUsd!);
    expect(kb.clustered).toBe(false);
  });
});
