// `pnpm bench` (check-data): stream-check a ~1 GB synthetic fine-tuning file and print throughput and peak memory
// as ratios to the goals (≥ 100 MB/s, ≤ 150 MB peak RSS), never asserted. The check runs in a child process so
// its peak RSS (getrusage maxrss) is its own, not the generator's.
//
//   node dist/check-data-bench.js [--mb 1024] [--model meta-llama/Llama-3.1-8B-Instruct] [--keep FILE] [--workers N]
//
// `--keep FILE` keeps the generated file (and reuses it when it exists with the requested size); `--workers N`
// sets loadTrainingDataReport's worker threads (default: its own choice; 0 reads on the checking thread).
import { fork } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadTrainingDataReport } from "@promptfirst/core/node";
import { limitHeapGrowth } from "../src/heap.ts";

const GOAL_MB_PER_S = 100;
const GOAL_PEAK_RSS_MB = 150;
const MB = 1024 * 1024;

const SYSTEM =
  "You are a certified medical coder. Read the de-identified clinical note and answer with the ICD-10-CM codes that apply, most specific first, separated by commas, then one sentence of rationale.";
const WORDS = (
  "patient presents with acute chronic pain fever cough dyspnea history of hypertension diabetes mellitus type " +
  "without complications left right lower upper lobe pneumonia bacterial viral infection fracture femur closed " +
  "displaced initial encounter subsequent follow-up denies reports nausea vomiting abdominal tenderness imaging " +
  "shows consolidation opacity effusion lab results elevated white count glucose creatinine prescribed amoxicillin " +
  "metformin lisinopril discharged admitted observation emergency department primary care physician referred " +
  "cardiology nephrology the a and or for in on at by was is were are has had no not mild moderate severe stable " +
  "improving worsening bilateral tenderness swelling erythema wound dressing sutures removed tolerated procedure " +
  "well vitals within normal limits afebrile saturating room air heart regular rhythm murmur absent lungs clear"
).split(" ");
const CODES = [
  "J18.9",
  "J20.9",
  "I10",
  "E11.9",
  "E11.65",
  "N39.0",
  "F32.9",
  "K21.9",
  "E78.5",
  "I48.91",
  "J44.1",
];

/** A small deterministic PRNG, so every run checks the same file. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Write about `megabytes` of realistic chat fine-tuning JSONL, streaming (one example in memory at a time). */
async function writeSyntheticFile(
  file: string,
  megabytes: number,
): Promise<{ bytes: number; lines: number }> {
  const random = createRandom(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out = createWriteStream(file, { highWaterMark: 1024 * 1024 });
  const target = megabytes * MB;
  let bytes = 0;
  let lines = 0;
  const recent: string[] = [];
  while (bytes < target) {
    let line: string;
    if (lines > 1000 && lines % 997 === 0) line = recent[Math.floor(random() * recent.length)]!;
    else {
      const words = 110 + Math.floor(random() * 90);
      let note = `${pick(["Clinic", "Emergency department", "Telehealth", "Follow-up"])} visit. Age ${18 + Math.floor(random() * 75)}.`;
      for (let i = 0; i < words; i++) note += (i % 12 === 0 ? ". " : " ") + pick(WORDS);
      note += ` BP ${100 + Math.floor(random() * 70)}/${60 + Math.floor(random() * 35)}, HR ${55 + Math.floor(random() * 60)}.`;
      const codes = random() < 0.3 ? `${pick(CODES)}, ${pick(CODES)}` : pick(CODES);
      const answer = `${codes}. Rationale: the note documents ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} and nothing in it supports a more specific code.`;
      line = JSON.stringify({
        messages: [
          { role: "system", content: SYSTEM },
          { role: "user", content: note },
          { role: "assistant", content: answer },
        ],
      });
      if (recent.length < 100) recent.push(line);
      else recent[Math.floor(random() * 100)] = line;
    }
    const data = `${line}\n`;
    bytes += Buffer.byteLength(data);
    lines++;
    if (!out.write(data)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { bytes, lines };
}

/** Whether `file` holds what `writeSyntheticFile(file, megabytes)` writes (by its size), from an earlier --keep. */
async function isGenerated(file: string, megabytes: number): Promise<boolean> {
  try {
    const { size } = await stat(file);
    return size >= megabytes * MB && size < megabytes * MB + 4096;
  } catch {
    return false;
  }
}

interface ChildResult {
  ms: number;
  /** CPU time of the checking process (every thread), for reading throughput on a busy machine. */
  cpuMs: number;
  maxRssMb: number;
  examples: number;
  tokens: number;
  errors: number;
  warnings: number;
  encoding: string;
}

/** In the child: check the file and report time and peak RSS. */
async function runChild(file: string, model: string, workers: number | undefined): Promise<void> {
  // As `promptfirst`'s bin does before any command.
  limitHeapGrowth();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await loadTrainingDataReport(file, {
    baseModel: model,
    maxFindingsPerCode: 50,
    ...(workers !== undefined ? { workers } : {}),
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result: ChildResult = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    examples: report.examples,
    tokens: report.tokens.total,
    errors: report.errorCount,
    warnings: report.warningCount,
    encoding: report.tokens.encoding,
  };
  process.send?.(result);
}

function line(name: string, value: number, goal: string, ok: boolean, detail: string): void {
  process.stdout.write(`${ok ? "ok  " : "MISS"} ${name}: ${value.toFixed(3)} (goal ${goal}) — ${detail}\n`);
}

async function checkInChild(file: string, model: string, workers: string | undefined): Promise<ChildResult> {
  const args = ["--child", file, "--model", model, ...(workers !== undefined ? ["--workers", workers] : [])];
  const child = fork(process.argv[1]!, args, { stdio: "inherit" });
  const [message] = (await once(child, "message")) as [ChildResult];
  await once(child, "exit");
  return message;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      mb: { type: "string", default: "1024" },
      model: { type: "string", multiple: true },
      keep: { type: "string" },
      workers: { type: "string" },
    },
  });
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const models = values.model ?? ["meta-llama/Llama-3.1-8B-Instruct", "gpt-4.1-mini-2025-04-14"];
  if (values.child) {
    await runChild(values.child, models[0]!, workers);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-check-data-"));
  const file = values.keep ?? path.join(dir, "training.jsonl");
  try {
    const lines = (await isGenerated(file, Number(values.mb)))
      ? undefined
      : (await writeSyntheticFile(file, Number(values.mb))).lines;
    const bytes = (await stat(file)).size;
    process.stdout.write(
      `check-data: ${(bytes / MB).toFixed(0)} MB synthetic chat JSONL${lines === undefined ? " (kept from an earlier run)" : `, ${lines.toLocaleString("en-US")} examples`}\n`,
    );
    for (const model of models) {
      const result = await checkInChild(file, model, values.workers);
      const mbPerS = bytes / MB / (result.ms / 1000);
      const detail = `${model} (${result.encoding}): ${result.examples.toLocaleString("en-US")} examples, ${result.tokens.toLocaleString("en-US")} tokens, ${result.errors} errors, ${result.warnings} warnings`;
      line(
        `check-data throughput / goal (${GOAL_MB_PER_S} MB/s)`,
        mbPerS / GOAL_MB_PER_S,
        "≥ 1.00",
        mbPerS >= GOAL_MB_PER_S,
        `${mbPerS.toFixed(1)} MB/s in ${(result.ms / 1000).toFixed(1)} s (${(result.cpuMs / 1000).toFixed(1)} s of CPU); ${detail}`,
      );
      line(
        `check-data peak RSS / goal (${GOAL_PEAK_RSS_MB} MB)`,
        result.maxRssMb / GOAL_PEAK_RSS_MB,
        "≤ 1.00",
        result.maxRssMb <= GOAL_PEAK_RSS_MB,
        `${result.maxRssMb.toFixed(0)} MB peak resident memory of the checking process; ${model}`,
      );
    }
  } finally {
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

await main();
