import { existsSync } from "node:fs";
import { type FileHandle, open, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { buildRankTableFromPacked, type RankTableData } from "../training/bpe.ts";
import { type EvalCaseRef, EvalIndex } from "../training/eval-index.ts";
import { type LineBatch, readLineBytes, TrainingLineReader } from "../training/line-reader.ts";
import type { TokenEncoding } from "../training/models.ts";
import { createTokenCounter, provideRankTable } from "../training/tokens.ts";
import type { ReadRequest, ReadResponse, TrainingWorkerData } from "./training-worker.ts";

/**
 * Reading a training-data file's lines on worker threads, for `loadTrainingDataReport`: the calling thread reads
 * the file's bytes and hands whole lines over in batches of 256 KB (moved, not copied, and the buffers come back
 * to be read into again); the workers parse, check and count them (`TrainingLineReader`) and send back compact
 * records, which the calling thread takes in file order, so findings and line numbers are the same as when one
 * thread reads everything. When every worker has enough waiting, the calling thread reads a batch itself: on two
 * cores, one worker and the calling thread read about as fast as two workers, for one V8 heap less.
 *
 * The encoding's rank table lives once in shared memory: read from the packed ranks a bundle ships, else built
 * by a short-lived worker from the tokenizer library's ranks, whose copy (tens of megabytes) dies with it.
 */

/** Bytes read from the file at a time: one batch of lines. */
const CHUNK_BYTES = 256 * 1024;
/**
 * Batches read but not yet taken in file order, at most: per worker, plus a few the calling thread read itself
 * while the oldest batch was still on a worker (bounded memory: the file is never read faster than it is read).
 */
const BATCHES_AHEAD_PER_WORKER = 3;
const BATCHES_AHEAD = 4;
/**
 * Batches a worker may have waiting: when each has this many, the calling thread reads the next batch itself
 * (it has the time: it only reads the file and takes the records), which spares a worker thread's memory.
 */
const QUEUED_PER_WORKER = 2;
/** A line longer than this many bytes is decoded as it streams, held only while under `maxLineChars`. */
const LONG_LINE_BYTES = 8 * 1024 * 1024;
/**
 * Each worker's young generation. V8's default (up to 48 MB) fills with each line's short-lived objects before
 * it is collected; a small one is collected more often at little cost, since almost nothing in it survives.
 */
const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6 };

/** Where the worker's script is: next to this module, next to its bundle chunk, or as TypeScript source. */
export function findTrainingWorkerScript(): URL | undefined {
  // From TypeScript source (this repository's tests), a JavaScript entry strips the types on the way.
  return findBundleFile(
    import.meta.url.endsWith(".ts") ? "training-worker-source.mjs" : "training-worker.js",
  );
}

/** A file the bundle ships next to its entry points (this module is in the entry or in a chunk below it). */
function findBundleFile(name: string): URL | undefined {
  for (const candidate of [`./${name}`, `../${name}`]) {
    const url = new URL(candidate, import.meta.url);
    if (url.protocol === "file:" && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

const sharedTables = new Map<TokenEncoding, Promise<RankTableData | undefined>>();

/**
 * An encoding's rank table in shared memory (once per process): from the packed ranks a bundle ships
 * (`<encoding>.ranks`, written by the CLI's build), else built from the tokenizer library's ranks by a worker that
 * then exits, taking the library's copy (tens of megabytes) with it. Undefined when neither is at hand.
 */
export function loadSharedRankTable(encoding: TokenEncoding): Promise<RankTableData | undefined> {
  let table = sharedTables.get(encoding);
  if (!table) {
    table = readPackedRanks(encoding).then((packed) => {
      if (packed) return packed;
      const script = findTrainingWorkerScript();
      return script ? buildInWorker(script, encoding) : undefined;
    });
    table.then(
      (built) => {
        if (built) provideRankTable(encoding, built);
      },
      () => sharedTables.delete(encoding),
    );
    sharedTables.set(encoding, table);
  }
  return table;
}

/**
 * The bundle's packed ranks of an encoding, given to the in-thread counter too (`provideRankTable`), so that no
 * thread parses the library's ranks; undefined without them (TypeScript source, or a bundle built without).
 */
export function readPackedRanks(encoding: TokenEncoding): Promise<RankTableData | undefined> {
  let table = packedTables.get(encoding);
  if (!table) {
    const file = findBundleFile(`${encoding}.ranks`);
    table = file
      ? readFile(file).then((packed) => {
          const built = buildRankTableFromPacked(packed, true);
          if (built) provideRankTable(encoding, built);
          return built;
        })
      : Promise.resolve(undefined);
    table.catch(() => packedTables.delete(encoding));
    packedTables.set(encoding, table);
  }
  return table;
}

const packedTables = new Map<TokenEncoding, Promise<RankTableData | undefined>>();

function buildInWorker(script: URL, encoding: TokenEncoding): Promise<RankTableData> {
  const data: TrainingWorkerData = { task: "rank-table", encoding };
  return new Promise<RankTableData>((resolve, reject) => {
    const worker = new Worker(script, { workerData: data });
    // Resolved once the worker is gone, so that its memory (the library's ranks) is freed before others start.
    worker.once("message", (message: RankTableData) => {
      worker.removeAllListeners("exit");
      void worker.terminate().then(() => resolve(message), reject);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the rank table worker stopped (exit code ${code})`)));
  });
}

/** Batches read so far by the workers and by the calling thread (tests check that workers did read). */
export const trainingWorkerStats = { workerBatches: 0, callingThreadBatches: 0 };

/** What `TrainingWorkers.start` needs. */
export interface TrainingWorkersOptions {
  script: URL;
  encoding: TokenEncoding;
  workers: number;
  evalCases: readonly EvalCaseRef[];
  maxLineChars: number;
}

/** Worker threads that read batches of lines into records. */
export class TrainingWorkers {
  readonly #workers: Worker[];
  readonly #maxLineChars: number;
  readonly #pending = new Map<
    number,
    { resolve: (batch: LineBatch) => void; reject: (error: Error) => void }
  >();
  /** Buffers the workers gave back: the file is read into them again (no garbage for the workers to collect). */
  readonly #freeBuffers: ArrayBuffer[] = [];
  /** Consumed batches' values, given back to the workers to write the next batches into. */
  readonly #freeValues: Float64Array<ArrayBuffer>[] = [];
  #nextId = 0;
  #failure: Error | undefined;
  /** Reads batches on the calling thread when the workers are busy: [for the file, for a base version]. */
  readonly #local: [TrainingLineReader, TrainingLineReader];
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  private constructor(
    workers: Worker[],
    maxLineChars: number,
    local: [TrainingLineReader, TrainingLineReader],
  ) {
    this.#workers = workers;
    this.#maxLineChars = maxLineChars;
    this.#local = local;
    for (const worker of workers) {
      worker.on("message", (response: ReadResponse) => this.#receive(response));
      worker.on("error", (error) => this.#fail(error));
      worker.on("exit", (code) =>
        this.#fail(new Error(`a training-data worker stopped (exit code ${code})`)),
      );
    }
  }

  /** Start the workers (the encoding's rank table first, once per process). */
  static async start(options: TrainingWorkersOptions): Promise<TrainingWorkers | undefined> {
    const table = await loadSharedRankTable(options.encoding);
    if (!table) return undefined;
    const evalCases: EvalCaseRef[] = options.evalCases.map((ref) => {
      const copy: EvalCaseRef = { suite: ref.suite, case: { id: ref.case.id, vars: ref.case.vars } };
      if (ref.case.source !== undefined) copy.case.source = ref.case.source;
      if (ref.renderedInput !== undefined) copy.renderedInput = ref.renderedInput;
      return copy;
    });
    const data: TrainingWorkerData = {
      task: "read",
      encoding: options.encoding,
      table,
      evalCases,
      maxLineChars: options.maxLineChars,
    };
    const workers = Array.from(
      { length: options.workers },
      () => new Worker(options.script, { workerData: data, resourceLimits: WORKER_LIMITS }),
    );
    const counter = createTokenCounter(options.encoding, table);
    const evalIndex = evalCases.length > 0 ? new EvalIndex(evalCases) : undefined;
    const local: [TrainingLineReader, TrainingLineReader] = [
      new TrainingLineReader(evalIndex ? { counter, evalIndex } : { counter }),
      new TrainingLineReader(),
    ];
    return new TrainingWorkers(workers, options.maxLineChars, local);
  }

  /**
   * Read a file's lines on the workers and hand their records to `consume` in file order (`base`: a base version
   * of the file, read for the diff only).
   */
  async readFile(path: string, base: boolean, consume: (batch: LineBatch) => void): Promise<void> {
    const handle = await open(path, "r");
    try {
      await this.#readFile(handle, base, consume);
    } finally {
      await handle.close();
    }
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    this.#failure ??= new Error("the training-data workers were closed");
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  async #readFile(handle: FileHandle, base: boolean, consume: (batch: LineBatch) => void): Promise<void> {
    const ahead = this.#workers.length * BATCHES_AHEAD_PER_WORKER + BATCHES_AHEAD;
    const queue: Array<Promise<LineBatch> | LineBatch> = [];
    const take = (batch: LineBatch): void => {
      consume(batch);
      if (batch.values.buffer instanceof ArrayBuffer)
        this.#freeValues.push(new Float64Array(batch.values.buffer));
    };
    const enqueue = async (item: Promise<LineBatch> | LineBatch): Promise<void> => {
      queue.push(item);
      while (queue.length > ahead) take(await queue.shift()!);
    };
    let carry = new Uint8Array(0);
    let longLine: LongLine | undefined;
    let first = true;
    for (;;) {
      const buffer = this.#takeBuffer(carry.length + CHUNK_BYTES);
      buffer.set(carry);
      const { bytesRead } = await handle.read(buffer, carry.length, CHUNK_BYTES, null);
      let start = 0;
      const end = carry.length + bytesRead;
      carry = new Uint8Array(0);
      if (first && end >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
      if (end >= 3 || bytesRead === 0) first = false;
      if (longLine) {
        // (Within what was read: a buffer read into again holds older bytes past `end`.)
        const newline = buffer.subarray(0, end).indexOf(10);
        longLine.push(buffer.subarray(0, newline === -1 ? end : newline));
        if (newline === -1 && bytesRead > 0) {
          this.#giveBack(buffer);
          continue;
        }
        await enqueue(this.#finishLongLine(longLine, base));
        longLine = undefined;
        start = newline === -1 ? end : newline + 1;
      }
      // Whole lines go to a worker; the last, partial one is carried over to the next read.
      const last = bytesRead === 0 ? end - 1 : buffer.lastIndexOf(10, end - 1);
      if (last >= start) {
        if (last + 1 < end) carry = buffer.slice(last + 1, end);
        await enqueue(this.#read(buffer.subarray(start, last + 1), base));
      } else {
        if (start < end) carry = buffer.slice(start, end);
        this.#giveBack(buffer);
      }
      if (bytesRead === 0) break;
      if (carry.length > LONG_LINE_BYTES) {
        longLine = new LongLine(this.#maxLineChars);
        longLine.push(carry);
        carry = new Uint8Array(0);
      }
    }
    for (const item of queue) take(await item);
  }

  /** The record of a long line: read by a worker when it is short enough after all, else reported. */
  #finishLongLine(line: LongLine, base: boolean): Promise<LineBatch> | LineBatch {
    const text = line.finish();
    if (text !== undefined) return this.#request(undefined, text, base);
    const reader = new TrainingLineReader(base ? {} : { counter: { encoding: "", countTokens: () => 0 } });
    reader.addLongLine(line.chars, this.#maxLineChars);
    return reader.take();
  }

  /** Read a batch of whole lines on a worker, or on this thread when every worker has enough waiting. */
  #read(bytes: Uint8Array, base: boolean): Promise<LineBatch> | LineBatch {
    if (this.#failure || this.#pending.size < this.#workers.length * QUEUED_PER_WORKER) {
      return this.#request(bytes, undefined, base);
    }
    const reader = this.#local[base ? 1 : 0];
    trainingWorkerStats.callingThreadBatches++;
    readLineBytes(bytes, reader, this.#maxLineChars, this.#decoder);
    this.#giveBack(bytes);
    return reader.take(this.#freeValues.pop());
  }

  #request(bytes: Uint8Array | undefined, text: string | undefined, base: boolean): Promise<LineBatch> {
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    const request: ReadRequest = { id, base };
    const transfer: ArrayBuffer[] = [];
    if (bytes) {
      request.bytes = bytes;
      transfer.push(bytes.buffer as ArrayBuffer);
    }
    if (text !== undefined) request.text = text;
    const recycled = this.#freeValues.pop();
    if (recycled) {
      request.recycled = recycled;
      transfer.push(recycled.buffer as ArrayBuffer);
    }
    const failure = this.#failure;
    const batch = new Promise<LineBatch>((resolve, reject) => {
      if (failure) return reject(failure);
      this.#pending.set(id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
    // Awaited in file order, maybe after a later batch failed: not an unhandled rejection meanwhile.
    batch.catch(() => {});
    return batch;
  }

  /** A buffer of at least `size` bytes, from those given back when one is large enough. */
  #takeBuffer(size: number): Uint8Array {
    const free = this.#freeBuffers.at(-1);
    if (free && free.byteLength >= size) return new Uint8Array(this.#freeBuffers.pop()!, 0, size);
    return new Uint8Array(new ArrayBuffer(Math.max(size, CHUNK_BYTES + 16 * 1024)));
  }

  /** Keep a buffer to read into again (ordinary sizes only, a few dozen at most). */
  #giveBack(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    if (buffer.byteLength <= 2 * CHUNK_BYTES && this.#freeBuffers.length < 64) this.#freeBuffers.push(buffer);
  }

  #receive(response: ReadResponse): void {
    if (response.bytes) this.#giveBack(response.bytes);
    const pending = this.#pending.get(response.id);
    if (!pending) return;
    this.#pending.delete(response.id);
    trainingWorkerStats.workerBatches++;
    if ("batch" in response) pending.resolve(response.batch);
    else pending.reject(new Error(`a training-data worker failed: ${response.error}`));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }
}

/** A line too long to hold as bytes: decoded as it streams, its text kept only while within the limit. */
class LongLine {
  readonly #maxChars: number;
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  #parts: string[] = [];
  /** Characters so far. */
  chars = 0;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  push(bytes: Uint8Array): void {
    this.#add(this.#decoder.decode(bytes, { stream: true }));
  }

  /** The line's text, or undefined when it is longer than the limit (`chars` says how long). */
  finish(): string | undefined {
    this.#add(this.#decoder.decode());
    return this.chars > this.#maxChars ? undefined : this.#parts.join("");
  }

  #add(text: string): void {
    this.chars += text.length;
    if (this.chars > this.#maxChars) this.#parts = [];
    else if (text) this.#parts.push(text);
  }
}
