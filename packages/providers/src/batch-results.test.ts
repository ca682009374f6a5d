import { describe, expect, it } from "vitest";
import { failedBatchError, lineToResponse, missingLineError, parseOutputFile } from "./batch-results.ts";

const completion = {
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ message: { content: "4", refusal: null }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 8 } },
};

describe("batch results", () => {
  it("reads an output file's lines, counting the ones that are not result lines", () => {
    const text = [
      JSON.stringify({
        id: "r1",
        custom_id: "pf-0",
        response: { status_code: 200, request_id: "q", body: {} },
        error: null,
      }),
      "not json",
      JSON.stringify({ id: "r2", response: null }),
      "",
      JSON.stringify({
        custom_id: "pf-1",
        response: null,
        error: { code: "batch_expired", message: "late" },
      }),
    ].join("\n");
    const parsed = parseOutputFile(text);
    expect(parsed.invalid).toBe(2);
    expect(parsed.lines.map((line) => line.custom_id)).toEqual(["pf-0", "pf-1"]);
  });

  it("answers a successful line like a direct chat completion", () => {
    const line = { custom_id: "pf-0", response: { status_code: 200, body: completion }, error: null };
    expect(lineToResponse(line, "batch_1")).toEqual({
      ok: true,
      output: "4",
      model: "gpt-4o-mini-2024-07-18",
      finishReason: "stop",
      usage: { inputTokens: 12, outputTokens: 1, cachedInputTokens: 8 },
    });
  });

  it("rejects a 200 line whose body is not a chat completion, naming the field", () => {
    const line = { custom_id: "pf-3", response: { status_code: 200, body: { choices: [] } } };
    expect(lineToResponse(line, "batch_1")).toEqual({
      ok: false,
      error: {
        kind: "invalid_response",
        retryable: false,
        message:
          "Batch API, batch batch_1, request pf-3: the answer is not a chat completion: choices: the response has no choices",
      },
    });
  });

  it("maps HTTP statuses and line errors to the same kinds as a direct call", () => {
    const status = (code: number, body: unknown = { error: { message: "nope" } }) =>
      lineToResponse({ custom_id: "pf-0", response: { status_code: code, body } }, "b");
    expect(status(401)).toMatchObject({ error: { kind: "auth", retryable: false, status: 401 } });
    expect(status(404)).toMatchObject({ error: { kind: "not_found", retryable: false } });
    expect(status(408)).toMatchObject({ error: { kind: "server", retryable: true } });
    expect(status(502, "Bad gateway")).toMatchObject({
      error: { kind: "server", retryable: true, message: "Batch API, batch b, request pf-0: Bad gateway" },
    });
    expect(status(422, null)).toMatchObject({
      error: { kind: "bad_request", message: expect.stringMatching(/HTTP 422$/) },
    });
    expect(
      lineToResponse({ custom_id: "pf-0", error: { code: "batch_cancelled", message: "x" } }, "b"),
    ).toMatchObject({
      error: {
        kind: "server",
        retryable: false,
        message: expect.stringMatching(/^the batch was cancelled before this request ran/),
      },
    });
    expect(lineToResponse({ custom_id: "pf-0" }, "b")).toMatchObject({
      error: {
        kind: "invalid_response",
        retryable: true,
        message: expect.stringContaining("neither a response nor an error"),
      },
    });
  });

  it("words missing lines by how the batch ended, and a failed batch by its first errors", () => {
    expect(missingLineError("b", "expired", "pf-1")).toMatchObject({ kind: "timeout", retryable: true });
    expect(missingLineError("b", "cancelled", "pf-1")).toMatchObject({ kind: "server", retryable: false });
    expect(missingLineError("b", "completed", "pf-1")).toMatchObject({
      kind: "invalid_response",
      retryable: true,
    });
    const errors = [1, 2, 3, 4, 5].map((line) => ({ code: "invalid_json_line", message: "bad", line }));
    expect(failedBatchError({ id: "b", status: "failed", errors: { data: errors } })).toEqual({
      kind: "bad_request",
      retryable: false,
      message:
        "Batch API: batch b failed: invalid_json_line (line 1): bad; invalid_json_line (line 2): bad; invalid_json_line (line 3): bad; and 2 more",
    });
    expect(failedBatchError({ id: "b", status: "failed" }).message).toBe(
      "Batch API: batch b failed: no reason given",
    );
  });
});
