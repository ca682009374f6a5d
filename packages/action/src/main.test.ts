import { describe, expect, it } from "vitest";
import type { ActionContext } from "./context.ts";
import { buildCommentKey, createProgressLogger, toLogSafe } from "./main.ts";

const context = { workflow: "ci", job: "eval" } as ActionContext;

describe("the Action's helpers", () => {
  it("keys the sticky comment per workflow, job and config, and per matrix leg with comment-key", () => {
    expect(buildCommentKey(context, { config: "promptfirst.yaml" })).toBe("ci/eval/promptfirst.yaml");
    const a = buildCommentKey(context, { config: "promptfirst.yaml", commentKey: '{"model":"a"}' });
    const b = buildCommentKey(context, { config: "promptfirst.yaml", commentKey: '{"model":"b"}' });
    expect(a).toMatch(/^ci\/eval\/promptfirst\.yaml\/[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it("keeps untrusted text from starting a workflow command on a new log line", () => {
    const name = "evals/a\n::stop-commands::x\r\n%0A.jsonl";
    const safe = toLogSafe(`suite s: ${name} changed`);
    expect(safe).not.toMatch(/[\r\n]/);
    expect(safe).toBe("suite s: evals/a ::stop-commands::x  %250A.jsonl changed");
  });

  it("logs an evaluation's progress once per tenth of the calls, and at the end", () => {
    const lines: string[] = [];
    const onProgress = createProgressLogger((line) => lines.push(line));
    for (let done = 0; done <= 40; done++) {
      onProgress({ total: 40, done, cacheHits: Math.floor(done / 2), errors: 0, etaMs: (40 - done) * 250 });
    }
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe("0 of 40 calls (0%), 0 from the cache, 0 failed, about 10 s left");
    expect(lines[5]).toBe("20 of 40 calls (50%), 10 from the cache, 0 failed, about 5 s left");
    expect(lines[10]).toBe("40 of 40 calls (100%), 20 from the cache, 0 failed");
  });
});
