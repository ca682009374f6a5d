import { buildGate, computeVerdict, hasEvidence } from "../compare/gates.ts";
import type { Comparison, FailOn, Gate, GateFinding } from "../compare/schema.ts";
import { formatDollars, formatPoints, formatPointsAbs, formatScorePercent } from "../compare/wording.ts";
import type { CandidateResult, RunResult, SuiteResult } from "../result/schema.ts";
import type { DataReport } from "../training/report.ts";
import { computeClusterRows } from "./clusters.ts";
import { computeFineTuneCosts, HOURS_PER_MONTH } from "./costs.ts";
import { assessLifecycle, findCandidateShutdown, readCandidateModel } from "./lifecycle.ts";
import { type CandidateGainTest, computeCandidateGain } from "./pairing.ts";
import type {
  BestPrompt,
  ClusterRow,
  DataSummary,
  FineTuneAssessment,
  LifecycleWarning,
  PromptFirstFinding,
  PromptFirstMode,
  PromptFirstRecommendation,
  PromptFirstReport,
  PromptFirstStatus,
  SuitePromptFirst,
} from "./schema.ts";

/** What the prompt-first rule is evaluated on. */
export interface EvaluatePromptFirstInput {
  /** The head run: its candidates' kinds, fine-tune settings, scores, costs and cases. */
  head: RunResult;
  /** The base run, when there is one: a fine-tune whose data changed but whose model did not is flagged. */
  base?: RunResult;
  /** The comparison of base and head: the rule covers its suites (those on head). */
  comparison: Comparison;
  /** Checks of the training files, matched to candidates by `file` (config-relative, as in `fineTune.trainingData`). */
  dataReports: readonly DataReport[];
  /** Training files the change touches, config-relative as in `fineTune.trainingData`. */
  changedTrainingFiles: readonly string[];
  mode: PromptFirstMode;
  /** Score a fine-tune must gain over the best prompt (0.05 = five points). */
  minFineTuneGain: number;
  /** Largest drop a replacement may show and still match a retiring candidate. */
  maxScoreDrop: number;
  /** Confidence of the intervals, and 1 − α of the one-sided test for a drop. */
  confidence: number;
  /** The day shutdown dates are counted from. */
  today: Date;
}

/** A finding being collected; leakage stays a violation under `warn`. */
interface DraftFinding extends PromptFirstFinding {
  alwaysViolation?: boolean;
}

const DRIFT = 1e-12;

const SEVERITY_ORDER: Readonly<Record<PromptFirstFinding["severity"], number>> = {
  violation: 0,
  warning: 1,
  info: 2,
};

const STATUS_ORDER: Readonly<Record<PromptFirstStatus, number>> = {
  "not applicable": 0,
  holds: 1,
  warning: 2,
  violated: 3,
};

const RECOMMENDATION_LABEL: Readonly<Record<PromptFirstRecommendation["kind"], string>> = {
  prompt: "prompt",
  "fine-tune": "fine-tune",
  improve: "improve the prompt or the data",
  "measure-first": "measure first",
  none: "no recommendation",
};

/** A config-relative path in one spelling: forward slashes, no leading `./`. */
function normalizeFile(file: string): string {
  return file.replace(/\\/g, "/").replace(/^(?:\.\/)+/, "");
}

function isScored(candidate: CandidateResult): boolean {
  return !candidate.skipped && candidate.summary.meanScore !== null;
}

function percent(value: number | null | undefined): string {
  return formatScorePercent(value);
}

function points(value: number): string {
  return formatPointsAbs(value);
}

function formatInterval(gain: CandidateGainTest, confidence: number): string {
  const level = `${Math.round(confidence * 1000) / 10}%`;
  if (gain.ciLow === null || gain.ciHigh === null) return `${gain.n} paired case(s), no interval`;
  return `${level} CI ${formatPoints(gain.ciLow)} to ${formatPoints(gain.ciHigh)} on ${gain.n} paired case(s)`;
}

function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

function summarizeData(file: string, report: DataReport, changed: boolean): DataSummary {
  return {
    file,
    status: report.status,
    examples: report.examples,
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    leakage: report.quality.leakage.count,
    contradictions: report.quality.contradictions.count,
    duplicates: report.quality.duplicates.count,
    trainingCostUsd: report.cost.usd,
    billedTokens: report.tokens.billed,
    tokensApproximate: report.tokens.approximate,
    epochs: report.epochs.value,
    changed,
    diff: report.diff
      ? { added: report.diff.added, removed: report.diff.removed, changed: report.diff.changed }
      : null,
  };
}

/** What one suite's evaluation reads besides the suite itself. */
interface SuiteContext {
  input: EvaluatePromptFirstInput;
  reports: Map<string, DataReport>;
  changed: Set<string>;
}

/** A suite's facts the recommendation is decided on. */
interface RecommendationFacts {
  best: CandidateResult | undefined;
  target: number | null;
  fineTunes: FineTuneAssessment[];
  dataProblems: string[];
  lifecycle: LifecycleWarning[];
  clusters: ClusterRow[];
  minGain: number;
  confidence: number;
}

function describeClusters(clusters: readonly ClusterRow[], fineTuneAdvice: string): string {
  const short = clusters.filter((c) => c.status === "falls short").map((c) => c.cluster);
  const ok = clusters.filter((c) => c.status === "suffices").map((c) => c.cluster);
  if (short.length === 0 || ok.length === 0) return "";
  return `; prompting falls short on ${short.join(", ")} and suffices on ${ok.join(", ")}: ${fineTuneAdvice}`;
}

function describeCostSummary(a: FineTuneAssessment): string {
  const c = a.costs;
  const parts: string[] = [];
  if (c.trainingUsd !== null) parts.push(`training ${formatDollars(c.trainingUsd)}`);
  if (c.monthlyDeltaUsd !== null) {
    parts.push(
      c.monthlyDeltaUsd >= 0
        ? `${formatDollars(c.monthlyDeltaUsd)} more a month`
        : `${formatDollars(-c.monthlyDeltaUsd)} less a month`,
    );
  }
  if (c.paybackMonths !== null) parts.push(describePayback(c.paybackMonths));
  if (c.costPerPointUsd !== null) parts.push(describeCostPerPoint(c));
  return parts.join(", ");
}

/** `$335 per point gained over the first 12 months`, or, when it saves money, what it saves per point. */
function describeCostPerPoint(c: FineTuneAssessment["costs"]): string {
  const perPoint = c.costPerPointUsd!;
  return perPoint >= 0
    ? `${formatDollars(perPoint)} per point gained over the first ${c.horizonMonths} months`
    : `it saves ${formatDollars(-perPoint)} per point gained over the first ${c.horizonMonths} months`;
}

/**
 * The recommendation for a suite, first match wins: no scored prompt → measure first; the prompt reaches the
 * target → prompt; training data with errors or leakage → improve; a fine-tune that beats the prompt by the
 * minimum gain (interval above 0) → fine-tune, or improve when it still misses the target; a retiring fine-tune
 * matched by a prompt on a current model → prompt; trained fine-tunes that do not beat the prompt → improve;
 * only untrained fine-tunes → fine-tune (train it, with the score it must reach).
 */
function decideRecommendation(f: RecommendationFacts): PromptFirstRecommendation {
  const { best, target } = f;
  const hasFineTune = f.fineTunes.length > 0;
  if (!best) {
    return {
      kind: "measure-first",
      text: hasFineTune
        ? `add a prompt candidate and evaluate it on the suite's cases before fine-tuning: without a baseline no one can tell whether ${f.fineTunes.map((a) => a.candidate).join(", ")} is worth it`
        : "no candidate could be scored: evaluate a prompt candidate on the suite's cases first",
    };
  }
  const score = best.summary.meanScore!;
  const model = readCandidateModel(best) ?? "its model";
  const reaches = target !== null && score >= target - DRIFT;
  if (!hasFineTune) {
    if (target === null)
      return { kind: "none", text: "set the suite's target to know whether the prompt is enough" };
    if (reaches) {
      return {
        kind: "prompt",
        text: `keep ${best.name} on ${model}: it reaches the ${percent(target)} target at ${percent(score)}`,
      };
    }
    return {
      kind: "improve",
      text: `improve the prompt: ${best.name} scores ${percent(score)} against the ${percent(target)} target${describeClusters(f.clusters, "if prompting cannot close the gap there, fine-tune only those")}`,
    };
  }
  if (reaches) {
    return {
      kind: "prompt",
      text: `keep ${best.name} on ${model}: it reaches the ${percent(target)} target at ${percent(score)}; the fine-tune is not needed`,
    };
  }
  if (f.dataProblems.length > 0) {
    return {
      kind: "improve",
      text: `fix the training data first (${f.dataProblems.join("; ")}), then train and measure again`,
    };
  }
  const justified = f.fineTunes
    .filter((a) => a.beatsPrompt === true && a.score !== null && a.gain !== null)
    .sort((a, b) => b.score! - a.score!)[0];
  if (justified) {
    const gain = justified.gain!;
    const figures = `${formatPoints(gain.meanDiff)} points over ${best.name} (${formatInterval({ ...gain, pValueDrop: null }, f.confidence)})`;
    if (target === null || justified.reachesTarget === true) {
      const costs = describeCostSummary(justified);
      const reached =
        target === null ? "" : `, reaching the ${percent(target)} target at ${percent(justified.score)}`;
      const retires = f.lifecycle.find((l) => l.candidate === justified.candidate);
      const plan = retires ? `; it retires on ${retires.shutdownDate}: plan its replacement` : "";
      return {
        kind: "fine-tune",
        text: `use ${justified.candidate}: ${figures}${reached}${costs ? `; ${costs}` : ""}${plan}`,
      };
    }
    return {
      kind: "improve",
      text: `improve the prompt or the data: ${justified.candidate} gains ${figures}, but neither reaches the ${percent(target)} target (${best.name} ${percent(score)}, ${justified.candidate} ${percent(justified.score)})${describeClusters(f.clusters, "fine-tune only those")}`,
    };
  }
  const retiring = f.lifecycle.find(
    (l) =>
      l.kind === "fine-tune" && (l.matchedBy?.verdict === "matches" || l.matchedBy?.verdict === "better"),
  );
  if (retiring?.matchedBy) {
    const m = retiring.matchedBy;
    return {
      kind: "prompt",
      text: `retire ${retiring.candidate}: prompt ${m.candidate} on ${m.model ?? "a current model"} ${m.verdict === "better" ? "beats" : "matches"} it (${formatPoints(m.meanDiff)} points on ${m.n} case(s))`,
    };
  }
  const trained = f.fineTunes.filter((a) => a.trained && a.score !== null);
  if (trained.length > 0) {
    const names = trained.map((a) => a.candidate).join(", ");
    const missing = target === null ? "" : `, and ${best.name} falls short of the ${percent(target)} target`;
    return {
      kind: "improve",
      text: `improve the prompt or the data: ${names} ${trained.length > 1 ? "do" : "does"} not beat ${best.name} by the ${points(f.minGain)} points required${missing}${describeClusters(f.clusters, "fine-tune only those")}`,
    };
  }
  const first = f.fineTunes[0]!;
  const short =
    target === null
      ? ""
      : `: ${best.name} falls ${points(target - score)} points short of the ${percent(target)} target`;
  const training =
    first.costs.trainingUsd === null
      ? ""
      : `; training is estimated at ${formatDollars(first.costs.trainingUsd)}`;
  return {
    kind: "fine-tune",
    text: `train ${first.candidate}${short}; to be worth it, it must reach ${percent(first.requiredScore)}${training}${describeClusters(f.clusters, "train on the clusters that fall short")}`,
  };
}

function evaluateSuite(
  suite: SuiteResult,
  baseSuite: SuiteResult | undefined,
  ctx: SuiteContext,
): SuitePromptFirst {
  const { input } = ctx;
  const minGain = input.minFineTuneGain;
  const candidates = Object.values(suite.candidates);
  const prompts = candidates
    .filter((c) => c.kind === "prompt" && isScored(c))
    .sort((a, b) => b.summary.meanScore! - a.summary.meanScore!);
  const best = prompts[0];
  const fineTunes = candidates.filter((c) => c.kind === "fine-tune" && c.fineTune !== undefined);
  const target = suite.target ?? null;
  const volume = suite.volume ?? null;
  const drafts: DraftFinding[] = [];
  const add = (
    rule: number,
    severity: PromptFirstFinding["severity"],
    message: string,
    extra: Partial<Pick<DraftFinding, "candidate" | "file" | "alwaysViolation">> = {},
  ): void => {
    drafts.push({ rule, severity, message, ...extra });
  };

  let bestPrompt: BestPrompt | null = null;
  if (best) {
    const score = best.summary.meanScore!;
    bestPrompt = {
      candidate: best.name,
      model: readCandidateModel(best) ?? null,
      score,
      stdErr: best.summary.stdErr,
      scored: best.summary.scored,
      costPerCallUsd: best.summary.costKnown ? best.summary.costPerCallUsd : null,
      reachesTarget: target === null ? null : score >= target - DRIFT,
    };
  }
  const bestText = (c: CandidateResult): string => {
    const se = c.summary.stdErr === null ? "" : ` (SE ${points(c.summary.stdErr)})`;
    return `${percent(c.summary.meanScore)}${se}`;
  };

  // Rule 1: a prompt baseline on the same cases.
  const ftNames = fineTunes.map((c) => c.name).join(", ");
  if (fineTunes.length > 0 && !best) {
    const unscored = candidates.filter((c) => c.kind === "prompt").map((c) => c.name);
    const which = fineTunes.length > 1 ? "are fine-tune candidates" : "is a fine-tune candidate";
    const why =
      unscored.length > 0
        ? `no prompt candidate was scored on the suite's cases (${unscored.join(", ")})`
        : "the suite has no prompt candidate";
    add(
      1,
      "violation",
      `${ftNames} ${which}, but ${why}: add a prompt baseline first, evaluated on the same cases, and fine-tune only where it falls short`,
    );
  }

  // Rule 6 (context): which training files this change touches.
  const files = [...new Set(fineTunes.map((c) => c.fineTune!.trainingData))];
  for (const file of files) {
    if (!ctx.changed.has(normalizeFile(file))) continue;
    const diff = ctx.reports.get(normalizeFile(file))?.diff;
    const what = diff
      ? `: ${formatCount(diff.added)} example(s) added, ${formatCount(diff.removed)} removed, ${formatCount(diff.changed)} answer(s) changed`
      : "";
    add(6, "info", `${file} changes${what}`, { file });
  }

  // Rule 2: the best prompt already reaches the target.
  if (fineTunes.length > 0 && best) {
    const score = best.summary.meanScore!;
    if (target === null) {
      add(2, "info", `the suite sets no target: set one to know when ${best.name} is enough`);
    } else if (score >= target - DRIFT) {
      add(
        2,
        "violation",
        `the best prompt, ${best.name} on ${readCandidateModel(best) ?? "its model"}, already reaches the ${percent(target)} target at ${bestText(best)}: the fine-tune is not needed — keep the prompt (or raise the target if the task needs more)`,
      );
    } else {
      add(
        2,
        "info",
        `the best prompt, ${best.name}, scores ${bestText(best)}: ${points(target - score)} points short of the ${percent(target)} target`,
      );
    }
  }

  // Rule 5: the training data passes its checks; leakage is always a violation.
  const dataProblems: string[] = [];
  const data: DataSummary[] = [];
  for (const file of files) {
    const report = ctx.reports.get(normalizeFile(file));
    if (!report) {
      add(5, "info", `${file} was not checked`, { file });
      continue;
    }
    data.push(summarizeData(file, report, ctx.changed.has(normalizeFile(file))));
    const leaks = report.quality.leakage.count;
    const leakErrors = report.findingCounts.find((c) => c.code === "leakage")?.count ?? leaks;
    const otherErrors = Math.max(0, report.errorCount - leakErrors);
    if (otherErrors > 0) {
      const examples = report.findings
        .filter((x) => x.severity === "error" && x.code !== "leakage")
        .slice(0, 2)
        .map((x) => `${x.line === null ? "" : `line ${x.line}: `}${x.message}`);
      add(
        5,
        "violation",
        `${file} fails its checks with ${formatCount(otherErrors)} error(s)${examples.length > 0 ? ` (${examples.join("; ")})` : ""}: fix the training data before training`,
        { file },
      );
      dataProblems.push(`${file}: ${formatCount(otherErrors)} error(s)`);
    }
    if (leaks > 0) {
      const examples = report.quality.leakage.examples
        .slice(0, 3)
        .map((e) => `line ${e.line}: case ${e.caseId} of ${e.suite}`);
      add(
        5,
        "violation",
        `${file} leaks ${formatCount(leaks)} eval case(s) into training (${examples.join("; ")}): a model trained on them is measured on memory, not skill — remove them from the data or the eval`,
        { file, alwaysViolation: true },
      );
      dataProblems.push(`${file}: ${formatCount(leaks)} leaked eval case(s)`);
    }
    if (otherErrors === 0 && leaks === 0) {
      const warnings = report.warningCount > 0 ? `, ${formatCount(report.warningCount)} warning(s)` : "";
      add(5, "info", `${file} passes its checks: ${formatCount(report.examples)} example(s)${warnings}`, {
        file,
      });
    }
  }

  // Rules 3, 4 and 6: each fine-tune against the best prompt.
  const assessments: FineTuneAssessment[] = [];
  for (const ft of fineTunes) {
    const spec = ft.fineTune!;
    const file = normalizeFile(spec.trainingData);
    const report = ctx.reports.get(file);
    const dataChanged = ctx.changed.has(file);
    const model = spec.model ?? ft.model ?? null;
    const trained = !ft.skipped && model !== null;
    const scored = trained && ft.summary.meanScore !== null;
    const bestScore = best?.summary.meanScore ?? null;
    const floors = [bestScore === null ? undefined : bestScore + minGain, target ?? undefined].filter(
      (v): v is number => v !== undefined,
    );
    const requiredScore = floors.length > 0 ? Math.min(1, Math.max(...floors)) : null;
    const gain = scored && best ? computeCandidateGain(best, ft, input.confidence) : undefined;
    const beatsPrompt = gain
      ? gain.meanDiff >= minGain - DRIFT && gain.ciLow !== null && gain.ciLow > 0
      : null;
    const costs = computeFineTuneCosts({
      fineTune: ft,
      prompt: best,
      volume: suite.volume,
      report,
      meanDiff: gain?.meanDiff ?? null,
    });
    const assessment: FineTuneAssessment = {
      candidate: ft.name,
      model,
      baseModel: spec.baseModel,
      trainingData: spec.trainingData,
      trained,
      dataChanged,
      score: scored ? ft.summary.meanScore : null,
      stdErr: scored ? ft.summary.stdErr : null,
      gain: gain
        ? {
            n: gain.n,
            meanDiff: gain.meanDiff,
            ciLow: gain.ciLow,
            ciHigh: gain.ciHigh,
            clustered: gain.clustered,
          }
        : null,
      requiredScore,
      beatsPrompt,
      reachesTarget: scored && target !== null ? ft.summary.meanScore! >= target - DRIFT : null,
      costs,
    };
    assessments.push(assessment);
    const on = { candidate: ft.name };

    if (scored && best) {
      if (!gain) {
        add(
          1,
          "violation",
          `${ft.name} and ${best.name} scored no case in common: evaluate the prompt baseline on the same cases`,
          on,
        );
      } else {
        const interval = formatInterval(gain, input.confidence);
        if (beatsPrompt) {
          add(
            3,
            "info",
            `${ft.name} scores ${bestText(ft)} against ${best.name}'s ${bestText(best)}: ${formatPoints(gain.meanDiff)} points (${interval}), at least the ${points(minGain)} required, with the interval above 0`,
            on,
          );
        } else if (gain.meanDiff < minGain - DRIFT) {
          add(
            3,
            "violation",
            `${ft.name} gains only ${formatPoints(gain.meanDiff)} points over ${best.name} (${bestText(ft)} against ${bestText(best)}; ${interval}): a fine-tune must gain at least ${points(minGain)} points, with the interval above 0`,
            on,
          );
        } else {
          const why =
            gain.ciLow === null
              ? "there are too few paired cases for an interval"
              : `the interval (${interval}) does not stay above 0`;
          add(
            3,
            "violation",
            `${ft.name} gains ${formatPoints(gain.meanDiff)} points over ${best.name}, but ${why}: the gain may be noise — add cases`,
            on,
          );
        }
        addCostFinding(add, assessment, best, gain, suite.volume, minGain, ft.fineTune?.hostingPerHour);
      }
    } else if (trained && !scored) {
      add(3, "warning", `${ft.name} (${model}) was evaluated but no case could be scored`, on);
    } else if (!trained) {
      const why =
        best && bestScore !== null
          ? target !== null && target > bestScore + minGain
            ? ` (the ${percent(target)} target; ${best.name} + ${points(minGain)} points is ${percent(bestScore + minGain)})`
            : ` (${best.name}'s ${percent(bestScore)} + ${points(minGain)} points${bestScore + minGain > 1 ? ", capped at 100%" : ""})`
          : target !== null
            ? ` (the ${percent(target)} target)`
            : "";
      const need =
        requiredScore === null ? "" : `; to be worth it, it must reach ${percent(requiredScore)}${why}`;
      const tokens = report
        ? ` (${formatCount(report.tokens.billedPerEpoch)} tokens × ${spec.epochs ?? report.epochs.value} epoch(s))`
        : "";
      const training =
        costs.trainingUsd === null
          ? `; training cost unknown: ${costs.trainingReason}`
          : `; training is estimated at ${formatDollars(costs.trainingUsd)}${tokens}`;
      const stage = dataChanged ? " (the data changes first, training after merge)" : "";
      add(6, "info", `${ft.name} is not trained yet${stage}${need}${training}`, on);
    }

    // A changed training file with an unchanged model: the scores are the previous model's.
    const baseSpec = baseSuite?.candidates[ft.name]?.fineTune;
    if (dataChanged && trained && baseSpec?.model !== undefined && baseSpec.model === spec.model) {
      add(
        6,
        "warning",
        `${spec.trainingData} changes but ${ft.name} still names the model trained before (${spec.model}): its scores are the previous model's — retrain, then update fineTune.model`,
        on,
      );
    }
  }

  // Rule 7: the parts that matter.
  let clusters: ClusterRow[] = [];
  if (best && target !== null) {
    const bestFineTune = fineTunes
      .filter((c) => isScored(c))
      .sort((a, b) => b.summary.meanScore! - a.summary.meanScore!)[0];
    clusters = computeClusterRows(best, target, bestFineTune);
    if (clusters.length > 0) {
      const short = clusters.filter((c) => c.status === "falls short");
      const ok = clusters.filter((c) => c.status === "suffices");
      const shortText =
        short.length === 0
          ? `${best.name} reaches the ${percent(target)} target on every cluster`
          : `${best.name} falls short of the ${percent(target)} target on ${short.length} of ${clusters.length} cluster(s): ${short.map((c) => `${c.cluster} ${percent(c.bestPromptScore)} (${c.n} cases)`).join(", ")}`;
      const okText =
        short.length > 0 && ok.length > 0 ? `; it suffices on ${ok.map((c) => c.cluster).join(", ")}` : "";
      const advice =
        short.length > 0 && ok.length > 0
          ? fineTunes.length > 0
            ? ": fine-tune only the clusters that fall short"
            : ": if prompting cannot close the gap there, fine-tune only those"
          : "";
      add(7, "info", `${shortText}${okText}${advice}`);
    }
  }

  // Rule 9: announced shutdowns.
  const shutdowns = new Map(candidates.map((c) => [c, findCandidateShutdown(c)] as const));
  const currentPrompts = prompts.filter((p) => shutdowns.get(p) === undefined);
  const lifecycle: LifecycleWarning[] = [];
  for (const candidate of candidates) {
    const shutdown = shutdowns.get(candidate);
    if (!shutdown) continue;
    const warning = assessLifecycle({
      candidate,
      shutdown,
      currentPrompts,
      today: input.today,
      confidence: input.confidence,
      maxScoreDrop: input.maxScoreDrop,
    });
    lifecycle.push(warning);
    add(9, "warning", warning.message, { candidate: candidate.name });
  }

  // Rule 8: one recommendation.
  const recommendation = decideRecommendation({
    best,
    target,
    fineTunes: assessments,
    dataProblems,
    lifecycle,
    clusters,
    minGain,
    confidence: input.confidence,
  });

  const findings: PromptFirstFinding[] = drafts.map(({ alwaysViolation, ...finding }) =>
    input.mode === "warn" && finding.severity === "violation" && !alwaysViolation
      ? { ...finding, severity: "warning" }
      : finding,
  );
  const ordered = findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index,
    )
    .map((e) => e.finding);
  const applicable = fineTunes.length > 0;
  const status: PromptFirstStatus = findings.some((f) => f.severity === "violation")
    ? "violated"
    : findings.some((f) => f.severity === "warning")
      ? "warning"
      : applicable
        ? "holds"
        : "not applicable";
  return {
    suite: suite.name,
    status,
    target,
    volume,
    reasons: ordered.map((f) => f.message),
    findings: ordered,
    recommendation,
    bestPrompt,
    fineTunes: assessments,
    clusters,
    lifecycle,
    data,
  };
}

function addCostFinding(
  add: (
    rule: number,
    severity: PromptFirstFinding["severity"],
    message: string,
    extra?: Partial<Pick<DraftFinding, "candidate">>,
  ) => void,
  a: FineTuneAssessment,
  best: CandidateResult,
  gain: CandidateGainTest,
  volume: number | undefined,
  minGain: number,
  hostingPerHour: number | undefined,
): void {
  const c = a.costs;
  const on = { candidate: a.candidate };
  const calls = volume === undefined ? "" : ` at ${formatCount(volume)} calls`;
  if (c.monthlyDeltaUsd !== null && c.monthlyDeltaUsd > 0 && gain.meanDiff < minGain - DRIFT) {
    add(
      4,
      "violation",
      `${a.candidate} costs ${formatDollars(c.monthlyDeltaUsd)} more a month than ${best.name}${calls} (${formatDollars(c.monthlyInferenceUsd)} against ${formatDollars(c.promptMonthlyUsd)}) and gains only ${formatPoints(gain.meanDiff)} points, less than the ${points(minGain)} required: it does not pay`,
      on,
    );
    return;
  }
  const parts: string[] = [];
  if (c.monthlyInferenceUsd !== null && c.promptMonthlyUsd !== null) {
    const hosting =
      hostingPerHour !== undefined && hostingPerHour > 0
        ? ` (${formatDollars(hostingPerHour * HOURS_PER_MONTH)} of it hosting)`
        : "";
    parts.push(
      `${a.candidate} costs ${formatDollars(c.monthlyInferenceUsd)} a month${calls}${hosting} against ${formatDollars(c.promptMonthlyUsd)} for ${best.name}`,
    );
  } else {
    parts.push(
      `${a.candidate}'s monthly cost is not known (${c.inferenceReason ?? `${best.name}'s cost per call or the suite's volume is not known`})`,
    );
  }
  parts.push(
    c.trainingUsd === null
      ? `training cost unknown (${c.trainingReason})`
      : `training ${formatDollars(c.trainingUsd)}`,
  );
  if (c.paybackMonths !== null) parts.push(describePayback(c.paybackMonths));
  else if (c.monthlyDeltaUsd !== null && c.monthlyDeltaUsd > 0) parts.push("it costs more every month");
  if (c.costPerPointUsd !== null) parts.push(describeCostPerPoint(c));
  add(4, "info", parts.join("; "), on);
}

/**
 * Apply the prompt-first rule to every suite of a comparison that is on head (pure). Per suite:
 *
 * 1. a fine-tune candidate (or training data the change touches) needs a prompt candidate scored on the same
 *    cases — otherwise violated ("add a prompt baseline first");
 * 2. when the best prompt already reaches the suite's `target`, the fine-tune is not needed — violated;
 * 3. a trained fine-tune must beat the best prompt by `minFineTuneGain`, paired on the head cases both scored,
 *    with the interval's lower bound above 0;
 * 4. cost: training + inference at `volume` against the prompt, with payback and cost per point — violated
 *    when it costs more a month and gains less than the minimum;
 * 5. its training data has no check errors, and never leaks eval cases;
 * 6. before training (the data changes first): checks 1, 2 and 5, the training estimate and the score it must
 *    reach; a changed file whose candidate keeps the previous model is a warning;
 * 7. the best prompt per cluster against the target;
 * 8. a recommendation (prompt, fine-tune, improve, measure first);
 * 9. announced model shutdowns (a warning), with whether the best prompt on a current model matches.
 *
 * Under `warn` every violation is reported as a warning except leakage, which stays a violation (the gate
 * still only warns). Suites without fine-tune candidates are `not applicable` unless a shutdown warns.
 */
export function evaluatePromptFirst(input: EvaluatePromptFirstInput): PromptFirstReport {
  const ctx: SuiteContext = {
    input,
    reports: new Map(input.dataReports.map((r) => [normalizeFile(r.file), r] as const)),
    changed: new Set(input.changedTrainingFiles.map(normalizeFile)),
  };
  const suites: SuitePromptFirst[] = [];
  for (const compared of input.comparison.suites) {
    const suite = input.head.suites[compared.name];
    if (!suite) continue;
    suites.push(evaluateSuite(suite, input.base?.suites[compared.name], ctx));
  }
  let status: PromptFirstStatus = "not applicable";
  for (const s of suites) if (STATUS_ORDER[s.status] > STATUS_ORDER[status]) status = s.status;
  return {
    mode: input.mode,
    minFineTuneGain: input.minFineTuneGain,
    maxScoreDrop: input.maxScoreDrop,
    confidence: input.confidence,
    today: input.today.toISOString().slice(0, 10),
    status,
    summary: suites.map((s) => `${s.suite}: ${RECOMMENDATION_LABEL[s.recommendation.kind]}`).join(" · "),
    suites,
  };
}

/**
 * The prompt-first gate from a report: one finding per rule finding (a violation fails under `enforce` and
 * warns under `warn`; a warning warns), plus a headline per suite (`pass` when the rule holds, `not applicable`
 * when it does not apply). Its status is `not applicable` when no suite is applicable.
 */
export function buildPromptFirstGate(report: PromptFirstReport, mode: "enforce" | "warn"): Gate {
  const findings: GateFinding[] = [];
  for (const s of report.suites) {
    for (const f of s.findings) {
      const status: GateFinding["status"] =
        f.severity === "violation"
          ? mode === "enforce"
            ? "fail"
            : "warn"
          : f.severity === "warning"
            ? "warn"
            : "info";
      findings.push({
        suite: s.suite,
        ...(f.candidate === undefined ? {} : { candidate: f.candidate }),
        status,
        message: `${s.suite}: ${f.message}`,
      });
    }
    const advice = `recommendation: ${RECOMMENDATION_LABEL[s.recommendation.kind]} — ${s.recommendation.text}`;
    if (s.status === "holds") {
      findings.push({ suite: s.suite, status: "pass", message: `${s.suite}: the rule holds; ${advice}` });
    } else if (s.status === "not applicable") {
      findings.push({
        suite: s.suite,
        status: "not applicable",
        message: `${s.suite}: not applicable (no fine-tune candidate or training data); ${advice}`,
      });
    } else {
      findings.push({ suite: s.suite, status: "info", message: `${s.suite}: ${advice}` });
    }
  }
  const gate = buildGate(findings);
  if (findings.length === 0) gate.status = "not applicable";
  return gate;
}

/**
 * A comparison with the prompt-first rule applied: `promptFirst` (the report), `dataReports`, the thresholds it
 * was judged with (`promptFirst`, `minFineTuneGain`, `failOn`), and the verdict recomputed with the
 * `promptFirst` gate (`failOn` `any` or `prompt-first` lets it fail the check). Under `off` the rule is left
 * out (no report, no gate); the data reports are kept.
 */
export function applyPromptFirst(
  comparison: Comparison,
  report: PromptFirstReport,
  dataReports: readonly DataReport[],
  mode: PromptFirstMode,
  failOn: FailOn,
): Comparison {
  const { verdict, promptFirst: _previous, dataReports: _previousData, ...rest } = comparison;
  const gates: Comparison["verdict"]["gates"] = {
    quality: verdict.gates.quality,
    cost: verdict.gates.cost,
    errors: verdict.gates.errors,
  };
  if (mode !== "off") gates.promptFirst = buildPromptFirstGate(report, mode);
  return {
    ...rest,
    thresholds: {
      ...comparison.thresholds,
      failOn,
      promptFirst: mode,
      minFineTuneGain: report.minFineTuneGain,
    },
    ...(mode === "off" ? {} : { promptFirst: { ...report, mode } }),
    dataReports: [...dataReports],
    verdict: computeVerdict(gates, failOn, hasEvidence(comparison.suites)),
  };
}

/** "pays back within a month" rather than "in 0.0 months" when the saving covers training at once. */
function describePayback(months: number): string {
  return months < 1 ? "pays back within the first month" : `pays back in ${months.toFixed(1)} months`;
}
