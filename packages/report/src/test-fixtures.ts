/**
 * Comparisons for the report's tests and golden files, built with core's builders, compareRuns and its
 * prompt-first rule (evaluatePromptFirst, applyPromptFirst): the same code `promptfirst compare` runs, so every
 * figure a golden file shows comes from one computation. Only the DataReports (the output of `check-data`) are
 * written by hand, consistent with themselves. Every fixture is validated against the Comparison schema.
 */
import {
  applyPromptFirst,
  buildRunResult,
  type CandidateResult,
  type CandidateSpec,
  type CaseSpec,
  type Comparison,
  compareRuns,
  comparisonSchema,
  evaluatePromptFirst,
  type RunResult,
  type RunSpec,
} from "@promptfirst/core";

/** The fixed clock of every fixture. */
export const FIXTURE_NOW = new Date("2026-11-25T12:00:00.000Z");

type DataReport = NonNullable<Comparison["dataReports"]>[number];
type FineTuneSettings = NonNullable<CandidateResult["fineTune"]>;

/** The config hashes of base and head: the change edits the config or a file it references. */
export const BASE_CONFIG_HASH = "9f1c2e7a4b3d";
export const HEAD_CONFIG_HASH = "c47e0d2a9b15";

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

function run(
  spec: RunSpec,
  ref: string,
  sha: string,
  configHash: string,
  fineTunes: Readonly<Record<string, FineTuneSettings>> = {},
): RunResult {
  const result = buildRunResult({ ...spec, git: { ref, sha }, configHash });
  // A fine-tune's settings (`fineTune:` in the config), which the builders do not take.
  for (const suite of Object.values(result.suites)) {
    for (const candidate of Object.values(suite.candidates)) {
      const settings = fineTunes[candidate.name];
      if (settings) candidate.fineTune = { ...settings };
    }
  }
  return result;
}

function runBase(spec: RunSpec, fineTunes?: Readonly<Record<string, FineTuneSettings>>): RunResult {
  return run(spec, "main", "1a2b3c4d5e6f", BASE_CONFIG_HASH, fineTunes);
}

function runHead(
  spec: RunSpec,
  ref: string,
  fineTunes?: Readonly<Record<string, FineTuneSettings>>,
): RunResult {
  return run(spec, ref, "5d6e7f8a9b0c", HEAD_CONFIG_HASH, fineTunes);
}

/** Base and head runs and their comparison. */
export interface Scenario {
  base: RunResult;
  head: RunResult;
  comparison: Comparison;
}

/** What the prompt-first rule reads besides the runs. */
interface RuleInputs {
  dataReports?: DataReport[];
  /** Training files the change touches. */
  changedTrainingFiles?: string[];
}

/**
 * Compare two runs and apply core's prompt-first rule (enforce, fail on any gate), as `promptfirst compare`
 * does; the result is checked against the Comparison schema.
 */
function compareWithRule(base: RunResult, head: RunResult, inputs: RuleInputs = {}): Scenario {
  const compared = compareRuns(
    base,
    head,
    {},
    {
      toolVersion: "0.1.0",
      now: () => FIXTURE_NOW,
      baseFile: ".promptfirst/base.json",
      headFile: ".promptfirst/head.json",
    },
  );
  const dataReports = inputs.dataReports ?? [];
  const report = evaluatePromptFirst({
    head,
    base,
    comparison: compared,
    dataReports,
    changedTrainingFiles: inputs.changedTrainingFiles ?? [],
    mode: "enforce",
    minFineTuneGain: 0.05,
    maxScoreDrop: compared.thresholds.maxScoreDrop,
    confidence: compared.thresholds.confidence,
    today: FIXTURE_NOW,
  });
  const comparison = applyPromptFirst(compared, report, dataReports, "enforce", compared.verdict.failOn);
  return { base, head, comparison: comparisonSchema.parse(comparison) as Comparison };
}

const SUPPORT_BASE: CandidateSpec[] = [
  { name: "prompt-v3", model: "gpt-5.4-mini", costPerCallUsd: 0.0004, latencyMs: 900 },
  { name: "prompt-v3-mini", model: "gpt-5.4-nano", costPerCallUsd: 0.0001, latencyMs: 600 },
];

/** Everything holds: same scores, same cost (the change rewords a prompt). */
export function makePassScenario(): Scenario {
  const cases = makeCases(120, (i) => ({ score: i % 10 === 0 ? 0 : 1 }));
  const spec = (cands: CandidateSpec[]): RunSpec => ({
    suites: [
      { name: "support", target: 0.85, volume: 50_000, candidates: cands.map((c) => ({ ...c, cases })) },
    ],
  });
  const reworded = SUPPORT_BASE.map((c, i) => (i === 0 ? { ...c, promptHash: "7a1c0e93b2d4" } : c));
  return compareWithRule(runBase(spec(SUPPORT_BASE)), runHead(spec(reworded), "feature/tone"));
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
  const spec = (cases: CaseSpec[], promptHash?: string): RunSpec => ({
    suites: [
      {
        name: "support",
        target: 0.85,
        volume: 50_000,
        candidates: [{ ...SUPPORT_BASE[0]!, cases, ...(promptHash ? { promptHash } : {}) }],
      },
    ],
  });
  return compareWithRule(
    runBase(spec(baseCases)),
    runHead(spec(headCases, "5e0b9f21c6a8"), "feature/shorter-prompt"),
  );
}

/** Cost fails: the head switches to a model 60% dearer per call; quality holds. */
export function makeCostFailScenario(): Scenario {
  const cases = makeCases(120, (i) => ({ score: i % 10 === 0 ? 0 : 1 }));
  const spec = (candidate: CandidateSpec): RunSpec => ({
    suites: [{ name: "support", target: 0.85, volume: 50_000, candidates: [{ ...candidate, cases }] }],
  });
  return compareWithRule(
    runBase(spec(SUPPORT_BASE[0]!)),
    runHead(
      spec({ ...SUPPORT_BASE[0]!, model: "gpt-5.4", costPerCallUsd: 0.00064, latencyMs: 1400 }),
      "feature/bigger-model",
    ),
  );
}

/**
 * A DataReport for a chat fine-tuning file of 2,000 examples that passes every check (as `check-data` writes
 * it): 620 tokens an example, 3 epochs at $0.50 per million tokens.
 */
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

const CLUSTERS = ["cardiology", "orthopedics", "oncology", "dermatology"];

/** Medical-coding cases; case `i` is in cluster `i % 4` and passes unless `fails(i)`. */
function codingCases(n: number, fails: (i: number) => boolean, prefix: string): CaseSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const code = `I${String(10 + (i % 40)).padStart(2, "0")}.${i % 10}`;
    return {
      id: `note-${String(i + 1).padStart(3, "0")}`,
      vars: { note: `Patient presents with symptoms (record ${i + 1})` },
      expected: code,
      cluster: CLUSTERS[i % CLUSTERS.length]!,
      score: fails(i) ? 0 : 1,
      output: fails(i) ? `${prefix} R69.0` : `${prefix} ${code}`,
      reason: fails(i) ? "code differs" : "code matches",
    };
  });
}

/**
 * Which coding cases fail: in cluster `c` (`i % 4`), the first `counts[c]` of its 20 cases (or the last ones,
 * `fromEnd`), so each cluster's score is exact and two candidates can fail different cases.
 */
function failsPerCluster(
  counts: readonly [number, number, number, number],
  fromEnd = false,
): (i: number) => boolean {
  return (i) => {
    const n = counts[i % 4]!;
    const j = Math.floor(i / 4);
    return fromEnd ? j >= 20 - n : j < n;
  };
}

const LLAMA_BASE = "meta-llama/Llama-3.1-8B-Instruct";

/**
 * More training data for a LoRA fine-tune that scores far below the prompt; the new data has errors and leaks an
 * eval case: the rule is violated.
 */
export function makePromptFirstViolationScenario(): Scenario {
  // The prompt: 80% (85%, 80%, 80% and 75% per cluster); the fine-tune: 65% (70%, 65%, 60%, 65%).
  const prompt = codingCases(80, failsPerCluster([3, 4, 4, 5]), "Code:");
  const fineTune = (model: string, fails: (i: number) => boolean): CandidateSpec => ({
    name: "coding-ft",
    kind: "fine-tune",
    model,
    costPerCallUsd: 0.0006,
    latencyMs: 700,
    cases: codingCases(80, fails, "ICD:"),
  });
  const spec = (ft: CandidateSpec): RunSpec => ({
    suites: [
      {
        name: "coding",
        target: 0.9,
        volume: 20_000,
        candidates: [
          { name: "prompt-kb", model: "gpt-6-luna", costPerCallUsd: 0.004, latencyMs: 2100, cases: prompt },
          ft,
        ],
      },
    ],
  });
  const settings: Record<string, FineTuneSettings> = {
    "coding-ft": { baseModel: LLAMA_BASE, trainingData: "training/coding.jsonl" },
  };
  // The fine-tune as trained before this change (its data changes first; training follows the merge).
  const ft = fineTune("acme/Llama-3.1-8B-coding-lora", failsPerCluster([6, 7, 8, 7], true));
  const base = runBase(spec(ft), settings);
  const head = runHead(spec(ft), "feature/more-training-data", settings);
  const invalidJson = (line: number, column: number) => ({
    line,
    code: "invalid-json",
    severity: "error" as const,
    message: `invalid JSON at column ${column}: expected \`,\` or \`}\` after a value`,
  });
  const data = makeDataReport({
    status: "fail",
    examples: 195,
    invalidLines: 5,
    lines: 200,
    errorCount: 7,
    warningCount: 2,
    findings: [
      invalidJson(17, 88),
      {
        line: 42,
        code: "no-assistant",
        severity: "error",
        message:
          "no assistant message: nothing would be learned; end the example with the answer as an assistant message",
      },
      {
        line: 77,
        code: "leakage",
        severity: "error",
        message:
          'the input is eval case "note-012" of suite "coding" (evals/coding.jsonl): trained on, the case measures memory, not skill; remove the example or the case',
      },
      invalidJson(90, 12),
      invalidJson(112, 40),
      {
        line: 133,
        code: "contradiction",
        severity: "error",
        message:
          "same input as line 12 but a different answer: the model learns neither reliably; keep the right one",
      },
      {
        line: 150,
        code: "duplicate",
        severity: "warning",
        message: "duplicate of line 3 (same input and answer): it weighs that example twice; remove one",
      },
      {
        line: 151,
        code: "duplicate",
        severity: "warning",
        message: "duplicate of line 4 (same input and answer): it weighs that example twice; remove one",
      },
      invalidJson(160, 3),
    ],
    findingCounts: [
      { code: "invalid-json", severity: "error", count: 4, stored: 4 },
      { code: "no-assistant", severity: "error", count: 1, stored: 1 },
      { code: "leakage", severity: "error", count: 1, stored: 1 },
      { code: "contradiction", severity: "error", count: 1, stored: 1 },
      { code: "duplicate", severity: "warning", count: 2, stored: 2 },
    ],
    tokens: {
      ...makeDataReport().tokens,
      total: 120_900,
      billedPerEpoch: 120_900,
      billed: 362_700,
    },
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
    cost: { usd: 0.18, pricePerMTok: 0.5, priceSource: "config", reason: null },
    diff: {
      baseFile: "training/coding.jsonl",
      baseExamples: 150,
      added: 49,
      removed: 4,
      changed: 0,
      unchanged: 146,
      addedLines: [151, 152],
      removedLines: [40],
      changedLines: [],
    },
  });
  return compareWithRule(base, head, {
    dataReports: [data],
    changedTrainingFiles: ["training/coding.jsonl"],
  });
}

/**
 * Medical coding: the best prompt suffices on cardiology only; a LoRA fine-tune added by the change, trained on
 * a new file that passes every check, beats it widely, reaches the target and costs less per call.
 */
export function makeFineTuneJustifiedScenario(): Scenario {
  const promptCandidate: CandidateSpec = {
    name: "prompt-kb",
    model: "gpt-6-luna",
    costPerCallUsd: 0.004,
    latencyMs: 2100,
    // 63.8%: 90% on cardiology, 55%, 50% and 55% elsewhere.
    cases: codingCases(80, failsPerCluster([2, 9, 10, 9]), "Code:"),
  };
  const fineTune: CandidateSpec = {
    name: "icd10-ft",
    kind: "fine-tune",
    model: "acme/Llama-3.1-8B-icd10-lora",
    costPerCallUsd: 0.0009,
    latencyMs: 800,
    // 93.8%: 95%, 90%, 95%, 95%.
    cases: codingCases(80, failsPerCluster([1, 2, 1, 1], true), "ICD:"),
  };
  const spec = (candidates: CandidateSpec[]): RunSpec => ({
    suites: [{ name: "icd10", target: 0.9, volume: 100_000, candidates }],
  });
  const file = "training/icd10.jsonl";
  return compareWithRule(
    runBase(spec([promptCandidate])),
    runHead(spec([promptCandidate, fineTune]), "feature/icd10-finetune", {
      "icd10-ft": { baseModel: LLAMA_BASE, trainingData: file, model: "acme/Llama-3.1-8B-icd10-lora" },
    }),
    { dataReports: [makeDataReport({ file, diff: null })], changedTrainingFiles: [file] },
  );
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
    model: "gpt-6-luna",
    costPerCallUsd: 0.0008,
    latencyMs: 900,
    cases: makeCases(200, (i) => ({ score: i % 12 === 0 || i === 7 ? 0 : 1 })),
  };
  const spec = (candidates: CandidateSpec[]): RunSpec => ({
    suites: [{ name: "support", target: 0.85, volume: 50_000, candidates }],
  });
  return compareWithRule(
    runBase(spec([ft])),
    runHead(spec([ft, prompt]), "feature/replace-retiring-finetune"),
  );
}

/**
 * Evidence missing: a candidate skipped for want of an API key, a suite too small to decide (inconclusive), a
 * new suite with no base, and an unknown price.
 */
export function makeNotEvaluatedScenario(): Scenario {
  const small = makeCases(6, (i) => ({ score: i === 2 ? 0.4 : 1 }));
  const smallHead = makeCases(6, (i) => ({ score: i === 2 ? 0 : i === 4 ? 0.6 : 1 }));
  const base = runBase({
    suites: [
      {
        name: "triage",
        target: 0.8,
        candidates: [
          { name: "prompt-v1", model: "gpt-5.4-mini", cases: small },
          { name: "together-llama", model: "meta-llama/Llama-3.3-70B-Instruct-Turbo", cases: small },
        ],
      },
    ],
  });
  const head = runHead(
    {
      suites: [
        {
          name: "triage",
          target: 0.8,
          candidates: [
            { name: "prompt-v1", model: "gpt-5.4-mini", cases: smallHead },
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
  );
  return compareWithRule(base, head);
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
  const base = runBase({
    suites: [
      {
        name: suite,
        target: 0.9,
        volume: 1000,
        candidates: [{ name: candidate, model: "<b>model</b>|x", cases: baseCases }],
      },
    ],
  });
  const head = runHead(
    {
      suites: [
        {
          name: suite,
          target: 0.9,
          volume: 1000,
          candidates: [{ name: candidate, model: "<i>model</i>|y @team #12", cases: headCases }],
        },
      ],
    },
    "feature/<img src=x>|@team",
  );
  const scenario = compareWithRule(base, head);
  scenario.comparison.warnings.push("warning with <script>alert(1)</script> and @team and #7");
  return scenario;
}
