// evaluateConfig's `apiKey`: the key for the variable the config's own top-level provider names (the Action's
// `api-key` input), over `lookupKey` for that name only; other endpoints' keys still come from `lookupKey`.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockOpenAIServer, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateConfig } from "./evaluate.ts";

let dir: string;
let team: MockOpenAIServer;
let other: MockOpenAIServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptfirst-api-key-"));
  // Each endpoint answers only its own key (401 otherwise).
  team = await startMockOpenAI({ apiKey: "sk-team-key", respond: () => "1" });
  other = await startMockOpenAI({ apiKey: "sk-other-key", respond: () => "1" });
  await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}.\n");
  await writeFile(path.join(dir, "math.jsonl"), '{"id": "c0", "vars": {"n": 0}, "expected": "1"}\n');
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: ${team.baseURL}
  apiKeyEnv: TEAM_KEY
pricing:
  "m-*": { input: 1, output: 2 }
suites:
  math:
    cases: math.jsonl
    scorers:
      - exact: "{{expected}}"
    candidates:
      team:
        model: m-team
        prompt: add-one.md
      elsewhere:
        model: m-other
        prompt: add-one.md
        provider: { baseURL: ${other.baseURL}, apiKeyEnv: OTHER_KEY }
`,
  );
});
afterAll(async () => {
  await team.close();
  await other.close();
  await rm(dir, { recursive: true, force: true });
});

async function evaluate(apiKey: string | undefined, keys: Record<string, string>) {
  const asked: string[] = [];
  const { result, blocking } = await evaluateConfig({
    configPath: path.join(dir, "promptfirst.yaml"),
    suites: [],
    displayBase: dir,
    lookupKey: (name) => {
      asked.push(name);
      return keys[name];
    },
    ...(apiKey ? { apiKey } : {}),
    cache: false,
    toolVersion: "test",
  });
  const errors = Object.fromEntries(
    Object.entries(result.suites.math!.candidates).map(([name, c]) => [name, c.summary.errors]),
  );
  return { errors, blocking, asked };
}

describe("evaluateConfig's apiKey", () => {
  it("answers for the config's own key variable, and lookupKey for every other", async () => {
    const { errors, blocking, asked } = await evaluate("sk-team-key", { OTHER_KEY: "sk-other-key" });
    expect(errors).toEqual({ team: 0, elsewhere: 0 });
    expect(blocking).toEqual([]);
    expect(asked).toEqual(["OTHER_KEY"]);
  });

  it("is not sent to an endpoint that names another variable", async () => {
    // The other endpoint would take the team's key: it must not be offered it.
    other.setOptions({ apiKey: "sk-team-key" });
    try {
      const { errors, blocking } = await evaluate("sk-team-key", {});
      expect(errors.team).toBe(0);
      expect(errors.elsewhere).toBeGreaterThan(0);
      expect(blocking.map((b) => b.kind)).toEqual(["auth"]);
    } finally {
      other.setOptions({ apiKey: "sk-other-key" });
    }
  });

  it("leaves lookupKey to answer when not given", async () => {
    const { errors } = await evaluate(undefined, { TEAM_KEY: "sk-team-key", OTHER_KEY: "sk-other-key" });
    expect(errors).toEqual({ team: 0, elsewhere: 0 });
  });
});
