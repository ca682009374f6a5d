import { describe, expect, it } from "vitest";
import {
  deterministicEcho,
  getLastUserText,
  getMessageText,
  getSampleMarker,
  mockError,
  noisyModel,
  scriptedModel,
} from "./answers.ts";
import type { MockChatRequest, MockReply } from "./types.ts";

const ctx = { requestIndex: 0 };

function request(text: string, extra: Partial<MockChatRequest> = {}): MockChatRequest {
  return {
    model: "m",
    messages: [
      { role: "system", content: "sys" },
      { role: "user", content: text },
    ],
    ...extra,
  };
}

async function answer(reply: MockReply | Promise<MockReply>): Promise<MockReply> {
  return await reply;
}

describe("getMessageText / getLastUserText", () => {
  it.each([
    ["plain", "plain"],
    [null, ""],
    [undefined, ""],
    [
      [
        { type: "text", text: "a" },
        { type: "image_url", image_url: { url: "x" } },
        { type: "text", text: "b" },
      ],
      "ab",
    ],
    [{ odd: 1 }, '{"odd":1}'],
  ])("reads %j as %j", (content, expected) => {
    expect(getMessageText(content)).toBe(expected);
  });

  it("takes the last user message", () => {
    const req: MockChatRequest = {
      model: "m",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "reply" },
        { role: "user", content: "second" },
        { role: "assistant", content: "trailing" },
      ],
    };
    expect(getLastUserText(req)).toBe("second");
    expect(getLastUserText({ model: "m", messages: [{ role: "system", content: "s" }] })).toBe("");
  });
});

describe("deterministicEcho", () => {
  it("echoes the last user message", () => {
    expect(deterministicEcho(request("hi there"))).toBe("echo: hi there");
  });
});

describe("scriptedModel", () => {
  it("uses the first matching rule and ignores a global regex's lastIndex", async () => {
    const model = scriptedModel([
      { match: /a+/g, answer: "A" },
      { match: "b", answer: "B1" },
      { match: "b", answer: "B2" },
      { match: (req) => req.model === "special", answer: (req) => `special:${getLastUserText(req)}` },
    ]);
    for (let i = 0; i < 3; i++) expect(await answer(model(request("xaay"), ctx))).toBe("A");
    expect(await answer(model(request("b"), ctx))).toBe("B1");
    expect(await answer(model(request("zzz", { model: "special" }), ctx))).toBe("special:zzz");
    expect(await answer(model(request("nothing"), ctx))).toBe("echo: nothing");
  });

  it("answers the fallback when nothing matches, and can answer errors", async () => {
    const model = scriptedModel(
      [{ match: "bad", answer: mockError(400, "nope", { code: "x" }) }],
      "fallback",
    );
    expect(await answer(model(request("other"), ctx))).toBe("fallback");
    expect(await answer(model(request("bad"), ctx))).toEqual({
      raw: {
        status: 400,
        body: { error: { message: "nope", type: "invalid_request_error", param: null, code: "x" } },
      },
    });
  });

  it("matches a string rule against the last user message only", async () => {
    const model = scriptedModel([{ match: "sys", answer: "hit" }], "miss");
    expect(await answer(model(request("user text"), ctx))).toBe("miss");
  });
});

describe("noisyModel", () => {
  const model = noisyModel({
    accuracy: 0.7,
    correct: (req) => `right:${getLastUserText(req)}`,
    wrong: () => "wrong",
    seed: 7,
  });

  it("gives the same answer to the same request every time", async () => {
    for (let i = 0; i < 50; i++) {
      const req = request(`case ${i}`);
      const first = await answer(model(req, ctx));
      for (let k = 0; k < 3; k++) {
        expect(await answer(model(structuredClone(req), { requestIndex: k + 1 }))).toBe(first);
      }
    }
  });

  it("is right about `accuracy` of the time across cases", async () => {
    let right = 0;
    for (let i = 0; i < 2000; i++) {
      if ((await answer(model(request(`case ${i}`), ctx))) !== "wrong") right++;
    }
    expect(right / 2000).toBeGreaterThan(0.66);
    expect(right / 2000).toBeLessThan(0.74);
  });

  it("varies across samples marked by the seed parameter or metadata.sample", async () => {
    const outcomes = new Set<MockReply>();
    for (let s = 0; s < 40; s++) outcomes.add(await answer(model(request("one case", { seed: s }), ctx)));
    expect(outcomes).toEqual(new Set(["right:one case", "wrong"]));

    const bySample = new Set<MockReply>();
    for (let s = 0; s < 40; s++) {
      bySample.add(await answer(model(request("one case", { metadata: { sample: String(s) } }), ctx)));
    }
    expect(bySample.size).toBe(2);
    expect(getSampleMarker(request("x", { seed: 3, metadata: { sample: "2" } }))).toBe("3|2");
  });

  it("differs between simulation seeds and honours per-request accuracy", async () => {
    const other = noisyModel({ accuracy: 0.7, correct: () => "right", wrong: () => "wrong", seed: 8 });
    const same = noisyModel({ accuracy: 0.7, correct: () => "right", wrong: () => "wrong", seed: 7 });
    const a: MockReply[] = [];
    const b: MockReply[] = [];
    for (let i = 0; i < 100; i++) {
      a.push(await answer(same(request(`case ${i}`), ctx)));
      b.push(await answer(other(request(`case ${i}`), ctx)));
    }
    expect(a).not.toEqual(b);

    const perModel = noisyModel({
      accuracy: (req) => (req.model === "good" ? 1 : 0),
      correct: () => "right",
      wrong: () => "wrong",
    });
    expect(await answer(perModel(request("q", { model: "good" }), ctx))).toBe("right");
    expect(await answer(perModel(request("q", { model: "bad" }), ctx))).toBe("wrong");
  });
});
