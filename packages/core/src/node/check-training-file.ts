import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { PromptfirstError } from "../errors.ts";
import {
  BaseVersionIndex,
  type CheckTrainingDataOptions,
  checkTrainingData,
  createEvalIndex,
  createTrainingDataCheck,
  DEFAULT_MAX_DISTINCT_INPUTS,
  DEFAULT_MAX_LINE_CHARS,
  resolveBuiltInEncoding,
} from "../training/check-training-data.ts";
import type { TokenEncoding } from "../training/models.ts";
import type { DataReport } from "../training/report.ts";
import { loadTokenCounter, type TokenCounter } from "../training/tokens.ts";
import { findTrainingWorkerScript, readPackedRanks, TrainingWorkers } from "./training-workers.ts";

/** Options of `loadTrainingDataReport`: those of `checkTrainingData`, with the base version as a file path. */
export interface LoadTrainingDataReportOptions
  extends Omit<CheckTrainingDataOptions, "file" | "baseVersion"> {
  /** The file as the user named it (default: `filePath`). */
  file?: string;
  /** Path of the base version of the file, for the diff (a missing file is an empty base: everything is added). */
  baseVersionPath?: string;
  /**
   * Worker threads that read lines beside the calling thread (which reads the file, reads lines when the
   * workers are busy, and runs the checks across lines, in file order: the report is the same): 0 reads
   * everything on the calling thread. Default: one per core but one, at most MAX_WORKERS, for files of
   * WORKERS_MIN_BYTES and more counted with a built-in encoding (a caller's own tokenizer only works on the
   * calling thread); 0 otherwise. Without the worker's script (a bundle built without it), 0.
   */
  workers?: number;
}

/**
 * `loadTokenCounter` that prefers the packed ranks a bundle ships (see `readPackedRanks`) to the tokenizer
 * library's: the same counts, in a few megabytes instead of the library's tens.
 */
export async function loadTrainingTokenCounter(encoding: TokenEncoding): Promise<TokenCounter> {
  await readPackedRanks(encoding);
  return loadTokenCounter(encoding);
}

/**
 * Read chunk size: large enough to amortise the per-chunk work, and below V8's large-object threshold, so a
 * chunk's string is born and dies in the young generation instead of piling up in the old one.
 */
const CHUNK_BYTES = 64 * 1024;
/** Files (with their base version) from this size up are read on worker threads by default. */
export const WORKERS_MIN_BYTES = 16 * 1024 * 1024;
/** Worker threads at most, by default: each costs about 20 MB of memory (a V8 heap and its code). */
export const MAX_WORKERS = 3;

/**
 * Check a fine-tuning file on disk as a stream (the file is never read whole, so a gigabyte file checks in
 * constant memory), its lines read on worker threads when it is large (see `workers`). A file that does not
 * exist or cannot be read is a PromptfirstError (FILE_NOT_FOUND / FILE_UNREADABLE) naming it; problems inside
 * the file are findings in the report.
 */
export async function loadTrainingDataReport(
  filePath: string,
  options: LoadTrainingDataReportOptions = {},
): Promise<DataReport> {
  const file = options.file ?? filePath;
  const size = await assertReadableFile(filePath, file);
  const { baseVersionPath, file: _file, workers: _workers, ...rest } = options;
  const checkOptions: CheckTrainingDataOptions = { ...rest, file };
  // Undefined for a base version that is not a file (then the base is empty: everything is added).
  const baseSize = baseVersionPath !== undefined ? (await statFile(baseVersionPath))?.size : undefined;
  if (baseVersionPath !== undefined) checkOptions.baseFile ??= baseVersionPath;
  try {
    const workers = chooseWorkers(options.workers, size + (baseSize ?? 0), checkOptions);
    if (workers > 0) {
      const report = await checkInWorkers(filePath, baseSize !== undefined ? baseVersionPath : undefined, {
        ...checkOptions,
        workers,
        hasBase: baseVersionPath !== undefined,
      });
      if (report) return report;
    }
    if (baseVersionPath !== undefined) {
      checkOptions.baseVersion = baseSize !== undefined ? openStream(baseVersionPath) : emptySource();
    }
    // A bundle's packed ranks spare this thread the tokenizer library's.
    const encoding = checkOptions.tokenizer ? undefined : resolveBuiltInEncoding(checkOptions);
    if (encoding) await readPackedRanks(encoding);
    return await checkTrainingData(openStream(filePath), checkOptions);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("E")) {
      throw new PromptfirstError("FILE_UNREADABLE", `${file}: cannot read the training data (${code})`);
    }
    throw error;
  }
}

function chooseWorkers(
  requested: number | undefined,
  bytes: number,
  options: CheckTrainingDataOptions,
): number {
  if (resolveBuiltInEncoding(options) === undefined) return 0;
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  return bytes >= WORKERS_MIN_BYTES ? Math.min(availableParallelism() - 1, MAX_WORKERS) : 0;
}

/** The check with lines read on worker threads; undefined when the worker's script is missing. */
async function checkInWorkers(
  filePath: string,
  basePath: string | undefined,
  options: CheckTrainingDataOptions & { workers: number; hasBase: boolean },
): Promise<DataReport | undefined> {
  const script = findTrainingWorkerScript();
  const encoding = resolveBuiltInEncoding(options);
  if (!script || !encoding) return undefined;
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const evalIndex = createEvalIndex(options);
  const workers = await TrainingWorkers.start({
    script,
    encoding,
    workers: options.workers,
    evalCases: options.evalCases ?? [],
    maxLineChars,
  });
  if (!workers) return undefined;
  try {
    let base: BaseVersionIndex | undefined;
    if (options.hasBase) {
      base = new BaseVersionIndex(options.maxDistinctInputs ?? DEFAULT_MAX_DISTINCT_INPUTS);
      if (basePath !== undefined) await workers.readFile(basePath, true, (batch) => base!.consume(batch));
    }
    const check = createTrainingDataCheck(options, { encoding }, evalIndex, base);
    await workers.readFile(filePath, false, (batch) => check.consume(batch));
    return check.finish();
  } finally {
    await workers.close();
  }
}

function openStream(filePath: string): AsyncIterable<string> {
  return createReadStream(filePath, { encoding: "utf8", highWaterMark: CHUNK_BYTES });
}

async function* emptySource(): AsyncIterable<string> {}

async function statFile(filePath: string): Promise<{ size: number } | undefined> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}

async function assertReadableFile(filePath: string, shown: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new PromptfirstError("FILE_NOT_FOUND", `${shown}: training data file not found`);
    }
    throw new PromptfirstError(
      "FILE_UNREADABLE",
      `${shown}: cannot read the training data (${code ?? "error"})`,
    );
  }
  if (!info.isFile()) {
    throw new PromptfirstError("FILE_UNREADABLE", `${shown}: not a file (training data is a JSONL file)`);
  }
  return info.size;
}
