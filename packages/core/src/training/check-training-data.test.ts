import { describe, expect, it } from "vitest";
import type { Case } from "../types.ts";
import { type CheckTrainingDataOptions, checkTrainingData } from "./check-training-data.ts";
import type { EvalCaseRef } from "./eval-index.ts";
import { type DataReport, dataReportSchema } from "./report.ts";
import {
  makeExample,
  makeLine,
  makeLines,
  sourceOf,
  streamOf,
  TEST_SYSTEM,
  type TestMessage,
  WORD_TOKENIZER,
} from "./test-helpers.ts";

type Options = Partial<CheckTrainingDataOptions>;

async function check(lines: readonly string[], options: Options = {}): Promise<DataReport> {
  const report = await checkTrainingData(sourceOf(lines), {
    file: "train.jsonl",
    tokenizer: WORD_TOKENIZER,
    contextLimit: 10_000,
    ...options,
  });
  // Every report must be valid JSON for its schema, whatever the input.
  expect(dataReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  return report;
}

/** 60 good lines with `bad` replacing line `at` (1-based). */
function withLine(at: number, bad: string | object, total = 60): string[] {
  const lines = makeLines(total);
  lines[at - 1] = typeof bad === "string" ? bad : JSON.stringify(bad);
  return lines;
}

const sys = { role: "system", content: TEST_SYSTEM };
const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown, extra: object = {}) => ({ role: "assistant", content, ...extra });
const weatherTool = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};
const weatherCall = {
  id: "call_1",
  type: "function",
  function: { name: "get_weather", arguments: '{"city":"Paris"}' },
};

interface Expectation {
  line: number | null;
  code: string;
  severity?: "error" | "warning";
  message: RegExp;
}

interface FileCase {
  name: string;
  lines: () => string[];
  options?: Options;
  expected: Expectation[];
}

/** Malformed or suspicious training files: each must produce these findings, at these lines, with these words. */
const FILES: FileCase[] = [
  {
    name: "invalid JSON on a line",
    lines: () => withLine(3, '{"messages": [{"role": "user", "content": "hi"},]}'),
    expected: [
      {
        line: 3,
        code: "invalid-json",
        severity: "error",
        message: /^invalid JSON at column 48: a trailing comma/,
      },
    ],
  },
  {
    name: "a line that is a list, not an object",
    lines: () => withLine(5, "[1, 2]"),
    expected: [{ line: 5, code: "not-an-object", message: /one example object .*got a list/ }],
  },
  {
    name: "no messages key (misspelt)",
    lines: () => withLine(7, { mesages: [user("hi"), assistant("hello")] }),
    expected: [
      {
        line: 7,
        code: "missing-messages",
        message: /no "messages" list \(found keys "mesages"; did you mean "messages"\?\)/,
      },
    ],
  },
  {
    name: "messages is not a list",
    lines: () => withLine(8, { messages: "hi" }),
    expected: [
      {
        line: 8,
        code: "messages-not-list",
        message: /"messages" must be a list of messages, got the text "hi"/,
      },
    ],
  },
  {
    name: "messages is empty",
    lines: () => withLine(9, { messages: [] }),
    expected: [{ line: 9, code: "messages-empty", message: /"messages" is empty/ }],
  },
  {
    name: "a message that is not an object",
    lines: () => withLine(10, { messages: [sys, "hello", assistant("x")] }),
    expected: [
      { line: 10, code: "message-not-object", message: /^messages\[1\]: each message must be an object/ },
    ],
  },
  {
    name: "unknown role",
    lines: () => withLine(11, { messages: [sys, { role: "usr", content: "hi" }, assistant("hello")] }),
    expected: [
      {
        line: 11,
        code: "unknown-role",
        message: /messages\[1\]: unknown role "usr" \(did you mean "user"\?\)/,
      },
    ],
  },
  {
    name: "developer role",
    lines: () =>
      withLine(12, { messages: [{ role: "developer", content: "Be brief." }, user("hi"), assistant("ok")] }),
    expected: [{ line: 12, code: "unknown-role", message: /unknown role "developer": .*"system" message/ }],
  },
  {
    name: "content that is not text or parts",
    lines: () => withLine(13, { messages: [sys, user(42), assistant("ok")] }),
    expected: [
      {
        line: 13,
        code: "content-type",
        message: /messages\[1\]: content must be text or a list of content parts, got the number 42/,
      },
    ],
  },
  {
    name: "empty content",
    lines: () => withLine(14, { messages: [sys, user("   "), assistant("ok")] }),
    expected: [
      { line: 14, code: "empty-content", message: /messages\[1\]: the user message's content is empty/ },
    ],
  },
  {
    name: "no assistant message",
    lines: () => withLine(15, { messages: [sys, user("hi")] }),
    expected: [{ line: 15, code: "no-assistant", message: /no assistant message: nothing would be learned/ }],
  },
  {
    name: "last message is not the assistant's (nothing after it is learned)",
    lines: () => withLine(16, { messages: [sys, user("hi"), assistant("hello"), user("thanks")] }),
    expected: [
      {
        line: 16,
        code: "last-not-assistant",
        message: /ends with a user message after the last assistant answer/,
      },
    ],
  },
  {
    name: "weight 2",
    lines: () => withLine(17, { messages: [sys, user("hi"), assistant("hello", { weight: 2 })] }),
    expected: [
      {
        line: 17,
        code: "weight-invalid",
        message: /messages\[2\]: "weight" must be 0 \(not learned\) or 1 \(learned\), got the number 2/,
      },
    ],
  },
  {
    name: "weight on a user message",
    lines: () =>
      withLine(18, { messages: [sys, { role: "user", content: "hi", weight: 1 }, assistant("hello")] }),
    expected: [
      {
        line: 18,
        code: "weight-not-assistant",
        message: /messages\[1\]: "weight" is only allowed on assistant messages/,
      },
    ],
  },
  {
    name: "every assistant message has weight 0",
    lines: () => withLine(19, { messages: [sys, user("hi"), assistant("hello", { weight: 0 })] }),
    expected: [{ line: 19, code: "nothing-learned", message: /every assistant message has "weight": 0/ }],
  },
  {
    name: "unknown top-level key",
    lines: () => withLine(20, { ...makeExample(19), id: "ex-20" }),
    expected: [
      {
        line: 20,
        code: "unknown-key",
        severity: "warning",
        message: /unknown key "id": fine-tuning APIs ignore or reject/,
      },
    ],
  },
  {
    name: "misspelt top-level key (its data would be lost)",
    lines: () => withLine(21, { ...makeExample(20), tols: [weatherTool] }),
    expected: [
      {
        line: 21,
        code: "misspelt-key",
        severity: "error",
        message: /unknown key "tols" \(did you mean "tools"\?\)/,
      },
    ],
  },
  {
    name: "unknown message key",
    lines: () => withLine(22, { messages: [sys, { role: "user", contnet: "hi" }, assistant("hello")] }),
    expected: [
      {
        line: 22,
        code: "unknown-message-key",
        message: /messages\[1\]: unknown key "contnet" \(did you mean "content"\?\) in a user message/,
      },
    ],
  },
  {
    name: "malformed tools",
    lines: () =>
      withLine(23, {
        tools: [{ type: "function", function: { description: "no name" } }],
        ...makeExample(22),
      }),
    expected: [
      {
        line: 23,
        code: "tools-invalid",
        message: /"tools\[0\]\.function\.name" must be the function's name/,
      },
    ],
  },
  {
    name: "tool calls without tools",
    lines: () =>
      withLine(24, {
        messages: [sys, user("Weather in Paris?"), assistant(null, { tool_calls: [weatherCall] })],
      }),
    expected: [
      {
        line: 24,
        code: "tool-calls-without-tools",
        message: /calls "get_weather" but the example declares no "tools"/,
      },
    ],
  },
  {
    name: "tool call to a function the tools do not define",
    lines: () =>
      withLine(25, {
        tools: [weatherTool],
        messages: [
          sys,
          user("Weather in Paris?"),
          assistant(null, {
            tool_calls: [{ ...weatherCall, function: { name: "get_wether", arguments: "{}" } }],
          }),
        ],
      }),
    expected: [
      {
        line: 25,
        code: "tool-call-unknown-function",
        message:
          /calls "get_wether", which the example's "tools" do not define \(did you mean "get_weather"\?\)/,
      },
    ],
  },
  {
    name: "tool message without tool_call_id",
    lines: () =>
      withLine(26, {
        tools: [weatherTool],
        messages: [
          sys,
          user("Weather in Paris?"),
          assistant(null, { tool_calls: [weatherCall] }),
          { role: "tool", content: '{"temp": 21}' },
          assistant("It is 21 °C in Paris."),
        ],
      }),
    expected: [
      {
        line: 26,
        code: "tool-message-invalid",
        message: /messages\[3\]: a tool message needs "tool_call_id"/,
      },
    ],
  },
  {
    name: "legacy prompt/completion format",
    lines: () => withLine(27, { prompt: "hi", completion: "hello" }),
    expected: [{ line: 27, code: "legacy-format", message: /legacy \{"prompt", "completion"\} format/ }],
  },
  {
    name: "fewer than 10 examples",
    lines: () => makeLines(7),
    expected: [
      {
        line: null,
        code: "too-few-examples",
        severity: "error",
        message: /^7 valid examples: fine-tuning needs at least 10/,
      },
    ],
  },
  {
    name: "fewer than 50 examples",
    lines: () => makeLines(30),
    expected: [
      {
        line: null,
        code: "few-examples",
        severity: "warning",
        message: /^30 examples: gains usually start with 50–100/,
      },
    ],
  },
  {
    name: "an example over the context limit",
    lines: () => withLine(28, { messages: [sys, user(Array(300).fill("word").join(" ")), assistant("ok")] }),
    options: { contextLimit: 200 },
    expected: [
      {
        line: 28,
        code: "over-context-limit",
        message:
          /has 331 tokens, over the configured limit of 200 tokens per training example: it would be truncated/,
      },
    ],
  },
  {
    name: "exact duplicate (ignoring case and spacing)",
    lines: () => withLine(40, makeLine(4).replace("How do I", "how  do i")),
    expected: [
      {
        line: 40,
        code: "duplicate",
        severity: "warning",
        message: /^duplicate of line 5 \(same input and answer\)/,
      },
    ],
  },
  {
    name: "near duplicate (numbers and punctuation differ)",
    lines: () => {
      const lines = makeLines(60);
      lines[9] = JSON.stringify({
        messages: [sys, user("Order 1234 arrived broken!"), assistant("Sorry: we will replace it today.")],
      });
      lines[29] = JSON.stringify({
        messages: [sys, user("Order 98 arrived broken."), assistant("Sorry: we will replace it today.")],
      });
      return lines;
    },
    expected: [
      {
        line: 30,
        code: "near-duplicate",
        severity: "warning",
        message: /^near-duplicate of line 10 \(differs only in numbers, punctuation, case or spacing\)/,
      },
    ],
  },
  {
    name: "contradiction: same input, different answer",
    lines: () => withLine(33, makeLine(11, { answer: "You cannot do that." })),
    expected: [
      {
        line: 33,
        code: "contradiction",
        severity: "error",
        message: /^same input as line 12 but a different answer/,
      },
    ],
  },
  {
    name: "leakage: an eval case's input is a training example",
    lines: () =>
      withLine(34, {
        messages: [
          sys,
          user("My invoice shows the wrong VAT number for our Berlin office."),
          assistant("Edit it under Billing."),
        ],
      }),
    options: {
      evalCases: [
        evalCase(
          "support",
          "vat-1",
          { question: "My invoice shows the wrong VAT number for our Berlin office." },
          "evals/support.jsonl:4",
        ),
      ],
    },
    expected: [
      {
        line: 34,
        code: "leakage",
        severity: "error",
        message:
          /^the input is eval case "vat-1" of suite "support" \(evals\/support\.jsonl:4\): trained on, the case measures memory/,
      },
    ],
  },
  {
    name: "leakage: an eval case's text inside another template",
    lines: () =>
      withLine(35, {
        messages: [
          sys,
          user(
            "Customer wrote: 'We were charged twice for the annual plan in March and the second charge has not been refunded yet' - please help.",
          ),
          assistant("Refund the duplicate charge."),
        ],
      }),
    options: {
      evalCases: [
        evalCase("support", "double-charge", {
          message:
            "We were charged twice for the annual plan in March and the second charge has not been refunded yet.",
        }),
      ],
    },
    expected: [
      {
        line: 35,
        code: "leakage",
        message: /^the input contains eval case "double-charge" of suite "support"/,
      },
    ],
  },
  {
    name: "inconsistent system prompts",
    lines: () => withLine(36, makeLine(35, { system: `${TEST_SYSTEM} Always answer in French.` })),
    expected: [
      {
        line: 36,
        code: "system-prompt-inconsistent",
        severity: "warning",
        message:
          /differs from the one most examples use \(first at line 1, 98% of examples\); 1 example uses this variant/,
      },
    ],
  },
  {
    name: "system prompts that vary everywhere",
    lines: () => makeLines(60).map((_, i) => makeLine(i, { system: `You are agent number ${i}.` })),
    expected: [
      {
        line: null,
        code: "system-prompt-varies",
        message: /the system prompt varies: 60 distinct ones, the most common in 2% of examples/,
      },
    ],
  },
  {
    name: "missing system prompt in some examples",
    lines: () => withLine(37, makeLine(36, { system: null })),
    expected: [
      { line: 37, code: "system-prompt-missing", message: /no system prompt, unlike 59 other examples/ },
    ],
  },
  {
    name: "very short answers where answers are long",
    lines: () => {
      const long =
        "Open Settings, choose Billing, pick the invoice, press Edit, correct the address, save, and download the corrected copy from the same page.";
      const lines = makeLines(60).map((_, i) => makeLine(i, { answer: `${long} (${i})` }));
      lines[41] = makeLine(41, { answer: "Yes." });
      return lines;
    },
    expected: [
      {
        line: 42,
        code: "short-answer",
        message: /very short answer \(at most 3 words\) where answers usually run to 23 words/,
      },
    ],
  },
  {
    name: "a blank line",
    lines: () => withLine(38, ""),
    expected: [{ line: 38, code: "blank-line", severity: "warning", message: /blank line: skipped/ }],
  },
  {
    name: "system message not first",
    lines: () => withLine(39, { messages: [user("hi there"), sys, assistant("hello")] }),
    expected: [
      {
        line: 39,
        code: "system-not-first",
        severity: "warning",
        message: /messages\[1\]: the system message should come first/,
      },
    ],
  },
  {
    name: "deprecated functions",
    lines: () => withLine(41, { functions: [{ name: "get_weather", parameters: {} }], ...makeExample(40) }),
    expected: [
      { line: 41, code: "functions-deprecated", severity: "warning", message: /"functions" is deprecated/ },
    ],
  },
  {
    name: "a line too long to read",
    lines: () => withLine(43, JSON.stringify({ messages: [sys, user("x".repeat(5000)), assistant("ok")] })),
    options: { maxLineChars: 2000 },
    expected: [
      {
        line: 43,
        code: "line-too-long",
        message: /the line is 5,\d{3} characters long, over the 2,000 this check reads/,
      },
    ],
  },
  {
    name: "a preference line in a chat file",
    lines: () => withLine(44, preference("Which plan?", "Pro.", "No idea.")),
    expected: [
      {
        line: 44,
        code: "mixed-formats",
        message: /in the preference format but the file's first example is in the chat format/,
      },
    ],
  },
  {
    name: "preference: identical outputs",
    lines: () => preferenceLines(60, { 5: preference("Which plan?", "Pro.", "Pro.") }),
    expected: [
      {
        line: 5,
        code: "preference-identical",
        message: /"preferred_output" and "non_preferred_output" are the same/,
      },
    ],
  },
  {
    name: "preference: output is not a list of assistant messages",
    lines: () =>
      preferenceLines(60, {
        6: {
          input: { messages: [user("Which plan?")] },
          preferred_output: { role: "assistant", content: "Pro." },
          non_preferred_output: [assistant("No.")],
        },
        7: {
          input: { messages: [user("Which plan?")] },
          preferred_output: [user("Pro.")],
          non_preferred_output: [assistant("No.")],
        },
      }),
    expected: [
      {
        line: 6,
        code: "preference-output-invalid",
        message: /"preferred_output" must be a list holding the assistant's message/,
      },
      { line: 7, code: "preference-output-invalid", message: /"preferred_output" holds a user message/ },
    ],
  },
  {
    name: "preference: no input",
    lines: () =>
      preferenceLines(60, {
        8: { preferred_output: [assistant("Pro.")], non_preferred_output: [assistant("No.")] },
      }),
    expected: [
      {
        line: 8,
        code: "preference-input-invalid",
        message: /"input" must be an object like \{"messages": \[\.\.\.\]\}/,
      },
    ],
  },
  {
    name: "preference: the same pair with the preference reversed",
    lines: () =>
      preferenceLines(60, {
        20: preference("How do I export reports?", "Use Export.", "Call us."),
        30: preference("How do I export reports?", "Call us.", "Use Export."),
      }),
    expected: [{ line: 30, code: "contradiction", message: /^reverses the preference of line 20/ }],
  },
];

function evalCase(suite: string, id: string, vars: Record<string, unknown>, source?: string): EvalCaseRef {
  const c: Case = { id, vars };
  if (source) c.source = source;
  return { suite, case: c };
}

function preference(question: string, good: string, bad: string): object {
  return {
    input: { messages: [sys, user(question)] },
    preferred_output: [assistant(good)],
    non_preferred_output: [assistant(bad)],
  };
}

function preferenceLines(count: number, replace: Record<number, object>): string[] {
  return Array.from({ length: count }, (_, i) => {
    const example = makeExample(i);
    const question = example.messages[1]!.content as string;
    const answer = example.messages[2]!.content as string;
    return JSON.stringify(replace[i + 1] ?? preference(question, answer, "I don't know."));
  });
}

describe("checkTrainingData: malformed and suspicious files", () => {
  it("covers at least 25 files", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(FILES)("$name", async ({ lines, options, expected }) => {
    const report = await check(lines(), options);
    for (const want of expected) {
      const found = report.findings.filter((f) => f.code === want.code);
      expect(found, `no ${want.code} finding; got ${JSON.stringify(report.findings)}`).not.toHaveLength(0);
      const match = found.find((f) => f.line === want.line && want.message.test(f.message));
      expect(
        match,
        `${want.code} at ${want.line} matching ${want.message}; got ${JSON.stringify(found)}`,
      ).toBeDefined();
      if (want.severity) expect(match!.severity).toBe(want.severity);
    }
    const errors = expected.filter((e) => (e.severity ?? "error") === "error" && !isWarningCode(e.code));
    expect(report.status).toBe(errors.length > 0 ? "fail" : "warn");
  });
});

function isWarningCode(code: string): boolean {
  return [
    "unknown-key",
    "few-examples",
    "duplicate",
    "near-duplicate",
    "system-prompt-inconsistent",
    "system-prompt-varies",
    "system-prompt-missing",
    "short-answer",
    "blank-line",
    "system-not-first",
    "functions-deprecated",
  ].includes(code);
}

describe("checkTrainingData: clean data", () => {
  it("passes 60 good chat examples with no findings", async () => {
    const report = await check(makeLines(60));
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({
      status: "pass",
      format: "chat",
      examples: 60,
      invalidLines: 0,
      lines: 60,
    });
  });

  it("passes good preference data", async () => {
    const report = await check(preferenceLines(60, {}));
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ status: "pass", format: "preference", examples: 60 });
  });

  it("reads a byte order mark, CRLF line ends and UTF-8 split across chunks", async () => {
    const text = `\uFEFF${makeLines(60).join("\r\n").replace("How do I change my invoices?", "How do I change my invoices? ✓ café")}\r\n`;
    const bytes = new TextEncoder().encode(text);
    const cut = text.indexOf("✓");
    const at = new TextEncoder().encode(text.slice(0, cut)).length + 1; // inside the 3-byte ✓
    const report = await checkTrainingData(streamOf(bytes.slice(0, at), bytes.slice(at)), {
      file: "crlf.jsonl",
      tokenizer: WORD_TOKENIZER,
      contextLimit: 1000,
    });
    expect(report.findings).toEqual([]);
    expect(report.examples).toBe(60);
  });

  it("accepts tools, tool calls and tool results", async () => {
    const lines = withLine(12, {
      tools: [weatherTool],
      parallel_tool_calls: false,
      messages: [
        sys,
        user("Weather in Paris?"),
        assistant(null, { tool_calls: [weatherCall] }),
        { role: "tool", tool_call_id: "call_1", content: '{"temp": 21}' },
        assistant("It is 21 °C in Paris."),
      ],
    });
    const report = await check(lines);
    expect(report.findings).toEqual([]);
    expect(report.tokens.approximate).toBe(true);
    expect(report.tokens.approximateReason).toContain("tool definitions are counted as their JSON text");
  });
});

describe("checkTrainingData: tokens, epochs and cost", () => {
  it("counts tokens per example with the cookbook's overhead and reports the distribution", async () => {
    // WORD_TOKENIZER: each example is 3 (example) + 3 messages × (3 + 1 role word) + the words of the contents.
    const lines = makeLines(60);
    const report = await check(lines, { epochs: 2, trainingPricePerMTok: 1.5 });
    const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
    const expected = lines.map((l) => {
      const { messages } = JSON.parse(l) as { messages: TestMessage[] };
      return 3 + messages.reduce((n, m) => n + 3 + 1 + words(m.content as string), 0);
    });
    const total = expected.reduce((a, b) => a + b, 0);
    const sorted = [...expected].sort((a, b) => a - b);
    expect(report.tokens).toMatchObject({
      encoding: "test-words",
      approximate: false,
      total,
      billedPerEpoch: total,
      billed: total * 2,
      min: sorted[0],
      max: sorted[sorted.length - 1],
      median: sorted[29],
      p95: sorted[56],
    });
    expect(report.epochs).toEqual({ value: 2, source: "config", rule: "as configured" });
    expect(report.cost).toEqual({
      usd: Math.round(((total * 2) / 1e6) * 1.5 * 10_000) / 10_000,
      pricePerMTok: 1.5,
      priceSource: "configured",
      reason: null,
    });
  });

  it("bills over-long examples at the limit and counts them", async () => {
    const long = JSON.stringify({ messages: [sys, user(Array(500).fill("w").join(" ")), assistant("ok")] });
    const report = await check(withLine(3, long), { contextLimit: 100 });
    expect(report.tokens.overLimit).toBe(1);
    expect(report.tokens.max).toBeGreaterThan(500);
    expect(report.tokens.billedPerEpoch).toBe(report.tokens.total - report.tokens.max! + 100);
  });

  it("uses OpenAI's rule, price and limit for an OpenAI base model", async () => {
    const report = await check(makeLines(60), {
      baseModel: "gpt-4.1-mini-2025-04-14",
      contextLimit: undefined,
    });
    expect(report.epochs).toMatchObject({ value: 3, source: "provider-default" });
    expect(report.tokens.contextLimit).toBe(65_536);
    expect(report.cost.pricePerMTok).toBe(5);
    expect(report.cost.usd).toBe(Math.round((report.tokens.billed / 1e6) * 5 * 10_000) / 10_000);
  });

  it("gives no cost, with the reason, when the price is unknown", async () => {
    const report = await check(makeLines(60), {
      baseModel: "meta-llama/Llama-3.1-8B-Instruct",
      provider: "together",
    });
    expect(report.cost.usd).toBeNull();
    expect(report.cost.reason).toMatch(/Together prices training by model size/);
    expect(report.epochs).toMatchObject({ value: 1, source: "provider-default" });
  });

  it("warns that no limit was checked when the base model's limit is unknown", async () => {
    const report = await check(makeLines(60), { baseModel: "acme/custom-13b", contextLimit: undefined });
    expect(report.tokens.contextLimit).toBeNull();
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        line: null,
        code: "no-context-limit",
        message: expect.stringMatching(/no training context limit is known for acme\/custom-13b/),
      }),
    );
  });
});

describe("checkTrainingData: diff against base", () => {
  it("counts added, removed and changed examples with their lines", async () => {
    const base = makeLines(60);
    const head = makeLines(60);
    head[4] = makeLine(4, { answer: "A new answer for this question." }); // changed
    head[9] = makeLine(200); // example 9 removed, 200 added
    head.push(makeLine(201)); // added
    const report = await checkTrainingData(sourceOf(head), {
      file: "train.jsonl",
      tokenizer: WORD_TOKENIZER,
      contextLimit: 1000,
      baseVersion: sourceOf(base),
      baseFile: "train.jsonl@main",
    });
    expect(report.diff).toEqual({
      baseFile: "train.jsonl@main",
      baseExamples: 60,
      added: 2,
      removed: 1,
      changed: 1,
      unchanged: 58,
      addedLines: [10, 61],
      removedLines: [10],
      changedLines: [{ line: 5, baseLine: 5 }],
    });
  });
});

describe("checkTrainingData: bounded findings", () => {
  it("keeps every count but only the first 50 findings of a code", async () => {
    const lines = [...makeLines(60), ...Array.from({ length: 10_000 }, () => "{not json")];
    const report = await check(lines);
    const invalid = report.findings.filter((f) => f.code === "invalid-json");
    expect(invalid).toHaveLength(50);
    expect(invalid[0]!.line).toBe(61);
    expect(invalid[49]!.line).toBe(110);
    expect(report.findingCounts).toContainEqual({
      code: "invalid-json",
      severity: "error",
      count: 10_000,
      stored: 50,
    });
    expect(report.errorCount).toBe(10_000);
    expect(report.invalidLines).toBe(10_000);
  });

  it("stops remembering inputs past the limit and says the checks are incomplete", async () => {
    const report = await check(makeLines(60), { maxDistinctInputs: 20 });
    expect(report.quality.complete).toBe(false);
    expect(report.quality.capacity).toBe(20);
  });
});
