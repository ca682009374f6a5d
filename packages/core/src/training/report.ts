import { z } from "zod";

/** Version of the DataReport format; bumped on any incompatible change. */
export const DATA_REPORT_SCHEMA_VERSION = 1;

const count = z.number().int().min(0);

/** A problem found in training data, at a line (`null`: the file as a whole). */
export const dataFindingSchema = z.object({
  line: z.number().int().min(1).nullable(),
  code: z.string(),
  severity: z.enum(["error", "warning"]),
  message: z.string(),
});

/** Two lines involved in one finding: a duplicate and the line it repeats, a contradiction and its first answer. */
const linePairSchema = z.object({ line: z.number().int().min(1), otherLine: z.number().int().min(1) });

const pairedCheckSchema = z.object({
  count,
  /** The first few pairs (at most 10). */
  pairs: z.array(linePairSchema),
});

/** The token section of a DataReport. */
export const dataTokenStatsSchema = z.object({
  /** Tokenizer used (`o200k_base`), or a configured tokenizer's name. */
  encoding: z.string(),
  /** Whether counts only approximate the base model's tokenizer (or the format's exact overhead). */
  approximate: z.boolean(),
  /** Why they are approximate; null when they are not. */
  approximateReason: z.string().nullable(),
  /** Tokens in all valid examples, one pass. */
  total: count,
  /** Tokens billed per epoch: each example capped at the context limit, as providers truncate. */
  billedPerEpoch: count,
  /** Billed tokens for the whole job: billedPerEpoch × epochs. */
  billed: count,
  /** Per-example distribution; null without valid examples. min and max are exact; median and p95 within 0.5%. */
  min: count.nullable(),
  median: count.nullable(),
  p95: count.nullable(),
  max: count.nullable(),
  mean: z.number().min(0).nullable(),
  /** Longest training example the base model takes; null when unknown (no check made). */
  contextLimit: count.nullable(),
  contextLimitSource: z.string().nullable(),
  /** Examples over the context limit (each an error: it would be truncated). */
  overLimit: count,
});

/** A fine-tuning dataset checked: format, size, tokens, cost, quality signals and the change against base. */
export const dataReportSchema = z.object({
  schemaVersion: z.literal(DATA_REPORT_SCHEMA_VERSION),
  /** The file as the user named it. */
  file: z.string(),
  /** `chat` (`{"messages": [...]}`), `preference` (`{"input", "preferred_output", "non_preferred_output"}`), or `unknown` when no line could be read. */
  format: z.enum(["chat", "preference", "unknown"]),
  baseModel: z.string().nullable(),
  /** `fail` with any error, `warn` with warnings only, else `pass`. */
  status: z.enum(["pass", "warn", "fail"]),
  /** Valid examples. */
  examples: count,
  /** Non-blank lines that were not valid examples. */
  invalidLines: count,
  /** Lines read, blank ones included. */
  lines: count,
  errorCount: count,
  warningCount: count,
  /** Findings kept: at most `maxFindingsPerCode` of each code, by line. */
  findings: z.array(dataFindingSchema),
  /** Every code's full count, and how many of its findings `findings` kept. */
  findingCounts: z.array(
    z.object({ code: z.string(), severity: z.enum(["error", "warning"]), count, stored: count }),
  ),
  maxFindingsPerCode: count,
  tokens: dataTokenStatsSchema,
  epochs: z.object({
    value: z.number().int().min(1),
    source: z.enum(["config", "provider-default", "assumed"]),
    rule: z.string(),
  }),
  cost: z.object({
    /** Estimated training cost in USD: billed tokens × price; null when the price is unknown. */
    usd: z.number().min(0).nullable(),
    pricePerMTok: z.number().min(0).nullable(),
    priceSource: z.string().nullable(),
    /** Why there is no estimate, when `usd` is null. */
    reason: z.string().nullable(),
  }),
  quality: z.object({
    /** Same input and answer (ignoring case and spacing) as an earlier example. */
    duplicates: pairedCheckSchema,
    /** Same text as an earlier example apart from numbers, punctuation, case or spacing. */
    nearDuplicates: pairedCheckSchema,
    /** Same input as an earlier example with a different answer (for preference data: the opposite preference). */
    contradictions: pairedCheckSchema,
    /** Examples whose input is an eval case's input: the eval would measure memory, not skill. */
    leakage: z.object({
      count,
      casesChecked: count,
      examples: z.array(
        z.object({
          line: z.number().int().min(1),
          suite: z.string(),
          caseId: z.string(),
          source: z.string().nullable(),
          kind: z.enum(["exact", "contains"]),
        }),
      ),
    }),
    systemPrompts: z.object({
      /** Distinct system prompts (counted up to 1,000). */
      distinct: count,
      distinctCapped: z.boolean(),
      withoutSystem: count,
      /** Share of examples without a system prompt, 0–1. */
      shareWithout: z.number().min(0).max(1),
      /** Share of examples using the most common system prompt, 0–1; null without any. */
      mostCommonShare: z.number().min(0).max(1).nullable(),
      mostCommonLine: z.number().int().min(1).nullable(),
    }),
    shortAnswers: z.object({
      count,
      /** An answer of at most this many words is short. */
      maxWords: count,
      medianAnswerWords: count.nullable(),
      /** Whether short answers were flagged: only when answers are usually long. */
      flagged: z.boolean(),
    }),
    /** Whether duplicate, contradiction and diff checks saw every example (false past the table's size limit). */
    complete: z.boolean(),
    /** Distinct inputs the checks could remember. */
    capacity: count,
  }),
  /** The change against the base version of the file; null when no base was given. */
  diff: z
    .object({
      baseFile: z.string(),
      baseExamples: count,
      added: count,
      removed: count,
      changed: count,
      unchanged: count,
      /** Lines (in this file) of the first added examples (at most 20). */
      addedLines: z.array(z.number().int().min(1)),
      /** Lines (in the base file) of the first removed examples (at most 20). */
      removedLines: z.array(z.number().int().min(1)),
      /** Changed answers: line here and line in base (at most 20). */
      changedLines: z.array(z.object({ line: z.number().int().min(1), baseLine: z.number().int().min(1) })),
    })
    .nullable(),
});

/** A fine-tuning dataset checked (see `dataReportSchema`); JSON-serialisable, read back by reports. */
export type DataReport = z.infer<typeof dataReportSchema>;

/** The token section of a DataReport. */
export type DataTokenStats = z.infer<typeof dataTokenStatsSchema>;
