import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { closeSync, createWriteStream, openSync, readSync, type WriteStream } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import type { CaseRecord, RunResult } from "@promptfirst/core";

/**
 * Where each streamed case sits in the JSONL file, by position: its case object's byte offset and length (0: not
 * written; a case object is never empty). Typed arrays, grown by doubling: 12 bytes a case, off the JS heap.
 */
class Placement {
  offsets = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  /** One past the highest position written. */
  count = 0;

  set(position: number, offset: number, length: number): void {
    if (position >= this.lengths.length) {
      let capacity = this.lengths.length * 2;
      while (capacity <= position) capacity *= 2;
      const offsets = new Float64Array(capacity);
      offsets.set(this.offsets);
      const lengths = new Uint32Array(capacity);
      lengths.set(this.lengths);
      this.offsets = offsets;
      this.lengths = lengths;
    }
    this.offsets[position] = offset;
    this.lengths[position] = length;
    this.count = Math.max(this.count, position + 1);
  }
}

/**
 * Streams a run's cases to a JSONL file as they finish (one `{"suite","candidate","position","case"}` object
 * per line, in completion order), then writes the RunResult file with every candidate's cases read back from
 * it in suite order. Memory holds two numbers per case, never the cases: a 100k-case run writes its
 * results the same way a 10-case run does. Secrets are masked in every line before it is written.
 */
export class StreamedResults {
  readonly file: string;
  readonly #mask: (text: string) => string;
  readonly #placements = new Map<string, Placement>();
  #stream: WriteStream | undefined;
  #bytes = 0;
  #failure: Error | undefined;
  /** Resolves when the stream drains; shared by every writer waiting, so waiting adds no listener per case. */
  #drain: Promise<unknown> | undefined;

  private constructor(file: string, mask: (text: string) => string) {
    this.file = file;
    this.#mask = mask;
  }

  /** Create (or truncate) the JSONL file. */
  static async create(file: string, mask: (text: string) => string): Promise<StreamedResults> {
    await mkdir(path.dirname(file), { recursive: true });
    const results = new StreamedResults(file, mask);
    const stream = createWriteStream(file);
    await once(stream, "open");
    stream.on("error", (error) => {
      results.#failure ??= error;
    });
    results.#stream = stream;
    return results;
  }

  /** Append one finished case; waits when the disk is behind, so results never pile up in memory. */
  async write(record: CaseRecord): Promise<void> {
    if (this.#failure) throw this.#failure;
    const head = `{"suite":${JSON.stringify(record.suite)},"candidate":${JSON.stringify(record.candidate)},"position":${record.position},"case":`;
    const body = this.#mask(JSON.stringify(record.case));
    const maskedHead = this.#mask(head);
    const line = `${maskedHead}${body}}\n`;
    const placement = this.#placementOf(record.suite, record.candidate);
    placement.set(record.position, this.#bytes + Buffer.byteLength(maskedHead), Buffer.byteLength(body));
    this.#bytes += Buffer.byteLength(line);
    if (!this.#stream!.write(line)) {
      this.#drain ??= once(this.#stream!, "drain").finally(() => {
        this.#drain = undefined;
      });
    }
    if (this.#drain) await this.#drain;
  }

  /** Flush and close the JSONL file. */
  async close(): Promise<void> {
    const stream = this.#stream;
    if (!stream || stream.closed) return;
    stream.end();
    await once(stream, "close");
    if (this.#failure) throw this.#failure;
  }

  /**
   * Write `result` to `out` as JSON, each candidate's cases read back from the JSONL file in suite order, one
   * case per line (cases `result` holds in memory, if any, are not used: the streamed ones are the same). Written
   * to a temporary file and renamed, so a reader never sees half a file.
   */
  async writeRunResult(out: string, result: RunResult): Promise<void> {
    await this.close();
    const slots: Array<{ suite: string; candidate: string }> = [];
    const marker = `promptfirst-cases-${randomUUID()}`;
    const suites: Record<string, unknown> = {};
    for (const [suiteName, suite] of Object.entries(result.suites)) {
      const candidates: Record<string, unknown> = {};
      for (const [candidateName, candidate] of Object.entries(suite.candidates)) {
        candidates[candidateName] = { ...candidate, cases: marker };
        slots.push({ suite: suiteName, candidate: candidateName });
      }
      suites[suiteName] = { ...suite, candidates };
    }
    const skeleton = { ...result, suites };
    const text = this.#mask(JSON.stringify(skeleton, null, 2));
    const parts = text.split(`"${marker}"`);
    await mkdir(path.dirname(out), { recursive: true });
    const partial = `${out}.partial`;
    const output = createWriteStream(partial);
    await once(output, "open");
    // Cases are read back one by one at known offsets; synchronous reads cost microseconds each here.
    const fd = openSync(this.file, "r");
    try {
      const put = async (chunk: string | Buffer): Promise<void> => {
        if (!output.write(chunk)) await once(output, "drain");
      };
      for (let i = 0; i < slots.length; i++) {
        await put(parts[i]!);
        const placement = this.#placements.get(slotKey(slots[i]!.suite, slots[i]!.candidate));
        let separator = "[\n";
        for (let position = 0; position < (placement?.count ?? 0); position++) {
          const length = placement!.lengths[position]!;
          if (length === 0) continue;
          const buffer = Buffer.allocUnsafe(length);
          readSync(fd, buffer, 0, length, placement!.offsets[position]!);
          await put(separator);
          await put(buffer);
          separator = ",\n";
        }
        await put(separator === "[\n" ? "[]" : "\n]");
      }
      await put(`${parts[slots.length]!}\n`);
      output.end();
      await once(output, "close");
    } finally {
      closeSync(fd);
      if (!output.closed) output.destroy();
    }
    await rename(partial, out);
  }

  #placementOf(suite: string, candidate: string): Placement {
    const key = slotKey(suite, candidate);
    let placement = this.#placements.get(key);
    if (!placement) {
      placement = new Placement();
      this.#placements.set(key, placement);
    }
    return placement;
  }
}

function slotKey(suite: string, candidate: string): string {
  return `${suite}\u0000${candidate}`;
}
