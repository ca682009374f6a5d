import { formatDidYouMean, suggestClosest } from "../text/suggest.ts";
import type { DataFindingSeverity } from "./findings.ts";
import { TOKENS_PER_EXAMPLE, TOKENS_PER_MESSAGE, TOKENS_PER_NAME } from "./tokens.ts";
import { describeValue, isRecord } from "./values.ts";

/**
 * Reading one line of fine-tuning data: the format checks of OpenAI's chat fine-tuning JSONL (which Together,
 * Fireworks, Azure and most trainers accept as is) and of its preference (DPO) format, and the parts of an
 * example the dataset-wide checks need. References: OpenAI's supervised fine-tuning and direct preference
 * optimization guides (developers.openai.com), the cookbook's Chat_finetuning_data_prep notebook (the format
 * errors it counts), OpenAI's API schema for fine-tuning input lines (`FineTuneChatRequestInput`: assistant
 * `weight` 0 or 1, `tools`, `parallel_tool_calls`, deprecated `functions`; `FineTunePreferenceRequestInput`:
 * `input`, `preferred_output`, `non_preferred_output`), and Fireworks' SFT format (a system message, if any,
 * comes first).
 */

/** The two training formats promptfirst reads. */
export type TrainingFormat = "chat" | "preference";

/** What the dataset-wide checks need from one valid example. */
export interface ExampleView {
  format: TrainingFormat;
  /** Canonical text of what the model sees before its answer: every message before the learned answer. */
  input: string;
  /** Canonical text of what is learned: the final assistant message (the preferred output, for preference). */
  answer: string;
  /** `input` in parts (joined, they are `input`), so that it can be hashed without being joined. */
  inputParts: string[];
  /** `answer` in parts. */
  answerParts: string[];
  /** The first system message's text, if any. */
  system: string | undefined;
  /** Every user message's text, joined by line breaks. */
  userText: string;
  /** The last user message's text. */
  lastUserText: string;
  /** Words in the answer's text (at most 1,000 counted); -1 when the answer is a tool call. */
  answerWords: number;
  /** Tokens of the whole example, counted the cookbook's way. */
  tokens: number;
  /** Whether the example declares tools or functions (whose token count is an estimate). */
  hasTools: boolean;
}

/** What `readTrainingExample` needs from its caller. */
export interface ReadExampleContext {
  /** The format of the file's first valid example; a line in the other format is an error. */
  expected: TrainingFormat | undefined;
  /** Report a problem with this line. */
  report: (code: string, severity: DataFindingSeverity, message: string) => void;
  /** Count the tokens of a text (called on each message part once). */
  countTokens: (text: string) => number;
  /** Count the tokens of a text that recurs across examples (system prompts, tool definitions), memoized. */
  countRecurringTokens: (text: string) => number;
}

const CHAT_KEYS = ["messages", "tools", "functions", "parallel_tool_calls"];
const PREFERENCE_KEYS = ["input", "preferred_output", "non_preferred_output"];
const PREFERENCE_INPUT_KEYS = ["messages", "tools", "parallel_tool_calls"];
const ROLES = ["system", "user", "assistant", "tool", "function"];
const COMMON_MESSAGE_KEYS = ["role", "content", "name"];
const MESSAGE_KEYS: Record<string, string[]> = {
  system: COMMON_MESSAGE_KEYS,
  user: COMMON_MESSAGE_KEYS,
  assistant: [...COMMON_MESSAGE_KEYS, "weight", "tool_calls", "function_call", "refusal"],
  tool: [...COMMON_MESSAGE_KEYS, "tool_call_id"],
  function: COMMON_MESSAGE_KEYS,
};
const SEP = "\u0001";
const END = "\u0002";

/** A message as read: its canonical text and what the example needs to know about it. */
interface ReadMessage {
  role: string;
  text: string;
  name: string;
  callsText: string;
  canonical: string;
  tokens: number;
  weight: number | undefined;
  calls: string[];
  hasCall: boolean;
}

interface LineState {
  ok: boolean;
  ctx: ReadExampleContext;
}

function fail(state: LineState, code: string, message: string): void {
  state.ok = false;
  state.ctx.report(code, "error", message);
}

function warn(state: LineState, code: string, message: string): void {
  state.ctx.report(code, "warning", message);
}

/**
 * Check one parsed JSON line of training data and return what the dataset-wide checks need, or `undefined` when
 * the line has errors (each reported through `ctx.report` with a message that says what to do).
 */
export function readTrainingExample(value: unknown, ctx: ReadExampleContext): ExampleView | undefined {
  const state: LineState = { ok: true, ctx };
  if (!isRecord(value)) {
    fail(
      state,
      "not-an-object",
      `each line must be one example object like {"messages": [...]}, got ${describeValue(value)}`,
    );
    return undefined;
  }
  const format = detectTrainingFormat(value);
  if (format === undefined) {
    reportUnknownFormat(value, state);
    return undefined;
  }
  if (ctx.expected !== undefined && format !== ctx.expected) {
    fail(state, "mixed-formats", formatMixedFormatsMessage(format, ctx.expected));
    return undefined;
  }
  return format === "chat" ? readChatExample(value, state) : readPreferenceExample(value, state);
}

/** The message of a line in the other format than the file's first example (`mixed-formats`). */
export function formatMixedFormatsMessage(format: TrainingFormat, expected: TrainingFormat): string {
  return `this line is in the ${format} format but the file's first example is in the ${expected} format: one file holds one format`;
}

/** The format a line's object is in, by its keys (`undefined`: neither; the line is then reported). */
export function detectTrainingFormat(value: Record<string, unknown>): TrainingFormat | undefined {
  if ("messages" in value) return "chat";
  if ("input" in value || "preferred_output" in value || "non_preferred_output" in value) return "preference";
  return undefined;
}

function reportUnknownFormat(value: Record<string, unknown>, state: LineState): void {
  const keys = Object.keys(value);
  if ("prompt" in value || "completion" in value) {
    fail(
      state,
      "legacy-format",
      'this is the legacy {"prompt", "completion"} format: chat fine-tuning needs {"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}',
    );
    return;
  }
  const close = keys.map((k) =>
    suggestClosest(k, [...CHAT_KEYS, ...PREFERENCE_KEYS], { matchPrefix: false }),
  );
  const hint = close.find((s) => s !== undefined);
  const found = keys.length === 0 ? "an empty object" : `keys ${keys.map((k) => `"${k}"`).join(", ")}`;
  fail(
    state,
    "missing-messages",
    `no "messages" list (found ${found}${hint ? `; did you mean "${hint}"?` : ""}): each line needs {"messages": [...]}, or {"input", "preferred_output", "non_preferred_output"} for preference data`,
  );
}

/** Report keys the format does not define: an error when one is a misspelling of a missing key, else a warning. */
function checkKeys(value: Record<string, unknown>, allowed: string[], where: string, state: LineState): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const suggestion = suggestClosest(key, allowed, { matchPrefix: false });
    if (suggestion !== undefined && !(suggestion in value)) {
      fail(
        state,
        "misspelt-key",
        `${where}unknown key "${key}" (did you mean "${suggestion}"?): as written, its value is not used`,
      );
    } else {
      warn(
        state,
        "unknown-key",
        `${where}unknown key "${key}": fine-tuning APIs ignore or reject keys other than ${allowed.map((k) => `"${k}"`).join(", ")}`,
      );
    }
  }
}

function readChatExample(value: Record<string, unknown>, state: LineState): ExampleView | undefined {
  checkKeys(value, CHAT_KEYS, "", state);
  const { ctx } = state;
  const toolNames = readToolDefinitions(value, "", state);
  const raw = value.messages;
  if (!Array.isArray(raw)) {
    fail(state, "messages-not-list", `"messages" must be a list of messages, got ${describeValue(raw)}`);
    return undefined;
  }
  if (raw.length === 0) {
    fail(
      state,
      "messages-empty",
      '"messages" is empty: add the conversation, ending with the assistant\'s answer',
    );
    return undefined;
  }
  const messages = readMessageList(raw, "messages", toolNames, state, { allowWeight: true });
  if (!messages) return undefined;

  const assistantIndexes: number[] = [];
  for (const [i, m] of messages.entries()) if (m.role === "assistant") assistantIndexes.push(i);
  if (assistantIndexes.length === 0) {
    fail(
      state,
      "no-assistant",
      "no assistant message: nothing would be learned; end the example with the answer as an assistant message",
    );
    return undefined;
  }
  const last = messages[messages.length - 1]!;
  if (last.role !== "assistant") {
    fail(
      state,
      "last-not-assistant",
      `the example ends with a ${last.role} message after the last assistant answer: what follows the last assistant message is never learned; end each example with the answer`,
    );
  }
  if (assistantIndexes.every((i) => messages[i]!.weight === 0)) {
    fail(
      state,
      "nothing-learned",
      'every assistant message has "weight": 0, so nothing is learned from this example: give the answer weight 1 (or drop "weight")',
    );
  }
  if (!state.ok) return undefined;

  const answerIndex = assistantIndexes[assistantIndexes.length - 1]!;
  const answer = messages[answerIndex]!;
  let input = "";
  const inputParts: string[] = [];
  if (toolNames.definitionsText) inputParts.push(toolNames.definitionsText, END);
  for (let i = 0; i < answerIndex; i++) {
    const m = messages[i]!;
    input += m.canonical;
    pushCanonicalParts(inputParts, m);
  }
  let tokens = TOKENS_PER_EXAMPLE;
  for (const m of messages) tokens += m.tokens;
  if (toolNames.definitionsText) tokens += ctx.countRecurringTokens(toolNames.definitionsText);
  return {
    format: "chat",
    input: toolNames.definitionsText ? `${toolNames.definitionsText}${END}${input}` : input,
    answer: answer.canonical,
    inputParts,
    answerParts: pushCanonicalParts([], answer),
    ...summarizeMessages(messages.slice(0, answerIndex)),
    answerWords: answer.hasCall ? -1 : countWords(answer.text),
    tokens,
    hasTools: toolNames.declared,
  };
}

function readPreferenceExample(value: Record<string, unknown>, state: LineState): ExampleView | undefined {
  checkKeys(value, PREFERENCE_KEYS, "", state);
  const { ctx } = state;
  const input = value.input;
  if (!isRecord(input)) {
    fail(
      state,
      "preference-input-invalid",
      `"input" must be an object like {"messages": [...]} holding the prompt, got ${describeValue(input)}`,
    );
    return undefined;
  }
  checkKeys(input, PREFERENCE_INPUT_KEYS, "input: ", state);
  const toolNames = readToolDefinitions(input, "input.", state);
  if (!Array.isArray(input.messages) || input.messages.length === 0) {
    fail(
      state,
      "preference-input-invalid",
      `"input.messages" must be a non-empty list of messages (the prompt), got ${describeValue(input.messages)}`,
    );
    return undefined;
  }
  const messages = readMessageList(input.messages, "input.messages", toolNames, state, {
    allowWeight: false,
  });
  const preferred = readPreferenceOutput(value.preferred_output, "preferred_output", toolNames, state);
  const rejected = readPreferenceOutput(value.non_preferred_output, "non_preferred_output", toolNames, state);
  if (!messages || !preferred || !rejected) return undefined;
  if (messages[messages.length - 1]!.role === "assistant") {
    warn(
      state,
      "preference-input-ends-with-assistant",
      '"input.messages" ends with an assistant message: the prompt usually ends with the user turn both outputs answer',
    );
  }
  if (preferred.canonical === rejected.canonical) {
    fail(
      state,
      "preference-identical",
      '"preferred_output" and "non_preferred_output" are the same, so there is no preference to learn',
    );
    return undefined;
  }
  if (!state.ok) return undefined;
  let tokens = TOKENS_PER_EXAMPLE + preferred.tokens + rejected.tokens;
  for (const m of messages) tokens += m.tokens;
  if (toolNames.definitionsText) tokens += ctx.countRecurringTokens(toolNames.definitionsText);
  let inputText = "";
  for (const m of messages) inputText += m.canonical;
  if (toolNames.definitionsText) inputText = `${toolNames.definitionsText}${END}${inputText}`;
  // The pair is part of the identity: the same prompt may carry several pairs, but never both orders.
  const identity = `${inputText}${END}${preferred.canonical < rejected.canonical ? preferred.canonical + END + rejected.canonical : rejected.canonical + END + preferred.canonical}`;
  return {
    format: "preference",
    input: identity,
    answer: preferred.canonical,
    inputParts: [identity],
    answerParts: [preferred.canonical],
    ...summarizeMessages(messages),
    answerWords: preferred.hasCall ? -1 : countWords(preferred.text),
    tokens,
    hasTools: toolNames.declared,
  };
}

function readPreferenceOutput(
  value: unknown,
  key: string,
  tools: ToolNames,
  state: LineState,
): { canonical: string; text: string; tokens: number; hasCall: boolean } | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    fail(
      state,
      "preference-output-invalid",
      `"${key}" must be a list holding the assistant's message, like [{"role": "assistant", "content": "..."}], got ${describeValue(value)}`,
    );
    return undefined;
  }
  const messages = readMessageList(value, key, tools, state, { allowWeight: false });
  if (!messages) return undefined;
  const notAssistant = messages.find((m) => m.role !== "assistant" && m.role !== "tool");
  if (notAssistant) {
    fail(
      state,
      "preference-output-invalid",
      `"${key}" holds a ${notAssistant.role} message: outputs are assistant (or tool) messages only`,
    );
    return undefined;
  }
  let canonical = "";
  let tokens = 0;
  for (const m of messages) {
    canonical += m.canonical;
    tokens += m.tokens;
  }
  const last = messages[messages.length - 1]!;
  return { canonical, text: last.text, tokens, hasCall: last.hasCall };
}

/** Push a message's canonical text (`ReadMessage.canonical`) in its parts. */
function pushCanonicalParts(parts: string[], m: ReadMessage): string[] {
  parts.push(m.role, SEP, m.name, SEP, m.text, SEP, m.callsText, END);
  return parts;
}

function summarizeMessages(messages: readonly ReadMessage[]): {
  system: string | undefined;
  userText: string;
  lastUserText: string;
} {
  let system: string | undefined;
  let userText = "";
  let lastUserText = "";
  for (const m of messages) {
    if (m.role === "system" && system === undefined) system = m.text;
    else if (m.role === "user") {
      userText = userText ? `${userText}\n${m.text}` : m.text;
      lastUserText = m.text;
    }
  }
  return { system, userText, lastUserText };
}

/** Counts whitespace-separated words, up to 1,000. */
function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length && words < 1000; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

interface ToolNames {
  names: Set<string>;
  declared: boolean;
  definitionsText: string;
}

/** Check `tools` (and deprecated `functions`) and return the function names they declare. */
function readToolDefinitions(value: Record<string, unknown>, prefix: string, state: LineState): ToolNames {
  const result: ToolNames = { names: new Set(), declared: false, definitionsText: "" };
  if (value.tools !== undefined) {
    result.declared = true;
    if (!Array.isArray(value.tools)) {
      fail(
        state,
        "tools-invalid",
        `"${prefix}tools" must be a list of tool definitions, got ${describeValue(value.tools)}`,
      );
    } else {
      for (const [i, tool] of value.tools.entries()) {
        const at = `${prefix}tools[${i}]`;
        const fn = isRecord(tool) ? tool.function : undefined;
        if (!isRecord(tool) || tool.type !== "function" || !isRecord(fn)) {
          fail(
            state,
            "tools-invalid",
            `"${at}" must be {"type": "function", "function": {"name": ..., "parameters": {...}}}, got ${describeValue(tool)}`,
          );
          continue;
        }
        if (typeof fn.name !== "string" || fn.name === "") {
          fail(
            state,
            "tools-invalid",
            `"${at}.function.name" must be the function's name, got ${describeValue(fn.name)}`,
          );
          continue;
        }
        if (fn.parameters !== undefined && !isRecord(fn.parameters)) {
          fail(
            state,
            "tools-invalid",
            `"${at}.function.parameters" must be a JSON Schema object, got ${describeValue(fn.parameters)}`,
          );
        }
        result.names.add(fn.name);
      }
      result.definitionsText = JSON.stringify(value.tools);
    }
  }
  if (value.functions !== undefined) {
    result.declared = true;
    warn(
      state,
      "functions-deprecated",
      `"${prefix}functions" is deprecated in fine-tuning data: declare them as "tools" ({"type": "function", "function": {...}})`,
    );
    if (!Array.isArray(value.functions)) {
      fail(
        state,
        "tools-invalid",
        `"${prefix}functions" must be a list of function definitions, got ${describeValue(value.functions)}`,
      );
    } else {
      for (const [i, fn] of value.functions.entries()) {
        if (!isRecord(fn) || typeof fn.name !== "string" || fn.name === "") {
          fail(
            state,
            "tools-invalid",
            `"${prefix}functions[${i}]" must be {"name": ..., "parameters": {...}}, got ${describeValue(fn)}`,
          );
          continue;
        }
        result.names.add(fn.name);
      }
      result.definitionsText += JSON.stringify(value.functions);
    }
  }
  if (value.parallel_tool_calls !== undefined && typeof value.parallel_tool_calls !== "boolean") {
    fail(
      state,
      "tools-invalid",
      `"${prefix}parallel_tool_calls" must be true or false, got ${describeValue(value.parallel_tool_calls)}`,
    );
  }
  return result;
}

/** Read and check a list of messages; `undefined` when any message is invalid (each problem reported). */
function readMessageList(
  raw: unknown[],
  key: string,
  tools: ToolNames,
  state: LineState,
  options: { allowWeight: boolean },
): ReadMessage[] | undefined {
  const messages: ReadMessage[] = [];
  let valid = true;
  for (const [index, item] of raw.entries()) {
    const message = readMessage(item, `${key}[${index}]`, tools, state, options);
    if (message) messages.push(message);
    else valid = false;
  }
  if (!valid) return undefined;
  const systemAt = messages.findIndex((m) => m.role === "system");
  if (systemAt > 0) {
    warn(
      state,
      "system-not-first",
      `${key}[${systemAt}]: the system message should come first; some providers reject a system message anywhere else`,
    );
  }
  return messages;
}

function readMessage(
  item: unknown,
  at: string,
  tools: ToolNames,
  state: LineState,
  options: { allowWeight: boolean },
): ReadMessage | undefined {
  const { ctx } = state;
  if (!isRecord(item)) {
    fail(
      state,
      "message-not-object",
      `${at}: each message must be an object {"role", "content"}, got ${describeValue(item)}`,
    );
    return undefined;
  }
  const role = item.role;
  if (typeof role !== "string") {
    fail(
      state,
      "missing-role",
      `${at}: ${role === undefined ? "has no role" : `role must be a string, got ${describeValue(role)}`}: use system, user, assistant or tool`,
    );
    return undefined;
  }
  if (!ROLES.includes(role)) {
    const hint =
      role === "developer"
        ? ': fine-tuning data takes the instructions as a "system" message'
        : `${formatDidYouMean(role, ROLES)}: use system, user, assistant or tool`;
    fail(state, "unknown-role", `${at}: unknown role "${role}"${hint}`);
    return undefined;
  }
  let ok = true;
  const allowed = MESSAGE_KEYS[role]!;
  for (const key of Object.keys(item)) {
    if (allowed.includes(key)) continue;
    ok = false;
    if (key === "weight") {
      fail(
        state,
        "weight-not-assistant",
        `${at}: "weight" is only allowed on assistant messages (it says whether that answer is learned), not on a ${role} message`,
      );
    } else {
      fail(
        state,
        "unknown-message-key",
        `${at}: unknown key "${key}"${formatDidYouMean(key, allowed, { matchPrefix: false })} in a ${role} message: allowed are ${allowed.map((k) => `"${k}"`).join(", ")}`,
      );
    }
  }
  let weight: number | undefined;
  if (role === "assistant" && item.weight !== undefined) {
    if (!options.allowWeight) {
      fail(state, "weight-invalid", `${at}: "weight" has no meaning here: remove it`);
      ok = false;
    } else if (item.weight !== 0 && item.weight !== 1) {
      fail(
        state,
        "weight-invalid",
        `${at}: "weight" must be 0 (not learned) or 1 (learned), got ${describeValue(item.weight)}`,
      );
      ok = false;
    } else weight = item.weight;
  }

  const calls: string[] = [];
  let callsText = "";
  if (role === "assistant") {
    if (item.tool_calls !== undefined) {
      callsText = readToolCalls(item.tool_calls, at, tools, calls, state);
      if (callsText === "") ok = false;
    }
    if (item.function_call !== undefined) {
      const fc = item.function_call;
      if (!isRecord(fc) || typeof fc.name !== "string" || typeof fc.arguments !== "string") {
        fail(
          state,
          "tool-calls-invalid",
          `${at}.function_call must be {"name": ..., "arguments": "<JSON text>"}, got ${describeValue(fc)}`,
        );
        ok = false;
      } else {
        calls.push(fc.name);
        callsText += JSON.stringify(fc);
        checkCalledFunction(fc.name, at, tools, state);
      }
    }
  }
  if (role === "tool" && (typeof item.tool_call_id !== "string" || item.tool_call_id === "")) {
    fail(
      state,
      "tool-message-invalid",
      `${at}: a tool message needs "tool_call_id", the id of the assistant's tool call it answers`,
    );
    ok = false;
  }
  if (item.name !== undefined && typeof item.name !== "string") {
    fail(state, "content-type", `${at}: "name" must be a string, got ${describeValue(item.name)}`);
    ok = false;
  }

  const text = readContent(item.content, at, role, calls.length > 0, state);
  if (text === undefined) return undefined;
  if (!ok) return undefined;

  const name = typeof item.name === "string" ? item.name : "";
  let tokens = TOKENS_PER_MESSAGE + roleTokens(role, ctx);
  if (text) tokens += role === "system" ? ctx.countRecurringTokens(text) : ctx.countTokens(text);
  if (name) tokens += ctx.countTokens(name) + TOKENS_PER_NAME;
  if (callsText) tokens += ctx.countTokens(callsText);
  return {
    role,
    text,
    name,
    callsText,
    canonical: `${role}${SEP}${name}${SEP}${text}${SEP}${callsText}${END}`,
    tokens,
    weight,
    calls,
    hasCall: calls.length > 0,
  };
}

const roleTokenCache = new WeakMap<ReadExampleContext, Map<string, number>>();

function roleTokens(role: string, ctx: ReadExampleContext): number {
  let cache = roleTokenCache.get(ctx);
  if (!cache) {
    cache = new Map();
    roleTokenCache.set(ctx, cache);
  }
  let n = cache.get(role);
  if (n === undefined) {
    n = ctx.countTokens(role);
    cache.set(role, n);
  }
  return n;
}

function checkCalledFunction(name: string, at: string, tools: ToolNames, state: LineState): void {
  if (!tools.declared) {
    fail(
      state,
      "tool-calls-without-tools",
      `${at}: calls "${name}" but the example declares no "tools": add the definitions of the tools the model was given, as it will be at inference`,
    );
  } else if (!tools.names.has(name)) {
    fail(
      state,
      "tool-call-unknown-function",
      `${at}: calls "${name}", which the example's "tools" do not define${formatDidYouMean(name, [...tools.names])}`,
    );
  }
}

/** Check `tool_calls`; returns their canonical text, or "" when invalid. */
function readToolCalls(
  value: unknown,
  at: string,
  tools: ToolNames,
  calls: string[],
  state: LineState,
): string {
  if (!Array.isArray(value) || value.length === 0) {
    fail(
      state,
      "tool-calls-invalid",
      `${at}.tool_calls must be a non-empty list of calls, got ${describeValue(value)}`,
    );
    return "";
  }
  let ok = true;
  for (const [i, call] of value.entries()) {
    const where = `${at}.tool_calls[${i}]`;
    const fn = isRecord(call) ? call.function : undefined;
    if (
      !isRecord(call) ||
      typeof call.id !== "string" ||
      call.type !== "function" ||
      !isRecord(fn) ||
      typeof fn.name !== "string" ||
      typeof fn.arguments !== "string"
    ) {
      fail(
        state,
        "tool-calls-invalid",
        `${where} must be {"id": ..., "type": "function", "function": {"name": ..., "arguments": "<JSON text>"}}, got ${describeValue(call)}`,
      );
      ok = false;
      continue;
    }
    calls.push(fn.name);
    checkCalledFunction(fn.name, where, tools, state);
  }
  return ok ? JSON.stringify(value) : "";
}

/**
 * Check a message's content and return its text ("" for an assistant tool call without content), or
 * `undefined` when it is invalid. Text parts are joined; an image part counts as its URL.
 */
function readContent(
  content: unknown,
  at: string,
  role: string,
  hasCall: boolean,
  state: LineState,
): string | undefined {
  if (content === undefined || content === null) {
    if (role === "assistant" && hasCall) return "";
    fail(
      state,
      "empty-content",
      `${at}: the ${role} message has no content${role === "assistant" ? ' (an assistant message needs "content" or "tool_calls")' : ""}`,
    );
    return undefined;
  }
  if (typeof content === "string") {
    if (content.trim() === "" && !(role === "assistant" && hasCall)) {
      fail(state, "empty-content", `${at}: the ${role} message's content is empty`);
      return undefined;
    }
    return content;
  }
  if (!Array.isArray(content)) {
    fail(
      state,
      "content-type",
      `${at}: content must be text or a list of content parts, got ${describeValue(content)}`,
    );
    return undefined;
  }
  let text = "";
  for (const [i, part] of content.entries()) {
    const where = `${at}.content[${i}]`;
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") {
      text += text ? `\n${part.text}` : part.text;
    } else if (
      role === "user" &&
      isRecord(part) &&
      part.type === "image_url" &&
      isRecord(part.image_url) &&
      typeof part.image_url.url === "string"
    ) {
      text += text ? `\n${part.image_url.url}` : part.image_url.url;
    } else {
      const allowed =
        role === "user"
          ? '{"type": "text", "text": ...} or {"type": "image_url", ...}'
          : '{"type": "text", "text": ...}';
      fail(
        state,
        "content-type",
        `${where}: a ${role} content part must be ${allowed}, got ${describeValue(part)}`,
      );
      return undefined;
    }
  }
  if (text.trim() === "") {
    fail(state, "empty-content", `${at}: the ${role} message's content is empty`);
    return undefined;
  }
  return text;
}
