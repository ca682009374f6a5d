import { locateJsonSyntaxError } from "../cases/json-syntax.ts";
import { type EvalCaseRef, EvalIndex, type LeakMatch } from "./eval-index.ts";
import { FindingCollector } from "./findings.ts";
import { computeStringHash, lowBits } from "./hash.ts";
import { HashSlotTable } from "./hash-table.ts";
import { LineSplitter } from "./line-splitter.ts";
import {
  computeEpochEstimate,
  lookupTrainingModel,
  resolveTrainingPrice,
  type TrainingModelFacts,
  type TrainingPrice,
} from "./models.ts";
import { loosenNormalizedText, normalizeExampleText } from "./normalize.ts";
import { QuantileHistogram } from "./quantile-histogram.ts";
import {
  type ExampleView,
  type ReadExampleContext,
  readTrainingExample,
  type TrainingFormat,
} from "./read-example.ts";
import { DATA_REPORT_SCHEMA_VERSION, type DataReport } from "./report.ts";
import { loadTokenCounter, type TokenCounter } from "./tokens.ts";

/** The fewest examples OpenAI's fine-tuning API accepts (its supervised fine-tuning guide). */
export const MIN_TRAINING_EXAMPLES = 10;
/**
 * Below this many examples a warning says the set is small: OpenAI "see[s] improvements from fine-tuning on
 * 50–100 examples" and recommends starting with 50 well-crafted ones.
 */
export const RECOMMENDED_TRAINING_EXAMPLES = 50;
/** Findings kept per code by default (counts are always complete). */
export const DEFAULT_MAX_FINDINGS_PER_CODE = 50;
/** Distinct inputs the duplicate, contradiction and diff checks remember by default (about 40 MB). */
export const DEFAULT_MAX_DISTINCT_INPUTS = 2_000_000;
/** An answer of at most this many words is "very short"... */
export const SHORT_ANSWER_MAX_WORDS = 3;
/** ...which is flagged only when the median answer has at least this many words (else short is the style). */
export const LONG_ANSWER_MEDIAN_WORDS = 15;

const MAX_PAIRS = 10;
const MAX_DIFF_LINES = 20;
const MAX_SYSTEM_PROMPTS = 1000;
const MAX_RECURRING_TEXTS = 64;

/** Options of `checkTrainingData`. */
export interface CheckTrainingDataOptions {
  /** The file as the user names it, for the report and messages. */
  file: string;
  /** The model the fine-tune starts from (`gpt-4.1-mini-2025-04-14`, `meta-llama/Llama-3.1-8B-Instruct`). */
  baseModel?: string;
  /** Who trains it, as a price-table provider id (`openai`, `azure`, `together`, `fireworks`, `self-hosted`). */
  provider?: string;
  /** The base model's own tokenizer, when configured: counts are then exact. Default: from the model table. */
  tokenizer?: TokenCounter;
  /** Longest training example in tokens, overriding the model table. */
  contextLimit?: number;
  /** Training epochs, overriding the provider's default rule. */
  epochs?: number;
  /** USD per 1M training tokens, overriding the model table. */
  trainingPricePerMTok?: number;
  /** Eval cases of the suites that use this data, for the leakage check. */
  evalCases?: readonly EvalCaseRef[];
  /** The base version of the file (in a pull request), for the diff; streamed before the file itself. */
  baseVersion?: AsyncIterable<string | Uint8Array>;
  /** How the base version is named in the report (default: the file's name at the base). */
  baseFile?: string;
  maxFindingsPerCode?: number;
  maxDistinctInputs?: number;
  /** Lines longer than this are reported, not read (default 64 Mi characters). */
  maxLineChars?: number;
}

interface PairList {
  count: number;
  pairs: Array<{ line: number; otherLine: number }>;
}

function addPair(list: PairList, line: number, otherLine: number): void {
  list.count++;
  if (list.pairs.length < MAX_PAIRS) list.pairs.push({ line, otherLine });
}

/** Keeps the smallest `max` numbers seen, sorted. */
function keepSmallest(list: number[], value: number, max: number): void {
  if (list.length >= max && value >= list[list.length - 1]!) return;
  let i = list.length;
  while (i > 0 && list[i - 1]! > value) i--;
  list.splice(i, 0, value);
  if (list.length > max) list.pop();
}

/**
 * Check a fine-tuning dataset as it streams: OpenAI chat JSONL (`{"messages": [...]}` per line) or the
 * preference format. One pass, constant memory: every line is read, parsed, checked and forgotten; what stays
 * is a histogram of token counts, two tables of 53-bit hashes of the inputs seen (bounded by
 * `maxDistinctInputs`), and at most `maxFindingsPerCode` findings per code. Checks: format (every error names
 * its line), size (fewer than 10 examples fails, fewer than 50 warns), tokens per example against the base
 * model's training context limit, epochs and cost, duplicates, near-duplicates, contradictions, leakage of eval
 * cases, system prompt consistency, very short answers, and the diff against a base version of the file.
 *
 * `source` yields the file's content in chunks (strings or UTF-8 bytes), e.g. a file read stream.
 */
export async function checkTrainingData(
  source: AsyncIterable<string | Uint8Array>,
  options: CheckTrainingDataOptions,
): Promise<DataReport> {
  const maxPerCode = options.maxFindingsPerCode ?? DEFAULT_MAX_FINDINGS_PER_CODE;
  const maxInputs = options.maxDistinctInputs ?? DEFAULT_MAX_DISTINCT_INPUTS;
  const maxLineChars = options.maxLineChars ?? 64 * 1024 * 1024;
  const findings = new FindingCollector(maxPerCode);
  const facts: TrainingModelFacts | undefined = options.baseModel
    ? lookupTrainingModel(options.baseModel, options.provider)
    : undefined;
  const counter = options.tokenizer ?? (await loadTokenCounter(facts?.encoding ?? "cl100k_base"));
  const contextLimit = options.contextLimit ?? facts?.contextLimit;
  const contextSource =
    options.contextLimit !== undefined
      ? "configured"
      : contextLimit !== undefined
        ? (facts?.contextSource ?? null)
        : null;
  const limitText =
    options.contextLimit !== undefined
      ? `the configured limit of ${formatInt(options.contextLimit)} tokens per training example`
      : `${options.baseModel ?? "the base model"}'s limit of ${formatInt(contextLimit ?? 0)} tokens per training example${contextSource ? ` (${contextSource})` : ""}`;
  const evalIndex =
    options.evalCases && options.evalCases.length > 0 ? new EvalIndex(options.evalCases) : undefined;

  const base = options.baseVersion
    ? await readBaseVersion(options.baseVersion, maxInputs, maxLineChars)
    : undefined;

  // Inputs seen, by their exact (normalised) text and by their loose text: [first line, answer hash].
  const exact = new HashSlotTable(2, maxInputs);
  const loose = new HashSlotTable(2, maxInputs);
  const tokens = new QuantileHistogram();
  const answerWords = new QuantileHistogram();
  const duplicates: PairList = { count: 0, pairs: [] };
  const nearDuplicates: PairList = { count: 0, pairs: [] };
  const contradictions: PairList = { count: 0, pairs: [] };
  const leaks: Array<{ line: number; match: LeakMatch }> = [];
  let leakCount = 0;
  const systemPrompts = new Map<number, { line: number; count: number }>();
  let systemCapped = false;
  let withoutSystem = 0;
  const withoutSystemLines: number[] = [];
  let shortAnswers = 0;
  const shortAnswerLines: number[] = [];
  let format: TrainingFormat | undefined;
  let examples = 0;
  let invalidLines = 0;
  let overLimit = 0;
  let billedPerEpoch = 0;
  let sawTools = false;
  const diff = base
    ? {
        added: 0,
        changed: 0,
        unchanged: 0,
        addedLines: [] as number[],
        changedLines: [] as Array<{ line: number; baseLine: number }>,
      }
    : undefined;

  const recurring = new Map<string, number>();
  let currentLine = 0;
  const ctx: ReadExampleContext = {
    expected: undefined,
    report: (code, severity, message) => findings.add(currentLine, code, severity, message),
    countTokens: (text) => counter.countTokens(text),
    countRecurringTokens: (text) => {
      let n = recurring.get(text);
      if (n === undefined) {
        n = counter.countTokens(text);
        if (recurring.size >= MAX_RECURRING_TEXTS) recurring.clear();
        recurring.set(text, n);
      }
      return n;
    },
  };

  const handleExample = (line: number, view: ExampleView): void => {
    examples++;
    format ??= view.format;
    ctx.expected = format;
    if (view.hasTools) sawTools = true;

    tokens.add(view.tokens);
    if (contextLimit !== undefined && view.tokens > contextLimit) {
      overLimit++;
      billedPerEpoch += contextLimit;
      findings.add(
        line,
        "over-context-limit",
        "error",
        `the example has ${formatInt(view.tokens)} tokens, over ${limitText}: it would be truncated; shorten or split it`,
      );
    } else billedPerEpoch += view.tokens;

    if (view.system === undefined) {
      withoutSystem++;
      keepSmallest(withoutSystemLines, line, maxPerCode);
    } else {
      const key = computeStringHash(view.system);
      const entry = systemPrompts.get(key);
      if (entry) entry.count++;
      else if (systemPrompts.size < MAX_SYSTEM_PROMPTS) systemPrompts.set(key, { line, count: 1 });
      else systemCapped = true;
    }

    if (view.answerWords >= 0) {
      answerWords.add(view.answerWords);
      if (view.answerWords <= SHORT_ANSWER_MAX_WORDS) {
        shortAnswers++;
        keepSmallest(shortAnswerLines, line, maxPerCode);
      }
    }

    const exactInput = normalizeExampleText(view.input);
    const exactKey = computeStringHash(exactInput);
    const answerHash = lowBits(computeStringHash(normalizeExampleText(view.answer)));
    const seen = exact.find(exactKey);
    if (seen !== -1) {
      const first = exact.get(seen, 0);
      if (exact.get(seen, 1) === answerHash) {
        addPair(duplicates, line, first);
        findings.add(
          line,
          "duplicate",
          "warning",
          `duplicate of line ${first} (same input and answer): it weighs that example twice; remove one`,
        );
      } else {
        addPair(contradictions, line, first);
        findings.add(
          line,
          "contradiction",
          "error",
          view.format === "preference"
            ? `reverses the preference of line ${first} for the same input and outputs: the model cannot learn both`
            : `same input as line ${first} but a different answer: the model learns neither reliably; keep the right one`,
        );
      }
    } else {
      const looseKey = computeStringHash(loosenNormalizedText(exactInput));
      const similar = loose.find(looseKey);
      if (similar !== -1) {
        const first = loose.get(similar, 0);
        addPair(nearDuplicates, line, first);
        findings.add(
          line,
          "near-duplicate",
          "warning",
          loose.get(similar, 1) === answerHash
            ? `near-duplicate of line ${first} (differs only in numbers, punctuation, case or spacing): it adds little; vary the examples`
            : `input nearly the same as line ${first}'s (differs only in numbers, punctuation, case or spacing) but the answer differs: check that this difference is what decides the answer`,
        );
      } else {
        const slot = loose.insert(looseKey);
        if (slot !== -1) {
          loose.set(slot, 0, line);
          loose.set(slot, 1, answerHash);
        }
      }
      const slot = exact.insert(exactKey);
      if (slot !== -1) {
        exact.set(slot, 0, line);
        exact.set(slot, 1, answerHash);
      }
    }

    if (evalIndex) {
      const match = evalIndex.findLeak(view.userText, view.lastUserText);
      if (match) {
        leakCount++;
        if (leaks.length < maxPerCode) leaks.push({ line, match });
        const where = match.source ? ` (${match.source})` : "";
        findings.add(
          line,
          "leakage",
          "error",
          `${match.kind === "exact" ? "the input is" : "the input contains"} eval case "${match.caseId}" of suite "${match.suite}"${where}: trained on, the case measures memory, not skill; remove the example or the case`,
        );
      }
    }

    if (base && diff) {
      const baseSlot = base.table.find(exactKey);
      if (baseSlot === -1 || base.table.get(baseSlot, 2) === 1) {
        diff.added++;
        keepSmallest(diff.addedLines, line, MAX_DIFF_LINES);
      } else {
        base.table.set(baseSlot, 2, 1);
        if (base.table.get(baseSlot, 1) === answerHash) diff.unchanged++;
        else {
          diff.changed++;
          if (diff.changedLines.length < MAX_DIFF_LINES) {
            diff.changedLines.push({ line, baseLine: base.table.get(baseSlot, 0) });
          }
        }
      }
    }
  };

  const splitter = new LineSplitter(
    (line, text) => {
      currentLine = line;
      if (text.length === 0 || (isSpace(text.charCodeAt(0)) && text.trim() === "")) {
        findings.add(
          line,
          "blank-line",
          "warning",
          "blank line: skipped here, but some providers reject the file for it",
        );
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        invalidLines++;
        const located = locateJsonSyntaxError(text, (offset) => `column ${offset + 1}`);
        const message = located
          ? `invalid JSON at column ${located.offset + 1}: ${located.message}`
          : `invalid JSON: ${(error as Error).message.slice(0, 200)}`;
        findings.add(line, "invalid-json", "error", message);
        return;
      }
      const view = readTrainingExample(value, ctx);
      if (view) handleExample(line, view);
      else invalidLines++;
    },
    (line, length) => {
      invalidLines++;
      findings.add(
        line,
        "line-too-long",
        "error",
        `the line is ${formatInt(length)} characters long, over the ${formatInt(maxLineChars)} this check reads: no fine-tuning API takes an example this long`,
      );
    },
    maxLineChars,
  );
  for await (const chunk of source) splitter.push(chunk);
  splitter.end();

  // Dataset-wide findings.
  if (examples < MIN_TRAINING_EXAMPLES) {
    findings.add(
      null,
      "too-few-examples",
      "error",
      `${examples} valid example${examples === 1 ? "" : "s"}: fine-tuning needs at least ${MIN_TRAINING_EXAMPLES} (OpenAI's minimum), and gains usually start around ${RECOMMENDED_TRAINING_EXAMPLES}`,
    );
  } else if (examples < RECOMMENDED_TRAINING_EXAMPLES) {
    findings.add(
      null,
      "few-examples",
      "warning",
      `${examples} examples: gains usually start with ${RECOMMENDED_TRAINING_EXAMPLES}–100 clear, consistent ones; quality matters more than volume, so add good examples before training`,
    );
  }
  if (contextLimit === undefined) {
    findings.add(
      null,
      "no-context-limit",
      "warning",
      options.baseModel
        ? `no training context limit is known for ${options.baseModel}: examples were not checked for truncation; set the limit (--context-limit) to check them`
        : "no base model given (--model, or fineTune.baseModel in the config): examples were not checked for truncation",
    );
  }

  let mostCommon: { line: number; count: number } | undefined;
  for (const entry of systemPrompts.values())
    if (!mostCommon || entry.count > mostCommon.count) mostCommon = entry;
  const withSystem = examples - withoutSystem;
  if (mostCommon && systemPrompts.size > 1) {
    const share = mostCommon.count / withSystem;
    if (share < 0.5) {
      findings.add(
        null,
        "system-prompt-varies",
        "warning",
        `the system prompt varies: ${systemCapped ? "over " : ""}${systemPrompts.size} distinct ones, the most common in ${formatPercent(share)} of examples; a fine-tuned model learns the prompt it is trained with, so train with the one you will serve (put per-request context in the user message)`,
      );
    } else {
      const variants = [...systemPrompts.values()]
        .filter((e) => e !== mostCommon)
        .sort((a, b) => a.line - b.line);
      for (const variant of variants) {
        findings.add(
          variant.line,
          "system-prompt-inconsistent",
          "warning",
          `the system prompt differs from the one most examples use (first at line ${mostCommon.line}, ${formatPercent(share)} of examples); ${variant.count} example${variant.count === 1 ? " uses" : "s use"} this variant: train with the prompt you will serve`,
        );
      }
    }
  }
  if (withSystem > 0 && withoutSystem > 0) {
    const message = `no system prompt, unlike ${formatInt(withSystem)} other examples: train with the system prompt you will serve in every example`;
    for (const line of withoutSystemLines) findings.add(line, "system-prompt-missing", "warning", message);
    findings.addUncounted("system-prompt-missing", "warning", withoutSystem - withoutSystemLines.length);
  }
  const medianWords = answerWords.quantile(0.5);
  const flagShort = medianWords !== null && medianWords >= LONG_ANSWER_MEDIAN_WORDS && shortAnswers > 0;
  if (flagShort) {
    const message = `very short answer (at most ${SHORT_ANSWER_MAX_WORDS} words) where answers usually run to ${medianWords} words: check that it is complete`;
    for (const line of shortAnswerLines) findings.add(line, "short-answer", "warning", message);
    findings.addUncounted("short-answer", "warning", shortAnswers - shortAnswerLines.length);
  }

  let diffReport: DataReport["diff"] = null;
  if (base && diff) {
    let removed = 0;
    const removedLines: number[] = [];
    base.table.forEachSlot((slot) => {
      if (base.table.get(slot, 2) === 1) return;
      removed++;
      keepSmallest(removedLines, base.table.get(slot, 0), MAX_DIFF_LINES);
    });
    diffReport = {
      baseFile: options.baseFile ?? `${options.file} (base)`,
      baseExamples: base.examples,
      added: diff.added,
      removed,
      changed: diff.changed,
      unchanged: diff.unchanged,
      addedLines: diff.addedLines,
      removedLines,
      changedLines: diff.changedLines,
    };
  }

  const epochs = computeEpochEstimate(examples, {
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.baseModel !== undefined ? { baseModel: options.baseModel } : {}),
    ...(options.provider !== undefined ? { provider: options.provider } : {}),
  });
  const price: TrainingPrice =
    options.trainingPricePerMTok !== undefined
      ? { perMTok: options.trainingPricePerMTok, source: "configured", reason: null }
      : options.baseModel
        ? resolveTrainingPrice(options.baseModel, options.provider)
        : { perMTok: null, source: null, reason: "no base model given, so no training price is known" };
  const billed = billedPerEpoch * epochs.value;

  const approximateReasons: string[] = [];
  if (!options.tokenizer && !facts?.exactTokens) {
    approximateReasons.push(
      options.baseModel
        ? `${options.baseModel}'s own tokenizer is not available offline: counted with ${counter.encoding}, close for Llama- and Qwen-style vocabularies`
        : `no base model given: counted with ${counter.encoding}`,
    );
  }
  if (sawTools) approximateReasons.push("tool definitions are counted as their JSON text");

  const capacityFull = exact.saturated || loose.saturated || (base?.table.saturated ?? false);
  const mean = tokens.count === 0 ? null : tokens.sum / tokens.count;
  const status = findings.errorCount > 0 ? "fail" : findings.warningCount > 0 ? "warn" : "pass";
  return {
    schemaVersion: DATA_REPORT_SCHEMA_VERSION,
    file: options.file,
    format: format ?? "unknown",
    baseModel: options.baseModel ?? null,
    status,
    examples,
    invalidLines,
    lines: splitter.lines,
    errorCount: findings.errorCount,
    warningCount: findings.warningCount,
    findings: findings.listFindings(),
    findingCounts: findings.listCounts(),
    maxFindingsPerCode: maxPerCode,
    tokens: {
      encoding: counter.encoding,
      approximate: approximateReasons.length > 0,
      approximateReason: approximateReasons.length > 0 ? approximateReasons.join("; ") : null,
      total: tokens.sum,
      billedPerEpoch,
      billed,
      min: tokens.min,
      median: tokens.quantile(0.5),
      p95: tokens.quantile(0.95),
      max: tokens.max,
      mean: mean === null ? null : Math.round(mean * 10) / 10,
      contextLimit: contextLimit ?? null,
      contextLimitSource: contextSource,
      overLimit,
    },
    epochs,
    cost: {
      usd: price.perMTok === null ? null : roundUsd((billed / 1_000_000) * price.perMTok),
      pricePerMTok: price.perMTok,
      priceSource: price.source,
      reason: price.reason,
    },
    quality: {
      duplicates,
      nearDuplicates,
      contradictions,
      leakage: {
        count: leakCount,
        casesChecked: evalIndex?.size ?? 0,
        examples: leaks.map(({ line, match }) => ({
          line,
          suite: match.suite,
          caseId: match.caseId,
          source: match.source ?? null,
          kind: match.kind,
        })),
      },
      systemPrompts: {
        distinct: systemPrompts.size,
        distinctCapped: systemCapped,
        withoutSystem,
        shareWithout: examples === 0 ? 0 : withoutSystem / examples,
        mostCommonShare: mostCommon && examples > 0 ? mostCommon.count / examples : null,
        mostCommonLine: mostCommon?.line ?? null,
      },
      shortAnswers: {
        count: shortAnswers,
        maxWords: SHORT_ANSWER_MAX_WORDS,
        medianAnswerWords: medianWords,
        flagged: flagShort,
      },
      complete: !capacityFull,
      capacity: maxInputs,
    },
    diff: diffReport,
  };
}

interface BaseVersion {
  examples: number;
  /** Keyed by the exact (normalised) input: [line, answer hash, seen in head]. */
  table: HashSlotTable;
}

async function readBaseVersion(
  source: AsyncIterable<string | Uint8Array>,
  maxInputs: number,
  maxLineChars: number,
): Promise<BaseVersion> {
  const table = new HashSlotTable(3, maxInputs);
  let examples = 0;
  const ctx: ReadExampleContext = {
    expected: undefined,
    report: () => {},
    countTokens: () => 0,
    countRecurringTokens: () => 0,
  };
  const splitter = new LineSplitter(
    (line, text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return;
      }
      const view = readTrainingExample(value, ctx);
      if (!view) return;
      examples++;
      ctx.expected ??= view.format;
      const key = computeStringHash(normalizeExampleText(view.input));
      if (table.find(key) !== -1) return;
      const slot = table.insert(key);
      if (slot === -1) return;
      table.set(slot, 0, line);
      table.set(slot, 1, lowBits(computeStringHash(normalizeExampleText(view.answer))));
    },
    () => {},
    maxLineChars,
  );
  for await (const chunk of source) splitter.push(chunk);
  splitter.end();
  return { examples, table };
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 0xa0 || code === 0xfeff;
}

function formatInt(n: number): string {
  return n.toLocaleString("en-US");
}

function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
