/**
 * A worker thread of `loadTrainingDataReport` (see `training-workers.ts`): reads batches of training-data lines
 * into records (`TrainingLineReader`) and sends them back. Started with `workerData` (TrainingWorkerData), it
 * either builds an encoding's rank table in shared memory and sends it (then it is done, and with it the
 * tokenizer library's copy of the ranks), or reads the batches it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildRankTable, type RankTableData } from "../training/bpe.ts";
import { type EvalCaseRef, EvalIndex } from "../training/eval-index.ts";
import { type LineBatch, readLineBytes, readLineText, TrainingLineReader } from "../training/line-reader.ts";
import type { TokenEncoding } from "../training/models.ts";
import { createTokenCounter, importRanks } from "../training/tokens.ts";

/** What a training worker is started with. */
export type TrainingWorkerData =
  | { task: "rank-table"; encoding: TokenEncoding }
  | {
      task: "read";
      encoding: TokenEncoding;
      table: RankTableData;
      evalCases: EvalCaseRef[];
      maxLineChars: number;
    };

/** A batch to read: whole lines as UTF-8 bytes (ending with a line break, but for the file's last line), or one line as text. */
export interface ReadRequest {
  id: number;
  /** A base version of the file (for the diff): no tokens, findings or leakage. */
  base: boolean;
  bytes?: Uint8Array;
  text?: string;
  /** An earlier batch's values, consumed: the reader writes the next batch into it. */
  recycled?: Float64Array<ArrayBuffer>;
}

/** The records of a batch (or why it could not be read), and the request's bytes, to be read into again. */
export type ReadResponse = ({ id: number; batch: LineBatch } | { id: number; error: string }) & {
  bytes?: Uint8Array;
};

const port = parentPort;
const data = workerData as TrainingWorkerData | undefined;
if (port && data?.task === "rank-table") {
  const table = buildRankTable(await importRanks(data.encoding), true);
  port.postMessage(table);
} else if (port && data?.task === "read") {
  const counter = createTokenCounter(data.encoding, data.table);
  const evalIndex = data.evalCases.length > 0 ? new EvalIndex(data.evalCases) : undefined;
  const reader = new TrainingLineReader(evalIndex ? { counter, evalIndex } : { counter });
  const baseReader = new TrainingLineReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const { maxLineChars } = data;
  port.on("message", (request: ReadRequest) => {
    let response: ReadResponse;
    const target = request.base ? baseReader : reader;
    try {
      if (request.text !== undefined) readLineText(request.text, target, maxLineChars);
      else if (request.bytes) readLineBytes(request.bytes, target, maxLineChars, decoder);
      response = { id: request.id, batch: target.take(request.recycled) };
    } catch (error) {
      target.take();
      response = {
        id: request.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    const transfer: ArrayBuffer[] = [];
    if ("batch" in response) transfer.push(response.batch.values.buffer as ArrayBuffer);
    if (request.bytes) {
      response.bytes = request.bytes;
      transfer.push(request.bytes.buffer as ArrayBuffer);
    }
    port.postMessage(response, transfer);
  });
}
