import { createHash, randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ResponseCache, StoredResponse } from "@promptfirst/core";
import { z } from "zod";

const KEY = /^[0-9a-f]{64}$/;
/** Every line starts with this, then the 64-hex key: the index is built without parsing JSON. */
const LINE_PREFIX = '{"k":"';
const KEY_START = LINE_PREFIX.length;
const KEY_END = KEY_START + 64;
/** Pending entries are written at least this often, milliseconds. */
const FLUSH_INTERVAL_MS = 50;
/** …or as soon as this many are waiting. */
const FLUSH_BATCH = 256;

/** A stored response as it must look when read back (anything else is a cache miss). */
export const storedResponseSchema = z.object({
  output: z.string(),
  usage: z
    .object({
      inputTokens: z.number().int().min(0),
      outputTokens: z.number().int().min(0),
      cachedInputTokens: z.number().int().min(0),
    })
    .optional(),
  model: z.string().optional(),
  finishReason: z.string().optional(),
});

const lineSchema = z.object({ k: z.string(), c: z.string(), r: storedResponseSchema });

interface Location {
  segment: string;
  start: number;
  length: number;
}

/** The segment files of a cache's `segments` directory, oldest first; none when there is no such directory. */
async function listSegments(segmentsDir: string): Promise<string[]> {
  try {
    return (await readdir(segmentsDir)).filter((n) => n.endsWith(".jsonl")).sort();
  } catch {
    return [];
  }
}

/** Each line of a segment that starts as an entry does, with its key and its byte range (without the newline). */
function forEachEntryLine(buffer: Buffer, visit: (key: string, start: number, end: number) => void): void {
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(10, start);
    if (end === -1) end = buffer.length;
    if (end - start > KEY_END && buffer.toString("latin1", start, start + KEY_START) === LINE_PREFIX) {
      visit(buffer.toString("latin1", start + KEY_START, start + KEY_END), start, end);
    }
    start = end + 1;
  }
}

/** Binds a response to its key: a line whose key bytes were damaged cannot answer another request. */
function checksum(key: string, response: string): string {
  // One update of the same bytes as key, "\n", response (one native call instead of three).
  return createHash("sha256").update(`${key}\n${response}`).digest("hex").slice(0, 16);
}

/**
 * The content-addressed on-disk response cache. Entries live in append-only segment files
 * (`dir/segments/*.jsonl`, one JSON line per response: key, checksum, response); each process appends to a
 * segment of its own, so base and head runs, matrix shards and parallel jobs can share one directory (and
 * `actions/cache` can keep it) without locks. Writes are batched: one file append per batch instead of a file
 * per response, which is what keeps the cache cheap at thousands of calls a minute.
 *
 * Every entry is verified on read (valid JSON, the right shape, its own key, its checksum): a corrupt or
 * truncated entry is a miss, never a wrong answer. Call `flush()` before the process ends.
 */
export class FileCache implements ResponseCache {
  readonly dir: string;
  /** Entries found invalid on read (each was treated as a miss). */
  corrupt = 0;
  readonly #index = new Map<string, Location>();
  readonly #pending = new Map<string, string>();
  readonly #handles = new Map<string, Promise<FileHandle>>();
  #loaded: Promise<void> | undefined;
  #segment: string | undefined;
  #writer: Promise<FileHandle> | undefined;
  #offset = 0;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  readonly #used: Set<string> | undefined;

  /** `used`: where to note every key this cache answers or stores (for `compactFileCache`). */
  constructor(dir: string, options: { used?: Set<string> } = {}) {
    this.dir = dir;
    this.#used = options.used;
  }

  get #segments(): string {
    return path.join(this.dir, "segments");
  }

  /** Index every segment on first use: key → where its line is. Later segments do not override earlier ones. */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      for (const name of await listSegments(this.#segments)) {
        const segment = path.join(this.#segments, name);
        let buffer: Buffer;
        try {
          buffer = await readFile(segment);
        } catch {
          continue;
        }
        forEachEntryLine(buffer, (key, start, end) => {
          if (!this.#index.has(key)) this.#index.set(key, { segment, start, length: end - start });
        });
      }
    })();
    return this.#loaded;
  }

  #handle(segment: string): Promise<FileHandle> {
    let handle = this.#handles.get(segment);
    if (!handle) {
      handle = open(segment, "r");
      this.#handles.set(segment, handle);
    }
    return handle;
  }

  /** The stored response for `key`, or undefined. */
  async get(key: string): Promise<StoredResponse | undefined> {
    if (!KEY.test(key)) return undefined;
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      this.#used?.add(key);
      return this.#decode(key, pending);
    }
    await this.#load();
    const location = this.#index.get(key);
    if (!location) return undefined;
    try {
      const buffer = Buffer.alloc(location.length);
      const handle = await this.#handle(location.segment);
      await handle.read(buffer, 0, location.length, location.start);
      const response = this.#decode(key, buffer.toString("utf8"));
      // A damaged entry is forgotten, so the fresh answer the run gets next is stored again.
      if (!response) this.#index.delete(key);
      else this.#used?.add(key);
      return response;
    } catch {
      this.corrupt++;
      this.#index.delete(key);
      return undefined;
    }
  }

  #decode(key: string, line: string): StoredResponse | undefined {
    const response = parseLine(key, line);
    if (!response) this.corrupt++;
    return response;
  }

  /** Store a successful response under `key` (written with the next batch). */
  async set(key: string, value: StoredResponse): Promise<void> {
    if (!KEY.test(key)) throw new RangeError(`not a request key: ${key}`);
    this.#used?.add(key);
    await this.#load();
    if (this.#index.has(key) || this.#pending.has(key)) return;
    const response = JSON.stringify(value);
    this.#pending.set(key, `${LINE_PREFIX}${key}","c":"${checksum(key, response)}","r":${response}}`);
    // A background write that fails keeps its entries pending for the next flush; it must not crash the
    // process with an unhandled rejection.
    if (this.#pending.size >= FLUSH_BATCH) this.flush().catch(() => undefined);
    else this.#timer ??= setTimeout(() => this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
  }

  /** Write every pending entry to this process's segment. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.size === 0) return this.#writing.catch(() => undefined);
    // Chain after the previous write whether or not it failed: one failure must not fail every later flush.
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        // Taken when this write starts, after the previous one finished: overlapping flushes never write an
        // entry twice.
        const batch = [...this.#pending];
        if (batch.length === 0) return;
        if (!this.#writer) {
          await mkdir(this.#segments, { recursive: true });
          const name = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}.jsonl`;
          this.#segment = path.join(this.#segments, name);
          this.#writer = open(this.#segment, "a");
          this.#offset = 0;
        }
        let writer: FileHandle;
        try {
          writer = await this.#writer;
        } catch (error) {
          this.#writer = undefined;
          throw error;
        }
        let text = "";
        const locations: Array<[string, Location]> = [];
        let offset = this.#offset;
        for (const [key, line] of batch) {
          const length = Buffer.byteLength(line);
          locations.push([key, { segment: this.#segment!, start: offset, length }]);
          offset += length + 1;
          text += `${line}\n`;
        }
        await writer.write(text);
        this.#offset = offset;
        for (const [key, location] of locations) {
          this.#index.set(key, location);
          this.#pending.delete(key);
        }
        // Readers of this segment opened before the write see the new bytes: same file, same inode.
      });
    return this.#writing;
  }

  /** Flush, and close every open file; the cache stays usable (a later write starts a new segment). */
  async close(): Promise<void> {
    await this.flush();
    const handles = [...this.#handles.values(), ...(this.#writer ? [this.#writer] : [])];
    this.#handles.clear();
    this.#writer = undefined;
    await Promise.all(handles.map(async (h) => (await h).close().catch(() => undefined)));
  }
}

/** What `compactFileCache` did. */
export interface CacheCompaction {
  /** Entries kept (the ones used), and the entries and segment files there were. */
  kept: number;
  entriesBefore: number;
  segmentsBefore: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Rewrite the cache in `dir` as one segment holding only the entries whose keys are in `used` (what a run read
 * or stored: `new FileCache(dir, { used })`), each verified again; every other segment is deleted. For the end of
 * a run that saw every suite (a push to the default branch), so a cache kept across workflow runs stops growing
 * with answers no prompt asks for any more. No other process may use `dir` meanwhile. The new segment is written
 * under a temporary name and renamed before anything is deleted: an interruption loses nothing.
 */
export async function compactFileCache(dir: string, used: ReadonlySet<string>): Promise<CacheCompaction> {
  const segmentsDir = path.join(dir, "segments");
  const names = await listSegments(segmentsDir);
  if (names.length === 0)
    return { kept: 0, entriesBefore: 0, segmentsBefore: 0, bytesBefore: 0, bytesAfter: 0 };
  const kept = new Map<string, string>();
  const seen = new Set<string>();
  let bytesBefore = 0;
  for (const name of names) {
    const buffer = await readFile(path.join(segmentsDir, name));
    bytesBefore += buffer.length;
    forEachEntryLine(buffer, (key, start, end) => {
      seen.add(key);
      // The first valid line of a key is kept.
      if (used.has(key) && !kept.has(key)) {
        const line = buffer.toString("utf8", start, end);
        if (parseLine(key, line)) kept.set(key, line);
      }
    });
  }
  const text = [...kept.values()].map((line) => `${line}\n`).join("");
  const name = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}.jsonl`;
  const partial = path.join(segmentsDir, `${name}.partial`);
  await writeFile(partial, text);
  await rename(partial, path.join(segmentsDir, name));
  await Promise.all(names.map((old) => rm(path.join(segmentsDir, old), { force: true })));
  return {
    kept: kept.size,
    entriesBefore: seen.size,
    segmentsBefore: names.length,
    bytesBefore,
    bytesAfter: Buffer.byteLength(text),
  };
}

/** The response a cache line holds for `key`, when the line is valid JSON of the right shape, for that key, and
 * its checksum matches; else undefined. */
function parseLine(key: string, line: string): StoredResponse | undefined {
  try {
    const entry = lineSchema.parse(JSON.parse(line));
    if (entry.k !== key || entry.c !== checksum(key, JSON.stringify(entry.r))) return undefined;
    return entry.r as StoredResponse;
  } catch {
    return undefined;
  }
}

/** `cache pruned: kept 120 of 480 entries (1.9 MB → 0.5 MB)`: what a compaction did, for a log line. */
export function describeCompaction(stats: CacheCompaction): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `cache pruned: kept ${stats.kept} of ${stats.entriesBefore} entries (${mb(stats.bytesBefore)} → ${mb(stats.bytesAfter)})`;
}
