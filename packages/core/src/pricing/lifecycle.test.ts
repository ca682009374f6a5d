import { describe, expect, it } from "vitest";
import { computeDaysLeft, lookupLifecycle } from "./lifecycle.ts";
import { OPENAI_ANNOUNCED_SHUTDOWNS, OPENAI_FINE_TUNING_JOBS_END_DATE } from "./openai-shutdowns.ts";

const OPENAI = "https://api.openai.com/v1";

describe("lookupLifecycle: OpenAI's announced shutdowns (see openai-shutdowns.ts for sources)", () => {
  it("dates the fine-tune ft:gpt-4o-mini-2024-07-18:acme::x at 2027-01-14", () => {
    const lifecycle = lookupLifecycle("ft:gpt-4o-mini-2024-07-18:acme::x", { baseURL: OPENAI });
    expect(lifecycle).toMatchObject({
      model: "ft:gpt-4o-mini-2024-07-18:acme::x",
      shutdownDate: "2027-01-14",
      deprecated: true,
      source: "built-in",
    });
    expect(lifecycle?.note).toContain("gpt-4o-mini-2024-07-18");
    expect(lifecycle?.note).toContain("2027-01-06");
  });

  it.each([
    // 2026-10-14 announcement: GPT-4o, GPT-4o mini, GPT-4.1, GPT-4.1 mini and their fine-tunes.
    ["ft:gpt-4o-2024-08-06:acme:support:abc", OPENAI, "2027-01-14"],
    ["ft:gpt-4.1-2025-04-14:acme::abc", OPENAI, "2027-01-14"],
    ["ft:gpt-4.1-mini-2025-04-14:acme:support:abc:ckpt-step-10", OPENAI, "2027-01-14"],
    ["gpt-4o-mini", OPENAI, "2027-01-14"],
    ["gpt-4o-2024-11-20", OPENAI, "2027-01-14"],
    ["GPT-4.1", OPENAI, "2027-01-14"],
    ["gpt-4.1-mini-2025-04-14", undefined, "2027-01-14"],
    // Through a gateway the table does not know, or a local proxy: OpenAI ids still follow OpenAI's schedule.
    ["ft:gpt-4o-mini-2024-07-18:acme::x", "https://llm-gateway.acme.com/v1", "2027-01-14"],
    ["gpt-4o-mini", "http://localhost:4000/v1", "2027-01-14"],
    // 2026-06-11 announcement.
    ["gpt-5-mini", OPENAI, "2026-12-11"],
    ["o3-2025-04-16", OPENAI, "2026-12-11"],
    // 2026-04-22 announcement (already past on 2026-11-25).
    ["gpt-4.1-nano", OPENAI, "2026-10-23"],
    ["ft:gpt-4.1-nano-2025-04-14:acme::x", OPENAI, "2026-10-23"],
    ["gpt-5.1-codex", OPENAI, "2026-07-23"],
  ])("%s at %s shuts down on %s", (model, baseURL, shutdownDate) => {
    const lifecycle = lookupLifecycle(model, baseURL === undefined ? {} : { baseURL });
    expect(lifecycle).toMatchObject({ model, shutdownDate, deprecated: true, source: "built-in" });
  });

  it("names the replacement where the sources agree on it", () => {
    expect(lookupLifecycle("gpt-4.1", { baseURL: OPENAI })?.note).toBe(
      "OpenAI shuts gpt-4.1 down on 2027-01-14 (announced 2026-10-14); recommended replacement: gpt-6-luna.",
    );
  });

  it("notes the end of new fine-tuning jobs for a fine-tune whose base has no announced date", () => {
    expect(lookupLifecycle("ft:gpt-3.5-turbo-1106:acme::x", { baseURL: OPENAI })).toStrictEqual({
      model: "ft:gpt-3.5-turbo-1106:acme::x",
      source: "built-in",
      note: `Fine-tune of gpt-3.5-turbo-1106. OpenAI accepts no new fine-tuning jobs from ${OPENAI_FINE_TUNING_JOBS_END_DATE}.`,
    });
  });

  it.each([
    ["gpt-5.4", OPENAI],
    ["gpt-5.5", OPENAI],
    ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "https://api.together.xyz/v1"],
    ["llama3.1:8b", "http://localhost:11434/v1"],
    // Azure retires the same models on its own schedule.
    ["gpt-4o-mini", "https://acme.openai.azure.com/openai/v1"],
  ])("knows nothing about %s at %s", (model, baseURL) => {
    expect(lookupLifecycle(model, { baseURL })).toBeUndefined();
  });

  it("lists every id in lower case, once, with calendar dates", () => {
    const ids = OPENAI_ANNOUNCED_SHUTDOWNS.flatMap((entry) => entry.models);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toBe(id.toLowerCase());
    for (const entry of OPENAI_ANNOUNCED_SHUTDOWNS) {
      expect(() => computeDaysLeft(entry.shutdownDate, new Date())).not.toThrow();
      expect(() => computeDaysLeft(entry.announced, new Date())).not.toThrow();
    }
  });
});

describe("lookupLifecycle: the price table and config", () => {
  it.each([
    // genai-prices 0.1.8 marks mistral "mistral-tiny" and x-ai "grok-2-1212" as deprecated, without a date.
    [
      "mistral-tiny",
      "https://api.mistral.ai/v1",
      "The price table marks mistral/mistral-tiny as deprecated.",
    ],
    ["grok-2-1212", "https://api.x.ai/v1", "The price table marks x-ai/grok-2-1212 as deprecated."],
  ])("reports the price table's deprecated flag for %s", (model, baseURL, note) => {
    expect(lookupLifecycle(model, { baseURL })).toStrictEqual({
      model,
      deprecated: true,
      source: "genai-prices",
      note,
    });
  });

  it.each([
    [
      "config date for a model nothing else knows",
      "acme/llama-3.1-8b-lora",
      { "acme/*": { shutdownDate: "2027-06-30", note: "Adapter retired with the base." } },
      {
        shutdownDate: "2027-06-30",
        deprecated: true,
        source: "config",
        note: "Adapter retired with the base.",
      },
    ],
    [
      "config date beating the built-in one",
      "gpt-4o-mini",
      { "gpt-4o-mini": { shutdownDate: "2027-02-01" } },
      {
        shutdownDate: "2027-02-01",
        deprecated: true,
        source: "config",
        note: "OpenAI shuts gpt-4o-mini down on 2027-01-14 (announced 2026-10-14); recommended replacement: gpt-6-luna.",
      },
    ],
    [
      "config note on top of the built-in date",
      "gpt-4o-mini",
      { "gpt-4o*": { note: "Migrate to the support-v4 prompt." } },
      {
        shutdownDate: "2027-01-14",
        deprecated: true,
        source: "built-in",
        note: "Migrate to the support-v4 prompt.",
      },
    ],
    ["config entry with nothing in it", "gpt-5.4", { "gpt-5.4": {} }, undefined],
  ])("%s", (_label, model, overrides, expected) => {
    const lifecycle = lookupLifecycle(model, { baseURL: "https://api.openai.com/v1", overrides });
    expect(lifecycle).toStrictEqual(expected === undefined ? undefined : { model, ...expected });
  });
});

describe("computeDaysLeft", () => {
  it.each([
    ["2027-01-14", "2026-11-25T00:00:00Z", 50],
    ["2027-01-14", "2026-11-25T23:59:59.999Z", 50],
    ["2027-01-14", "2026-11-26T00:00:00.000Z", 49],
    // The UTC date counts, whatever the offset the Date was written with.
    ["2027-01-14", "2026-11-25T20:00:00-05:00", 49],
    ["2027-01-14", "2027-01-06T12:00:00Z", 8],
    ["2027-01-14", "2027-01-14T08:00:00Z", 0],
    ["2027-01-14", "2027-01-20T00:00:00Z", -6],
    ["2027-01-01", "2026-12-31T23:59:59Z", 1],
    // Across the EU (2026-03-29, 2026-10-25) and US (2026-03-08) daylight-saving changes: UTC has none.
    ["2026-03-30", "2026-03-28T12:00:00Z", 2],
    ["2026-10-26", "2026-10-24T12:00:00Z", 2],
    ["2026-03-09", "2026-03-07T12:00:00Z", 2],
    // Leap day.
    ["2028-03-01", "2028-02-28T00:00:00Z", 2],
  ])("%s from %s -> %i", (shutdownDate, today, expected) => {
    expect(computeDaysLeft(shutdownDate, new Date(today))).toBe(expected);
  });

  it.each(["2027-02-30", "2027-1-14", "14/01/2027", "2027-01-14T00:00:00Z", ""])("rejects %j", (date) => {
    expect(() => computeDaysLeft(date, new Date("2026-11-25T00:00:00Z"))).toThrow(RangeError);
  });

  it("rejects an invalid today", () => {
    expect(() => computeDaysLeft("2027-01-14", new Date("nope"))).toThrow(RangeError);
  });
});
