import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { computeRequestKey, type StoredResponse } from "@promptfirst/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compactFileCache, FileCache } from "./file-cache.ts";

let dir: string;
const opened: FileCache[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptfirst-cache-"));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
  await rm(dir, { recursive: true, force: true });
});

function openCache(): FileCache {
  const cache = new FileCache(dir);
  opened.push(cache);
  return cache;
}

function keyOf(question: string): string {
  return computeRequestKey({
    baseURL: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: question }],
    params: {},
    sample: 0,
  });
}

const RESPONSE: StoredResponse = {
  output: "Paris",
  usage: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0 },
  model: "gpt-4o-mini-2024-07-18",
  finishReason: "stop",
};

/** Every file under the cache directory, relative to it. */
async function listFiles(): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Rewrite every file of the cache (whatever its layout) with `damage`. */
async function damageFiles(damage: (text: string) => string): Promise<void> {
  for (const file of await listFiles()) {
    const absolute = path.join(dir, file);
    await writeFile(absolute, damage(await readFile(absolute, "utf8")));
  }
}

/** Store entries with one cache and flush them to disk. */
async function store(entries: Array<[string, StoredResponse]>): Promise<void> {
  const writer = openCache();
  for (const [key, value] of entries) await writer.set(key, value);
  await writer.flush();
}

describe("FileCache", () => {
  it("answers what was stored, at once and from a new instance after flush", async () => {
    const key = keyOf("capital of France?");
    const cache = openCache();
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, RESPONSE);
    expect(await cache.get(key)).toEqual(RESPONSE);
    await cache.flush();
    expect(await cache.get(key)).toEqual(RESPONSE);
    expect(await openCache().get(key)).toEqual(RESPONSE);
    expect(await openCache().get(keyOf("something else"))).toBeUndefined();
    expect(cache.corrupt).toBe(0);
  });

  it("keeps many entries apart, and a minimal response minimal", async () => {
    const entries = Array.from({ length: 300 }, (_, i): [string, StoredResponse] => [
      keyOf(`question ${i}`),
      i === 0 ? { output: "" } : { output: `answer ${i} — ünïcode ✓`, finishReason: "stop" },
    ]);
    await store(entries);
    const reader = openCache();
    for (const [key, value] of entries) expect(await reader.get(key)).toEqual(value);
    expect(reader.corrupt).toBe(0);
  });

  it("misses a key that is not a request hash, and refuses to store one", async () => {
    const cache = openCache();
    expect(await cache.get("../../etc/passwd")).toBeUndefined();
    await expect(cache.set("../escape", RESPONSE)).rejects.toThrow(RangeError);
    await expect(cache.set(keyOf("x").toUpperCase(), RESPONSE)).rejects.toThrow(RangeError);
    await cache.flush();
    expect(await listFiles()).toEqual([]);
  });

  it.each([
    ["a changed answer", (text: string) => text.replace('"output":"Paris"', '"output":"Lyon"')],
    ["a truncated entry", (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ["a response of the wrong shape", (text: string) => text.replace('"output":"Paris"', '"output":42')],
    ["negative token counts", (text: string) => text.replace('"inputTokens":10', '"inputTokens":-1')],
    ["broken JSON", (text: string) => text.replace('"output":"Paris"', '"output":"Paris')],
  ])("treats %s as a miss and counts it as corrupt", async (_name, damage) => {
    const key = keyOf("capital of France?");
    await store([[key, RESPONSE]]);
    await damageFiles(damage);
    const reader = openCache();
    expect(await reader.get(key)).toBeUndefined();
    expect(reader.corrupt).toBe(1);
  });

  it("treats unreadable garbage and an empty file as misses", async () => {
    const key = keyOf("capital of France?");
    await store([[key, RESPONSE]]);
    await damageFiles(() => "\u0000\u0001 not json\n");
    expect(await openCache().get(key)).toBeUndefined();
    await damageFiles(() => "");
    expect(await openCache().get(key)).toBeUndefined();
  });

  it("never answers one request with another's entry", async () => {
    const mine = keyOf("mine");
    const theirs = keyOf("theirs");
    await store([[theirs, { output: "their answer" }]]);
    // The entry now claims to be mine, but it is their answer.
    await damageFiles((text) => text.replace(theirs, mine));
    const reader = openCache();
    expect(await reader.get(mine)).toBeUndefined();
    expect(reader.corrupt).toBe(1);
  });

  it("survives many concurrent writes of the same key from two instances: one valid entry", async () => {
    const key = keyOf("popular");
    const writers = [openCache(), openCache()];
    const outputs = Array.from({ length: 40 }, (_, i) => `answer ${i} ${"x".repeat(2_000 + i)}`);
    await Promise.all(outputs.map((output, i) => writers[i % 2]!.set(key, { output })));
    await Promise.all(writers.map((w) => w.flush()));
    const reader = openCache();
    const read = await reader.get(key);
    expect(read).toBeDefined();
    expect(outputs).toContain(read!.output);
    expect(reader.corrupt).toBe(0);
    expect((await listFiles()).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("reads while it writes without ever seeing a partial entry", async () => {
    const cache = openCache();
    const keys = Array.from({ length: 300 }, (_, i) => keyOf(`busy ${i}`));
    const reads: Array<StoredResponse | undefined> = [];
    await Promise.all(
      keys.map(async (key, i) => {
        await cache.set(key, { output: `v${i} ${"y".repeat(500)}` });
        reads.push(await cache.get(key));
      }),
    );
    await cache.flush();
    for (const [i, key] of keys.entries())
      expect((await cache.get(key))?.output.startsWith(`v${i} `)).toBe(true);
    expect(reads.every((r) => r !== undefined)).toBe(true);
    expect(cache.corrupt).toBe(0);
  });
});

describe("compactFileCache", () => {
  it("keeps only the entries a run read or stored, verified, in one segment, and drops the rest", async () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map(keyOf) as [string, string, string, string];
    await store([
      [a, { ...RESPONSE, output: "A" }],
      [b, { ...RESPONSE, output: "B" }],
    ]);
    await store([[c, { ...RESPONSE, output: "C" }]]);
    expect((await listFiles()).length).toBe(2);
    // A run reads a and c, misses a new question, and stores d.
    const used = new Set<string>();
    const run = new FileCache(dir, { used });
    opened.push(run);
    expect((await run.get(a))?.output).toBe("A");
    expect((await run.get(c))?.output).toBe("C");
    expect(await run.get(keyOf("never asked before"))).toBeUndefined();
    await run.set(d, { ...RESPONSE, output: "D" });
    await run.close();
    expect([...used].sort()).toEqual([a, c, d].sort());

    const stats = await compactFileCache(dir, used);
    expect(stats).toMatchObject({ kept: 3, entriesBefore: 4, segmentsBefore: 3 });
    expect(stats.bytesAfter).toBeLessThan(stats.bytesBefore);
    const files = await listFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^segments\/.*\.jsonl$/);
    const after = openCache();
    expect((await after.get(a))?.output).toBe("A");
    expect((await after.get(c))?.output).toBe("C");
    expect((await after.get(d))?.output).toBe("D");
    expect(await after.get(b)).toBeUndefined();
  });

  it("never keeps a damaged entry, and leaves an empty or missing cache alone", async () => {
    expect(await compactFileCache(path.join(dir, "nothing-here"), new Set())).toEqual({
      kept: 0,
      entriesBefore: 0,
      segmentsBefore: 0,
      bytesBefore: 0,
      bytesAfter: 0,
    });
    const a = keyOf("a");
    await store([[a, RESPONSE]]);
    await damageFiles((text) => text.replace("Paris", "Lyon!"));
    const stats = await compactFileCache(dir, new Set([a]));
    expect(stats).toMatchObject({ kept: 0, entriesBefore: 1 });
    expect(await openCache().get(a)).toBeUndefined();
  });
});

describe("FileCache that cannot write", () => {
  it("keeps answering from memory, reports the failure on flush, and never rejects in the background", async () => {
    const blocker = path.join(dir, "not-a-dir");
    await writeFile(blocker, "x");
    const cache = new FileCache(blocker);
    // Enough entries to start a background write at once (no timer to wait for).
    const keys = Array.from({ length: 300 }, (_, i) => keyOf(`unwritable ${i}`));
    for (const key of keys) await cache.set(key, { output: key.slice(0, 8) });
    expect(await cache.get(keys[0]!)).toEqual({ output: keys[0]!.slice(0, 8) });
    await expect(cache.flush()).rejects.toThrow(/ENOTDIR/);
    // Still pending, still answered; a second flush tries again rather than replaying the old failure.
    expect(await cache.get(keys[299]!)).toEqual({ output: keys[299]!.slice(0, 8) });
    await expect(cache.flush()).rejects.toThrow(/ENOTDIR/);
  });
});
