import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { PromptfirstError } from "../errors.ts";
import { type CheckTrainingDataOptions, checkTrainingData } from "../training/check-training-data.ts";
import type { DataReport } from "../training/report.ts";

/** Options of `loadTrainingDataReport`: those of `checkTrainingData`, with the base version as a file path. */
export interface LoadTrainingDataReportOptions
  extends Omit<CheckTrainingDataOptions, "file" | "baseVersion"> {
  /** The file as the user named it (default: `filePath`). */
  file?: string;
  /** Path of the base version of the file, for the diff (a missing file is an empty base: everything is added). */
  baseVersionPath?: string;
}

/**
 * Read chunk size: large enough to amortise the per-chunk work, and below V8's large-object threshold, so a
 * chunk's string is born and dies in the young generation instead of piling up in the old one.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * Check a fine-tuning file on disk as a stream (`fs.createReadStream`: the file is never read whole, so a
 * gigabyte file checks in constant memory). A file that does not exist or cannot be read is a PromptfirstError
 * (FILE_NOT_FOUND / FILE_UNREADABLE) naming it; problems inside the file are findings in the report.
 */
export async function loadTrainingDataReport(
  filePath: string,
  options: LoadTrainingDataReportOptions = {},
): Promise<DataReport> {
  const file = options.file ?? filePath;
  await assertReadableFile(filePath, file);
  const { baseVersionPath, file: _file, ...rest } = options;
  const checkOptions: CheckTrainingDataOptions = { ...rest, file };
  if (baseVersionPath !== undefined) {
    checkOptions.baseVersion = (await isFile(baseVersionPath)) ? openStream(baseVersionPath) : emptySource();
    checkOptions.baseFile ??= baseVersionPath;
  }
  try {
    return await checkTrainingData(openStream(filePath), checkOptions);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("E")) {
      throw new PromptfirstError("FILE_UNREADABLE", `${file}: cannot read the training data (${code})`);
    }
    throw error;
  }
}

function openStream(filePath: string): AsyncIterable<string> {
  return createReadStream(filePath, { encoding: "utf8", highWaterMark: CHUNK_BYTES });
}

async function* emptySource(): AsyncIterable<string> {}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

async function assertReadableFile(filePath: string, shown: string): Promise<void> {
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
}
