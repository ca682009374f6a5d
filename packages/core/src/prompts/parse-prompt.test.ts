import { describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import { GITHUB_BUILTIN_RUBRICS } from "./github-evaluators.ts";
import { detectPromptKind, parsePrompt } from "./parse-prompt.ts";

function parseError(file: string, text: string): { code: string; message: string } {
  try {
    parsePrompt(text, file);
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`expected ${file} to be rejected`);
}

const GITHUB_PROMPT = `name: Support triage
description: Classifies a customer ticket and drafts a reply
model: openai/gpt-4o-mini
modelParameters:
  temperature: 0.2
  maxTokens: 400
  topP: 0.9
responseFormat: json_schema
jsonSchema: |-
  {
    "name": "triage",
    "strict": true,
    "schema": {
      "type": "object",
      "properties": { "category": { "type": "string" }, "reply": { "type": "string" } },
      "required": ["category", "reply"],
      "additionalProperties": false
    }
  }
messages:
  - role: system
    content: You triage support tickets for {{product}}.
  - role: user
    content: |
      Ticket from {{customer.name}}:
      {{input}}
testData:
  - input: My invoice is wrong
    product: Acme Billing
    customer:
      name: Ann
    expected: billing
  - input: The app crashes on start
    product: Acme Billing
    customer:
      name: Bo
    expected: bug
evaluators:
  - name: mentions the category
    string:
      contains: "{{expected}}"
  - name: is a JSON object
    string:
      startsWith: "{"
  - name: ends the object
    string:
      endsWith: "}"
  - name: exactly ok
    string:
      equals: ok
  - name: helpful
    llm:
      modelId: openai/gpt-4o
      systemPrompt: You grade support replies.
      prompt: |
        Ticket: {{input}}
        Reply: {{completion}}
        Is the reply helpful? Answer good or bad.
      choices:
        - choice: good
          score: 1
        - choice: bad
          score: 0
  - name: similar to the reference
    uses: github/similarity
`;

describe("parsePrompt: text prompts", () => {
  it("reads front matter (system, model, parameters) and the body as the user message", () => {
    const parsed = parsePrompt(
      [
        "---",
        "name: support",
        "system: You are a support agent for {{product}}.",
        "model: gpt-4o-mini",
        "temperature: 0",
        "max_tokens: 300",
        "stop: END",
        "response_format: json_object",
        "---",
        "",
        "Customer asks: {{question}}",
        "",
      ].join("\n"),
      "prompts/support.md",
    );
    expect(parsed).toEqual({
      name: "support",
      template: {
        kind: "text",
        source: "prompts/support.md",
        model: "gpt-4o-mini",
        params: { temperature: 0, max_tokens: 300, stop: ["END"] },
        responseFormat: { type: "json_object" },
        messages: [
          { role: "system", content: "You are a support agent for {{product}}." },
          { role: "user", content: "Customer asks: {{question}}" },
        ],
      },
    });
  });

  it("reads a file without front matter as one user message, CRLF and BOM included", () => {
    const parsed = parsePrompt("\uFEFFSummarise:\r\n{{text}}\r\n", "prompts/summary.txt");
    expect(parsed.template.messages).toEqual([{ role: "user", content: "Summarise:\n{{text}}" }]);
    expect(parsed.template.kind).toBe("text");
    expect(parsed.template.params).toBeUndefined();
  });
});

describe("parsePrompt: chat YAML", () => {
  it("reads a list of messages", () => {
    const parsed = parsePrompt(
      "- role: system\n  content: Be brief.\n- role: user\n  content: '{{question}}'\n",
      "prompts/chat.yaml",
    );
    expect(parsed.template).toEqual({
      kind: "chat",
      source: "prompts/chat.yaml",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "{{question}}" },
      ],
    });
  });

  it("reads a mapping with messages, model and parameters", () => {
    const parsed = parsePrompt(
      [
        "model: gpt-4.1-mini",
        "temperature: 0.3",
        "seed: 7",
        "messages:",
        "  - role: developer",
        "    content: Answer in French.",
        "  - role: user",
        "    content: Hello",
        "  - role: assistant",
        "    content: Bonjour",
        "  - role: user",
        "    content: '{{question}}'",
      ].join("\n"),
      "prompts/chat.yml",
    );
    expect(parsed.template.model).toBe("gpt-4.1-mini");
    expect(parsed.template.params).toEqual({ temperature: 0.3, seed: 7 });
    expect(parsed.template.messages.map((m) => m.role)).toEqual(["developer", "user", "assistant", "user"]);
  });
});

describe("parsePrompt: GitHub Models .prompt.yml", () => {
  const parsed = parsePrompt(GITHUB_PROMPT, "prompts/triage.prompt.yml");

  it("reads the template: model kept as written, modelHint without publisher, parameters renamed", () => {
    expect(parsed.name).toBe("Support triage");
    expect(parsed.description).toBe("Classifies a customer ticket and drafts a reply");
    expect(parsed.template.kind).toBe("github-models");
    expect(parsed.template.model).toBe("openai/gpt-4o-mini");
    expect(parsed.template.modelHint).toBe("gpt-4o-mini");
    expect(parsed.template.params).toEqual({ temperature: 0.2, max_tokens: 400, top_p: 0.9 });
    expect(parsed.template.messages).toEqual([
      { role: "system", content: "You triage support tickets for {{product}}." },
      { role: "user", content: "Ticket from {{customer.name}}:\n{{input}}\n" },
    ]);
  });

  it("turns responseFormat json_schema and jsonSchema into an OpenAI response_format", () => {
    expect(parsed.template.responseFormat).toEqual({
      type: "json_schema",
      json_schema: {
        name: "triage",
        strict: true,
        schema: {
          type: "object",
          properties: { category: { type: "string" }, reply: { type: "string" } },
          required: ["category", "reply"],
          additionalProperties: false,
        },
      },
    });
  });

  it("wraps a bare jsonSchema mapping, naming it after the prompt", () => {
    const bare = parsePrompt(
      "name: People finder\nresponseFormat: json_schema\njsonSchema:\n  type: object\nmessages:\n  - role: user\n    content: hi\n",
      "p.prompt.yaml",
    );
    expect(bare.template.responseFormat).toEqual({
      type: "json_schema",
      json_schema: { name: "People_finder", schema: { type: "object" } },
    });
  });

  it("turns testData rows into cases: expected is the expected value, other keys are vars", () => {
    expect(parsed.cases).toHaveLength(2);
    expect(parsed.cases?.[0]).toMatchObject({
      vars: { input: "My invoice is wrong", product: "Acme Billing", customer: { name: "Ann" } },
      expected: "billing",
      source: "prompts/triage.prompt.yml:28",
    });
    expect(parsed.cases?.[0]?.id).toMatch(/^[0-9a-f]{10}$/);
    expect(parsed.cases?.[1]?.id).not.toBe(parsed.cases?.[0]?.id);
  });

  it("maps string, llm and github/* evaluators to scorer configs", () => {
    expect(parsed.scorers).toEqual([
      { name: "mentions the category", contains: "{{expected}}" },
      { name: "is a JSON object", startsWith: "{" },
      { name: "ends the object", endsWith: "}" },
      { name: "exactly ok", exact: "ok" },
      {
        name: "helpful",
        judge: {
          prompt: "Ticket: {{input}}\nReply: {{completion}}\nIs the reply helpful? Answer good or bad.\n",
          system: "You grade support replies.",
          choices: [
            { choice: "good", score: 1 },
            { choice: "bad", score: 0 },
          ],
          model: "openai/gpt-4o",
        },
      },
      {
        name: "similar to the reference",
        judge: {
          rubric: GITHUB_BUILTIN_RUBRICS.similarity,
          choices: [
            { choice: "1", score: 0 },
            { choice: "2", score: 0.25 },
            { choice: "3", score: 0.5 },
            { choice: "4", score: 0.75 },
            { choice: "5", score: 1 },
          ],
        },
      },
    ]);
  });

  it.each(["similarity", "coherence", "fluency", "relevance", "groundedness"])(
    "has a rubric for github/%s describing a 1-5 scale",
    (name) => {
      const parsedBuiltin = parsePrompt(
        `messages:\n  - role: user\n    content: hi\nevaluators:\n  - name: e\n    uses: github/${name}\n`,
        "e.prompt.yml",
      );
      const judge = parsedBuiltin.scorers?.[0]?.judge as { rubric: string } | undefined;
      const rubric = judge?.rubric ?? "";
      expect(rubric.toLowerCase()).toContain(name === "similarity" ? "similar" : name);
      for (const rating of ["1", "2", "3", "4", "5"])
        expect(rubric).toMatch(new RegExp(`^${rating}\\b`, "m"));
    },
  );

  it("reads role names in any case, as GitHub Models did", () => {
    const p = parsePrompt("messages:\n  - role: User\n    content: hi\n", "x.prompt.yml");
    expect(p.template.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(p.template.model).toBeUndefined();
  });
});

describe("detectPromptKind", () => {
  it.each([
    ["a/b.prompt.yml", "github-models"],
    ["a/b.PROMPT.YAML", "github-models"],
    ["a/b.yaml", "chat"],
    ["a/b.yml", "chat"],
    ["a/b.md", "text"],
    ["a/b.txt", "text"],
    ["a/b", "text"],
  ])("%s is %s", (file, kind) => {
    expect(detectPromptKind(file)).toBe(kind);
  });
});

const MD = "prompts/a.md";
const CHAT = "prompts/c.yaml";
const GH = "prompts/g.prompt.yml";
const GH_MESSAGES = "messages:\n  - role: user\n    content: hi\n";

describe("parsePrompt: malformed files name the file, the line and the path", () => {
  it.each([
    [
      "unknown front matter key, with did-you-mean",
      MD,
      "---\ntemprature: 0.2\n---\nHi",
      `${MD}:2: temprature: unknown front matter key "temprature" (did you mean "temperature"?)`,
    ],
    [
      "camelCase parameter in front matter",
      MD,
      "---\nsystem: s\nmaxTokens: 5\n---\nHi",
      `${MD}:3: maxTokens: unknown front matter key "maxTokens" (did you mean "max_tokens"?)`,
    ],
    [
      "out-of-range parameter",
      MD,
      "---\nmodel: m\ntop_p: 3\n---\nHi",
      `${MD}:3: top_p: must be a number from 0 to 1, got the number 3`,
    ],
    [
      "non-integer max_tokens",
      MD,
      "---\nmax_tokens: 1.5\n---\nHi",
      `${MD}:2: max_tokens: must be a whole number of at least 1, got the number 1.5`,
    ],
    [
      "bad stop value",
      MD,
      "---\nstop: [1, 2]\n---\nHi",
      `${MD}:2: stop: must be a stop sequence or a list of them`,
    ],
    [
      "unclosed front matter",
      MD,
      "---\nsystem: s\nHello",
      `${MD}:1: front matter opened with --- on line 1 is never closed`,
    ],
    ["empty body after front matter", MD, "---\nsystem: s\n---\n\n", `${MD}:4: the prompt body is empty`],
    ["empty text file", MD, "  \n", `${MD}:1: the prompt file is empty`],
    [
      "front matter YAML syntax error",
      MD,
      "---\nsystem: s\n  bad: indent\n---\nHi",
      `${MD}:2: invalid YAML (column 9)`,
    ],
    [
      "bad response_format type",
      MD,
      "---\nresponse_format:\n  type: xml\n---\nHi",
      `${MD}:3: response_format.type: must be one of text, json_object, json_schema, got "xml"`,
    ],
    [
      "misspelt role in a message list",
      CHAT,
      "- role: system\n  content: s\n- role: usr\n  content: hi\n",
      `${CHAT}:3: [1].role: unknown role "usr" (did you mean "user"?)`,
    ],
    [
      "misspelt role under messages",
      CHAT,
      "model: m\nmessages:\n  - role: system\n    content: s\n  - role: user\n    content: a\n  - role: usr\n    content: b\n",
      `${CHAT}:7: messages[2].role: unknown role "usr" (did you mean "user"?)`,
    ],
    [
      "non-text content",
      CHAT,
      "- role: user\n  content:\n    - type: text\n",
      `${CHAT}:3: [0].content: must be text, got a list`,
    ],
    [
      "unknown message key",
      CHAT,
      "- role: user\n  contnet: hi\n",
      `${CHAT}:2: [0].contnet: unknown key "contnet" (did you mean "content"?)`,
    ],
    ["missing messages", CHAT, "model: m\ntemperature: 0\n", `${CHAT}:1: missing messages`],
    ["empty message list", CHAT, "messages: []\n", `${CHAT}:1: messages: has no messages`],
    [
      "GitHub Models keys in a plain chat file",
      CHAT,
      `${GH_MESSAGES}testData: []\n`,
      `${CHAT}:4: testData: unknown key "testData"; this looks like a GitHub Models prompt file: name it *.prompt.yml`,
    ],
    [
      "unquoted {{var}} read by YAML as a mapping",
      CHAT,
      "- role: system\n  content: s\n- role: user\n  content: {{question}}\n",
      `${CHAT}:4: YAML reads a value starting with "{{" as a mapping: quote it`,
    ],
    ["YAML syntax error", CHAT, "- role: user\n  content: [unclosed\n", `${CHAT}:`],
    [
      "unknown GitHub Models parameter",
      GH,
      `modelParameters:\n  maxToken: 5\n${GH_MESSAGES}`,
      `${GH}:2: modelParameters.maxToken: unknown model parameter "maxToken" (did you mean "maxTokens"?)`,
    ],
    [
      "unknown top-level key",
      GH,
      `${GH_MESSAGES}evaluator: []\n`,
      `${GH}:4: evaluator: unknown key "evaluator" (did you mean "evaluators"?)`,
    ],
    [
      "misspelt string evaluator",
      GH,
      `${GH_MESSAGES}evaluators:\n  - name: e\n    string:\n      contanis: x\n`,
      `${GH}:7: evaluators[0].string.contanis: unknown key "contanis" (did you mean "contains"?)`,
    ],
    [
      "unknown built-in evaluator",
      GH,
      `${GH_MESSAGES}evaluators:\n  - name: e\n    uses: github/similarty\n`,
      `${GH}:6: evaluators[0].uses: unknown evaluator "github/similarty" (did you mean "github/similarity"?)`,
    ],
    [
      "judge choice score out of range",
      GH,
      `${GH_MESSAGES}evaluators:\n  - name: e\n    llm:\n      prompt: p\n      choices:\n        - choice: good\n          score: 2\n`,
      `${GH}:10: evaluators[0].llm.choices[0].score: must be a number from 0 to 1, got the number 2`,
    ],
    [
      "judge without prompt",
      GH,
      `${GH_MESSAGES}evaluators:\n  - name: e\n    llm:\n      choices: [{ choice: a, score: 1 }]\n`,
      `${GH}:6: evaluators[0].llm.prompt: must be the judge's prompt`,
    ],
    [
      "evaluator doing two things",
      GH,
      `${GH_MESSAGES}evaluators:\n  - name: e\n    uses: github/fluency\n    string:\n      contains: x\n`,
      `${GH}:5: evaluators[0]: has string and uses: an evaluator does one of string, llm or uses`,
    ],
    [
      "duplicate evaluator names",
      GH,
      `${GH_MESSAGES}evaluators:\n  - name: e\n    uses: github/fluency\n  - name: e\n    uses: github/coherence\n`,
      `${GH}:7: evaluators[1].name: "e" is also the name of evaluators[0]: names must be unique`,
    ],
    [
      "json_schema without jsonSchema",
      GH,
      `responseFormat: json_schema\n${GH_MESSAGES}`,
      `${GH}:1: responseFormat: json_schema needs a jsonSchema key`,
    ],
    [
      "misspelt response format",
      GH,
      `responseFormat: json_objct\n${GH_MESSAGES}`,
      `${GH}:1: responseFormat: unknown response format "json_objct" (did you mean "json_object"?)`,
    ],
    [
      "jsonSchema that is not JSON",
      GH,
      `responseFormat: json_schema\njsonSchema: "{nope"\n${GH_MESSAGES}`,
      `${GH}:2: jsonSchema: is not valid JSON`,
    ],
    [
      "testData that is not a list",
      GH,
      `${GH_MESSAGES}testData:\n  input: x\n`,
      `${GH}:5: testData: must be a list of rows`,
    ],
    [
      "testData row with a bad id",
      GH,
      `${GH_MESSAGES}testData:\n  - input: x\n  - id: [1]\n    input: y\n`,
      `${GH}:6: testData[1].id: must be text or a number, got a list`,
    ],
    ["GitHub Models file without messages", GH, "model: openai/gpt-4o\n", `${GH}:1: missing messages`],
  ])("%s", (_label, file, text, expected) => {
    const error = parseError(file, text);
    expect(error.code).toBe("PROMPT_INVALID");
    expect(error.message).toContain(expected);
  });

  it("reports every problem in one error, in line order", () => {
    const error = parseError(CHAT, "- role: usr\n  content: a\n- role: user\n  content: 3\n");
    expect(error.message).toBe(
      [
        `${CHAT}: invalid prompt file`,
        `  ${CHAT}:1: [0].role: unknown role "usr" (did you mean "user"?); use one of system, developer, user, assistant`,
        `  ${CHAT}:4: [1].content: must be text, got the number 3; quote it if it should be text`,
      ].join("\n"),
    );
  });
});
