import type { CandidateResult } from "../result/schema.ts";
import { computeMean, computeStdErr } from "../stats/describe.ts";
import type { ClusterRow } from "./schema.ts";

const DRIFT = 1e-12;

function collectClusterScores(candidate: CandidateResult): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of candidate.cases) {
    if (c.cluster === undefined || c.score === null) continue;
    const list = out.get(c.cluster) ?? [];
    list.push(c.score);
    out.set(c.cluster, list);
  }
  return out;
}

/**
 * The best prompt's mean score per cluster of cases against the suite's target (`suffices` when it reaches it),
 * with the best trained fine-tune's score on the same cluster: where prompting falls short and a fine-tune may
 * pay, and where it already suffices. Weakest cluster first; empty when no scored case carries `cluster`.
 */
export function computeClusterRows(
  prompt: CandidateResult,
  target: number,
  fineTune: CandidateResult | undefined,
): ClusterRow[] {
  const promptScores = collectClusterScores(prompt);
  const fineTuneScores = fineTune ? collectClusterScores(fineTune) : undefined;
  const rows: ClusterRow[] = [];
  for (const [cluster, scores] of promptScores) {
    const mean = computeMean(scores)!;
    const row: ClusterRow = {
      cluster,
      n: scores.length,
      bestPromptScore: mean,
      stdErr: computeStdErr(scores),
      target,
      status: mean >= target - DRIFT ? "suffices" : "falls short",
      fineTune: null,
    };
    if (fineTune && fineTuneScores) {
      row.fineTune = { candidate: fineTune.name, score: computeMean(fineTuneScores.get(cluster) ?? []) };
    }
    rows.push(row);
  }
  return rows.sort((a, b) => a.bestPromptScore - b.bestPromptScore || a.cluster.localeCompare(b.cluster));
}
