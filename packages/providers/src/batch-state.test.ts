import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  BATCH_STATE_VERSION,
  type BatchState,
  BatchStateStore,
  COMPLETED_BATCH_RETENTION_MS,
  computeBatchStateId,
} from "./batch-state.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-batch-state-"));
  dirs.push(dir);
  return dir;
}

const ENDPOINT = "https://api.openai.com/v1";

function state(id: string, overrides: Partial<BatchState> = {}): BatchState {
  return {
    version: BATCH_STATE_VERSION,
    id,
    endpoint: ENDPOINT,
    createdAt: "2026-11-20T00:00:00.000Z",
    updatedAt: "2026-11-20T00:00:00.000Z",
    inputFileId: "file-1",
    batchId: "batch_1",
    status: "submitted",
    requests: { "pf-0": "k0" },
    ...overrides,
  };
}

describe("computeBatchStateId", () => {
  it("depends on the endpoint and the set of requests, not their order", () => {
    const id = computeBatchStateId(ENDPOINT, ["b", "a"]);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(computeBatchStateId(ENDPOINT, ["a", "b"])).toBe(id);
    expect(computeBatchStateId(ENDPOINT, ["a", "b", "c"])).not.toBe(id);
    expect(computeBatchStateId("https://other.example/v1", ["a", "b"])).not.toBe(id);
  });
});

describe("BatchStateStore", () => {
  it("saves atomically and lists an endpoint's batches, newest first", async () => {
    const dir = path.join(await tempDir(), "nested", "batches");
    let now = new Date("2026-11-25T00:00:00Z");
    const store = new BatchStateStore(dir, () => now);
    expect(await store.list(ENDPOINT)).toEqual([]);
    const older = state("a".repeat(32));
    const newer = state("b".repeat(32), { createdAt: "2026-11-21T00:00:00.000Z" });
    const foreign = state("c".repeat(32), { endpoint: "https://other.example/v1" });
    await store.save(older);
    now = new Date("2026-11-25T01:00:00Z");
    await store.save(newer);
    await store.save(foreign);
    expect(older.updatedAt).toBe("2026-11-25T00:00:00.000Z");
    expect((await store.list(ENDPOINT)).map((s) => s.id)).toEqual([newer.id, older.id]);
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    await store.remove(older.id);
    expect((await store.list(ENDPOINT)).map((s) => s.id)).toEqual([newer.id]);
  });

  it("skips files it cannot read, saying so, and prunes completed batches past their retention", async () => {
    const dir = await tempDir();
    let now = new Date("2026-11-25T00:00:00Z");
    const store = new BatchStateStore(dir, () => now);
    await writeFile(path.join(dir, "broken.json"), "{not json");
    await writeFile(path.join(dir, "other.json"), '{"hello": 1}');
    await writeFile(path.join(dir, "notes.txt"), "ignored");
    await store.save(state("d".repeat(32), { status: "completed", failed: [] }));
    await store.save(state("e".repeat(32)));
    const problems: string[] = [];
    expect((await store.list(ENDPOINT, (m) => problems.push(m))).map((s) => s.status).sort()).toEqual([
      "completed",
      "submitted",
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^batch state broken\.json is unreadable and was ignored: /),
      "batch state other.json is not a promptfirst batch state and was ignored",
    ]);

    now = new Date(now.getTime() + COMPLETED_BATCH_RETENTION_MS + 1);
    // A submitted batch is kept however old (a re-run may still resume it); a completed one is pruned.
    expect((await store.list(ENDPOINT)).map((s) => s.status)).toEqual(["submitted"]);
    expect(await readdir(dir)).not.toContain(`${"d".repeat(32)}.json`);
  });
});
