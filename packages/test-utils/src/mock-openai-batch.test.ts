import { AuthenticationError, InternalServerError, NotFoundError, OpenAI, toFile } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { mockError, scriptedModel } from "./answers.ts";
import {
  type MockOpenAIServerOptions,
  type MockOpenAIServerWithBatch,
  startMockOpenAI,
} from "./mock-openai.ts";

const servers: MockOpenAIServerWithBatch[] = [];

async function start(options?: MockOpenAIServerOptions): Promise<MockOpenAIServerWithBatch> {
  const server = await startMockOpenAI(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function connect(server: MockOpenAIServerWithBatch, apiKey = "test"): OpenAI {
  return new OpenAI({ baseURL: server.baseURL, apiKey, maxRetries: 0 });
}

/** A batch input file: one chat request per question, custom ids `q0`, `q1`… */
function inputFile(questions: string[], url = "/v1/chat/completions"): string {
  return `${questions
    .map((question, i) =>
      JSON.stringify({
        custom_id: `q${i}`,
        method: "POST",
        url,
        body: { model: "gpt-4o-mini", messages: [{ role: "user", content: question }] },
      }),
    )
    .join("\n")}\n`;
}

/** Upload `content` as a batch input file and create a batch from it, through the SDK. */
async function submit(client: OpenAI, content: string) {
  const file = await client.files.create({
    file: await toFile(Buffer.from(content), "input.jsonl"),
    purpose: "batch",
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: "/v1/chat/completions",
    completion_window: "24h",
  });
}

/** A line of an output or error file, as far as these tests read it. */
interface OutputLine {
  custom_id: string;
  response: {
    status_code: number;
    request_id: string;
    body: { choices: Array<{ message: { content: string } }>; usage: Record<string, unknown> };
  } | null;
  error: { code: string; message: string } | null;
}

async function readLines(client: OpenAI, fileId: string | null | undefined): Promise<unknown[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("startMockOpenAI: the Batch API", () => {
  it("runs an uploaded file through the chat responder, in progress for K polls, then completed", async () => {
    const server = await start({
      respond: scriptedModel([{ match: /refund/, answer: "30 days" }], "I don't know."),
      batch: { inProgressPolls: 2 },
    });
    const client = connect(server);
    const created = await submit(client, inputFile(["refund?", "weather?"]));
    expect(created).toMatchObject({
      object: "batch",
      status: "validating",
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(created.id).toMatch(/^batch_/);

    const statuses: string[] = [];
    let batch = created;
    while (batch.status !== "completed") {
      batch = await client.batches.retrieve(created.id);
      statuses.push(batch.status);
    }
    expect(statuses).toEqual(["in_progress", "in_progress", "completed"]);
    expect(batch.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    expect(batch.error_file_id).toBeNull();

    const output = (await readLines(client, batch.output_file_id)) as OutputLine[];
    const byId = new Map(output.map((line) => [line.custom_id, line]));
    expect(byId.get("q0")).toMatchObject({
      custom_id: "q0",
      error: null,
      response: {
        status_code: 200,
        request_id: expect.stringMatching(/^req_mock_/),
        body: { object: "chat.completion", choices: [{ message: { content: "30 days" } }] },
      },
    });
    expect(byId.get("q1")?.response?.body.choices[0]?.message.content).toBe("I don't know.");
    expect(byId.get("q1")?.response?.body.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4 });

    expect(server.batch.stats).toMatchObject({
      filesUploaded: 1,
      batchesCreated: 1,
      polls: 3,
      downloads: 1,
      linesRun: 2,
    });
    // The lines went through the chat responder like any chat request.
    expect(server.stats.completions).toBe(2);
    expect(server.requests.map((r) => r.messages[0]?.content)).toEqual(["refund?", "weather?"]);
    expect(server.batch.inputLines(created.id).map((line) => line.custom_id)).toEqual(["q0", "q1"]);
    expect(server.batch.files().map((file) => file.purpose)).toEqual(["batch", "batch_output"]);
  });

  it("describes files and serves them under /openai/v1 too", async () => {
    const server = await start();
    const client = connect(server);
    const file = await client.files.create({
      file: await toFile(Buffer.from("hello\n"), "x.jsonl"),
      purpose: "batch",
    });
    expect(file).toMatchObject({ object: "file", bytes: 6, filename: "x.jsonl", purpose: "batch" });
    expect(await client.files.retrieve(file.id)).toMatchObject({ id: file.id, bytes: 6 });
    const azureStyle = await fetch(`${server.url}/openai/v1/files/${file.id}/content`);
    expect(await azureStyle.text()).toBe("hello\n");
    expect(await catchError(client.files.retrieve("file-nope"))).toBeInstanceOf(NotFoundError);
    expect(await client.files.delete(file.id)).toMatchObject({ id: file.id, deleted: true });
    expect(await catchError(client.files.content(file.id))).toBeInstanceOf(NotFoundError);
  });

  it("puts per-line failures in the error file: HTTP errors from the responder and non-HTTP line errors", async () => {
    const server = await start({
      respond: scriptedModel(
        [{ match: "filtered", answer: mockError(400, "Invalid prompt", { code: "invalid_prompt" }) }],
        "fine",
      ),
      batch: {
        lineError: (line) =>
          line.custom_id === "q3" ? { code: "internal_error", message: "line lost" } : undefined,
      },
    });
    const client = connect(server);
    // Injected faults hit batch lines like any chat request.
    const batchFaulting = await start({ faults: { rate: 1, statuses: [500] } });
    const faultClient = connect(batchFaulting);

    const created = await submit(client, inputFile(["ok", "filtered", "ok again", "lost"]));
    const batch = await client.batches.retrieve(created.id);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
    const errors = (await readLines(client, batch.error_file_id)) as OutputLine[];
    expect(errors.find((line) => line.custom_id === "q1")).toMatchObject({
      response: { status_code: 400, body: { error: { message: "Invalid prompt", code: "invalid_prompt" } } },
      error: null,
    });
    expect(errors.find((line) => line.custom_id === "q3")).toMatchObject({
      response: null,
      error: { code: "internal_error", message: "line lost" },
    });
    expect(
      ((await readLines(client, batch.output_file_id)) as Array<{ custom_id: string }>)
        .map((l) => l.custom_id)
        .sort(),
    ).toEqual(["q0", "q2"]);

    const faulted = await faultClient.batches.retrieve((await submit(faultClient, inputFile(["a"]))).id);
    expect(faulted.request_counts).toEqual({ total: 1, completed: 0, failed: 1 });
    expect(faulted.output_file_id).toBeNull();
    expect(await readLines(faultClient, faulted.error_file_id)).toEqual([
      expect.objectContaining({ custom_id: "q0", response: expect.objectContaining({ status_code: 500 }) }),
    ]);
    expect(batchFaulting.stats.faults).toBe(1);
  });

  it("expires: the lines that ran are in the output, the rest in the error file as batch_expired", async () => {
    const server = await start({ batch: { outcome: "expired", linesBeforeExpiry: 1, inProgressPolls: 1 } });
    const client = connect(server);
    const created = await submit(client, inputFile(["a", "b", "c"]));
    expect((await client.batches.retrieve(created.id)).status).toBe("in_progress");
    const batch = await client.batches.retrieve(created.id);
    expect(batch.status).toBe("expired");
    expect(batch.expired_at).toEqual(expect.any(Number));
    expect(batch.request_counts).toEqual({ total: 3, completed: 1, failed: 2 });
    expect(await readLines(client, batch.output_file_id)).toEqual([
      expect.objectContaining({ custom_id: "q0" }),
    ]);
    expect(await readLines(client, batch.error_file_id)).toEqual([
      expect.objectContaining({
        custom_id: "q1",
        response: null,
        error: expect.objectContaining({ code: "batch_expired" }),
      }),
      expect.objectContaining({
        custom_id: "q2",
        response: null,
        error: expect.objectContaining({ code: "batch_expired" }),
      }),
    ]);
    expect(server.batch.stats.linesRun).toBe(1);
  });

  it("fails a batch on request (errors, no files) and on an invalid input file (errors with line numbers)", async () => {
    const server = await start({
      batch: {
        outcome: "failed",
        failureErrors: [{ code: "token_limit_exceeded", message: "Enqueued token limit reached." }],
      },
    });
    const client = connect(server);
    const failed = await submit(client, inputFile(["a"]));
    expect(failed).toMatchObject({
      status: "failed",
      output_file_id: null,
      error_file_id: null,
      errors: {
        object: "list",
        data: [{ code: "token_limit_exceeded", message: "Enqueued token limit reached." }],
      },
    });

    server.batch.setOptions({ outcome: undefined, failureErrors: undefined });
    const otherModel = JSON.stringify({
      custom_id: "other",
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: "gpt-4.1-mini", messages: [{ role: "user", content: "b" }] },
    });
    const invalid = await submit(
      client,
      `${inputFile(["a"], "/v1/embeddings")}not json\n${inputFile(["c"]).replace('"q0"', '"q1"')}${otherModel}\n`,
    );
    expect(invalid.status).toBe("failed");
    expect(invalid.errors?.data).toEqual([
      expect.objectContaining({ code: "mismatched_endpoint", line: 1, param: "url" }),
      expect.objectContaining({ code: "invalid_json_line", line: 2 }),
      expect.objectContaining({ code: "mismatched_model", line: 4, param: "body.model" }),
    ]);
    expect(server.batch.stats.linesRun).toBe(0);
  });

  it("fails the next calls of a kind on request, checks the key, and cancels", async () => {
    const server = await start({ apiKey: "sk-right", batch: { inProgressPolls: 5 } });
    expect(await catchError(connect(server, "sk-wrong").batches.retrieve("batch_x"))).toBeInstanceOf(
      AuthenticationError,
    );
    const client = connect(server, "sk-right");
    const created = await submit(client, inputFile(["a", "b"]));
    server.batch.failNext({ retrieve: 1 });
    expect(await catchError(client.batches.retrieve(created.id))).toBeInstanceOf(InternalServerError);
    expect((await client.batches.retrieve(created.id)).status).toBe("in_progress");
    expect((await client.batches.cancel(created.id)).status).toBe("cancelling");
    const cancelled = await client.batches.retrieve(created.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.request_counts?.total).toBe(2);
    expect(server.batch.stats).toMatchObject({ apiFaults: 1, cancels: 1, polls: 2 });

    server.resetStats();
    expect(server.batch.stats).toMatchObject({ filesUploaded: 0, batchesCreated: 0, polls: 0, apiFaults: 0 });
    expect(server.batch.batches()).toHaveLength(1);
  });

  it("rejects a batch for a missing file, another endpoint or another window", async () => {
    const server = await start();
    const client = connect(server);
    const noFile = await catchError(
      client.batches.create({
        input_file_id: "file-nope",
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    );
    expect(noFile).toMatchObject({ status: 400, param: "input_file_id" });
    const file = await client.files.create({
      file: await toFile(Buffer.from(inputFile(["a"])), "in.jsonl"),
      purpose: "batch",
    });
    const embeddings = await catchError(
      client.batches.create({ input_file_id: file.id, endpoint: "/v1/embeddings", completion_window: "24h" }),
    );
    expect(embeddings).toMatchObject({ status: 400, param: "endpoint" });
    expect(server.batch.stats.batchesCreated).toBe(0);
  });
});
