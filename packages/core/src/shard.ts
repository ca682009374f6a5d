import { createHash } from "node:crypto";
import type { LoadedConfig } from "./config/loaded.ts";
import type { RunShard } from "./result/schema.ts";

/** One shard of a run: shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The most shards a run can be split into (GitHub runs at most 256 jobs per matrix). */
export const MAX_SHARD_COUNT = 1000;

/** What a valid shard looks like, for messages. */
export const SHARD_FORMAT = "i/n, shard i of n with 1 ≤ i ≤ n (e.g. 2/4 for the second of four shards)";

/**
 * Read `i/n` (as given to `--shard` or the Action's `shard` input). Returns the shard, or the problem as a
 * sentence to put after the flag's or input's name ("must be …, got …").
 */
export function parseShardSpec(text: string): { spec: ShardSpec } | { problem: string } {
  const trimmed = text.trim();
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(trimmed);
  const got = JSON.stringify(text);
  if (!match) return { problem: `must be ${SHARD_FORMAT}, got ${got}` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARD_COUNT) {
    return { problem: `must be ${SHARD_FORMAT}, got ${got}: n must be from 1 to ${MAX_SHARD_COUNT}` };
  }
  if (index < 1 || index > count) {
    return {
      problem: `must be ${SHARD_FORMAT}, got ${got}: shards are numbered from 1 to ${count}, so i must be in that range`,
    };
  }
  return { spec: { index, count } };
}

/** `2/4`. */
export function formatShardSpec(spec: ShardSpec): string {
  return `${spec.index}/${spec.count}`;
}

function hashHex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Assign a suite's cases to `count` shards (0-based): deterministic, every case exactly once, and as even as
 * can be (shard sizes differ by at most one).
 *
 * The cases are ordered by a hash of (suite, case id), which does not depend on the order of the case file or on
 * the other cases, and cut into `count` contiguous runs of that order. Which shards take the one extra case left
 * over depends on the suite's name, so several suites do not all load shard 1. Adding or removing k cases moves
 * few of the others to another shard (about k per boundary), so base and head of a pull request put the cases
 * they share in the same shard, where their identical calls are answered once; give both sides' ids (the union)
 * to make that exact.
 */
export function assignSuiteShards(suite: string, ids: Iterable<string>, count: number): Map<string, number> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be ≥ 1, got ${count}`);
  const keyed = [...new Set(ids)].map((id) => ({ id, key: hashHex(`${suite}\u0000${id}`) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const total = keyed.length;
  const base = Math.floor(total / count);
  const extra = total % count;
  // The shards that take one more case: `extra` consecutive shards starting at one chosen by the suite's name.
  const first = Number.parseInt(hashHex(`shard-offset\u0000${suite}`).slice(0, 8), 16) % count;
  const out = new Map<string, number>();
  let position = 0;
  for (let shard = 0; shard < count; shard++) {
    const size = base + ((shard - first + count) % count < extra ? 1 : 0);
    for (let i = 0; i < size; i++) out.set(keyed[position++]!.id, shard);
  }
  return out;
}

/** A shard to evaluate, and optionally the case ids the other side of a comparison holds. */
export interface ShardSelection extends ShardSpec {
  /**
   * More case ids per suite to assign over, though this config does not hold them: the other side of a
   * base/head comparison, so a case both sides hold lands in the same shard on both.
   */
  peers?: Readonly<Record<string, readonly string[]>>;
}

/** A config cut down to one shard's cases, and what the shard's RunResult records about it. */
export interface ShardedConfig {
  config: LoadedConfig;
  shard: RunShard;
}

/**
 * Keep only shard `spec.index` of `spec.count` of every suite's cases (see `assignSuiteShards`): every candidate
 * and every sample of a case go to the same shard. Pure: returns a new config (suites copied, cases kept in their
 * order) and the shard record for the RunResult, with each suite's total and the positions of the cases kept, from
 * which `mergeRunResults` checks that the shards cover every case once and restores the order.
 */
export function applyShard(loaded: LoadedConfig, spec: ShardSelection): ShardedConfig {
  if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > MAX_SHARD_COUNT) {
    throw new RangeError(`shard count must be from 1 to ${MAX_SHARD_COUNT}, got ${spec.count}`);
  }
  if (!Number.isInteger(spec.index) || spec.index < 1 || spec.index > spec.count) {
    throw new RangeError(`shard index must be from 1 to ${spec.count}, got ${spec.index}`);
  }
  const shard: RunShard = { index: spec.index, count: spec.count, suites: {} };
  const suites = loaded.suites.map((suite) => {
    const ids = suite.cases.map((c) => c.id);
    const assignment = assignSuiteShards(
      suite.name,
      [...ids, ...(spec.peers?.[suite.name] ?? [])],
      spec.count,
    );
    const positions: number[] = [];
    const cases = suite.cases.filter((c, position) => {
      if (assignment.get(c.id) !== spec.index - 1) return false;
      positions.push(position);
      return true;
    });
    shard.suites[suite.name] = { total: suite.cases.length, positions };
    return { ...suite, cases };
  });
  return { config: { ...loaded, suites }, shard };
}

/** How many of the run's cases a shard holds: `{ cases, total }` over every suite. */
export function countShardCases(shard: RunShard): { cases: number; total: number } {
  let cases = 0;
  let total = 0;
  for (const suite of Object.values(shard.suites)) {
    cases += suite.positions.length;
    total += suite.total;
  }
  return { cases, total };
}

/** `shard 2/4: 250 of 1000 cases (support 200 of 800, billing 50 of 200)`. */
export function describeShard(shard: RunShard): string {
  const { cases, total } = countShardCases(shard);
  const suites = Object.entries(shard.suites);
  const detail =
    suites.length > 1
      ? ` (${suites.map(([name, s]) => `${name} ${s.positions.length} of ${s.total}`).join(", ")})`
      : "";
  return `shard ${shard.index}/${shard.count}: ${cases} of ${total} case(s)${detail}`;
}
