import { formatDidYouMean } from "../text/suggest.ts";
import type { PathSegment } from "../yaml/source.ts";
import { describeValue, type IssueCollector, isRecord } from "./issue-collector.ts";

/** The 1–5 rating scale of GitHub's built-in evaluators, mapped to scores in [0, 1]. */
export const GITHUB_BUILTIN_CHOICES: ReadonlyArray<{ choice: string; score: number }> = [
  { choice: "1", score: 0 },
  { choice: "2", score: 0.25 },
  { choice: "3", score: 0.5 },
  { choice: "4", score: 0.75 },
  { choice: "5", score: 1 },
];

const ANSWER_WITH_A_RATING = "Reply with the rating alone: a single integer from 1 to 5.";

/**
 * Rubrics restating GitHub Models' built-in LLM evaluators (`uses: github/<name>`, themselves adapted from
 * Microsoft's promptflow evaluators): what each one measures, which parts of the case it reads, and its 1–5
 * rating scale. As in GitHub Models, the question is the case's `input` variable and the reference (or, for
 * groundedness, the context) is the case's expected value.
 */
export const GITHUB_BUILTIN_RUBRICS: Readonly<Record<string, string>> = {
  similarity: [
    "Similarity (equivalence): how close in meaning the response is to the expected answer, given the question (the case's input variable).",
    "Compare the information and content of the response with the expected answer; wording may differ.",
    "1: not at all similar to the expected answer.",
    "2: mostly not similar.",
    "3: somewhat similar.",
    "4: mostly similar.",
    "5: completely similar: equivalent in meaning to the expected answer.",
    ANSWER_WITH_A_RATING,
  ].join("\n"),
  coherence: [
    "Coherence: whether the response presents its ideas in a logical, orderly way that the reader can follow, and addresses the question (the case's input variable) with clear connections between sentences and paragraphs, fitting transitions and a logical sequence of ideas.",
    "1 (incoherent): disjointed words or phrases, no complete or meaningful sentences, no logical link to the question.",
    "2 (poorly coherent): fragmented sentences with some relevant keywords, but no logical structure; the message is hard to understand.",
    "3 (partially coherent): partly addresses the question, but the flow is uneven: connections are unclear or abrupt, transitions missing, ideas may be out of order.",
    "4 (coherent): addresses the question with logically organised ideas, clear connections and appropriate transitions; it reads smoothly.",
    "5 (highly coherent): sophisticated organisation and seamless flow, excellent transitions; the connections between ideas aid understanding and the question is answered thoroughly, clearly and precisely.",
    ANSWER_WITH_A_RATING,
  ].join("\n"),
  fluency: [
    "Fluency: the quality of the response's written language alone: grammatical accuracy, range of vocabulary, sentence complexity, coherence and overall readability; how smoothly the ideas come across.",
    "1 (emergent): pervasive grammatical errors, very limited vocabulary, fragmented or incoherent sentences; largely incomprehensible.",
    "2 (basic): simple ideas with frequent grammatical errors and limited vocabulary; short, awkward or badly built sentences; only partly understandable.",
    "3 (competent): ideas are clear despite occasional errors; adequate vocabulary; sentences generally correct but with little complexity or variety.",
    "4 (proficient): good control of grammar, varied vocabulary, complex and well-structured sentences; minor errors do not hinder understanding; it flows logically.",
    "5 (exceptional): sophisticated vocabulary, complex and varied sentence structures, flawless grammar; precise, nuanced and eloquent.",
    ANSWER_WITH_A_RATING,
  ].join("\n"),
  relevance: [
    "Relevance: how well the response answers the question (the case's input variable): its accuracy, completeness and directness, judged only on the information given.",
    "1 (irrelevant): off-topic; does not try to answer the question.",
    "2 (incorrect): tries to answer but gives wrong information.",
    "3 (incomplete): answers but leaves out details needed for a full answer.",
    "4 (complete): answers fully and accurately with every essential detail and nothing extraneous.",
    "5 (complete with insight): a complete, accurate answer that also adds relevant insight or elaboration, such as significance or implications.",
    ANSWER_WITH_A_RATING,
  ].join("\n"),
  groundedness: [
    "Groundedness: how well the response is anchored in the context, which is the case's expected value, in answering the question (the case's input variable): whether it is relevant, accurate and complete based only on that context, without unrelated or incorrect information.",
    "1 (unrelated): relates neither to the question nor to the context.",
    "2 (on topic, no answer): relates to the topic of the context but does not answer the question.",
    "3 (incorrect): tries to answer but includes information the context does not support or contradicts.",
    "4 (partially correct): a correct answer that leaves out details from the context needed for a full answer.",
    "5 (fully correct and complete): answers precisely and completely with all the relevant details from the context, adding nothing extraneous.",
    ANSWER_WITH_A_RATING,
  ].join("\n"),
};

const EVALUATOR_KEYS = ["name", "string", "llm", "uses"];
const STRING_KEYS: Record<string, string> = {
  contains: "contains",
  equals: "exact",
  startsWith: "startsWith",
  endsWith: "endsWith",
};
const LLM_KEYS = ["modelId", "prompt", "choices", "systemPrompt"];
const BUILTIN_USES = Object.keys(GITHUB_BUILTIN_RUBRICS).map((name) => `github/${name}`);

function readString(
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
  what: string,
): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  issues.add(path, `must be ${what}, got ${describeValue(value)}`);
  return undefined;
}

function reportUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: readonly PathSegment[],
  issues: IssueCollector,
): boolean {
  let ok = true;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    issues.add(
      [...path, key],
      `unknown key "${key}"${formatDidYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`,
      { key: true },
    );
    ok = false;
  }
  return ok;
}

function readStringEvaluator(
  name: string,
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
): Record<string, unknown> | undefined {
  const allowed = Object.keys(STRING_KEYS);
  if (!isRecord(value)) {
    issues.add(
      path,
      `must be one check such as { contains: "..." } (${allowed.join(", ")}), got ${describeValue(value)}`,
    );
    return undefined;
  }
  if (!reportUnknownKeys(value, allowed, path, issues)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    issues.add(
      path,
      keys.length === 0
        ? `names no check: use one of ${allowed.join(", ")}`
        : `has ${keys.length} checks (${keys.join(", ")}): write one evaluator per check`,
    );
    return undefined;
  }
  const key = keys[0]!;
  const text = readString(value[key], [...path, key], issues, "non-empty text");
  return text === undefined ? undefined : { name, [STRING_KEYS[key]!]: text };
}

function readChoices(
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
): Array<{ choice: string; score: number }> | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(path, `must be a list of { choice, score } (score from 0 to 1), got ${describeValue(value)}`);
    return undefined;
  }
  const choices: Array<{ choice: string; score: number }> = [];
  let ok = true;
  for (const [index, item] of value.entries()) {
    const at = [...path, index];
    if (!isRecord(item)) {
      issues.add(at, `must be { choice, score }, got ${describeValue(item)}`);
      ok = false;
      continue;
    }
    if (!reportUnknownKeys(item, ["choice", "score"], at, issues)) ok = false;
    const choice = typeof item.choice === "number" ? String(item.choice) : item.choice;
    if (typeof choice !== "string" || choice.trim() === "") {
      issues.add(
        [...at, "choice"],
        `must be the text the judge answers with, got ${describeValue(item.choice)}`,
      );
      ok = false;
    }
    const score = item.score;
    if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
      issues.add([...at, "score"], `must be a number from 0 to 1, got ${describeValue(score)}`);
      ok = false;
    }
    if (ok) choices.push({ choice: choice as string, score: score as number });
  }
  return ok ? choices : undefined;
}

function readLlmEvaluator(
  name: string,
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
): Record<string, unknown> | undefined {
  if (!isRecord(value)) {
    issues.add(path, `must be { modelId, prompt, choices, systemPrompt? }, got ${describeValue(value)}`);
    return undefined;
  }
  let ok = reportUnknownKeys(value, LLM_KEYS, path, issues);
  const prompt = readString(
    value.prompt,
    [...path, "prompt"],
    issues,
    "the judge's prompt ({{completion}} is the output)",
  );
  const choices = readChoices(value.choices, [...path, "choices"], issues);
  const judge: Record<string, unknown> = {};
  if (prompt !== undefined) judge.prompt = prompt;
  if (value.systemPrompt !== undefined) {
    const system = readString(value.systemPrompt, [...path, "systemPrompt"], issues, "text");
    if (system === undefined) ok = false;
    else judge.system = system;
  }
  if (choices !== undefined) judge.choices = choices;
  if (value.modelId !== undefined) {
    const model = readString(value.modelId, [...path, "modelId"], issues, "a model id");
    if (model === undefined) ok = false;
    else judge.model = model;
  }
  return ok && prompt !== undefined && choices !== undefined ? { name, judge } : undefined;
}

/**
 * Map a GitHub Models `evaluators` list to promptfirst scorer config objects:
 * `string: { contains | equals | startsWith | endsWith }` → `{ name, contains | exact | startsWith | endsWith }`;
 * `llm: { modelId, prompt, choices, systemPrompt }` → `{ name, judge: { prompt, system, choices, model } }`;
 * `uses: github/<similarity|coherence|fluency|relevance|groundedness>` → `{ name, judge: { rubric, choices } }`.
 * Anything else is reported at its path.
 */
export function readGithubEvaluators(
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) {
    issues.add(
      path,
      `must be a list of evaluators ({ name, string | llm | uses }), got ${describeValue(value)}`,
    );
    return [];
  }
  const scorers: Array<Record<string, unknown>> = [];
  const names = new Map<string, number>();
  for (const [index, item] of value.entries()) {
    const at = [...path, index];
    if (!isRecord(item)) {
      issues.add(at, `must be an evaluator { name, string | llm | uses }, got ${describeValue(item)}`);
      continue;
    }
    if (!reportUnknownKeys(item, EVALUATOR_KEYS, at, issues)) continue;
    const name = readString(item.name, [...at, "name"], issues, "the evaluator's name");
    if (name === undefined) continue;
    const previous = names.get(name);
    if (previous !== undefined) {
      issues.add(
        [...at, "name"],
        `"${name}" is also the name of evaluators[${previous}]: names must be unique`,
      );
      continue;
    }
    names.set(name, index);
    const kinds = ["string", "llm", "uses"].filter((kind) => item[kind] !== undefined);
    if (kinds.length !== 1) {
      issues.add(
        at,
        kinds.length === 0
          ? "says nothing to check: add string, llm or uses"
          : `has ${kinds.join(" and ")}: an evaluator does one of string, llm or uses`,
      );
      continue;
    }
    let scorer: Record<string, unknown> | undefined;
    if (kinds[0] === "string") scorer = readStringEvaluator(name, item.string, [...at, "string"], issues);
    else if (kinds[0] === "llm") scorer = readLlmEvaluator(name, item.llm, [...at, "llm"], issues);
    else {
      const uses = item.uses;
      const rubric =
        typeof uses === "string" ? GITHUB_BUILTIN_RUBRICS[uses.replace(/^github\//, "")] : undefined;
      if (typeof uses === "string" && uses.startsWith("github/") && rubric !== undefined) {
        scorer = { name, judge: { rubric, choices: GITHUB_BUILTIN_CHOICES.map((c) => ({ ...c })) } };
      } else {
        const shown = typeof uses === "string" ? `"${uses}"` : describeValue(uses);
        const hint = typeof uses === "string" ? formatDidYouMean(uses, BUILTIN_USES) : "";
        issues.add(
          [...at, "uses"],
          `unknown evaluator ${shown}${hint}; built-in evaluators: ${BUILTIN_USES.join(", ")}`,
        );
      }
    }
    if (scorer) scorers.push(scorer);
  }
  return scorers;
}
