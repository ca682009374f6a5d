/**
 * Comparisons for the report's tests and golden files, built with core's builders and compareRuns (the same
 * code `promptfirst compare` runs), plus hand-written prompt-first reports and DataReports where the scenario
 * needs them. Every fixture is validated against the Comparison schema.
 */
import {
  buildGate,
  buildRunResult,
  type CandidateSpec,
  type CaseSpec,
  type Comparison,
  compareRuns,
  comparisonSchema,
  computeVerdict,
  type Gate,
  type GateFinding,
  type RunResult,
  type RunSpec,
} from "@promptfirst/core";

/** The fixed clock of every fixture. */
export const FIXTURE_NOW = new Date("2026-11-25T12:00:00.000Z");

type PromptFirstReport = NonNullable<Comparison["promptFirst"]>;
type DataReport = NonNullable<Comparison["dataReports"]>[number];

const QUESTIONS = [
  "How do I reset my password?",
  "Can I get a refund after 30 days?",
  "Where is my invoice for March?",
  "The app crashes when I upload a photo",
  "How do I add a team member?",
  "Do you support SSO with Okta?",
  "I was charged twice this month",
  "How do I export my data?",
];

/** `n` support cases: inputs, expected answer keyword and cluster. */
export function makeCases(n: number, spec: (i: number) => Partial<CaseSpec> = () => ({})): CaseSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `case-${String(i + 1).padStart(3, "0")}`,
    vars: { question: QUESTIONS[i % QUESTIONS.length]!, customer: `tier-${(i % 3) + 1}` },
    expected: i % 2 === 0 ? "refund" : "settings",
    output: `Thanks for reaching out. Go to Settings → Account and follow the steps (answer ${i + 1}).`,
    ...spec(i),
  })).map((c) => ({
    ...c,
    reason:
      c.reason ??
      ((c.score ?? 1) >= 0.5
        ? "contains the expected keyword"
        : `output does not contain "${String(c.expected)}"`),
  }));
}

function run(spec: RunSpec, ref: string, sha: string): RunResult {
  return buildRunResult({ ...spec, git: { ref, sha }, configHash: "9f1c2e7a4b3d" });
}

/** Base and head runs and their comparison. */
export interface Scenario {
  base: RunResult;
  head: RunResult;
  comparison: Comparison;
}

function compare(
  base: RunResult,
  head: RunResult,
  thresholds: Parameters<typeof compareRuns>[2] = {},
): Comparison {
  return compareRuns(base, head, thresholds, {
    toolVersion: "0.1.0",
    now: () => FIXTURE_NOW,
    baseFile: ".promptfirst/base.json",
    headFile: ".promptfirst/head.json",
  });
}

/** Add a prompt-first report and its gate, and recompute the verdict (as the rule does). */
export function withPromptFirst(
  comparison: Comparison,
  report: PromptFirstReport,
  findings: GateFinding[],
): Comparison {
  const gate: Gate = buildGate(findings);
  const gates = { ...comparison.verdict.gates, promptFirst: gate };
  const out: Comparison = {
    ...comparison,
    thresholds: {
      ...comparison.thresholds,
      promptFirst: report.mode,
      minFineTuneGain: report.minFineTuneGain,
    },
    promptFirst: report,
    verdict: computeVerdict(gates, comparison.verdict.failOn),
  };
  return comparisonSchema.parse(out) as Comparison;
}

function notApplicable(comparison: Comparison): Comparison {
  const suites = comparison.suites.map((s) => ({
    suite: s.name,
    status: "not applicable" as const,
    target: s.target ?? null,
    volume: s.volume ?? null,
    reasons: ["no fine-tune candidate and no training data in this suite"],
    findings: [],
    recommendation: { kind: "none" as const, text: "No fine-tune is involved: nothing to decide." },
    bestPrompt: null,
    fineTunes: [],
    clusters: [],
    lifecycle: [],
    data: [],
  }));
  return withPromptFirst(
    comparison,
    {
      mode: "enforce",
      minFineTuneGain: 0.05,
      maxScoreDrop: 0.02,
      confidence: 0.95,
      today: "2026-11-25",
      status: "not applicable",
      summary: suites.map((s) => `${s.suite}: prompt`).join(" · "),
      suites,
    },
    suites.map((s) => ({
      suite: s.suite,
      status: "not applicable",
      message: `${s.suite}: no fine-tune candidate and no training data: the rule does not apply`,
    })),
  );
}

const SUPPORT_BASE: CandidateSpec[] = [
  { name: "prompt-v3", model: "gpt-4o-mini", costPerCallUsd: 0.0004, latencyMs: 900 },
  { name: "prompt-v3-mini", model: "gpt-4.1-nano", costPerCallUsd: 0.0001, latencyMs: 600 },
];

/** Everything holds: same scores, same cost. */
export function makePassScenario(): Scenario {
  const cases = makeCases(120, (i) => ({ score: i % 10 === 0 ? 0 : 1 }));
  const spec = (cands: CandidateSpec[]): RunSpec => ({
    suites: [
      { name: "support", target: 0.85, volume: 50_000, candidates: cands.map((c) => ({ ...c, cases })) },
    ],
  });
  const base = run(spec(SUPPORT_BASE), "main", "1a2b3c4d5e6f");
  const head = run(spec(SUPPORT_BASE), "feature/tone", "5d6e7f8a9b0c");
  return { base, head, comparison: notApplicable(compare(base, head)) };
}

/** Quality regresses: eight cases flip to failing, one improves, one is flaky. */
export function makeRegressionScenario(): Scenario {
  const baseCases = makeCases(120, (i) => ({ score: i % 10 === 0 ? 0 : 1 }));
  const headCases = makeCases(120, (i) => {
    if (i >= 1 && i <= 8)
      return {
        score: 0,
        output: `I'm sorry, I can't help with that. Please contact support (answer ${i + 1}).`,
        reason: `output does not contain "${i % 2 === 0 ? "refund" : "settings"}"`,
      };
    if (i === 10)
      return {
        score: 1,
        output: "You can request a refund within 60 days.",
        reason: "contains the expected keyword",
      };
    if (i === 11)
      return {
        samples: [
          { score: 1, output: "Settings → Team → Invite" },
          { score: 0, output: "I don't know.", reason: 'output does not contain "settings"' },
          { score: 1, output: "Settings → Team → Invite" },
        ],
      };
    return { score: i % 10 === 0 ? 0 : 1 };
  });
  const base = run(
    {
      suites: [
        {
          name: "support",
          target: 0.85,
          volume: 50_000,
          candidates: [{ ...SUPPORT_BASE[0]!, cases: baseCases }],
        },
      ],
    },
    "main",
    "1a2b3c4d5e6f",
  );
  const head = run(
    {
      suites: [
        {
          name: "support",
          target: 0.85,
          volume: 50_000,
          candidates: [{ ...SUPPORT_BASE[0]!, cases: headCases }],
        },
      ],
    },
    "feature/shorter-prompt",
    "5d6e7f8a9b0c",
  );
  return { base, head, comparison: notApplicable(compare(base, head)) };
}

/** Cost fails: the head switches to a model 60% dearer per call; quality holds. */
export function makeCostFailScenario(): Scenario {
  const cases = makeCases(120, (i) => ({ score: i % 10 === 0 ? 0 : 1 }));
  const base = run(
    {
      suites: [
        { name: "support", target: 0.85, volume: 50_000, candidates: [{ ...SUPPORT_BASE[0]!, cases }] },
      ],
    },
    "main",
    "1a2b3c4d5e6f",
  );
  const head = run(
    {
      suites: [
        {
          name: "support",
          target: 0.85,
          volume: 50_000,
          candidates: [
            { ...SUPPORT_BASE[0]!, model: "gpt-4.1-mini", costPerCallUsd: 0.00064, latencyMs: 1400, cases },
          ],
        },
      ],
    },
    "feature/bigger-model",
    "5d6e7f8a9b0c",
  );
  return { base, head, comparison: notApplicable(compare(base, head)) };
}

/** A DataReport for a chat fine-tuning file. */
export function makeDataReport(overrides: Partial<DataReport> = {}): DataReport {
  return {
    schemaVersion: 1,
    file: "training/coding.jsonl",
    format: "chat",
    baseModel: "meta-llama/Llama-3.1-8B-Instruct",
    status: "pass",
    examples: 2000,
    invalidLines: 0,
    lines: 2000,
    errorCount: 0,
    warningCount: 0,
    findings: [],
    findingCounts: [],
    maxFindingsPerCode: 20,
    tokens: {
      encoding: "o200k_base",
      approximate: true,
      approximateReason: "Llama 3.1's tokenizer is not bundled: counts use o200k_base",
      total: 1_240_000,
      billedPerEpoch: 1_240_000,
      billed: 3_720_000,
      min: 120,
      median: 580,
      p95: 1400,
      max: 2900,
      mean: 620,
      contextLimit: 131072,
      contextLimitSource: "built-in",
      overLimit: 0,
    },
    epochs: { value: 3, source: "assumed", rule: "3 epochs unless configured" },
    cost: { usd: 1.86, pricePerMTok: 0.5, priceSource: "config", reason: null },
    quality: {
      duplicates: { count: 0, pairs: [] },
      nearDuplicates: { count: 0, pairs: [] },
      contradictions: { count: 0, pairs: [] },
      leakage: { count: 0, casesChecked: 80, examples: [] },
      systemPrompts: {
        distinct: 1,
        distinctCapped: false,
        withoutSystem: 0,
        shareWithout: 0,
        mostCommonShare: 1,
        mostCommonLine: 1,
      },
      shortAnswers: { count: 0, maxWords: 3, medianAnswerWords: 6, flagged: false },
      complete: true,
      capacity: 1_000_000,
    },
    diff: {
      baseFile: "training/coding.jsonl",
      baseExamples: 1980,
      added: 24,
      removed: 4,
      changed: 3,
      unchanged: 1973,
      addedLines: [1977, 1978],
      removedLines: [40],
      changedLines: [{ line: 12, baseLine: 12 }],
    },
    ...overrides,
  };
}

function codingCases(n: number, score: (i: number) => number, prefix: string): CaseSpec[] {
  const clusters = ["cardiology", "orthopedics", "oncology", "dermatology"];
  return Array.from({ length: n }, (_, i) => ({
    id: `note-${String(i + 1).padStart(3, "0")}`,
    vars: { note: `Patient presents with symptoms (record ${i + 1})` },
    expected: `I${String(10 + (i % 40)).padStart(2, "0")}.${i % 10}`,
    cluster: clusters[i % clusters.length]!,
    score: score(i),
    output: `${prefix} I${String(10 + (i % 40)).padStart(2, "0")}.${i % 10}`,
    reason: score(i) >= 0.5 ? "code matches" : "code differs",
  }));
}

/** A fine-tune that does not beat the prompt, trained on data with errors: the rule is violated. */
export function makePromptFirstViolationScenario(): Scenario {
  const prompt = codingCases(80, (i) => (i % 5 === 0 ? 0 : 1), "Code:");
  const fineTune = codingCases(80, (i) => (i % 5 === 0 || i % 7 === 0 ? 0 : 1), "ICD:");
  const suite = (cands: CandidateSpec[]): RunSpec => ({
    suites: [{ name: "coding", target: 0.9, volume: 20_000, candidates: cands }],
  });
  const cands: CandidateSpec[] = [
    { name: "prompt-kb", model: "gpt-4.1", costPerCallUsd: 0.004, latencyMs: 2100, cases: prompt },
    {
      name: "coding-ft",
      kind: "fine-tune",
      model: "acme/Llama-3.1-8B-coding-lora",
      costPerCallUsd: 0.0006,
      latencyMs: 700,
      cases: fineTune,
    },
  ];
  const base = run(suite(cands), "main", "1a2b3c4d5e6f");
  const head = run(suite(cands), "feature/more-training-data", "5d6e7f8a9b0c");
  const data = makeDataReport({
    status: "fail",
    examples: 196,
    invalidLines: 4,
    lines: 200,
    errorCount: 6,
    warningCount: 3,
    findings: [
      {
        line: 17,
        code: "invalid_json",
        severity: "error",
        message: "not valid JSON: Unexpected token } at column 88",
      },
      {
        line: 42,
        code: "missing_assistant",
        severity: "error",
        message: "no assistant message: nothing to learn from",
      },
      {
        line: 77,
        code: "eval_leakage",
        severity: "error",
        message: "the user message is eval case coding/note-012's input",
      },
      {
        line: 90,
        code: "invalid_json",
        severity: "error",
        message: "not valid JSON: Unterminated string at column 12",
      },
      {
        line: 133,
        code: "contradiction",
        severity: "warning",
        message: "same input as line 12 with a different answer",
      },
      {
        line: null,
        code: "too_few_examples",
        severity: "warning",
        message:
          "196 examples: 50–100 clear, consistent ones can be enough, but fewer than 200 rarely beat a good prompt",
      },
    ],
    findingCounts: [
      { code: "invalid_json", severity: "error", count: 4, stored: 2 },
      { code: "missing_assistant", severity: "error", count: 1, stored: 1 },
      { code: "eval_leakage", severity: "error", count: 1, stored: 1 },
    ],
    quality: {
      ...makeDataReport().quality,
      contradictions: { count: 1, pairs: [{ line: 133, otherLine: 12 }] },
      duplicates: {
        count: 2,
        pairs: [
          { line: 150, otherLine: 3 },
          { line: 151, otherLine: 4 },
        ],
      },
      leakage: {
        count: 1,
        casesChecked: 80,
        examples: [
          { line: 77, suite: "coding", caseId: "note-012", source: "evals/coding.jsonl", kind: "exact" },
        ],
      },
    },
    cost: { usd: 0.17, pricePerMTok: 0.5, priceSource: "config", reason: null },
    diff: {
      baseFile: "training/coding.jsonl",
      baseExamples: 150,
      added: 50,
      removed: 4,
      changed: 0,
      unchanged: 146,
      addedLines: [151, 152],
      removedLines: [40],
      changedLines: [],
    },
  });
  const comparison = compare(base, head);
  const report: PromptFirstReport = {
    mode: "enforce",
    minFineTuneGain: 0.05,
    maxScoreDrop: 0.02,
    confidence: 0.95,
    today: "2026-11-25",
    status: "violated",
    summary: "coding: improve the prompt or the data",
    suites: [
      {
        suite: "coding",
        status: "violated",
        target: 0.9,
        volume: 20_000,
        reasons: [
          "coding / coding-ft: -8.8 points against prompt-kb (95% CI -15.4 to -2.1): a fine-tune must gain 5.0 points",
          "training/coding.jsonl: 1 example contains an eval case (line 77): the eval would measure memory",
        ],
        findings: [
          {
            rule: 3,
            severity: "violation",
            candidate: "coding-ft",
            message:
              "coding / coding-ft: -8.8 points against prompt-kb (95% CI -15.4 to -2.1): a fine-tune must gain 5.0 points",
          },
          {
            rule: 5,
            severity: "violation",
            file: "training/coding.jsonl",
            message:
              "training/coding.jsonl: 1 example contains an eval case (line 77): the eval would measure memory",
          },
          {
            rule: 5,
            severity: "warning",
            file: "training/coding.jsonl",
            message:
              "training/coding.jsonl: 196 examples; fewer than 200 mediocre examples rarely beat a good prompt",
          },
          { rule: 2, severity: "info", message: "prompt-kb scores 80.0%, below the 90.0% target" },
        ],
        recommendation: {
          kind: "improve",
          text: "Neither the prompt (80.0%) nor the fine-tune (71.3%) reaches 90.0%: fix the training data (6 errors) and improve the prompt before training again.",
        },
        bestPrompt: {
          candidate: "prompt-kb",
          model: "gpt-4.1",
          score: 0.8,
          stdErr: 0.045,
          scored: 80,
          costPerCallUsd: 0.004,
          reachesTarget: false,
        },
        fineTunes: [
          {
            candidate: "coding-ft",
            model: "acme/Llama-3.1-8B-coding-lora",
            baseModel: "meta-llama/Llama-3.1-8B-Instruct",
            trainingData: "training/coding.jsonl",
            trained: true,
            dataChanged: true,
            score: 0.7125,
            stdErr: 0.051,
            gain: { n: 80, meanDiff: -0.0875, ciLow: -0.154, ciHigh: -0.021, clustered: true },
            requiredScore: 0.9,
            beatsPrompt: false,
            reachesTarget: false,
            costs: {
              trainingUsd: 0.17,
              trainingSource: "data report",
              trainingReason: null,
              monthlyInferenceUsd: 12,
              inferenceReason: null,
              promptMonthlyUsd: 80,
              monthlyDeltaUsd: -68,
              paybackMonths: 0.0025,
              costPerPointUsd: null,
              horizonMonths: 12,
            },
          },
        ],
        clusters: [],
        lifecycle: [],
        data: [],
      },
    ],
  };
  const withData: Comparison = { ...comparison, dataReports: [data] };
  return {
    base,
    head,
    comparison: withPromptFirst(withData, report, [
      {
        suite: "coding",
        candidate: "coding-ft",
        status: "fail",
        message: report.suites[0]!.findings[0]!.message,
      },
      { suite: "coding", status: "fail", message: report.suites[0]!.findings[1]!.message },
    ]),
  };
}

/** Medical coding: the best prompt falls short, a LoRA fine-tune added by the change beats it widely and pays back. */
export function makeFineTuneJustifiedScenario(): Scenario {
  const prompt = codingCases(80, (i) => (i % 3 === 0 ? 0 : 1), "Code:");
  const fineTune = codingCases(80, (i) => (i % 16 === 0 ? 0 : 1), "ICD:");
  const promptCandidate: CandidateSpec = {
    name: "prompt-kb",
    model: "gpt-4.1",
    costPerCallUsd: 0.004,
    latencyMs: 2100,
    cases: prompt,
  };
  const base = run(
    { suites: [{ name: "icd10", target: 0.9, volume: 100_000, candidates: [promptCandidate] }] },
    "main",
    "1a2b3c4d5e6f",
  );
  const head = run(
    {
      suites: [
        {
          name: "icd10",
          target: 0.9,
          volume: 100_000,
          candidates: [
            promptCandidate,
            {
              name: "icd10-ft",
              kind: "fine-tune",
              model: "acme/Llama-3.1-8B-icd10-lora",
              costPerCallUsd: 0.0009,
              latencyMs: 800,
              cases: fineTune,
            },
          ],
        },
      ],
    },
    "feature/icd10-finetune",
    "5d6e7f8a9b0c",
  );
  const comparison = {
    ...compare(base, head),
    dataReports: [makeDataReport({ file: "training/icd10.jsonl" })],
  };
  const gain =
    "icd10 / icd10-ft: +27.5 points over prompt-kb (95% CI +17.1 to +37.9), more than the 5.0 required";
  const cost =
    "icd10 / icd10-ft: $90 a month against $400 for prompt-kb at 100,000 calls; training ($1.86) pays back in under a month";
  const report: PromptFirstReport = {
    mode: "enforce",
    minFineTuneGain: 0.05,
    maxScoreDrop: 0.02,
    confidence: 0.95,
    today: "2026-11-25",
    status: "holds",
    summary: "icd10: fine-tune",
    suites: [
      {
        suite: "icd10",
        status: "holds",
        target: 0.9,
        volume: 100_000,
        reasons: [gain, cost],
        findings: [
          {
            rule: 1,
            severity: "info",
            message: "icd10: prompt-kb is the prompt baseline, evaluated on the same 80 cases",
          },
          { rule: 3, severity: "info", candidate: "icd10-ft", message: gain },
          { rule: 4, severity: "info", candidate: "icd10-ft", message: cost },
          {
            rule: 5,
            severity: "info",
            file: "training/icd10.jsonl",
            message: "training/icd10.jsonl: 2,000 examples pass every check",
          },
        ],
        recommendation: {
          kind: "fine-tune",
          text: "Fine-tune: icd10-ft reaches 93.8% against 66.3% for the best prompt and costs less per call. Keep the prompt for cardiology, where it suffices.",
        },
        bestPrompt: {
          candidate: "prompt-kb",
          model: "gpt-4.1",
          score: 0.6625,
          stdErr: 0.053,
          scored: 80,
          costPerCallUsd: 0.004,
          reachesTarget: false,
        },
        fineTunes: [
          {
            candidate: "icd10-ft",
            model: "acme/Llama-3.1-8B-icd10-lora",
            baseModel: "meta-llama/Llama-3.1-8B-Instruct",
            trainingData: "training/icd10.jsonl",
            trained: true,
            dataChanged: true,
            score: 0.9375,
            stdErr: 0.027,
            gain: { n: 80, meanDiff: 0.275, ciLow: 0.171, ciHigh: 0.379, clustered: true },
            requiredScore: 0.9,
            beatsPrompt: true,
            reachesTarget: true,
            costs: {
              trainingUsd: 1.86,
              trainingSource: "data report",
              trainingReason: null,
              monthlyInferenceUsd: 90,
              inferenceReason: null,
              promptMonthlyUsd: 400,
              monthlyDeltaUsd: -310,
              paybackMonths: 0.006,
              costPerPointUsd: -135.2,
              horizonMonths: 12,
            },
          },
        ],
        clusters: [
          {
            cluster: "cardiology",
            n: 20,
            bestPromptScore: 0.95,
            stdErr: 0.05,
            target: 0.9,
            status: "suffices",
            fineTune: { candidate: "icd10-ft", score: 0.95 },
          },
          {
            cluster: "orthopedics",
            n: 20,
            bestPromptScore: 0.65,
            stdErr: 0.11,
            target: 0.9,
            status: "falls short",
            fineTune: { candidate: "icd10-ft", score: 0.95 },
          },
          {
            cluster: "oncology",
            n: 20,
            bestPromptScore: 0.4,
            stdErr: 0.11,
            target: 0.9,
            status: "falls short",
            fineTune: { candidate: "icd10-ft", score: 0.9 },
          },
          {
            cluster: "dermatology",
            n: 20,
            bestPromptScore: 0.65,
            stdErr: 0.11,
            target: 0.9,
            status: "falls short",
            fineTune: { candidate: "icd10-ft", score: 0.95 },
          },
        ],
        lifecycle: [],
        data: [],
      },
    ],
  };
  return {
    base,
    head,
    comparison: withPromptFirst(comparison, report, [
      { suite: "icd10", candidate: "icd10-ft", status: "pass", message: gain },
      { suite: "icd10", candidate: "icd10-ft", status: "pass", message: cost },
    ]),
  };
}

/**
 * A retiring OpenAI fine-tune: the change adds a prompt candidate on a current model that matches it; the rule
 * warns with the days left.
 */
export function makeModelShutdownScenario(): Scenario {
  const cases = makeCases(200, (i) => ({ score: i % 12 === 0 ? 0 : 1 }));
  const ft: CandidateSpec = {
    name: "support-ft",
    kind: "fine-tune",
    model: "ft:gpt-4o-mini-2024-07-18:acme:support:8abc",
    costPerCallUsd: 0.0006,
    latencyMs: 700,
    cases,
  };
  const prompt: CandidateSpec = {
    name: "prompt-v4",
    model: "gpt-4.1-mini",
    costPerCallUsd: 0.0008,
    latencyMs: 900,
    cases: makeCases(200, (i) => ({ score: i % 12 === 0 || i === 7 ? 0 : 1 })),
  };
  const base = run(
    { suites: [{ name: "support", target: 0.85, volume: 50_000, candidates: [ft] }] },
    "main",
    "1a2b3c4d5e6f",
  );
  const head = run(
    { suites: [{ name: "support", target: 0.85, volume: 50_000, candidates: [ft, prompt] }] },
    "feature/replace-retiring-finetune",
    "5d6e7f8a9b0c",
  );
  const shutdown =
    "support / support-ft: ft:gpt-4o-mini-2024-07-18:acme:support:8abc shuts down on 2027-01-14 (50 days left); prompt-v4 on gpt-4.1-mini matches it (-0.5 points, 95% CI -1.5 to +0.5)";
  const report: PromptFirstReport = {
    mode: "enforce",
    minFineTuneGain: 0.05,
    maxScoreDrop: 0.02,
    confidence: 0.95,
    today: "2026-11-25",
    status: "warning",
    summary: "support: prompt",
    suites: [
      {
        suite: "support",
        status: "warning",
        target: 0.85,
        volume: 50_000,
        reasons: [shutdown],
        findings: [
          { rule: 9, severity: "warning", candidate: "support-ft", message: shutdown },
          {
            rule: 2,
            severity: "info",
            message: "support: prompt-v4 reaches the 85.0% target (91.2%): fine-tuning is not needed",
          },
        ],
        recommendation: {
          kind: "prompt",
          text: "Switch to prompt-v4 before 2027-01-14: it matches support-ft within 2 points on a model with no announced shutdown, for $10 more a month.",
        },
        bestPrompt: {
          candidate: "prompt-v4",
          model: "gpt-4.1-mini",
          score: 0.9125,
          stdErr: 0.02,
          scored: 200,
          costPerCallUsd: 0.0008,
          reachesTarget: true,
        },
        fineTunes: [],
        clusters: [],
        lifecycle: [
          {
            candidate: "support-ft",
            kind: "fine-tune",
            model: "gpt-4o-mini-2024-07-18",
            shutdownDate: "2027-01-14",
            daysLeft: 50,
            matchedBy: {
              candidate: "prompt-v4",
              model: "gpt-4.1-mini",
              meanDiff: -0.005,
              ciLow: -0.015,
              ciHigh: 0.005,
              n: 200,
              verdict: "matches",
            },
            message: shutdown,
          },
        ],
        data: [],
      },
    ],
  };
  return {
    base,
    head,
    comparison: withPromptFirst(compare(base, head), report, [
      { suite: "support", candidate: "support-ft", status: "warn", message: shutdown },
    ]),
  };
}

/**
 * Evidence missing: a candidate skipped for want of an API key, a suite too small to decide (inconclusive), a
 * new suite with no base, and an unknown price.
 */
export function makeNotEvaluatedScenario(): Scenario {
  const small = makeCases(6, (i) => ({ score: i === 2 ? 0.4 : 1 }));
  const smallHead = makeCases(6, (i) => ({ score: i === 2 ? 0 : i === 4 ? 0.6 : 1 }));
  const base = run(
    {
      suites: [
        {
          name: "triage",
          target: 0.8,
          candidates: [
            { name: "prompt-v1", model: "gpt-4o-mini", cases: small },
            { name: "together-llama", model: "meta-llama/Llama-3.3-70B-Instruct-Turbo", cases: small },
          ],
        },
      ],
    },
    "main",
    "1a2b3c4d5e6f",
  );
  const head = run(
    {
      suites: [
        {
          name: "triage",
          target: 0.8,
          candidates: [
            { name: "prompt-v1", model: "gpt-4o-mini", cases: smallHead },
            {
              name: "together-llama",
              model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
              skipped: "no API key: TOGETHER_API_KEY is not set (pull requests from forks get no secrets)",
            },
          ],
        },
        {
          name: "summaries",
          candidates: [
            { name: "prompt-v1", model: "my-local-model", costPerCallUsd: null, cases: makeCases(5) },
          ],
        },
      ],
    },
    "feature/triage-wording",
    "5d6e7f8a9b0c",
  );
  return { base, head, comparison: notApplicable(compare(base, head)) };
}

/** Model outputs and names written to break a report: tables, HTML, fences, mentions, markers, control characters. */
export const HOSTILE_OUTPUTS = [
  "a | b | c\n| --- | --- |\n| x | y |",
  '<img src=x onerror="alert(1)"> <script>alert(document.cookie)</script> <iframe src="https://evil.example"></iframe>',
  "</details></details><details open><summary>pwned</summary>\n\n# Owned\n</td></tr></table>",
  "```\n</details>\n```\n````` five\n~~~~ tilde\n``` ",
  "@team please look, cc @acme/security, fixes #123, see acme/repo#45 and GH-99, mail a@b.example, www.evil.example, https://evil.example/x",
  "<!-- promptfirst:comment key=pr-check/evaluate/promptfirst.yaml --> hidden marker",
  "nul\u0000 esc\u001b[31m red \u202e reversed \ud800 lone surrogate",
  "[click me](javascript:alert(1)) ![tracker](https://evil.example/p.png) <a href='https://evil.example'>link</a>",
  "&lt;script&gt; already escaped &amp; **bold** _em_ ~~strike~~ \\| backslash-pipe",
];

/** Options of makeAdversarialScenario. */
export interface AdversarialOptions {
  /** Regressed cases (default 40). */
  cases?: number;
  /** Length of the one very long output (default 100,000 characters). */
  longOutputChars?: number;
}

/**
 * A comparison whose every untrusted field is hostile: suite, candidate and case names with pipes, HTML and
 * mentions; regressions whose outputs, inputs and reasons carry HOSTILE_OUTPUTS; one output of 100k characters.
 */
export function makeAdversarialScenario(options: AdversarialOptions = {}): Scenario {
  const n = options.cases ?? 40;
  const long = "long line with | pipes and <b>tags</b> and @team "
    .repeat(Math.ceil((options.longOutputChars ?? 100_000) / 49))
    .slice(0, options.longOutputChars ?? 100_000);
  const hostile = (i: number): string => (i === 0 ? long : HOSTILE_OUTPUTS[i % HOSTILE_OUTPUTS.length]!);
  const id = (i: number): string => (i === 1 ? "case`|<b>1</b>@team#12" : `case-${i}`);
  const baseCases: CaseSpec[] = Array.from({ length: n }, (_, i) => ({
    id: id(i),
    vars: { question: hostile(i + 1), html: "<script>alert(1)</script>" },
    expected: "<b>expected</b> | @team",
    cluster: i % 2 === 0 ? "<i>c|1</i>" : "@org/team",
    score: 1,
    output: hostile(i + 2),
    reason: `base reason ${hostile(i + 3)}`,
  }));
  const headCases: CaseSpec[] = baseCases.map((c, i) => ({
    ...c,
    score: 0,
    output: hostile(i),
    reason: `head reason ${hostile(i + 4)}`,
  }));
  const suite = "sup|port <b>@team</b>";
  const candidate = "cand|<script>x</script>@team";
  const base = run(
    {
      suites: [
        {
          name: suite,
          target: 0.9,
          volume: 1000,
          candidates: [{ name: candidate, model: "<b>model</b>|x", cases: baseCases }],
        },
      ],
    },
    "main",
    "1a2b3c4d5e6f",
  );
  const head = run(
    {
      suites: [
        {
          name: suite,
          target: 0.9,
          volume: 1000,
          candidates: [{ name: candidate, model: "<b>model</b>|x", cases: headCases }],
        },
      ],
    },
    "feature/<img src=x>|@team",
    "5d6e7f8a9b0c",
  );
  const comparison = compare(base, head);
  comparison.warnings.push("warning with <script>alert(1)</script> and @team and #7");
  return { base, head, comparison: notApplicable(comparison) };
}
