import type { Comparison } from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import { collectChanges } from "./changes.ts";
import { makePassScenario, makePromptFirstViolationScenario } from "./test-fixtures.ts";

/** The pass scenario with its prompt edit undone (both sides' prompts alike), then `edit` applied. */
function editPass(edit: (comparison: Comparison) => void): Comparison {
  const { comparison } = makePassScenario();
  for (const candidate of comparison.suites[0]!.candidates) {
    if (candidate.head && candidate.base?.prompt) candidate.head.prompt = candidate.base.prompt;
  }
  edit(comparison);
  return comparison;
}

describe("collectChanges", () => {
  it("counts cases added, removed and edited, and names a removed candidate", () => {
    const changes = collectChanges(
      editPass((c) => {
        const suite = c.suites[0]!;
        suite.cases.added = ["a", "b"];
        suite.cases.removed = ["c"];
        suite.cases.changed = ["d"];
        const removed = suite.candidates[1]!;
        suite.candidates[1] = { ...removed, status: "removed", head: undefined };
      }),
    );
    expect(changes.brief).toBe("1 candidate removed, cases 2 added, 1 removed, 1 edited");
    expect(changes.items.map((i) => i.kind)).toEqual(["candidate", "cases", "config"]);
    expect(changes.items[0]!.segments).toEqual([{ text: "removed candidate " }, { code: "prompt-v3-mini" }]);
    expect(changes.items[1]!.segments).toEqual([
      { code: "support" },
      { text: ": cases 2 added, 1 removed, 1 edited" },
    ]);
  });

  it("says nothing changed only when the config hash is the same and nothing else moved", () => {
    const same = collectChanges(editPass((c) => (c.head.config.hash = c.base.config.hash)));
    expect(same).toEqual({ brief: "same config, prompts and cases", items: [] });
    // The pass scenario rewords prompt-v3's prompt: named, with its file.
    const reworded = collectChanges(makePassScenario().comparison);
    expect(reworded.brief).toBe("1 prompt edited");
    expect(reworded.items[0]).toEqual({
      kind: "prompt",
      segments: [
        { code: "prompt-v3" },
        { text: ": prompt " },
        { code: "prompts/prompt-v3.md" },
        { text: " edited" },
      ],
    });
    // Only the config moved: said so; a comparison whose sides carry no prompt cannot tell the two apart.
    expect(collectChanges(editPass(() => {})).brief).toBe("config changed");
    const older = editPass((c) => {
      for (const candidate of c.suites[0]!.candidates) {
        delete candidate.head!.prompt;
        delete candidate.base!.prompt;
      }
    });
    expect(collectChanges(older).brief).toBe("config or prompts changed");
  });

  it("keeps the brief to three phrases, and names suites with candidates when there are several", () => {
    const changes = collectChanges(
      editPass((c) => {
        const suite = c.suites[0]!;
        for (const candidate of suite.candidates) candidate.head = { ...candidate.head!, model: "other" };
        c.suites.push(
          { ...suite, name: "billing", status: "new" },
          { ...suite, name: "legacy", status: "removed" },
        );
        suite.cases.added = ["x"];
      }),
    );
    expect(changes.brief).toBe("2 models changed, 1 suite added, 1 suite removed and more");
    expect(changes.items[0]!.segments).toEqual([
      { code: "support" },
      { text: " / " },
      { code: "prompt-v3" },
      { text: ": gpt-5.4-mini → other" },
    ]);
  });

  it("a training file changes by its diff against base", () => {
    const { comparison } = makePromptFirstViolationScenario();
    expect(collectChanges(comparison).items.filter((i) => i.kind === "data")).toEqual([
      {
        kind: "data",
        segments: [{ code: "training/coding.jsonl" }, { text: ": +49 −4 ~0 examples" }],
      },
    ]);
  });
});
