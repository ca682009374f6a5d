import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  AzureOpenAI,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OpenAI,
  RateLimitError,
} from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { mockError, scriptedModel } from "./answers.ts";
import { pickFault, startMockOpenAI } from "./mock-openai.ts";
import type { MockChatRequest, MockOpenAIOptions, MockOpenAIServer } from "./types.ts";

const servers: MockOpenAIServer[] = [];

async function start(options?: MockOpenAIOptions): Promise<MockOpenAIServer> {
  const server = await startMockOpenAI(options);
  servers.push(server);
  return server;
}

function connect(server: MockOpenAIServer, options: { apiKey?: string; maxRetries?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: server.baseURL, apiKey: "test", maxRetries: 0, ...options });
}

async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

const ask = (client: OpenAI, text: string, model = "gpt-4o-mini") =>
  client.chat.completions.create({ model, messages: [{ role: "user", content: text }] });

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("startMockOpenAI: chat completions", () => {
  it("answers a spec-shaped completion with estimated usage", async () => {
    const server = await start();
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.baseURL).toBe(`${server.url}/v1`);

    const completion = await connect(server).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "You are terse." }, // 14 chars
        { role: "user", content: "hello" }, // 5 chars
      ],
      temperature: 0,
    });

    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("gpt-4o-mini");
    expect(typeof completion.created).toBe("number");
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      message: { role: "assistant", content: "echo: hello", refusal: null },
      finish_reason: "stop",
      logprobs: null,
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 5, // ceil(19 / 4)
      completion_tokens: 3, // ceil(11 / 4)
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(completion._request_id).toBe("req_mock_0");

    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ model: "gpt-4o-mini", temperature: 0 });
    expect(server.requests[0]?.messages[1]).toEqual({ role: "user", content: "hello" });
    expect(server.stats).toMatchObject({ requests: 1, completions: 1, faults: 0, errors: 0, inFlight: 0 });
    expect(server.stats.byModel).toEqual({ "gpt-4o-mini": 1 });
  });

  it("answers from a script: regex, substring, predicate, answer function, fallback", async () => {
    const server = await start({
      respond: scriptedModel(
        [
          { match: /refund/i, answer: "Refunds take 5 days." },
          { match: "password", answer: (req) => `reset for ${req.model}` },
          {
            match: (req) => req.messages.some((m) => m.role === "system" && m.content === "be rude"),
            answer: {
              content: "no.",
              usage: { prompt_tokens: 100, completion_tokens: 7, cached_tokens: 40 },
            },
          },
          {
            match: "cut",
            answer: { content: "partial", finishReason: "length", model: "gpt-4o-mini-2024-07-18" },
          },
        ],
        "I don't know.",
      ),
    });
    const client = connect(server);

    expect((await ask(client, "Can I get a REFUND?")).choices[0]?.message.content).toBe(
      "Refunds take 5 days.",
    );
    expect((await ask(client, "forgot my password", "m-1")).choices[0]?.message.content).toBe(
      "reset for m-1",
    );
    expect((await ask(client, "what is 2+2")).choices[0]?.message.content).toBe("I don't know.");

    const rude = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "be rude" },
        { role: "user", content: "hi" },
      ],
    });
    expect(rude.choices[0]?.message.content).toBe("no.");
    expect(rude.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 40 },
    });

    const cut = await ask(client, "cut it short");
    expect(cut.choices[0]?.finish_reason).toBe("length");
    expect(cut.model).toBe("gpt-4o-mini-2024-07-18");
    expect(server.stats.byModel).toEqual({ "gpt-4o-mini": 4, "m-1": 1 });
  });

  it("passes the request and its index to respond, and reads content-part arrays", async () => {
    const seen: Array<{ index: number; model: string }> = [];
    const server = await start({
      respond: (req, ctx) => {
        seen.push({ index: ctx.requestIndex, model: req.model });
        return `#${ctx.requestIndex}`;
      },
    });
    const client = connect(server);
    expect((await ask(client, "a", "m-a")).choices[0]?.message.content).toBe("#0");
    const parts = await client.chat.completions.create({
      model: "m-b",
      messages: [{ role: "user", content: [{ type: "text", text: "abcdefgh" }] }],
    });
    expect(parts.choices[0]?.message.content).toBe("#1");
    expect(parts.usage?.prompt_tokens).toBe(2); // ceil(8 / 4): text parts count
    expect(seen).toEqual([
      { index: 0, model: "m-a" },
      { index: 1, model: "m-b" },
    ]);
  });

  it("rejects malformed bodies with 400 and an OpenAI-style error", async () => {
    const server = await start();
    const client = connect(server);

    const noMessages = await catchError(client.chat.completions.create({ model: "gpt-4o-mini" } as never));
    expect(noMessages).toBeInstanceOf(BadRequestError);
    expect(noMessages).toMatchObject({ status: 400, param: "messages", type: "invalid_request_error" });

    const noModel = await catchError(
      client.chat.completions.create({ messages: [{ role: "user", content: "x" }] } as never),
    );
    expect(noModel).toBeInstanceOf(BadRequestError);
    expect(noModel).toMatchObject({ status: 400, param: "model" });

    const badJson = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(badJson.status).toBe(400);
    const body = (await badJson.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      message: expect.stringContaining("could not parse the JSON body"),
      type: "invalid_request_error",
      param: null,
      code: null,
    });

    expect(server.requests).toHaveLength(0);
    expect(server.stats).toMatchObject({ requests: 3, completions: 0, errors: 3 });
  });

  it("sends what respond returns as a raw response (mockError), and 500 when respond throws", async () => {
    const server = await start({
      respond: scriptedModel([
        { match: "filtered", answer: mockError(400, "Invalid prompt", { code: "invalid_prompt" }) },
        {
          match: "explode",
          answer: () => {
            throw new Error("boom");
          },
        },
        { match: "garbage", answer: { raw: { status: 200, body: "not json at all" } } },
      ]),
    });
    const client = connect(server);

    const filtered = await catchError(ask(client, "filtered please"));
    expect(filtered).toBeInstanceOf(BadRequestError);
    expect(filtered).toMatchObject({ status: 400, code: "invalid_prompt", message: "400 Invalid prompt" });

    const exploded = await catchError(ask(client, "explode"));
    expect(exploded).toBeInstanceOf(InternalServerError);
    expect((exploded as APIError).message).toContain("boom");

    const garbage = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "garbage" }] }),
    });
    expect(garbage.status).toBe(200);
    expect(await garbage.text()).toBe("not json at all");
  });

  it("streams SSE chunks through the SDK, with a final usage chunk when asked", async () => {
    const server = await start({ respond: () => "Hello there, streaming world." });
    const client = connect(server);

    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "stream please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    const finishReasons: string[] = [];
    const usages: unknown[] = [];
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe("chat.completion.chunk");
      for (const choice of chunk.choices) {
        if (choice.delta.content) deltas.push(choice.delta.content);
        if (choice.finish_reason) finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usages.push(chunk.usage);
    }
    expect(deltas.join("")).toBe("Hello there, streaming world.");
    expect(deltas.length).toBeGreaterThan(1);
    expect(finishReasons).toEqual(["stop"]);
    expect(usages).toEqual([
      expect.objectContaining({ prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 }),
    ]);
    expect(chunks).toBe(deltas.length + 3); // role chunk, deltas, finish chunk, usage chunk

    const plain = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "again" }],
      stream: true,
    });
    let plainUsage = 0;
    let text = "";
    for await (const chunk of plain) {
      if (chunk.usage) plainUsage++;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe("Hello there, streaming world.");
    expect(plainUsage).toBe(0);
    expect(server.stats.completions).toBe(2);
  });
});

describe("startMockOpenAI: API keys", () => {
  it("answers 401 with no key or a wrong key, and accepts Bearer or api-key", async () => {
    const server = await start({ apiKey: "sk-right" });

    const wrong = await catchError(ask(connect(server, { apiKey: "sk-wrong" }), "hi"));
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect(wrong).toMatchObject({ status: 401, code: "invalid_api_key", type: "invalid_request_error" });

    const missing = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(
      /didn't provide/,
    );

    const modelsWithoutKey = await fetch(`${server.baseURL}/models`);
    expect(modelsWithoutKey.status).toBe(401);
    await modelsWithoutKey.body?.cancel();

    const ok = await ask(connect(server, { apiKey: "sk-right" }), "hi");
    expect(ok.choices[0]?.message.content).toBe("echo: hi");

    const azure = new AzureOpenAI({
      endpoint: server.url,
      apiKey: "sk-right",
      apiVersion: "2024-10-21",
      deployment: "my-deployment",
      maxRetries: 0,
    });
    const viaAzure = await azure.chat.completions.create({
      model: "",
      messages: [{ role: "user", content: "from azure" }],
    });
    expect(viaAzure.choices[0]?.message.content).toBe("echo: from azure");
    expect(server.requests.at(-1)?.model).toBe("my-deployment");
    expect(server.stats).toMatchObject({ completions: 2, errors: 3 });
  });
});

describe("startMockOpenAI: faults", () => {
  it("sends retry-after (and retry-after-ms) on 429, visible on APIError.headers", async () => {
    const server = await start({
      faults: { rate: 1, statuses: [429], retryAfterSeconds: 2, retryAfterMs: 1500 },
    });
    const error = await catchError(ask(connect(server), "hi"));
    expect(error).toBeInstanceOf(RateLimitError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.code).toBe("rate_limit_exceeded");
    expect(apiError.headers?.get("retry-after")).toBe("2");
    expect(apiError.headers?.get("retry-after-ms")).toBe("1500");
    expect(server.stats).toMatchObject({ requests: 1, faults: 1, completions: 0, errors: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it("lets the SDK retry a fault after the delay it asked for", async () => {
    // Find a seed whose first request faults and whose second does not.
    const base = { rate: 0.5, statuses: [429 as const], retryAfterMs: 150 };
    let seed = 0;
    while (!(pickFault({ ...base, seed }, 0) === 429 && pickFault({ ...base, seed }, 1) === undefined))
      seed++;
    const server = await start({ faults: { ...base, seed } });

    const started = performance.now();
    const completion = await ask(connect(server, { maxRetries: 1 }), "retry me");
    expect(completion.choices[0]?.message.content).toBe("echo: retry me");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.stats).toMatchObject({ requests: 2, faults: 1, completions: 1 });
  });

  it("fails about `rate` of requests, identically for the same seed, with the configured statuses", async () => {
    const faults = { rate: 0.2, statuses: [429 as const, 500 as const, 503 as const], seed: 42 };
    // Outcome per server-side request index (from x-request-id), fired 25 at a time.
    const run = async (server: MockOpenAIServer, n = 500): Promise<Array<number | "ok">> => {
      const client = connect(server);
      const outcomes: Array<number | "ok"> = new Array(n);
      const fire = async (i: number) => {
        try {
          const completion = await ask(client, `q${i}`);
          outcomes[Number(completion._request_id?.replace("req_mock_", ""))] = "ok";
        } catch (error) {
          const apiError = error as APIError;
          outcomes[Number(apiError.requestID?.replace("req_mock_", ""))] = apiError.status ?? -1;
        }
      };
      for (let i = 0; i < n; i += 25) await Promise.all(Array.from({ length: 25 }, (_, k) => fire(i + k)));
      return outcomes;
    };

    const first = await start({ faults });
    const a = await run(first);
    expect(a.filter((o) => o !== undefined)).toHaveLength(500);
    const failed = a.filter((o) => o !== "ok").length;
    expect(failed).toBe(first.stats.faults);
    expect(failed / 500).toBeGreaterThan(0.15);
    expect(failed / 500).toBeLessThan(0.25);
    expect(new Set(a.filter((o) => o !== "ok"))).toEqual(new Set([429, 500, 503]));
    expect(first.stats.completions).toBe(500 - failed);
    // The server's decisions are the pure function pickFault.
    expect(a).toEqual(a.map((_, i) => pickFault(faults, i) ?? "ok"));

    const second = await start({ faults });
    expect(await run(second)).toEqual(a);

    // resetStats restarts the numbering, so the sequence starts over.
    first.resetStats();
    expect(first.stats).toMatchObject({ requests: 0, faults: 0, completions: 0 });
    expect(await run(first, 100)).toEqual(a.slice(0, 100));

    const other = await start({ faults: { ...faults, seed: 43 } });
    expect(await run(other, 100)).not.toEqual(a.slice(0, 100));
  });

  it("applies latency before faults and can change options on the fly", async () => {
    const server = await start({ latencyMs: 60, faults: { rate: 1, statuses: [502] } });
    const client = connect(server);
    const started = performance.now();
    const error = await catchError(ask(client, "slow fail"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(502);

    server.setOptions({ faults: undefined, latencyMs: 0 });
    expect((await ask(client, "fine now")).choices[0]?.message.content).toBe("echo: fine now");
    expect(server.stats).toMatchObject({ faults: 1, completions: 1 });
  });

  it("rejects invalid fault options and non-loopback hosts", async () => {
    await expect(startMockOpenAI({ faults: { rate: 1.5 } })).rejects.toThrow(/faults.rate/);
    await expect(startMockOpenAI({ faults: { rate: 0.1, statuses: [] } })).rejects.toThrow(/statuses/);
    await expect(startMockOpenAI({ latencyMs: -1 })).rejects.toThrow(/latencyMs/);
    await expect(startMockOpenAI({ host: "0.0.0.0" })).rejects.toThrow(/loopback/);
  });
});

describe("startMockOpenAI: concurrency", () => {
  it("counts requests in flight and records the peak", async () => {
    // Long enough that all ten arrive before the first answers, even on a busy machine.
    const server = await start({ latencyMs: 400 });
    const client = connect(server);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(client, `c${i}`)));
    const elapsed = performance.now() - started;
    // No upper bound on time (a busy machine may be slow): the peak in flight proves they overlapped.
    expect(answers.map((a) => a.choices[0]?.message.content).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `echo: c${i}`).sort(),
    );
    expect(server.stats.maxInFlight).toBe(10);
    expect(server.stats.inFlight).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(395);

    server.resetStats();
    expect(server.stats.maxInFlight).toBe(0);
    for (let i = 0; i < 3; i++) await ask(client, `s${i}`);
    expect(server.stats.maxInFlight).toBe(1);
  });

  it("takes latency per request from a function", async () => {
    const server = await start({ latencyMs: (req: MockChatRequest) => (req.model === "slow" ? 150 : 0) });
    const client = connect(server);
    // Sent slow first, answered fast first: the latency comes from the function, per request.
    const order: string[] = [];
    const t = performance.now();
    await Promise.all([
      ask(client, "x", "slow").then(() => order.push("slow")),
      ask(client, "x", "fast").then(() => order.push("fast")),
    ]);
    expect(order).toEqual(["fast", "slow"]);
    expect(performance.now() - t).toBeGreaterThanOrEqual(145);
  });
});

describe("startMockOpenAI: models and routes", () => {
  it("serves the models endpoint, including shutdown_date", async () => {
    const server = await start({
      models: [
        { id: "gpt-4o-mini", owned_by: "openai", created: 1721172741 },
        { id: "ft:gpt-4o-mini-2024-07-18:acme::abc123", owned_by: "acme", shutdown_date: "2027-01-14" },
        { id: "meta-llama/Llama-3.1-8B-Instruct", shutdown_date: null },
      ],
    });
    const client = connect(server);

    const page = await client.models.list();
    expect(page.data).toEqual([
      { id: "gpt-4o-mini", object: "model", created: 1721172741, owned_by: "openai" },
      {
        id: "ft:gpt-4o-mini-2024-07-18:acme::abc123",
        object: "model",
        created: 1700000000,
        owned_by: "acme",
        shutdown_date: "2027-01-14",
      },
      {
        id: "meta-llama/Llama-3.1-8B-Instruct",
        object: "model",
        created: 1700000000,
        owned_by: "system",
        shutdown_date: null,
      },
    ]);

    const ft = await client.models.retrieve("ft:gpt-4o-mini-2024-07-18:acme::abc123");
    expect(ft).toMatchObject({ shutdown_date: "2027-01-14", owned_by: "acme" });
    const llama = await client.models.retrieve("meta-llama/Llama-3.1-8B-Instruct");
    expect(llama.id).toBe("meta-llama/Llama-3.1-8B-Instruct");

    const missing = await catchError(client.models.retrieve("gpt-2"));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: "model_not_found", param: "model" });
  });

  it("rejects unknown models when strictModels is set", async () => {
    const server = await start({ models: [{ id: "known" }], strictModels: true });
    const client = connect(server);
    expect((await ask(client, "hi", "known")).choices[0]?.message.content).toBe("echo: hi");
    const error = await catchError(ask(client, "hi", "unknown"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: "model_not_found" });
  });

  it("answers 404 with an error body on unknown routes", async () => {
    const server = await start();
    const error = await catchError(connect(server).embeddings.create({ model: "e", input: "x" }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "unknown_url", type: "invalid_request_error" });

    const get = await fetch(`${server.url}/v1/chat/completions`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { error: { message: string } }).error.message).toContain(
      "GET /v1/chat/completions",
    );
    expect(server.stats).toMatchObject({ requests: 2, errors: 2 });
  });
});

describe("startMockOpenAI: close", () => {
  it("closes promptly despite keep-alive connections and requests waiting on latency", async () => {
    const server = await startMockOpenAI({ latencyMs: 10_000 });
    const client = connect(server);
    const quick = connect(server);
    server.setOptions({ latencyMs: 0 });
    await ask(quick, "warm a keep-alive connection");
    server.setOptions({ latencyMs: 10_000 });
    const pending = catchError(ask(client, "never answered"));
    while (server.stats.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // The request waits 10 s for its latency: only a close that ends it lets this test finish in time.
    await server.close();
    expect(await pending).toBeInstanceOf(APIConnectionError);
    await server.close(); // idempotent
  });
});
