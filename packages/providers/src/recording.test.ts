import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  computeRequestKey,
  isPromptfirstError,
  type ModelRequest,
  type PromptfirstError,
} from "@promptfirst/core";
import { type MockOpenAIServer, mockError, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIProvider } from "./openai-provider.ts";
import {
  loadRecording,
  RECORDING_FORMAT,
  RecordingProvider,
  ReplayProvider,
  saveRecording,
} from "./recording.ts";

let dir: string;
let server: MockOpenAIServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptfirst-recording-"));
  server = await startMockOpenAI({
    respond: (req) => {
      const text = String(req.messages.at(-1)?.content);
      if (text.includes("forbidden")) return mockError(400, "content filter");
      return {
        content: `answer to ${text}`,
        usage: { prompt_tokens: 20, completion_tokens: 5, cached_tokens: 8 },
        model: `${req.model}-2024-07-18`,
      };
    },
  });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function makeRequest(question: string, overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    baseURL: server.baseURL,
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: question }],
    params: { temperature: 0 },
    sample: 0,
    ...overrides,
  };
}

const signal = () => AbortSignal.timeout(10_000);

async function loadError(file: string): Promise<PromptfirstError> {
  try {
    await loadRecording(file);
  } catch (error) {
    if (isPromptfirstError(error)) return error;
    throw error;
  }
  throw new Error("expected loadRecording to fail");
}

describe("RecordingProvider and ReplayProvider", () => {
  it("replays exactly what was recorded, with no request to the endpoint", async () => {
    const recorder = new RecordingProvider(new OpenAIProvider({ baseURL: server.baseURL }));
    const requests = [
      makeRequest("one"),
      makeRequest("two"),
      makeRequest("one", { sample: 1 }),
      makeRequest("one", { params: { temperature: 0.7 } }),
    ];
    const live = [];
    for (const request of requests) live.push(await recorder.complete(request, { signal: signal() }));
    const failed = await recorder.complete(makeRequest("forbidden"), { signal: signal() });
    expect(failed.ok).toBe(false);
    expect(live.every((r) => r.ok)).toBe(true);
    expect(recorder.size).toBe(4);
    expect(recorder.id).toBe(`openai:${server.baseURL}`);

    const file = path.join(dir, "nested", "recording.json");
    await recorder.save(file);
    const before = server.stats.requests;
    const replay = new ReplayProvider(await loadRecording(file), file);
    for (const [i, request] of requests.entries()) {
      // Replayed answers are the recorded ones, marked as replayed (they cost nothing this run).
      expect(await replay.complete(request)).toEqual({ ...live[i], replayed: true });
    }
    expect(live[0]).toEqual({
      ok: true,
      output: "answer to one",
      usage: { inputTokens: 20, outputTokens: 5, cachedInputTokens: 8 },
      model: "gpt-4o-mini-2024-07-18",
      finishReason: "stop",
    });
    expect(server.stats.requests).toBe(before);
    expect(replay.misses).toBe(0);
    expect(replay.id).toBe(`replay:${file}`);
  });

  it("fails a request it has no recording for with not_recorded, naming the file", async () => {
    const recorder = new RecordingProvider(new OpenAIProvider({ baseURL: server.baseURL }));
    await recorder.complete(makeRequest("known"), { signal: signal() });
    const file = path.join(dir, "small.json");
    await recorder.save(file);
    const replay = new ReplayProvider(await loadRecording(file), file);

    const response = await replay.complete(makeRequest("unknown"));
    expect(response).toMatchObject({ ok: false, error: { kind: "not_recorded", retryable: false } });
    if (!response.ok) {
      expect(response.error.message).toContain(file);
      expect(response.error.message).toContain("gpt-4o-mini");
    }
    // Another model, sample or endpoint is another request too.
    expect((await replay.complete(makeRequest("known", { model: "gpt-4.1-mini" }))).ok).toBe(false);
    expect((await replay.complete(makeRequest("known", { sample: 1 }))).ok).toBe(false);
    expect((await replay.complete(makeRequest("known", { baseURL: "https://api.openai.com/v1" }))).ok).toBe(
      false,
    );
    expect((await replay.complete(makeRequest("known"))).ok).toBe(true);
    expect(replay.misses).toBe(4);
  });

  it("merges into an existing recording with keys sorted and the requests kept for review", async () => {
    const file = path.join(dir, "merged.json");
    const first = new RecordingProvider(new OpenAIProvider({ baseURL: server.baseURL }));
    await first.complete(makeRequest("alpha"), { signal: signal() });
    await first.save(file);
    const second = new RecordingProvider(new OpenAIProvider({ baseURL: server.baseURL }));
    await second.complete(makeRequest("beta"), { signal: signal() });
    await second.save(file, (await loadRecording(file)).entries);

    const text = await readFile(file, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const saved = JSON.parse(text);
    expect(saved.format).toBe(RECORDING_FORMAT);
    expect(saved.version).toBe(1);
    const keys = Object.keys(saved.entries);
    expect(keys).toEqual(
      [computeRequestKey(makeRequest("alpha")), computeRequestKey(makeRequest("beta"))].sort(),
    );
    expect(saved.entries[computeRequestKey(makeRequest("beta"))].request).toEqual(makeRequest("beta"));
  });
});

describe("loadRecording", () => {
  it("names a missing file", async () => {
    const file = path.join(dir, "absent.json");
    const error = await loadError(file);
    expect(error.code).toBe("FILE_NOT_FOUND");
    expect(error.message).toContain(file);
  });

  it.each([
    ["not JSON", "{ nope", "is not valid JSON"],
    ["another format", JSON.stringify({ format: "vcr", version: 1, entries: {} }), "format"],
    ["another version", JSON.stringify({ format: RECORDING_FORMAT, version: 2, entries: {} }), "version"],
    [
      "an entry key that is not a request hash",
      JSON.stringify({ format: RECORDING_FORMAT, version: 1, entries: { abc: {} } }),
      "entries.abc",
    ],
    [
      "an entry without a response",
      JSON.stringify({
        format: RECORDING_FORMAT,
        version: 1,
        entries: {
          ["a".repeat(64)]: {
            request: { baseURL: "x", model: "m", messages: [], params: {}, sample: 0 },
          },
        },
      }),
      "response",
    ],
  ])("rejects %s as REPLAY_INVALID naming the file", async (name, content, detail) => {
    const file = path.join(dir, `invalid-${name.replaceAll(" ", "-")}.json`);
    await writeFile(file, content);
    const error = await loadError(file);
    expect(error.code).toBe("REPLAY_INVALID");
    expect(error.message).toContain(`recording "${file}"`);
    expect(error.message).toContain(detail);
  });

  it("reads back what saveRecording wrote", async () => {
    const file = path.join(dir, "direct.json");
    const request = makeRequest("direct");
    const key = computeRequestKey(request);
    const params: Record<string, unknown> = { ...request.params };
    await saveRecording(file, { [key]: { request: { ...request, params }, response: { output: "stored" } } });
    const replay = new ReplayProvider(await loadRecording(file), file);
    expect(await replay.complete(request)).toEqual({ ok: true, output: "stored", replayed: true });
  });
});
