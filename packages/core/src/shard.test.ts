import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoadedConfig } from "./config/loaded.ts";
import { loadConfig } from "./node/index.ts";
import { planRun } from "./plan.ts";
import { applyShard, assignSuiteShards, describeShard, parseShardSpec } from "./shard.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const ids = (n: number, prefix = "case-") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function sizes(assignment: Map<string, number>, count: number): number[] {
  const out = new Array<number>(count).fill(0);
  for (const shard of assignment.values()) out[shard]!++;
  return out;
}

/** Two suites (one with two samples per case and two candidates), from a temporary project. */
async function loadProject(cases: { a: string[]; b: string[] }): Promise<LoadedConfig> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-shard-"));
  dirs.push(dir);
  await mkdir(path.join(dir, "evals"));
  const jsonl = (list: string[]) =>
    `${list.map((id, n) => JSON.stringify({ id, vars: { n }, expected: `${n + 1}` })).join("\n")}\n`;
  await writeFile(path.join(dir, "evals", "a.jsonl"), jsonl(cases.a));
  await writeFile(path.join(dir, "evals", "b.jsonl"), jsonl(cases.b));
  await writeFile(path.join(dir, "p.md"), "Add one to {{n}}.\n");
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: https://llm.example.test/v1
suites:
  a:
    cases: evals/a.jsonl
    repeat: 2
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      x: { model: m-x, prompt: p.md }
      y: { model: m-y, prompt: p.md }
  b:
    cases: evals/b.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      x: { model: m-x, prompt: p.md }
`,
  );
  return loadConfig(path.join(dir, "promptfirst.yaml"));
}

describe("parseShardSpec", () => {
  it.each([
    ["1/1", 1, 1],
    ["2/4", 2, 4],
    [" 4 / 4 ", 4, 4],
  ])("reads %j", (text, index, count) => {
    expect(parseShardSpec(text)).toEqual({ spec: { index, count } });
  });

  it.each([
    ["0/4", "shards are numbered from 1 to 4"],
    ["5/4", "shards are numbered from 1 to 4"],
    ["1/0", "n must be from 1 to 1000"],
    ["1/1001", "n must be from 1 to 1000"],
    ["x", 'got "x"'],
    ["", 'got ""'],
    ["2", 'got "2"'],
    ["1.5/4", 'got "1.5/4"'],
    ["-1/4", 'got "-1/4"'],
  ])("refuses %j, saying what is allowed", (text, problem) => {
    const parsed = parseShardSpec(text);
    expect(parsed).toHaveProperty("problem");
    const message = (parsed as { problem: string }).problem;
    expect(message).toContain(problem);
    expect(message).toMatch(/^must be i\/n, shard i of n with 1 ≤ i ≤ n \(e\.g\. 2\/4/);
  });
});

describe("assignSuiteShards", () => {
  it("puts every case in exactly one shard, 1000 cases in 4 shards of 250", () => {
    const assignment = assignSuiteShards("support", ids(1000), 4);
    expect(assignment.size).toBe(1000);
    expect([...assignment.keys()].sort()).toEqual(ids(1000).sort());
    expect(sizes(assignment, 4)).toEqual([250, 250, 250, 250]);
  });

  it("keeps shard sizes within one case of each other whatever the count", () => {
    for (const [n, count] of [
      [1003, 4],
      [7, 3],
      [3, 8],
      [0, 2],
      [1, 1],
      [997, 13],
    ] as const) {
      const found = sizes(assignSuiteShards("s", ids(n), count), count);
      expect(found.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...found) - Math.min(...found), `${n} cases / ${count}`).toBeLessThanOrEqual(1);
    }
  });

  it("is deterministic and does not depend on the order of the cases", () => {
    const list = ids(200);
    const first = assignSuiteShards("s", list, 4);
    const reversed = assignSuiteShards("s", [...list].reverse(), 4);
    for (const id of list) expect(reversed.get(id)).toBe(first.get(id));
    expect(assignSuiteShards("s", list, 4)).toEqual(first);
  });

  it("depends on the suite, and spreads the cases left over across shards", () => {
    const a = assignSuiteShards("a", ids(100), 4);
    const b = assignSuiteShards("b", ids(100), 4);
    expect([...a].filter(([id, shard]) => b.get(id) !== shard).length).toBeGreaterThan(0);
    // 40 suites of 5 cases in 4 shards: each suite leaves one case over; they do not all land in shard 1.
    const totals = [0, 0, 0, 0];
    for (let s = 0; s < 40; s++) {
      sizes(assignSuiteShards(`suite-${s}`, ids(5), 4), 4).forEach((n, shard) => {
        totals[shard]! += n;
      });
    }
    expect(totals.reduce((x, y) => x + y, 0)).toBe(200);
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThan(20);
  });

  it("moves few cases to another shard when cases are added", () => {
    const before = assignSuiteShards("s", ids(400), 4);
    const after = assignSuiteShards("s", [...ids(400), ...ids(10, "new-")], 4);
    const moved = ids(400).filter((id) => before.get(id) !== after.get(id)).length;
    // At most about 10 per boundary between shards (3 of them).
    expect(moved).toBeLessThanOrEqual(33);
  });
});

describe("applyShard", () => {
  it("splits the plan by case: the shards' calls are the unsharded run's, each case's calls in one shard", async () => {
    const loaded = await loadProject({ a: ids(30), b: ids(9, "b-") });
    const full = planRun(loaded).calls;
    const owner = new Map<string, number>();
    const keys: string[] = [];
    for (let index = 1; index <= 4; index++) {
      const { config, shard } = applyShard(loaded, { index, count: 4 });
      for (const call of planRun(config).calls) {
        const id = `${call.suite}/${call.caseId}`;
        expect(owner.get(id) ?? index, `${id} in one shard`).toBe(index);
        owner.set(id, index);
        keys.push(`${call.suite}/${call.candidate}/${call.caseId}/${call.sample}/${call.key}`);
      }
      expect(shard.index).toBe(index);
      expect(shard.suites.a!.total).toBe(30);
      expect(shard.suites.b!.total).toBe(9);
      // Positions name the kept cases in the suite's order.
      expect(config.suites[0]!.cases.map((c) => c.id)).toEqual(
        shard.suites.a!.positions.map((p) => loaded.suites[0]!.cases[p]!.id),
      );
    }
    expect(keys.sort()).toEqual(
      full.map((c) => `${c.suite}/${c.candidate}/${c.caseId}/${c.sample}/${c.key}`).sort(),
    );
    // The config it was given is left as it was.
    expect(loaded.suites[0]!.cases).toHaveLength(30);
  });

  it("with peers, puts the cases base and head share in the same shard though their case sets differ", async () => {
    const base = await loadProject({ a: ids(100), b: ids(3, "b-") });
    const head = await loadProject({ a: [...ids(100).slice(10), ...ids(25, "added-")], b: ids(3, "b-") });
    const idsOf = (config: LoadedConfig) =>
      Object.fromEntries(config.suites.map((s) => [s.name, s.cases.map((c) => c.id)]));
    const shardOf = (config: LoadedConfig, peers: Record<string, string[]>) => {
      const out = new Map<string, number>();
      for (let index = 1; index <= 4; index++) {
        for (const c of applyShard(config, { index, count: 4, peers }).config.suites[0]!.cases)
          out.set(c.id, index);
      }
      return out;
    };
    // Each side gets the other's ids as peers (its own are assigned anyway).
    const onBase = shardOf(base, idsOf(head));
    const onHead = shardOf(head, idsOf(base));
    const shared = ids(100).slice(10);
    expect(shared.filter((id) => onBase.get(id) !== onHead.get(id))).toEqual([]);
    // Without peers, some shared cases would have moved.
    const alone = shardOf(head, {});
    expect(shared.filter((id) => onBase.get(id) !== alone.get(id)).length).toBeGreaterThan(0);
  });

  it("describes the shard's size", async () => {
    const loaded = await loadProject({ a: ids(8), b: ids(4, "b-") });
    const { shard } = applyShard(loaded, { index: 1, count: 2 });
    expect(describeShard(shard)).toBe("shard 1/2: 6 of 12 case(s) (a 4 of 8, b 2 of 4)");
  });
});
