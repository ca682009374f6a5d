/**
 * What the batch provider remembers across restarts: one small JSON file per batch under the state directory,
 * named by a hash of the endpoint and the batch's request set, holding the uploaded file and batch ids and
 * which request (by its content address) each custom id stands for. A re-run of the same requests finds the
 * batch again instead of paying for it twice.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/** The state file format version. */
export const BATCH_STATE_VERSION = 1;

/** How long a completed batch's state is kept: its output file is kept about as long by default (30 days). */
export const COMPLETED_BATCH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const batchStateSchema = z.object({
  version: z.literal(BATCH_STATE_VERSION),
  /** Hash of the endpoint and the sorted request keys; also the file's name. */
  id: z.string().regex(/^[0-9a-f]{16,64}$/),
  /** The endpoint's base URL. */
  endpoint: z.string(),
  /** ISO time the input file was uploaded. */
  createdAt: z.string(),
  /** ISO time of the last change. */
  updatedAt: z.string(),
  /** The uploaded input file. */
  inputFileId: z.string().min(1),
  /** The batch, once created. */
  batchId: z.string().min(1).optional(),
  /** `uploaded` (no batch yet), `submitted` (batch created), `completed` (results read at least once). */
  status: z.enum(["uploaded", "submitted", "completed"]),
  /** custom_id → request key (`computeRequestKey`). */
  requests: z.record(z.string(), z.string()),
  /** Request keys whose line failed in the completed batch: they are never answered from it again. */
  failed: z.array(z.string()).optional(),
});

/** One batch's persisted state. */
export type BatchState = z.infer<typeof batchStateSchema>;

/** The state file id of a request set on an endpoint: the same requests always map to the same id. */
export function computeBatchStateId(endpoint: string, requestKeys: readonly string[]): string {
  const hash = createHash("sha256").update(endpoint).update("\u0000");
  for (const key of [...requestKeys].sort()) hash.update(key).update("\n");
  return hash.digest("hex").slice(0, 32);
}

/** The batch state files of one directory. */
export class BatchStateStore {
  readonly dir: string;
  readonly #now: () => Date;

  constructor(dir: string, now: () => Date = () => new Date()) {
    this.dir = dir;
    this.#now = now;
  }

  #file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /**
   * The batches of `endpoint`, newest first. Unreadable or foreign files are skipped (reported through
   * `onProblem`); completed batches past their retention are deleted.
   */
  async list(endpoint: string, onProblem: (message: string) => void = () => {}): Promise<BatchState[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const states: BatchState[] = [];
    const now = this.#now().getTime();
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      let json: unknown;
      try {
        json = JSON.parse(await readFile(path.join(this.dir, name), "utf8"));
      } catch (error) {
        onProblem(`batch state ${name} is unreadable and was ignored: ${(error as Error).message}`);
        continue;
      }
      const parsed = batchStateSchema.safeParse(json);
      if (!parsed.success) {
        onProblem(`batch state ${name} is not a promptfirst batch state and was ignored`);
        continue;
      }
      const state = parsed.data;
      if (state.endpoint !== endpoint) continue;
      if (state.status === "completed" && now - Date.parse(state.updatedAt) > COMPLETED_BATCH_RETENTION_MS) {
        await this.remove(state.id).catch(() => undefined);
        continue;
      }
      states.push(state);
    }
    return states.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Write `state` atomically (a reader never sees half a file), stamping `updatedAt`. */
  async save(state: BatchState): Promise<void> {
    state.updatedAt = this.#now().toISOString();
    await mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.${state.id}.${randomUUID()}.tmp`);
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(temp, this.#file(state.id));
  }

  /** Forget a batch. */
  async remove(id: string): Promise<void> {
    await rm(this.#file(id), { force: true });
  }
}
