/**
 * Builders for the prompt-first tests: runs with fine-tune candidates (trained or not) and DataReports, on top
 * of the compare builders. Not exported from the package.
 */
import { buildRunResult, type CandidateSpec, type CaseSpec, type SuiteSpec } from "../compare/builders.ts";
import { compareRuns } from "../compare/compare-runs.ts";
import type { Comparison } from "../compare/schema.ts";
import type { CandidateResult, RunResult } from "../result/schema.ts";
import { DATA_REPORT_SCHEMA_VERSION, type DataReport, dataReportSchema } from "../training/report.ts";
import { type EvaluatePromptFirstInput, evaluatePromptFirst } from "./evaluate.ts";
import type { PromptFirstReport } from "./schema.ts";

/** 2026-11-26: 49 days before OpenAI's 2027-01-14 shutdown of fine-tuned gpt-4o-mini models. */
export const TODAY = new Date("2026-11-26T09:30:00.000Z");

/** `count` cases `id-0…`, scored 1 when `pass(i)`, else 0, with an optional cluster per case. */
export function buildCases(
  count: number,
  pass: (i: number) => boolean,
  cluster?: (i: number) => string,
): CaseSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `case-${i}`,
    score: pass(i) ? 1 : 0,
    ...(cluster ? { cluster: cluster(i) } : {}),
  }));
}

/** A fine-tune candidate: trained when `model` is set (evaluated on `cases`), else skipped as untrained. */
export interface FineTuneSpec {
  name: string;
  baseModel?: string;
  trainingData?: string;
  model?: string;
  cases?: CaseSpec[];
  costPerCallUsd?: number | null;
  trainingPricePerMTok?: number;
  hostingPerHour?: number;
  epochs?: number;
}

/** A suite with prompt candidates and fine-tunes. */
export interface RuleSuiteSpec extends Omit<SuiteSpec, "candidates"> {
  prompts?: CandidateSpec[];
  fineTunes?: FineTuneSpec[];
}

/** A RunResult with prompt and fine-tune candidates, as `promptfirst eval` writes it. */
export function buildRuleRun(suites: RuleSuiteSpec[], options: { sha?: string } = {}): RunResult {
  const run = buildRunResult({
    git: { ref: "head", sha: options.sha ?? "abcdef0123456" },
    suites: suites.map((s) => ({
      name: s.name,
      ...(s.target === undefined ? {} : { target: s.target }),
      ...(s.volume === undefined ? {} : { volume: s.volume }),
      candidates: [
        ...(s.prompts ?? []),
        ...(s.fineTunes ?? []).map(
          (f): CandidateSpec => ({
            name: f.name,
            kind: "fine-tune",
            ...(f.model ? { model: f.model, cases: f.cases ?? [] } : { skipped: "not trained yet" }),
            ...(f.costPerCallUsd === undefined ? {} : { costPerCallUsd: f.costPerCallUsd }),
          }),
        ),
      ],
    })),
  });
  for (const s of suites) {
    for (const f of s.fineTunes ?? []) {
      const candidate = run.suites[s.name]!.candidates[f.name]!;
      const fineTune: NonNullable<CandidateResult["fineTune"]> = {
        baseModel: f.baseModel ?? "meta-llama/Llama-3.1-8B-Instruct",
        trainingData: f.trainingData ?? `training/${s.name}.jsonl`,
      };
      if (f.model) fineTune.model = f.model;
      else delete candidate.model;
      if (f.trainingPricePerMTok !== undefined) fineTune.trainingPricePerMTok = f.trainingPricePerMTok;
      if (f.hostingPerHour !== undefined) fineTune.hostingPerHour = f.hostingPerHour;
      if (f.epochs !== undefined) fineTune.epochs = f.epochs;
      candidate.fineTune = fineTune;
      // Served by a host that follows no OpenAI schedule, unless the model is OpenAI's.
      if (!f.model?.startsWith("ft:")) candidate.baseURL = "https://api.together.xyz/v1";
    }
  }
  return run;
}

/** What a DataReport in a test says. */
export interface DataReportSpec {
  examples?: number;
  /** Errors other than leakage, by code. */
  errors?: Array<{ code: string; line: number; message: string }>;
  /** Leaked eval cases. */
  leaks?: Array<{ line: number; suite: string; caseId: string }>;
  warnings?: number;
  costUsd?: number | null;
  billedPerEpoch?: number;
  epochs?: number;
  diff?: { added: number; removed: number; changed: number };
}

/** A valid DataReport for `file`. */
export function buildDataReport(file: string, spec: DataReportSpec = {}): DataReport {
  const examples = spec.examples ?? 200;
  const errors = spec.errors ?? [];
  const leaks = spec.leaks ?? [];
  const epochs = spec.epochs ?? 3;
  const billedPerEpoch = spec.billedPerEpoch ?? 100_000;
  const findings = [
    ...errors.map((e) => ({ line: e.line, code: e.code, severity: "error" as const, message: e.message })),
    ...leaks.map((l) => ({
      line: l.line,
      code: "leakage",
      severity: "error" as const,
      message: `the input is eval case "${l.caseId}" of suite "${l.suite}"`,
    })),
  ];
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  const errorCount = findings.length;
  const warningCount = spec.warnings ?? 0;
  const costUsd = spec.costUsd === undefined ? 0.9 : spec.costUsd;
  return dataReportSchema.parse({
    schemaVersion: DATA_REPORT_SCHEMA_VERSION,
    file,
    format: "chat",
    baseModel: null,
    status: errorCount > 0 ? "fail" : warningCount > 0 ? "warn" : "pass",
    examples,
    invalidLines: 0,
    lines: examples,
    errorCount,
    warningCount,
    findings,
    findingCounts: [...counts].map(([code, count]) => ({ code, severity: "error", count, stored: count })),
    maxFindingsPerCode: 20,
    tokens: {
      encoding: "o200k_base",
      approximate: false,
      approximateReason: null,
      total: billedPerEpoch,
      billedPerEpoch,
      billed: billedPerEpoch * epochs,
      min: 10,
      median: 100,
      p95: 300,
      max: 400,
      mean: 120,
      contextLimit: null,
      contextLimitSource: null,
      overLimit: 0,
    },
    epochs: { value: epochs, source: "config", rule: "set in the config" },
    cost: {
      usd: costUsd,
      pricePerMTok: costUsd === null ? null : 3,
      priceSource: costUsd === null ? null : "test",
      reason: costUsd === null ? "no training price is known" : null,
    },
    quality: {
      duplicates: { count: 0, pairs: [] },
      nearDuplicates: { count: 0, pairs: [] },
      contradictions: { count: 0, pairs: [] },
      leakage: {
        count: leaks.length,
        casesChecked: 100,
        examples: leaks.map((l) => ({ ...l, source: null, kind: "exact" as const })),
      },
      systemPrompts: {
        distinct: 1,
        distinctCapped: false,
        withoutSystem: 0,
        shareWithout: 0,
        mostCommonShare: 1,
        mostCommonLine: 1,
      },
      shortAnswers: { count: 0, maxWords: 3, medianAnswerWords: 40, flagged: false },
      complete: true,
      capacity: 1_000_000,
    },
    diff: spec.diff
      ? {
          baseFile: `${file} (base)`,
          baseExamples: examples - spec.diff.added + spec.diff.removed,
          ...spec.diff,
          unchanged: examples - spec.diff.added - spec.diff.changed,
          addedLines: [],
          removedLines: [],
          changedLines: [],
        }
      : null,
  });
}

/** Evaluate the rule on `head` (compared with itself unless `base` is given), with the defaults of the product. */
export function evaluateRule(
  head: RunResult,
  options: Partial<Omit<EvaluatePromptFirstInput, "head" | "comparison">> = {},
): { report: PromptFirstReport; comparison: Comparison } {
  const base = options.base ?? head;
  const comparison = compareRuns(base, head, {}, { now: () => TODAY });
  const report = evaluatePromptFirst({
    head,
    base,
    comparison,
    dataReports: [],
    changedTrainingFiles: [],
    mode: "enforce",
    minFineTuneGain: 0.05,
    maxScoreDrop: 0.02,
    confidence: 0.95,
    today: TODAY,
    ...options,
  });
  return { report, comparison };
}
