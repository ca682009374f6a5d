import { PromptfirstError } from "../errors.ts";
import type { CandidateResult, CaseResult, RunResult, SampleResult, SuiteResult } from "../result/schema.ts";
import { computeExtraSampleNeeded, computePairedDifference } from "../stats/paired.ts";
import {
  buildGate,
  computeCostFindings,
  computeErrorFindings,
  computeFindingsStatus,
  computeQualityFindings,
  computeTargetFinding,
  computeVerdict,
  hasEvidence,
} from "./gates.ts";
import {
  type CandidateComparison,
  type CandidateSide,
  COMPARISON_SCHEMA_VERSION,
  type Comparison,
  type Flip,
  type FlipSide,
  type GateFinding,
  type PairedStats,
  type RunIdentity,
  type SuiteComparison,
  type Thresholds,
} from "./schema.ts";
import { resolveThresholds } from "./thresholds.ts";

/** Options of compareRuns that are not thresholds. */
export interface CompareRunsOptions {
  /** Version of the tool doing the comparison (default: head's). */
  toolVersion?: string;
  /** Clock for `createdAt` (default: now). */
  now?: () => Date;
  /** The files the runs were read from, as the user typed them: they name the runs in messages. */
  baseFile?: string;
  headFile?: string;
}

/**
 * Compare two runs, base and head, and judge them with the quality, cost and errors gates (pure).
 *
 * Suites, candidates and cases are matched by name and id. Cases added, removed, or changed (vars or expected
 * differ) are reported separately; only cases on both sides with the same inputs, scored on both, enter the
 * paired statistics (see computePairedDifference and computeQualityFindings for the rule). Base and head may
 * come from different configs (a pull request changes it): only results of another tool or another RunResult
 * format, or runs that share no suite and come from different config files, are refused, with a RESULT_INVALID
 * PromptfirstError that names both.
 */
export function compareRuns(
  base: RunResult,
  head: RunResult,
  thresholds: Partial<Thresholds> = {},
  options: CompareRunsOptions = {},
): Comparison {
  const baseName = options.baseFile ?? "base";
  const headName = options.headFile ?? "head";
  const warnings = checkCompatible(base, head, baseName, headName);
  const resolved = resolveThresholds(thresholds);

  const suites: SuiteComparison[] = [];
  const names = [...Object.keys(head.suites), ...Object.keys(base.suites).filter((n) => !(n in head.suites))];
  for (const name of names) {
    const b = base.suites[name];
    const h = head.suites[name];
    suites.push(compareSuite(name, b, h, resolved));
    if (b && h && b.repeat !== h.repeat) {
      warnings.push(
        `suite "${name}": base ran ${b.repeat} sample(s) per case and head ${h.repeat}: their noise differs`,
      );
    }
  }

  const findings = { quality: [] as GateFinding[], cost: [] as GateFinding[], errors: [] as GateFinding[] };
  for (const suite of suites) {
    for (const candidate of suite.candidates) {
      const q = computeQualityFindings(suite, candidate, resolved);
      const c = computeCostFindings(suite, candidate, resolved);
      const e = computeErrorFindings(suite, candidate, resolved);
      candidate.gates = {
        quality: computeFindingsStatus(q),
        cost: computeFindingsStatus(c),
        errors: computeFindingsStatus(e),
      };
      findings.quality.push(...q);
      findings.cost.push(...c);
      findings.errors.push(...e);
    }
    const target = computeTargetFinding(suite);
    if (target) findings.quality.push(target);
  }

  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    tool: { name: "promptfirst", version: options.toolVersion ?? head.tool.version },
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    base: describeRun(base, options.baseFile),
    head: describeRun(head, options.headFile),
    thresholds: resolved,
    suites,
    warnings,
    verdict: computeVerdict(
      {
        quality: buildGate(findings.quality),
        cost: buildGate(findings.cost),
        errors: buildGate(findings.errors),
      },
      resolved.failOn,
      hasEvidence(suites),
    ),
  };
}

function checkCompatible(base: RunResult, head: RunResult, baseName: string, headName: string): string[] {
  const version = (run: RunResult): unknown => (run as { schemaVersion?: unknown }).schemaVersion;
  if (version(base) !== version(head)) {
    throw new PromptfirstError(
      "RESULT_INVALID",
      `cannot compare ${baseName} (RunResult schemaVersion ${String(version(base))}) with ${headName} (schemaVersion ${String(version(head))}): re-run promptfirst eval with the same promptfirst version for both`,
    );
  }
  for (const [run, name] of [
    [base, baseName],
    [head, headName],
  ] as const) {
    const tool = (run as { tool?: { name?: unknown } }).tool?.name;
    if (tool !== "promptfirst") {
      throw new PromptfirstError(
        "RESULT_INVALID",
        `${name} was not written by promptfirst eval (tool ${JSON.stringify(tool)}): compare reads the files \`promptfirst eval --out\` writes`,
      );
    }
  }
  const baseSuites = Object.keys(base.suites);
  const headSuites = Object.keys(head.suites);
  const shared = headSuites.filter((s) => baseSuites.includes(s));
  const warnings: string[] = [];
  if (base.config.file !== head.config.file) {
    if (shared.length === 0 && baseSuites.length > 0 && headSuites.length > 0) {
      throw new PromptfirstError(
        "RESULT_INVALID",
        `${baseName} and ${headName} come from different configs (${base.config.file} with suites ${baseSuites.join(", ")}; ${head.config.file} with suites ${headSuites.join(", ")}) and share no suite: compare results of the same config, evaluated on the base and the head of a change`,
      );
    }
    warnings.push(`base was evaluated with ${base.config.file} and head with ${head.config.file}`);
  }
  if (base.tool.version !== head.tool.version) {
    warnings.push(
      `base was evaluated by promptfirst ${base.tool.version} and head by ${head.tool.version}: scorers may differ`,
    );
  }
  return warnings;
}

function describeRun(run: RunResult, file: string | undefined): RunIdentity {
  const identity: RunIdentity = {
    toolVersion: run.tool.version,
    createdAt: run.createdAt,
    config: { file: run.config.file, hash: run.config.hash },
    stats: {
      calls: run.stats.plannedCalls,
      requests: run.stats.requests,
      cacheHits: run.stats.cacheHits,
      errors: run.stats.errors,
      spentUsd: run.stats.spentUsd,
      durationMs: run.stats.durationMs,
    },
  };
  if (file !== undefined) identity.file = file;
  if (run.git) identity.git = { ...run.git };
  return identity;
}

/** Every case of a suite on one side, by id (candidates share the suite's cases; the first seen wins). */
function collectCases(suite: SuiteResult | undefined): Map<string, CaseResult> {
  const out = new Map<string, CaseResult>();
  if (!suite) return out;
  for (const candidate of Object.values(suite.candidates)) {
    if (candidate.skipped) continue;
    for (const c of candidate.cases) if (!out.has(c.id)) out.set(c.id, c);
  }
  return out;
}

/** Deep equality of JSON-like values, ignoring key order and keys whose value is undefined. */
function isSameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => isSameValue(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const key of keys) if (!isSameValue(ra[key], rb[key])) return false;
  return true;
}

/** Whether a case's inputs (vars and expected) are the same on both sides. */
function isSameCase(base: CaseResult, head: CaseResult): boolean {
  return isSameValue(base.vars, head.vars) && isSameValue(base.expected, head.expected);
}

function compareSuite(
  name: string,
  base: SuiteResult | undefined,
  head: SuiteResult | undefined,
  thresholds: Thresholds,
): SuiteComparison {
  const baseCases = collectCases(base);
  const headCases = collectCases(head);
  const added: string[] = [];
  const changed: string[] = [];
  const matched = new Set<string>();
  for (const [id, c] of headCases) {
    const b = baseCases.get(id);
    if (!b) added.push(id);
    else if (!isSameCase(b, c)) changed.push(id);
    else matched.add(id);
  }
  const removed = [...baseCases.keys()].filter((id) => !headCases.has(id));
  const volume = head?.volume ?? base?.volume;
  const suite: SuiteComparison = {
    name,
    status: base && head ? "compared" : head ? "new" : "removed",
    repeat: {},
    cases: {
      base: base ? baseCases.size : 0,
      head: head ? headCases.size : 0,
      matched: matched.size,
      added,
      removed,
      changed,
    },
    candidates: [],
  };
  const target = head?.target ?? base?.target;
  if (target !== undefined) suite.target = target;
  if (volume !== undefined) suite.volume = volume;
  if (base) suite.repeat.base = base.repeat;
  if (head) suite.repeat.head = head.repeat;

  const baseCandidates = base?.candidates ?? {};
  const headCandidates = head?.candidates ?? {};
  const candidateNames = [
    ...Object.keys(headCandidates),
    ...Object.keys(baseCandidates).filter((n) => !(n in headCandidates)),
  ];
  for (const candidateName of candidateNames) {
    suite.candidates.push(
      compareCandidate(
        candidateName,
        baseCandidates[candidateName],
        headCandidates[candidateName],
        { base, head, matched, changed: changed.length, volume },
        thresholds,
      ),
    );
  }
  return suite;
}

interface SuiteContext {
  base: SuiteResult | undefined;
  head: SuiteResult | undefined;
  matched: Set<string>;
  changed: number;
  volume: number | undefined;
}

function describeSide(candidate: CandidateResult, volume: number | undefined): CandidateSide {
  const s = candidate.summary;
  const side: CandidateSide = {
    cases: s.cases,
    scored: s.scored,
    calls: s.calls,
    errors: s.errors,
    errorRate: s.errorRate,
    mean: s.meanScore,
    stdErr: s.stdErr,
    clustered: s.clustered,
    passRate: s.passRate,
    costPerCallUsd: s.costPerCallUsd,
    costPer1kUsd: s.costPer1kUsd,
    costKnown: s.costKnown,
    monthlyCostUsd: s.costPerCallUsd !== null && volume !== undefined ? s.costPerCallUsd * volume : null,
    latencyP50Ms: s.latencyP50Ms,
    latencyP95Ms: s.latencyP95Ms,
  };
  const model = candidate.model ?? candidate.fineTune?.model;
  if (model !== undefined) side.model = model;
  side.prompt = { source: candidate.prompt.source, hash: candidate.prompt.hash };
  return side;
}

function compareCandidate(
  name: string,
  base: CandidateResult | undefined,
  head: CandidateResult | undefined,
  ctx: SuiteContext,
  thresholds: Thresholds,
): CandidateComparison {
  const baseEvaluated = base !== undefined && !base.skipped;
  const headEvaluated = head !== undefined && !head.skipped;
  const status: CandidateComparison["status"] =
    head === undefined ? "removed" : !headEvaluated ? "skipped" : baseEvaluated ? "compared" : "new";
  const out: CandidateComparison = {
    name,
    status,
    kind: (head ?? base)!.kind,
    flips: { regressions: [], improvements: [] },
    flaky: {
      base: baseEvaluated ? findFlaky(base.cases) : [],
      head: headEvaluated ? findFlaky(head.cases) : [],
    },
    minPassRateViolations: [],
    cost: { perCallChangePct: null, monthlyBaseUsd: null, monthlyHeadUsd: null, monthlyDeltaUsd: null },
    latency: { p50ChangePct: null, p95ChangePct: null, p50DeltaMs: null, p95DeltaMs: null },
    reachesTarget: { base: null, head: null },
    gates: { quality: "not evaluated", cost: "not evaluated", errors: "not evaluated" },
  };
  if (status === "skipped" && head?.skipped) out.skipReason = head.skipped;
  if (baseEvaluated) out.base = describeSide(base, ctx.volume);
  if (headEvaluated) out.head = describeSide(head, ctx.volume);

  if (out.base) out.reachesTarget.base = reaches(out.base.mean, ctx.base?.target);
  if (out.head) out.reachesTarget.head = reaches(out.head.mean, ctx.head?.target);

  if (headEvaluated && thresholds.minPassRate !== undefined) {
    const min = thresholds.minPassRate;
    out.minPassRateViolations = head.cases
      .filter((c) => c.samples.length > 0 && c.passRate < min - 1e-12)
      .map((c) => ({ caseId: c.id, passRate: c.passRate, samples: c.samples.length }));
  }

  const monthlyBase = out.base?.monthlyCostUsd ?? null;
  const monthlyHead = out.head?.monthlyCostUsd ?? null;
  out.cost.monthlyBaseUsd = monthlyBase;
  out.cost.monthlyHeadUsd = monthlyHead;
  out.cost.monthlyDeltaUsd = monthlyBase !== null && monthlyHead !== null ? monthlyHead - monthlyBase : null;

  if (status !== "compared" || !baseEvaluated || !headEvaluated) return out;

  const b = out.base!;
  const h = out.head!;
  out.cost.perCallChangePct = computeChangePct(b.costPerCallUsd, h.costPerCallUsd);
  out.latency = {
    p50ChangePct: computeChangePct(b.latencyP50Ms, h.latencyP50Ms),
    p95ChangePct: computeChangePct(b.latencyP95Ms, h.latencyP95Ms),
    p50DeltaMs: b.latencyP50Ms !== null && h.latencyP50Ms !== null ? h.latencyP50Ms - b.latencyP50Ms : null,
    p95DeltaMs: b.latencyP95Ms !== null && h.latencyP95Ms !== null ? h.latencyP95Ms - b.latencyP95Ms : null,
  };

  const baseById = new Map(base.cases.map((c) => [c.id, c] as const));
  const pairs: Array<{ base: CaseResult; head: CaseResult }> = [];
  let unscored = 0;
  for (const headCase of head.cases) {
    if (!ctx.matched.has(headCase.id)) continue;
    const baseCase = baseById.get(headCase.id);
    if (!baseCase) continue;
    if (baseCase.pass && !headCase.pass) out.flips.regressions.push(buildFlip(baseCase, headCase));
    else if (!baseCase.pass && headCase.pass) out.flips.improvements.push(buildFlip(baseCase, headCase));
    if (baseCase.score === null || headCase.score === null) unscored++;
    else pairs.push({ base: baseCase, head: headCase });
  }
  // Largest change first; ties keep the order of the case file (the sort is stable).
  out.flips.regressions.sort((x, y) => x.delta - y.delta);
  out.flips.improvements.sort((x, y) => y.delta - x.delta);
  out.paired = computePairedStats(pairs, { changed: ctx.changed, unscored }, thresholds);
  return out;
}

function reaches(mean: number | null, target: number | undefined): boolean | null {
  if (mean === null || target === undefined) return null;
  return mean >= target;
}

/** Percent change from `before` to `after`; null when either is unknown or `before` is 0 (unless both are). */
function computeChangePct(before: number | null, after: number | null): number | null {
  if (before === null || after === null) return null;
  if (before === 0) return after === 0 ? 0 : null;
  return ((after - before) / before) * 100;
}

/** Ids of cases whose samples disagree: some pass, some fail. */
function findFlaky(cases: readonly CaseResult[]): string[] {
  return cases
    .filter((c) => c.samples.some((s) => s.pass) && c.samples.some((s) => !s.pass))
    .map((c) => c.id);
}

/** A representative sample: the first one whose verdict is the case's (a failing one when the case fails). */
function pickSample(c: CaseResult): SampleResult | undefined {
  return c.samples.find((s) => s.pass === c.pass) ?? c.samples[0];
}

function describeFlipSide(c: CaseResult): FlipSide {
  const sample = pickSample(c);
  const side: FlipSide = {
    score: c.score,
    passRate: c.passRate,
    output: sample?.output ?? null,
    scores: (sample?.scores ?? []).map((s) => ({
      name: s.name,
      score: s.score,
      pass: s.pass,
      reason: s.reason,
    })),
  };
  if (sample?.error) side.error = `${sample.error.kind}: ${sample.error.message}`;
  return side;
}

function buildFlip(base: CaseResult, head: CaseResult): Flip {
  const flip: Flip = {
    caseId: head.id,
    vars: head.vars,
    delta: (head.score ?? 0) - (base.score ?? 0),
    base: describeFlipSide(base),
    head: describeFlipSide(head),
  };
  if (head.expected !== undefined) flip.expected = head.expected;
  if (head.cluster !== undefined) flip.cluster = head.cluster;
  return flip;
}

function computePairedStats(
  pairs: ReadonlyArray<{ base: CaseResult; head: CaseResult }>,
  excluded: PairedStats["excluded"],
  thresholds: Thresholds,
): PairedStats {
  const n = pairs.length;
  const empty: PairedStats = {
    n,
    meanBase: null,
    meanHead: null,
    meanDiff: null,
    stdErr: null,
    df: null,
    ciLow: null,
    ciHigh: null,
    confidence: thresholds.confidence,
    pValue: null,
    pValueDrop: null,
    minDetectableDrop: null,
    significant: false,
    significantDrop: false,
    withinNoise: false,
    clustered: false,
    clusters: null,
    extraCasesNeeded: computeExtraSampleNeeded(
      { n, stdErr: null, df: null },
      thresholds.maxScoreDrop,
      thresholds.confidence,
      thresholds.power,
    ).cases,
    extraClustersNeeded: null,
    excluded,
  };
  if (n === 0) return empty;
  const clustered = pairs.every((p) => p.head.cluster !== undefined);
  const d = computePairedDifference(
    pairs.map((p) => p.base.score!),
    pairs.map((p) => p.head.score!),
    {
      confidence: thresholds.confidence,
      power: thresholds.power,
      ...(clustered ? { clusters: pairs.map((p) => p.head.cluster!) } : {}),
    },
  );
  const alpha = 1 - thresholds.confidence;
  const extra =
    d.minDetectableDrop !== null && d.minDetectableDrop <= thresholds.maxScoreDrop
      ? { cases: 0, clusters: d.clustered ? 0 : null }
      : computeExtraSampleNeeded(d, thresholds.maxScoreDrop, thresholds.confidence, thresholds.power);
  const significant = d.pValue !== null && d.pValue < alpha;
  const significantDrop = d.pValueDrop !== null && d.pValueDrop < alpha && d.meanDiff < 0;
  return {
    ...empty,
    meanBase: d.meanBase,
    meanHead: d.meanHead,
    meanDiff: d.meanDiff,
    stdErr: d.stdErr,
    df: d.df,
    ciLow: d.ciLow,
    ciHigh: d.ciHigh,
    pValue: d.pValue,
    pValueDrop: d.pValueDrop,
    minDetectableDrop: d.minDetectableDrop,
    significant,
    significantDrop,
    withinNoise: d.meanDiff < 0 && !significantDrop,
    clustered: d.clustered,
    clusters: d.clusters,
    extraCasesNeeded: extra.cases,
    extraClustersNeeded: extra.clusters,
  };
}
