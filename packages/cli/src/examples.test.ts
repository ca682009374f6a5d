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
import { type CliRun, makeTempDir, REPO_ROOT, runCli } from "./test-helpers.ts";

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

/** Evaluate an example (or one of its pull requests) offline through the CLI: the results and what it printed. */
async function evalExample(name: string, variant?: string): Promise<RunResult & { run: CliRun }> {
  const dir = await materialize(name, variant);
  const out = path.join(await makeTempDir(), "head.json");
  const recording = path.join(REPO_ROOT, "examples", name, "recording.json");
  const run = await runCli(
    ["eval", "--config", path.join(dir, "promptfirst.yaml"), "--replay", recording, "--out", out],
    { cwd: REPO_ROOT },
  );
  if (run.code !== 0)
    throw new Error(`eval of ${name}${variant ? ` (${variant})` : ""} failed: ${run.stderr}`);
  return { ...runResultSchema.parse(JSON.parse(await readFile(out, "utf8"))), run };
}

/** Mean score per cluster of one candidate's cases. */
function scoreByCluster(result: RunResult, suite: string, candidate: string): Record<string, number> {
  const sums: Record<string, [number, number]> = {};
  for (const c of result.suites[suite]!.candidates[candidate]!.cases) {
    const key = c.cluster ?? "";
    const [sum, n] = sums[key] ?? [0, 0];
    sums[key] = [sum + (c.score ?? 0), n + 1];
  }
  return Object.fromEntries(Object.entries(sums).map(([k, [sum, n]]) => [k, sum / n]));
}

describe.each(Object.keys(EXAMPLES))("example %s", (name) => {
  const recordingFile = path.join(REPO_ROOT, "examples", name, "recording.json");

  it("has a recording that matches its scripted model (UPDATE_RECORDINGS=1 rewrites it)", async () => {
    const entries = await recordExample(name);
    for (const variant of EXAMPLES[name]!.pullRequests)
      Object.assign(entries, await recordExample(name, variant));
    if (UPDATE) await saveRecording(recordingFile, entries);
    const committed = await loadRecording(recordingFile);
    expect(Object.keys(committed.entries).sort()).toEqual(Object.keys(entries).sort());
    expect(committed.entries).toEqual(JSON.parse(JSON.stringify(entries)));
  });

  it.each([undefined, ...EXAMPLES[name]!.pullRequests])(
    "evaluates offline from the recording through the CLI (pull request: %s)",
    async (variant) => {
      const result = await evalExample(name, variant);
      expect(result.run.stderr).not.toContain("error:");
      expect(result.run.code).toBe(0);
      expect(result.stats.errors).toBe(0);
      // Replays make no network calls, but every planned call (and judge call) was answered from the recording.
      expect(result.stats.requests).toBeGreaterThanOrEqual(
        result.stats.plannedCalls - result.stats.deduplicated,
      );
      expect(result.stats.cacheHits).toBe(0);
      for (const suite of Object.values(result.suites)) {
        expect(result.run.stdout).toContain(`Suite ${suite.name}`);
        for (const candidate of Object.values(suite.candidates)) {
          if (candidate.skipped) continue;
          expect(candidate.summary.scored).toBe(suite.caseCount);
          expect(result.run.stdout).toContain(candidate.name);
        }
      }
    },
  );
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

describe("examples/customer-support/pr/add-fine-tuning-data", () => {
  it("adds a fine-tune candidate that is not trained yet, next to a prompt that already reaches the target", async () => {
    const result = await evalExample("customer-support", "add-fine-tuning-data");
    const support = result.suites.support!;
    const ft = support.candidates["support-ft"]!;
    expect(ft.kind).toBe("fine-tune");
    expect(ft.skipped).toContain("not trained yet");
    expect(ft.fineTune?.trainingData).toBe("training/support.jsonl");
    expect(support.candidates["kb-prompt"]!.summary.meanScore).toBeGreaterThanOrEqual(support.target!);
    // No new model calls: the pull request's run is answered by the calls the base already recorded.
    const base = await evalExample("customer-support");
    expect(result.stats.requests).toBe(base.stats.requests);
  });
});

describe("examples/medical-coding", () => {
  it("shows the best prompt short of the target and the fine-tune reaching it, chapter by chapter", async () => {
    const result = await evalExample("medical-coding");
    const coding = result.suites.coding!;
    const score = (c: string) => coding.candidates[c]!.summary.meanScore!;
    expect(coding.target).toBe(0.9);
    expect(coding.volume).toBe(40_000);
    expect(coding.caseCount).toBe(60);
    expect(score("prompt-guidelines")).toBeCloseTo(40 / 60, 10);
    expect(score("prompt-bare")).toBeCloseTo(26 / 60, 10);
    expect(score("icd10-ft")).toBeCloseTo(56 / 60, 10);
    // Prompting suffices for respiratory and circulatory codes and falls short on injuries and musculoskeletal ones.
    const prompt = scoreByCluster(result, "coding", "prompt-guidelines");
    expect(prompt).toEqual({ E: 0.7, I: 0.9, J: 1, F: 0.7, S: 0.3, M: 0.4 });
    expect(scoreByCluster(result, "coding", "icd10-ft")).toEqual({ E: 1, I: 1, J: 1, F: 1, S: 0.8, M: 0.8 });
    const ft = coding.candidates["icd10-ft"]!;
    expect(ft.summary.clustered).toBe(true);
    // The LoRA adapter on Together is priced from the config's `pricing:`, and is cheaper per call than the
    // prompt that pastes the guidelines.
    expect(ft.price?.source).toBe("config");
    expect(ft.summary.costPerCallUsd!).toBeLessThan(
      coding.candidates["prompt-guidelines"]!.summary.costPerCallUsd!,
    );
  });
});

describe("examples/fine-tune-migration", () => {
  it("flags the retiring fine-tune, and the pull request's prompt on a current model matches it", async () => {
    const base = await evalExample("fine-tune-migration");
    const ft = base.suites.triage!.candidates["triage-ft"]!;
    expect(Object.keys(base.suites.triage!.candidates)).toEqual(["triage-ft"]);
    expect(ft.kind).toBe("fine-tune");
    expect(ft.lifecycle?.shutdownDate).toBe("2027-01-14");
    expect(base.run.stdout).toContain("shuts down on 2027-01-14");

    const head = await evalExample("fine-tune-migration", "add-prompt-candidates");
    const triage = head.suites.triage!;
    const score = (c: string) => triage.candidates[c]!.summary.meanScore!;
    expect(score("triage-ft")).toBeCloseTo(0.92, 10);
    expect(score("prompt-mini")).toBeCloseTo(0.9, 10);
    expect(score("prompt-nano")).toBeCloseTo(0.72, 10);
    expect(score("prompt-mini")).toBeGreaterThanOrEqual(triage.target!);
    expect(triage.candidates["prompt-mini"]!.lifecycle).toBeUndefined();
    // The fine-tune's answers are the same recorded calls on the base and on the pull request.
    expect(triage.candidates["triage-ft"]!.cases.map((c) => c.score)).toEqual(ft.cases.map((c) => c.score));
  });
});
