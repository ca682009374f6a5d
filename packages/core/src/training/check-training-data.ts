import { type EvalCaseRef, EvalIndex, type LeakMatch } from "./eval-index.ts";
import { type DataFindingSeverity, FindingCollector } from "./findings.ts";
import { formatInt } from "./format.ts";
import { HashSlotTable } from "./hash-table.ts";
import { INPUT_SEEN, INPUT_SIMILAR, InputIndex } from "./input-index.ts";
import {
  F_ANSWER,
  F_ANSWER_WORDS,
  F_EXACT,
  F_FINDINGS,
  F_FORMAT,
  F_HAS_TOOLS,
  F_KIND,
  F_LEAK,
  F_LOOSE,
  F_SYSTEM,
  F_TOKENS,
  F_VALID,
  FORMATS,
  LINE_EXAMPLE,
  LINE_INVALID_JSON,
  LINE_STRIDE,
  LINE_TOO_LONG,
  type LineBatch,
  TrainingLineReader,
} from "./line-reader.ts";
import { LineSplitter } from "./line-splitter.ts";
import {
  computeEpochEstimate,
  lookupTrainingModel,
  resolveTrainingPrice,
  type TokenEncoding,
  type TrainingModelFacts,
  type TrainingPrice,
} from "./models.ts";
import { QuantileHistogram } from "./quantile-histogram.ts";
import { formatMixedFormatsMessage, type TrainingFormat } from "./read-example.ts";
import { DATA_REPORT_SCHEMA_VERSION, type DataReport } from "./report.ts";
import { builtInEncodingOf, loadTokenCounter, type TokenCounter } from "./tokens.ts";

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
 * `source` yields the file's content in chunks (strings or UTF-8 bytes), e.g. a file read stream. This reads
 * every line on the calling thread; `loadTrainingDataReport` (`@promptfirst/core/node`) reads a large file's
 * lines on worker threads, with the same results.
 */
export async function checkTrainingData(
  source: AsyncIterable<string | Uint8Array>,
  options: CheckTrainingDataOptions,
): Promise<DataReport> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const counter = await resolveTokenCounter(options);
  const evalIndex = createEvalIndex(options);
  let base: BaseVersionIndex | undefined;
  if (options.baseVersion) {
    base = new BaseVersionIndex(options.maxDistinctInputs ?? DEFAULT_MAX_DISTINCT_INPUTS);
    await readLines(options.baseVersion, new TrainingLineReader(), maxLineChars, (batch) =>
      base!.consume(batch),
    );
  }
  const check = createTrainingDataCheck(options, counter, evalIndex, base);
  const reader = new TrainingLineReader(evalIndex ? { counter, evalIndex } : { counter });
  await readLines(source, reader, maxLineChars, (batch) => check.consume(batch));
  return check.finish();
}

/** Lines per batch when reading on the calling thread. */
const BATCH_LINES = 256;

/** Split a source into lines, read them with `reader` and hand the records over in batches, in order. */
async function readLines(
  source: AsyncIterable<string | Uint8Array>,
  reader: TrainingLineReader,
  maxLineChars: number,
  consume: (batch: LineBatch) => void,
): Promise<void> {
  const splitter = new LineSplitter(
    (_line, text) => {
      reader.add(text);
      if (reader.size >= BATCH_LINES) consume(reader.take());
    },
    (_line, length) => reader.addLongLine(length, maxLineChars),
    maxLineChars,
  );
  for await (const chunk of source) splitter.push(chunk);
  splitter.end();
  if (reader.size > 0) consume(reader.take());
}

/** Lines longer than this many characters are reported, not read, unless `maxLineChars` says otherwise. */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

/** The counter a check uses: the configured tokenizer, else the base model's encoding (cl100k_base without one). */
export function resolveTokenCounter(options: CheckTrainingDataOptions): Promise<TokenCounter> {
  if (options.tokenizer) return Promise.resolve(options.tokenizer);
  return loadTokenCounter(resolveFacts(options)?.encoding ?? "cl100k_base");
}

/**
 * The encoding a check counts with when a worker thread can count with it too (a built-in encoding); undefined
 * for a caller's own tokenizer, which only the calling thread has.
 */
export function resolveBuiltInEncoding(options: CheckTrainingDataOptions): TokenEncoding | undefined {
  if (options.tokenizer) return builtInEncodingOf(options.tokenizer);
  return resolveFacts(options)?.encoding ?? "cl100k_base";
}

/** The eval cases' index for the leakage check, when there are cases. */
export function createEvalIndex(options: Pick<CheckTrainingDataOptions, "evalCases">): EvalIndex | undefined {
  return options.evalCases && options.evalCases.length > 0 ? new EvalIndex(options.evalCases) : undefined;
}

function resolveFacts(options: CheckTrainingDataOptions): TrainingModelFacts | undefined {
  return options.baseModel ? lookupTrainingModel(options.baseModel, options.provider) : undefined;
}

/** The checks across lines: fed the records of every line in file order, then asked for the report. */
export interface TrainingDataCheck {
  /** The next lines' records. */
  consume(batch: LineBatch): void;
  /** The report, once every line was consumed. */
  finish(): DataReport;
}

/**
 * The checks across lines for `checkTrainingData` or for lines read elsewhere (on worker threads): the records
 * must come from a TrainingLineReader with the counter named `counter` and `evalIndex`, and `base` must hold the
 * base version's records, if any.
 */
export function createTrainingDataCheck(
  options: CheckTrainingDataOptions,
  counter: Pick<TokenCounter, "encoding">,
  evalIndex: EvalIndex | undefined,
  base: BaseVersionIndex | undefined,
): TrainingDataCheck {
  const maxPerCode = options.maxFindingsPerCode ?? DEFAULT_MAX_FINDINGS_PER_CODE;
  const maxInputs = options.maxDistinctInputs ?? DEFAULT_MAX_DISTINCT_INPUTS;
  const findings = new FindingCollector(maxPerCode);
  const facts = resolveFacts(options);
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

  // Inputs seen, by their exact (normalised) text and by their loose text, with their first line and answer.
  const inputs = new InputIndex(maxInputs);
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

  let expected: TrainingFormat | undefined;
  let lines = 0;

  const handleExample = (line: number, values: Float64Array, at: number): void => {
    const exampleTokens = values[at + F_TOKENS]!;
    const exampleWords = values[at + F_ANSWER_WORDS]!;
    const systemKey = values[at + F_SYSTEM]!;
    examples++;
    expected ??= FORMATS[values[at + F_FORMAT]!];
    format ??= expected;
    if (values[at + F_HAS_TOOLS] === 1) sawTools = true;

    tokens.add(exampleTokens);
    if (contextLimit !== undefined && exampleTokens > contextLimit) {
      overLimit++;
      billedPerEpoch += contextLimit;
      findings.add(
        line,
        "over-context-limit",
        "error",
        `the example has ${formatInt(exampleTokens)} tokens, over ${limitText}: it would be truncated; shorten or split it`,
      );
    } else billedPerEpoch += exampleTokens;

    if (systemKey === -1) {
      withoutSystem++;
      keepSmallest(withoutSystemLines, line, maxPerCode);
    } else {
      const entry = systemPrompts.get(systemKey);
      if (entry) entry.count++;
      else if (systemPrompts.size < MAX_SYSTEM_PROMPTS) systemPrompts.set(systemKey, { line, count: 1 });
      else systemCapped = true;
    }

    if (exampleWords >= 0) {
      answerWords.add(exampleWords);
      if (exampleWords <= SHORT_ANSWER_MAX_WORDS) {
        shortAnswers++;
        keepSmallest(shortAnswerLines, line, maxPerCode);
      }
    }

    const exactKey = values[at + F_EXACT]!;
    const answerHash = values[at + F_ANSWER]!;
    const seen = inputs.check(exactKey, values[at + F_LOOSE]!, line, answerHash);
    const first = inputs.firstLine;
    if (seen === INPUT_SEEN) {
      if (inputs.firstAnswer === answerHash) {
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
          expected === "preference"
            ? `reverses the preference of line ${first} for the same input and outputs: the model cannot learn both`
            : `same input as line ${first} but a different answer: the model learns neither reliably; keep the right one`,
        );
      }
    } else if (seen === INPUT_SIMILAR) {
      addPair(nearDuplicates, line, first);
      findings.add(
        line,
        "near-duplicate",
        "warning",
        inputs.firstAnswer === answerHash
          ? `near-duplicate of line ${first} (differs only in numbers, punctuation, case or spacing): it adds little; vary the examples`
          : `input nearly the same as line ${first}'s (differs only in numbers, punctuation, case or spacing) but the answer differs: check that this difference is what decides the answer`,
      );
    }

    const leak = values[at + F_LEAK]!;
    if (evalIndex && leak !== -1) {
      const match = evalIndex.leakOf(leak);
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

  const consume = (batch: LineBatch): void => {
    const { values, findings: lineFindings } = batch;
    let next = 0;
    for (let i = 0; i < batch.lines; i++) {
      const line = ++lines;
      const at = i * LINE_STRIDE;
      const kind = values[at + F_KIND]!;
      const count = values[at + F_FINDINGS]!;
      const from = next;
      next += count * 3;
      const lineFormat = FORMATS[values[at + F_FORMAT]!];
      if (kind === LINE_EXAMPLE && lineFormat && expected && lineFormat !== expected) {
        // Like readTrainingExample: a line in the other format than the first example's gets only this error.
        invalidLines++;
        findings.add(line, "mixed-formats", "error", formatMixedFormatsMessage(lineFormat, expected));
        continue;
      }
      for (let f = from; f < next; f += 3) {
        findings.add(
          line,
          lineFindings[f]!,
          lineFindings[f + 1] as DataFindingSeverity,
          lineFindings[f + 2]!,
        );
      }
      if (kind === LINE_INVALID_JSON || kind === LINE_TOO_LONG) invalidLines++;
      else if (kind === LINE_EXAMPLE) {
        if (values[at + F_VALID] === 1) handleExample(line, values, at);
        else invalidLines++;
      }
    }
  };

  const finish = (): DataReport => {
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

    const capacityFull = inputs.saturated || (base?.table.saturated ?? false);
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
      lines,
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
  };
  return { consume, finish };
}

/**
 * The base version of a file (in a pull request), for the diff: fed the base's line records in order
 * (read without a token counter), it keeps each distinct input's first line and answer hash.
 */
export class BaseVersionIndex {
  /** Valid examples in the base version. */
  examples = 0;
  /** Keyed by the exact (normalised) input: [line, answer hash, seen in head]. */
  readonly table: HashSlotTable;
  #lines = 0;
  #expected = 0;

  constructor(maxInputs: number) {
    this.table = new HashSlotTable(3, maxInputs);
  }

  /** The next lines' records. */
  consume(batch: LineBatch): void {
    const { values } = batch;
    const table = this.table;
    for (let i = 0; i < batch.lines; i++) {
      const line = ++this.#lines;
      const at = i * LINE_STRIDE;
      if (values[at + F_KIND] !== LINE_EXAMPLE || values[at + F_VALID] !== 1) continue;
      const format = values[at + F_FORMAT]!;
      if (this.#expected !== 0 && format !== this.#expected) continue;
      this.#expected = format;
      this.examples++;
      const key = values[at + F_EXACT]!;
      if (table.find(key) !== -1) continue;
      const slot = table.insert(key);
      if (slot === -1) continue;
      table.set(slot, 0, line);
      table.set(slot, 1, values[at + F_ANSWER]!);
    }
  }
}

function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
