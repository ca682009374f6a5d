import type { Comparison } from "@promptfirst/core";
import { formatCount } from "./markdown/escape.ts";
import { formatInt } from "./wording.ts";

/**
 * What a change did, as far as a Comparison tells: prompts edited (each side's prompt hash), models switched,
 * candidates and suites added or removed, cases added, removed or edited, training files changed, and whether the
 * config hash (over the config and every file it references: prompts, cases, training data) moved. A comparison
 * written before sides carried their prompt shows a prompt edit only through that hash.
 */

/** A piece of a change's description: a name to show as code (untrusted), or plain words. */
export type ChangeSegment = { code: string } | { text: string };

/** One change, as segments each renderer escapes its own way. */
export interface ChangeItem {
  kind: "prompt" | "model" | "candidate" | "suite" | "cases" | "data" | "config";
  segments: ChangeSegment[];
}

/** The changes of a comparison: a short phrase for the verdict line, and the items in detail. */
export interface ChangeSummary {
  /** A few counted phrases, no names (`1 model changed, 2 cases added`); safe as plain text anywhere. */
  brief: string;
  items: ChangeItem[];
}

/** Phrases in the brief summary before `and more`. */
const MAX_BRIEF_PHRASES = 3;

const code = (text: string): ChangeSegment => ({ code: text });
const text = (words: string): ChangeSegment => ({ text: words });

/** `5 added, 2 removed, 1 edited`, leaving out zeros. */
function describeCaseCounts(added: number, removed: number, changed: number): string {
  return [
    added > 0 ? `${formatInt(added)} added` : "",
    removed > 0 ? `${formatInt(removed)} removed` : "",
    changed > 0 ? `${formatInt(changed)} edited` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** Training files the change touches: a non-empty diff against base, or marked changed by the rule. */
function collectDataChanges(comparison: Comparison): ChangeItem[] {
  const changedByRule = new Set(
    (comparison.promptFirst?.suites ?? []).flatMap((s) => s.data.filter((d) => d.changed).map((d) => d.file)),
  );
  const items: ChangeItem[] = [];
  for (const report of comparison.dataReports ?? []) {
    const d = report.diff;
    if (d && d.added + d.removed + d.changed > 0) {
      items.push({
        kind: "data",
        segments: [
          code(report.file),
          text(`: +${formatInt(d.added)} −${formatInt(d.removed)} ~${formatInt(d.changed)} examples`),
        ],
      });
    } else if (!d && changedByRule.has(report.file)) {
      items.push({ kind: "data", segments: [code(report.file), text(": new (no base version)")] });
    }
  }
  return items;
}

/** Every change the comparison shows, in the order a reviewer reads them. */
export function collectChanges(comparison: Comparison): ChangeSummary {
  const multiSuite = comparison.suites.length > 1;
  const where = (suite: string, candidate: string): ChangeSegment[] =>
    multiSuite ? [code(suite), text(" / "), code(candidate)] : [code(candidate)];
  const prompts: ChangeItem[] = [];
  let promptsKnown = false;
  const models: ChangeItem[] = [];
  const candidates: ChangeItem[] = [];
  const suites: ChangeItem[] = [];
  const cases: ChangeItem[] = [];
  let added = 0;
  let removed = 0;
  let casesAdded = 0;
  let casesRemoved = 0;
  let casesChanged = 0;
  for (const suite of comparison.suites) {
    if (suite.status !== "compared") {
      suites.push({
        kind: "suite",
        segments: [text(suite.status === "new" ? "new suite " : "removed suite "), code(suite.name)],
      });
      continue;
    }
    const c = suite.cases;
    const counts = describeCaseCounts(c.added.length, c.removed.length, c.changed.length);
    if (counts !== "") {
      cases.push({ kind: "cases", segments: [code(suite.name), text(`: cases ${counts}`)] });
      casesAdded += c.added.length;
      casesRemoved += c.removed.length;
      casesChanged += c.changed.length;
    }
    for (const candidate of suite.candidates) {
      const baseModel = candidate.base?.model;
      const headModel = candidate.head?.model;
      if (candidate.status === "new") {
        added++;
        candidates.push({
          kind: "candidate",
          segments: [
            text("new candidate "),
            ...where(suite.name, candidate.name),
            ...(headModel === undefined ? [] : [text(` on ${headModel}`)]),
          ],
        });
      } else if (candidate.status === "removed") {
        removed++;
        candidates.push({
          kind: "candidate",
          segments: [text("removed candidate "), ...where(suite.name, candidate.name)],
        });
      } else {
        const basePrompt = candidate.base?.prompt;
        const headPrompt = candidate.head?.prompt;
        if (basePrompt && headPrompt) promptsKnown = true;
        if (
          basePrompt &&
          headPrompt &&
          candidate.kind !== "fine-tune" &&
          basePrompt.hash !== headPrompt.hash
        ) {
          prompts.push({
            kind: "prompt",
            segments: [
              ...where(suite.name, candidate.name),
              text(": prompt "),
              ...(basePrompt.source === headPrompt.source
                ? [code(headPrompt.source), text(" edited")]
                : [code(basePrompt.source), text(" → "), code(headPrompt.source)]),
            ],
          });
        }
        if (baseModel !== undefined && headModel !== undefined && baseModel !== headModel) {
          models.push({
            kind: "model",
            segments: [...where(suite.name, candidate.name), text(`: ${baseModel} → ${headModel}`)],
          });
        }
      }
    }
  }
  const data = collectDataChanges(comparison);
  const items = [...prompts, ...models, ...candidates, ...suites, ...cases, ...data];
  const phrases: string[] = [];
  if (prompts.length > 0) phrases.push(`${formatCount(prompts.length, "prompt")} edited`);
  if (models.length > 0) phrases.push(`${formatCount(models.length, "model")} changed`);
  if (added > 0) phrases.push(`${formatCount(added, "candidate")} added`);
  if (removed > 0) phrases.push(`${formatCount(removed, "candidate")} removed`);
  const newSuites = comparison.suites.filter((s) => s.status === "new").length;
  const goneSuites = comparison.suites.filter((s) => s.status === "removed").length;
  if (newSuites > 0) phrases.push(`${formatCount(newSuites, "suite")} added`);
  if (goneSuites > 0) phrases.push(`${formatCount(goneSuites, "suite")} removed`);
  if (cases.length > 0) phrases.push(`cases ${describeCaseCounts(casesAdded, casesRemoved, casesChanged)}`);
  if (data.length > 0)
    phrases.push(data.length === 1 ? "training data changed" : `${data.length} training files changed`);
  const baseHash = comparison.base.config.hash;
  const headHash = comparison.head.config.hash;
  if (baseHash !== headHash) {
    items.push({
      kind: "config",
      segments: [
        text("config hash "),
        code(baseHash.slice(0, 12)),
        text(" → "),
        code(headHash.slice(0, 12)),
        text(" (the config or a file it references)"),
      ],
    });
  }
  if (phrases.length === 0) {
    phrases.push(
      baseHash === headHash
        ? "same config, prompts and cases"
        : promptsKnown
          ? "config changed"
          : "config or prompts changed",
    );
  }
  const shown = phrases.slice(0, MAX_BRIEF_PHRASES);
  const brief = phrases.length > shown.length ? `${shown.join(", ")} and more` : shown.join(", ");
  return { brief, items };
}
