import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_LIMITS } from "../config/schema.ts";
import { DEFAULTS } from "../defaults.ts";
import { formatIssue, isPromptfirstError } from "../errors.ts";
import { loadConfig, resolveProvider } from "./load-config.ts";

const CONFIG = "promptfirst.yaml";

function lines(...text: string[]): string {
  return `${text.join("\n")}\n`;
}

let root: string;
let projects = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "promptfirst-batch-config-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeProject(config: string): Promise<string> {
  const dir = path.join(root, `project-${++projects}`);
  const files: Record<string, string> = {
    [CONFIG]: config,
    "prompts/support.md": "Answer the customer: {{question}}\n",
    "evals/support.jsonl": '{"id": "refund", "vars": {"question": "Refund?"}, "expected": "30 days"}\n',
    "recording.json": '{"version": 1, "entries": {}}\n',
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function loadError(dir: string): Promise<{ code: string; lines: string[] }> {
  try {
    await loadConfig(path.join(dir, CONFIG), { displayBase: dir });
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, lines: error.issues.map(formatIssue) };
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** Lines 1-5: a suite whose cases and scorers are fine; its candidates follow. */
const SUITE = [
  "suites:",
  "  support:",
  "    cases: evals/support.jsonl",
  "    scorers:",
  '      - contains: "{{expected}}"',
  "    candidates:",
];

describe("provider.batch in the config", () => {
  it("resolves a batch endpoint to the batch size and the batch window, whatever concurrency and timeoutMs say", () => {
    const resolved = resolveProvider("/project", { concurrency: 4, timeoutMs: 30_000 }, { batch: true });
    expect(resolved).toMatchObject({
      type: "openai",
      batch: true,
      concurrency: BATCH_LIMITS.maxRequests,
      timeoutMs: BATCH_LIMITS.waitMs,
    });
    expect(BATCH_LIMITS.waitMs).toBeGreaterThan(24 * 60 * 60 * 1000);
  });

  it("leaves an endpoint without batch (or with batch: false over a batch default) as it was", () => {
    const plain = resolveProvider("/project", {});
    expect(plain.batch).toBeUndefined();
    expect(plain.concurrency).toBe(DEFAULTS.concurrency);
    const off = resolveProvider("/project", { batch: true, concurrency: 3 }, { batch: false });
    expect(off.batch).toBeUndefined();
    expect(off.concurrency).toBe(3);
    expect(off.timeoutMs).toBe(DEFAULTS.timeoutMs);
  });

  it("gives each candidate its endpoint's batch setting, the judge included", async () => {
    const dir = await writeProject(
      lines(
        "provider:",
        "  batch: true",
        "judge:",
        "  model: gpt-4.1-mini",
        "  provider:",
        "    batch: false",
        ...SUITE,
        "      v1:",
        "        model: gpt-4o-mini",
        "        prompt: prompts/support.md",
        "      live:",
        "        model: gpt-4o-mini",
        "        prompt: prompts/support.md",
        "        provider: { batch: false }",
      ),
    );
    const loaded = await loadConfig(path.join(dir, CONFIG));
    const [v1, live] = loaded.suites[0]!.candidates;
    expect(v1?.provider.batch).toBe(true);
    expect(v1?.provider.concurrency).toBe(BATCH_LIMITS.maxRequests);
    expect(live?.provider.batch).toBeUndefined();
    expect(loaded.judge.provider.batch).toBeUndefined();
  });

  it.each<[string, string[], string[]]>([
    [
      "batch and type: replay in one provider block",
      ["provider:", "  type: replay", "  recording: recording.json", "  batch: true"],
      [
        `${CONFIG}:4: provider.batch: cannot be true with \`type: replay\`: a replay answers from its recording and sends nothing to the Batch API; remove \`batch\`, or use \`type: openai\``,
      ],
    ],
    [
      "batch that is not a boolean",
      ["provider:", "  batch: yes please"],
      [`${CONFIG}:2: provider.batch: must be true or false, got "yes please"`],
    ],
  ])("rejects %s, naming the field", async (_name, head, expected) => {
    const dir = await writeProject(
      lines(
        ...head,
        ...SUITE,
        "      v1:",
        "        model: gpt-4o-mini",
        "        prompt: prompts/support.md",
      ),
    );
    const error = await loadError(dir);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.lines).toEqual(expected);
  });

  it("rejects a candidate's batch: true over a replay provider, at the candidate's batch", async () => {
    const dir = await writeProject(
      lines(
        "provider:",
        "  type: replay",
        "  recording: recording.json",
        ...SUITE,
        "      v1:",
        "        model: gpt-4o-mini",
        "        prompt: prompts/support.md",
        "        provider:",
        "          batch: true",
      ),
    );
    const error = await loadError(dir);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.lines).toEqual([
      `${CONFIG}:14: suites.support.candidates.v1.provider.batch: cannot be true with \`type: replay\`: a replay answers from its recording and sends nothing to the Batch API; remove \`batch\`, or use \`type: openai\` (provider.type is "replay")`,
    ]);
  });

  it("rejects a candidate's type: replay under a batch provider, at the candidate's type", async () => {
    const dir = await writeProject(
      lines(
        "provider:",
        "  batch: true",
        ...SUITE,
        "      v1:",
        "        model: gpt-4o-mini",
        "        prompt: prompts/support.md",
        "        provider:",
        "          type: replay",
        "          recording: recording.json",
      ),
    );
    const error = await loadError(dir);
    expect(error.lines).toEqual([
      `${CONFIG}:13: suites.support.candidates.v1.provider.type: cannot be "replay" where provider.batch is true: a replay answers from its recording and sends nothing to the Batch API; set \`batch: false\` here, or remove \`type: replay\``,
    ]);
  });

  it("rejects a judge provider that combines replay and batch across layers", async () => {
    const dir = await writeProject(
      lines(
        "provider:",
        "  type: replay",
        "  recording: recording.json",
        "judge:",
        "  model: gpt-4.1-mini",
        "  provider:",
        "    batch: true",
        ...SUITE,
        "      v1:",
        "        model: gpt-4o-mini",
        "        prompt: prompts/support.md",
      ),
    );
    const error = await loadError(dir);
    expect(error.lines).toEqual([
      `${CONFIG}:7: judge.provider.batch: cannot be true with \`type: replay\`: a replay answers from its recording and sends nothing to the Batch API; remove \`batch\`, or use \`type: openai\` (provider.type is "replay")`,
    ]);
  });
});
