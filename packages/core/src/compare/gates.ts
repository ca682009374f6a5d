import type {
  CandidateComparison,
  FailOn,
  Gate,
  GateFinding,
  GateStatus,
  SuiteComparison,
  Thresholds,
  Verdict,
} from "./schema.ts";
import {
  formatChangePct,
  formatDollars,
  formatIdList,
  formatPoints,
  formatPointsAbs,
  formatPValue,
  formatScorePercent,
} from "./wording.ts";

/**
 * How bad each status is, for combining: fail > warn > unknown > inconclusive > not evaluated > pass > not
 * applicable. Whatever is combined with something that is not a pass is not a pass, so missing or thin evidence
 * (or a rule broken under `warn`) never shows as a pass; `not applicable` is below `pass`, so a gate with nothing
 * to judge never hides the others (all not applicable: not applicable).
 */
export const GATE_STATUS_SEVERITY: Readonly<Record<GateStatus, number>> = {
  "not applicable": -1,
  pass: 0,
  "not evaluated": 1,
  inconclusive: 2,
  unknown: 3,
  warn: 4,
  fail: 5,
};

/** The worst of some statuses; `not evaluated` when there are none (no evidence is never a pass). */
export function combineGateStatuses(statuses: readonly GateStatus[]): GateStatus {
  let worst: GateStatus | undefined;
  for (const status of statuses) {
    if (worst === undefined || GATE_STATUS_SEVERITY[status] > GATE_STATUS_SEVERITY[worst]) worst = status;
  }
  return worst ?? "not evaluated";
}

/** The status of some findings: the worst of those that are not `info`. */
export function computeFindingsStatus(findings: readonly GateFinding[]): GateStatus {
  return combineGateStatuses(findings.flatMap((f) => (f.status === "info" ? [] : [f.status as GateStatus])));
}

/** A gate from its findings: status = the worst non-info finding; reasons = the messages, worst first. */
export function buildGate(findings: readonly GateFinding[]): Gate {
  const rank = (f: GateFinding): number => (f.status === "info" ? -2 : GATE_STATUS_SEVERITY[f.status]);
  const ordered = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(b.finding) - rank(a.finding) || a.index - b.index)
    .map((e) => e.finding);
  return {
    status: computeFindingsStatus(findings),
    reasons: ordered.map((f) => f.message),
    findings: [...findings],
  };
}

/** The gates `failOn` makes fail the check. */
function selectedGates(failOn: FailOn): Array<"quality" | "cost" | "errors" | "promptFirst"> {
  switch (failOn) {
    case "any":
      return ["quality", "cost", "errors", "promptFirst"];
    case "never":
      return [];
    case "prompt-first":
      return ["promptFirst"];
    default:
      return [failOn];
  }
}

/**
 * The verdict over the gates: `status` is the worst gate status; `failed` is true when a gate selected by
 * `failOn` has status `fail` (the CLI exits 1 then), or when `evidence` is false (no case was evaluated at
 * all) and `failOn` is not `never`: zero cases evaluated is never a pass, so such a check does not go green.
 * Otherwise inconclusive, not evaluated, unknown and warn gates do not fail the check by themselves, but the
 * status never reads `pass` while any of them is there.
 */
export function computeVerdict(gates: Verdict["gates"], failOn: FailOn, evidence = true): Verdict {
  const all = [gates.quality, gates.cost, gates.errors, ...(gates.promptFirst ? [gates.promptFirst] : [])];
  const selected = selectedGates(failOn);
  const failed =
    selected.some((name) => gates[name]?.status === "fail") || (!evidence && selected.length > 0);
  return { status: combineGateStatuses(all.map((g) => g.status)), failed, failOn, gates };
}

/**
 * Whether a comparison rests on any evidence: a case evaluated on head, or nothing left on head to evaluate (a
 * change that only removes suites). False makes the verdict fail (zero cases evaluated is never a pass).
 */
export function hasEvidence(suites: readonly SuiteComparison[]): boolean {
  if (
    suites.some((suite) =>
      suite.candidates.some((c) => (c.head?.scored ?? 0) > 0 || (c.head?.calls ?? 0) > 0),
    )
  )
    return true;
  return suites.length > 0 && suites.every((suite) => suite.status === "removed");
}

/** A candidate's findings for the three gates. */
export interface CandidateFindings {
  quality: GateFinding[];
  cost: GateFinding[];
  errors: GateFinding[];
}

const DRIFT = 1e-12;

/**
 * The quality gate's decision for one candidate (the rule the verdict rests on):
 *
 * - Compared candidates, on the n cases both sides ran with unchanged vars and expected, and scored:
 *   - n = 0 → `not evaluated` (zero cases is never a pass);
 *   - FAIL when the drop (−mean of per-case differences) exceeds `maxScoreDrop` AND it is significant by the
 *     one-sided paired t-test at α = 1 − `confidence` (H1: head scores lower; clustered SE and clusters − 1
 *     degrees of freedom when every case carries `cluster`). One-sided, because only a drop fails the gate: the
 *     chance that an unchanged prompt fails it is then α itself (5% at the default 0.95), where a two-sided
 *     test would spend half of α on improvements that never fail. The two-sided interval at `confidence` is
 *     still what reports show;
 *   - otherwise INCONCLUSIVE when the suite cannot detect a drop of `maxScoreDrop` (its minimum detectable
 *     drop at 80% power is larger, or n < 2): a drop within noise on such a suite proves nothing, and the
 *     finding says how many more cases would make the check meaningful;
 *   - otherwise PASS (a drop within noise says so).
 * - Every candidate on head (compared or new): FAIL when its mean score is below `minScore`, or when a case's
 *   pass rate over its samples is below `minPassRate` (when set).
 * - New candidates (no base) are `not evaluated` (no base is no evidence of a drop), unless `minScore` is set:
 *   then they are judged on head alone against it; removed ones and ones skipped on both sides are reported as
 *   `info`; one evaluated on base but skipped on head is `not evaluated`.
 *
 * The suite's `target` never fails the gate: candidates are alternatives (see computeTargetFinding).
 */
export function computeQualityFindings(
  suite: Pick<SuiteComparison, "name">,
  candidate: Omit<CandidateComparison, "gates">,
  thresholds: Thresholds,
): GateFinding[] {
  const where = `${suite.name} / ${candidate.name}`;
  const finding = (status: GateFinding["status"], message: string): GateFinding => ({
    suite: suite.name,
    candidate: candidate.name,
    status,
    message: `${where}: ${message}`,
  });
  const out: GateFinding[] = [];
  const { base, head } = candidate;

  switch (candidate.status) {
    case "removed":
      return [finding("info", `removed on head (base scored ${formatScorePercent(base?.mean)})`)];
    case "skipped":
      return [
        base
          ? finding(
              "not evaluated",
              `not evaluated on head (${candidate.skipReason ?? "skipped"}); base scored ${formatScorePercent(base.mean)}`,
            )
          : finding("info", `not evaluated on either side: ${candidate.skipReason ?? "skipped"}`),
      ];
    case "new":
      if (!head || head.scored === 0) {
        out.push(finding("not evaluated", "new on head, and no case could be scored"));
      } else if (thresholds.minScore !== undefined) {
        // Judged on head alone: the minimum score is the one bar a candidate without a base can clear.
        if (head.mean !== null && head.mean >= thresholds.minScore - DRIFT) {
          out.push(
            finding(
              "pass",
              `new on head (no base to compare with): ${formatScorePercent(head.mean)} on ${head.scored} scored case(s), at or above the minimum of ${formatScorePercent(thresholds.minScore)}`,
            ),
          );
        }
      } else {
        out.push(
          finding(
            "not evaluated",
            `new on head, no base to compare with: ${formatScorePercent(head.mean)} on ${head.scored} scored case(s) (set min-score to judge new candidates on head alone)`,
          ),
        );
      }
      break;
    case "compared":
      out.push(computeDropFinding(candidate, thresholds, finding));
      break;
  }

  if (thresholds.minScore !== undefined && head?.mean !== null && head?.mean !== undefined) {
    if (head.mean < thresholds.minScore - DRIFT) {
      out.push(
        finding(
          "fail",
          `score ${formatScorePercent(head.mean)} is below the minimum of ${formatScorePercent(thresholds.minScore)}`,
        ),
      );
    }
  }
  if (thresholds.minPassRate !== undefined && candidate.minPassRateViolations.length > 0) {
    const ids = candidate.minPassRateViolations.map((v) => v.caseId);
    out.push(
      finding(
        "fail",
        `${ids.length} case(s) pass in fewer than ${formatScorePercent(thresholds.minPassRate)} of their samples: ${formatIdList(ids)}`,
      ),
    );
  }
  return out;
}

function computeDropFinding(
  candidate: Omit<CandidateComparison, "gates">,
  thresholds: Thresholds,
  finding: (status: GateFinding["status"], message: string) => GateFinding,
): GateFinding {
  const paired = candidate.paired;
  if (!paired || paired.n === 0 || paired.meanDiff === null) {
    const excluded = paired ? paired.excluded : { changed: 0, unscored: 0 };
    return finding(
      "not evaluated",
      `no case ran on both sides with the same inputs and a score (${excluded.changed} changed, ${excluded.unscored} not scored on one side)`,
    );
  }
  const level = `${Math.round(paired.confidence * 1000) / 10}%`;
  const ci =
    paired.ciLow === null || paired.ciHigh === null
      ? "no interval with a single case"
      : `${level} CI ${formatPoints(paired.ciLow)} to ${formatPoints(paired.ciHigh)}`;
  const change = `${formatScorePercent(paired.meanBase)} → ${formatScorePercent(paired.meanHead)} on ${paired.n} paired case(s), ${formatPoints(paired.meanDiff)} points (${ci})`;
  const drop = -paired.meanDiff;
  const allowed = formatPointsAbs(thresholds.maxScoreDrop);

  if (drop > thresholds.maxScoreDrop + DRIFT && paired.significantDrop) {
    return finding(
      "fail",
      `score fell ${formatPointsAbs(drop)} points, more than the ${allowed} allowed, and the drop is significant (one-sided ${formatPValue(paired.pValueDrop)}): ${change}`,
    );
  }
  const noise = paired.withinNoise ? "; the drop is within noise" : "";
  const mde = paired.minDetectableDrop;
  if (mde === null || mde > thresholds.maxScoreDrop + DRIFT) {
    const detect =
      mde === null
        ? `a single paired case cannot measure noise`
        : `with ${paired.n} paired case(s)${paired.clustered && paired.clusters !== null ? ` in ${paired.clusters} clusters` : ""} the suite detects only drops of ${formatPointsAbs(mde)} points or more (80% power), not ${allowed}`;
    return finding(
      "inconclusive",
      `${change}${noise}; ${detect}: about ${paired.extraCasesNeeded} more case(s)${formatExtraClusters(paired)} would make this check meaningful`,
    );
  }
  if (paired.significantDrop && drop > 0) {
    return finding(
      "pass",
      `${change}; a significant drop, but within the ${allowed} points allowed (drops of ${formatPointsAbs(mde)} or more are detected)`,
    );
  }
  return finding("pass", `${change}${noise} (drops of ${formatPointsAbs(mde)} points or more are detected)`);
}

/**
 * For a clustered suite, the more clusters its extra cases must come in (more cases in the clusters it has would
 * barely help): ` in 44 more cluster(s) of about 3 case(s)`; empty otherwise.
 */
function formatExtraClusters(paired: NonNullable<CandidateComparison["paired"]>): string {
  if (!paired.clustered || paired.clusters === null || !paired.extraClustersNeeded) return "";
  const size = paired.n / paired.clusters;
  const shown = Number.isInteger(size) ? String(size) : size.toFixed(1);
  return ` in ${paired.extraClustersNeeded} more cluster(s) of about ${shown} case(s)`;
}

/**
 * The suite's target, shown and never failing: which candidates reach it on head (an `info` finding), or
 * nothing when the suite sets no target.
 */
export function computeTargetFinding(suite: SuiteComparison): GateFinding | undefined {
  if (suite.target === undefined) return undefined;
  const evaluated = suite.candidates.filter((c) => c.head && c.head.mean !== null);
  const reaching = evaluated.filter((c) => c.reachesTarget.head === true).map((c) => c.name);
  const target = formatScorePercent(suite.target);
  let message: string;
  if (evaluated.length === 0) message = `target ${target}: no candidate was scored on head`;
  else if (reaching.length > 0) message = `target ${target} reached on head by ${reaching.join(", ")}`;
  else {
    const best = [...evaluated].sort((a, b) => (b.head!.mean ?? 0) - (a.head!.mean ?? 0))[0]!;
    message = `target ${target} not reached by any candidate on head (best: ${best.name} at ${formatScorePercent(best.head!.mean)})`;
  }
  return { suite: suite.name, status: "info", message: `${suite.name}: ${message}` };
}

/**
 * The cost gate for one candidate: FAIL when cost per call rises more than `maxCostIncrease` percent (or from
 * zero to anything), or the monthly projection at the suite's `volume` exceeds `maxMonthlyCost`; UNKNOWN when a
 * price is unknown (FAIL instead with `failOnUnknownCost`); NOT EVALUATED when no call was answered.
 */
export function computeCostFindings(
  suite: Pick<SuiteComparison, "name" | "volume">,
  candidate: Omit<CandidateComparison, "gates">,
  thresholds: Thresholds,
): GateFinding[] {
  const where = `${suite.name} / ${candidate.name}`;
  const finding = (status: GateFinding["status"], message: string): GateFinding => ({
    suite: suite.name,
    candidate: candidate.name,
    status,
    message: `${where}: ${message}`,
  });
  const { base, head } = candidate;
  if (candidate.status === "removed" || candidate.status === "skipped" || !head) return [];
  if (head.calls - head.errors === 0) return [finding("not evaluated", "no call was answered on head")];
  const unknown = (message: string): GateFinding =>
    thresholds.failOnUnknownCost
      ? finding("fail", `${message}, and an unknown cost fails the check`)
      : finding("unknown", message);
  if (!head.costKnown) {
    return [unknown(`cost unknown: no price is known for ${head.model ?? "the model"} on head`)];
  }
  const out: GateFinding[] = [];
  const perCall = `${formatDollars(head.costPer1kUsd)} per 1k calls`;
  if (candidate.status === "compared" && base) {
    if (!base.costKnown)
      out.push(unknown(`cost change unknown: no price is known for base's ${base.model ?? "model"}`));
    else if (base.costPerCallUsd === null)
      out.push(finding("not evaluated", "no call was answered on base, so the cost change is not known"));
    else {
      const from = `${formatDollars(base.costPer1kUsd)} → ${perCall}`;
      const pct = candidate.cost.perCallChangePct;
      if (pct === null) {
        out.push(finding("fail", `cost per call rose from $0 to ${perCall}`));
      } else if (pct > thresholds.maxCostIncrease + 1e-9) {
        out.push(
          finding(
            "fail",
            `cost per call rose ${formatChangePct(pct)}, more than the ${thresholds.maxCostIncrease}% allowed (${from})`,
          ),
        );
      } else {
        out.push(finding("pass", `cost per call ${formatChangePct(pct)} (${from})`));
      }
    }
  } else {
    out.push(finding("pass", `new on head: ${perCall}`));
  }
  if (thresholds.maxMonthlyCost !== undefined) {
    const monthly = head.monthlyCostUsd;
    if (suite.volume === undefined || monthly === null) {
      out.push(finding("info", "no monthly projection: the suite sets no volume"));
    } else if (monthly > thresholds.maxMonthlyCost + 1e-9) {
      out.push(
        finding(
          "fail",
          `monthly cost ${formatDollars(monthly)} at ${suite.volume.toLocaleString("en-US")} calls exceeds the ${formatDollars(thresholds.maxMonthlyCost)} allowed`,
        ),
      );
    } else {
      out.push(
        finding(
          "pass",
          `monthly cost ${formatDollars(monthly)} at ${suite.volume.toLocaleString("en-US")} calls, within ${formatDollars(thresholds.maxMonthlyCost)}`,
        ),
      );
    }
  }
  return out;
}

/** The errors gate for one candidate: FAIL when head's error rate exceeds `maxErrorRate`; NOT EVALUATED without calls. */
export function computeErrorFindings(
  suite: Pick<SuiteComparison, "name">,
  candidate: Omit<CandidateComparison, "gates">,
  thresholds: Thresholds,
): GateFinding[] {
  const { base, head } = candidate;
  if (candidate.status === "removed" || candidate.status === "skipped" || !head) return [];
  const finding = (status: GateFinding["status"], message: string): GateFinding => ({
    suite: suite.name,
    candidate: candidate.name,
    status,
    message: `${suite.name} / ${candidate.name}: ${message}`,
  });
  if (head.calls === 0 || head.errorRate === null)
    return [finding("not evaluated", "no call was made on head")];
  const rate = `${formatScorePercent(head.errorRate)} (${head.errors} of ${head.calls} calls${base?.errorRate !== null && base?.errorRate !== undefined ? `; base ${formatScorePercent(base.errorRate)}` : ""})`;
  if (head.errorRate > thresholds.maxErrorRate + DRIFT) {
    return [
      finding(
        "fail",
        `error rate ${rate} exceeds the ${formatScorePercent(thresholds.maxErrorRate)} allowed`,
      ),
    ];
  }
  return [finding("pass", `error rate ${rate}`)];
}
