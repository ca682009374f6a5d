import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ResponseCache, StoredResponse } from "@promptfirst/core";
import { z } from "zod";

const KEY = /^[0-9a-f]{64}$/;

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

const entrySchema = z.object({ v: z.literal(1), key: z.string(), response: storedResponseSchema });

/**
 * The content-addressed on-disk response cache: one JSON file per request key under `dir/ab/abcdef….json`.
 * Entries are written atomically (temp file + rename) and verified on read: a corrupt, truncated or foreign
 * entry is a miss, never a wrong answer. Safe to share between base and head runs and to keep with
 * `actions/cache`.
 */
export class FileCache implements ResponseCache {
  readonly dir: string;
  /** Entries found unreadable or invalid (each was treated as a miss). */
  corrupt = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  #file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored response for `key`, or undefined. */
  async get(key: string): Promise<StoredResponse | undefined> {
    if (!KEY.test(key)) return undefined;
    let text: string;
    try {
      text = await readFile(this.#file(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      const entry = entrySchema.parse(JSON.parse(text));
      if (entry.key !== key) throw new Error("key mismatch");
      return entry.response as StoredResponse;
    } catch {
      this.corrupt++;
      return undefined;
    }
  }

  /** Store a successful response under `key`. */
  async set(key: string, value: StoredResponse): Promise<void> {
    if (!KEY.test(key)) throw new RangeError(`not a request key: ${key}`);
    const file = this.#file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temp, JSON.stringify({ v: 1, key, response: value }));
    await rename(temp, file);
  }
}
