import { describe, expect, it } from "vitest";
import type { ActionContext } from "./context.ts";
import { buildCommentKey, toLogSafe } from "./main.ts";

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
});
