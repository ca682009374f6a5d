import { isPromptfirstError, PromptfirstError } from "../errors.ts";
import { listTemplateVariables, lookupVariable, renderTemplate, stringifyVariable } from "../template.ts";
import type { ScoreResult, Usage } from "../types.ts";
import { normalizeCustomScore } from "./custom-result.ts";
import { compileJsonSchema, type JsonSchemaCheck } from "./json-schema.ts";
import {
  buildCustomJudgeMessages,
  buildRubricJudgeMessages,
  DEFAULT_JUDGE_CHOICES,
  fenceUntrusted,
  type JudgeChoice,
  parseJudgeAnswer,
} from "./judge.ts";
import {
  type ContainsScorerConfig,
  type CustomScorerConfig,
  type EndsWithScorerConfig,
  type ExactScorerConfig,
  getScorerKind,
  type JsonScorerConfig,
  type JudgeScorerConfig,
  type JudgeSettings,
  type NotContainsScorerConfig,
  type RegexScorerConfig,
  type ScorerConfig,
  type ScorerKind,
  type SimilarityScorerConfig,
  type StartsWithScorerConfig,
} from "./schema.ts";
import {
  computeLevenshteinSimilarity,
  computeTokenF1,
  formatScore,
  listQuoted,
  normalizeText,
  quoteText,
} from "./text.ts";
import type {
  CustomScorerFn,
  JudgeRequest,
  Scorer,
  ScorerContext,
  ScorerInput,
  ScorerRuntime,
} from "./types.ts";

/**
 * The threshold each scorer kind uses when the config sets none: 1 for pass/fail scorers (and for `contains`
 * in `all` mode, so every text must be found), 0.8 for `similarity`, 0.5 for `judge` (a grade of 3 of 5 or
 * better) and for numeric results of `custom` scorers.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<ScorerKind, number>> = {
  exact: 1,
  contains: 1,
  startsWith: 1,
  endsWith: 1,
  notContains: 1,
  regex: 1,
  json: 1,
  similarity: 0.8,
  judge: 0.5,
  custom: 0.5,
};

/** Slack for floating-point scores compared to thresholds (2/3 against 0.6667 and the like). */
const SCORE_EPSILON = 1e-9;
/** How much of the judge's reasoning a reason line quotes. */
const JUDGE_REASON_CHARS = 200;
/** How much of the judge's answer is kept in a score's metadata. */
const JUDGE_OUTPUT_MAX_CHARS = 4000;
/** How many schema problems a reason line lists. */
const SCHEMA_PROBLEMS_SHOWN = 3;

/** What one evaluation found, before the threshold turns it into pass/fail. */
interface Outcome {
  score: number | null;
  reason: string;
  /** A scorer's own verdict (custom scorers); the threshold decides otherwise. */
  pass?: boolean;
  /** The scorer failed to run: pass is false whatever the threshold. */
  error?: boolean;
  costUsd?: number | null;
  usage?: Usage;
  metadata?: Record<string, unknown>;
}

/** A scorer's evaluation logic, with the threshold already resolved. */
interface Evaluator {
  prepare?: () => Promise<void>;
  evaluate(input: ScorerInput): Promise<Outcome>;
}

interface BuildContext {
  name: string;
  kind: ScorerKind;
  threshold: number;
  runtime: ScorerRuntime;
  context: ScorerContext;
}

function failWith(reason: string, extra: Partial<Outcome> = {}): Outcome {
  return { score: 0, reason, error: true, ...extra };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hasExpected(input: ScorerInput): boolean {
  return input.expected !== undefined && input.expected !== null;
}

/** The variables templates in scorer arguments see: the case's vars plus `expected` (when the case has one). */
function buildScope(input: ScorerInput): Record<string, unknown> {
  return hasExpected(input) ? { ...input.vars, expected: input.expected } : { ...input.vars };
}

/** The outcome for a template that needs `expected` on a case without one, else undefined. */
function checkExpectedNeeded(template: string, input: ScorerInput, label: string): Outcome | undefined {
  if (hasExpected(input)) return undefined;
  const usesExpected = listTemplateVariables(template).some((name) => name.split(".")[0] === "expected");
  return usesExpected
    ? { score: null, reason: `does not apply: the case has no expected value (${label} uses {{expected}})` }
    : undefined;
}

type Rendered = { ok: true; texts: string[] } | { ok: false; outcome: Outcome };

/**
 * Render a scorer argument for one case. A template that is a single `{{var}}` whose value is a list renders
 * to one text per item (so `contains: "{{expected}}"` with `expected: ["refund", "30 days"]` looks for both).
 */
function renderArgument(
  template: string,
  input: ScorerInput,
  build: BuildContext,
  expand: boolean,
): Rendered {
  const missing = checkExpectedNeeded(template, input, build.kind);
  if (missing) return { ok: false, outcome: missing };
  const scope = buildScope(input);
  const whole = /^\s*\{\{\s*([A-Za-z_$][\w$-]*(?:\.[\w$-]+)*)\s*\}\}\s*$/.exec(template);
  if (expand && whole) {
    const value = lookupVariable(scope, whole[1]!);
    if (Array.isArray(value)) return { ok: true, texts: value.map(stringifyVariable) };
  }
  try {
    return {
      ok: true,
      texts: [
        renderTemplate(template, scope, { caseId: input.caseId, templateSource: `scorer "${build.name}"` }),
      ],
    };
  } catch (error) {
    return { ok: false, outcome: failWith(describeError(error)) };
  }
}

/** Render a list of needle templates; empty texts are dropped (an empty needle is found everywhere). */
function renderNeedles(templates: string | string[], input: ScorerInput, build: BuildContext): Rendered {
  const texts: string[] = [];
  for (const template of Array.isArray(templates) ? templates : [templates]) {
    const rendered = renderArgument(template, input, build, true);
    if (!rendered.ok) return rendered;
    texts.push(...rendered.texts);
  }
  const needles = texts.filter((text) => text.length > 0);
  if (needles.length === 0) {
    return { ok: false, outcome: { score: null, reason: `does not apply: the ${build.kind} text is empty` } };
  }
  return { ok: true, texts: needles };
}

/** Resolve a path from the config against the config's directory (absolute paths are kept). */
function resolveConfigPath(baseDir: string, target: string): string {
  if (baseDir === "" || /^(?:[A-Za-z]:[\\/]|[\\/])/.test(target)) return target;
  return `${baseDir.replace(/[\\/]+$/, "")}/${target.replace(/^\.[\\/]/, "")}`;
}

/** Run `load` once; later calls share its promise (and its failure). */
function memoize<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load();
    return promise;
  };
}

function buildExact(config: ExactScorerConfig, build: BuildContext): Evaluator {
  const caseSensitive = config.caseSensitive ?? true;
  const trim = config.trim ?? true;
  return {
    async evaluate(input) {
      const rendered = renderArgument(config.exact, input, build, false);
      if (!rendered.ok) return rendered.outcome;
      const expected = rendered.texts[0]!;
      const shownOutput = trim ? input.output.trim() : input.output;
      const shownExpected = trim ? expected.trim() : expected;
      const left = Array.from(normalizeText(shownOutput, caseSensitive));
      const right = Array.from(normalizeText(shownExpected, caseSensitive));
      if (left.join("") === right.join(""))
        return { score: 1, reason: `output equals ${quoteText(shownExpected)}` };
      let at = 0;
      while (at < left.length && at < right.length && left[at] === right[at]) at++;
      return {
        score: 0,
        reason: `expected ${quoteText(shownExpected)}, got ${quoteText(shownOutput)} (first difference at character ${at + 1})`,
      };
    },
  };
}

function buildContains(config: ContainsScorerConfig, build: BuildContext): Evaluator {
  const caseSensitive = config.caseSensitive ?? false;
  const mode = config.mode ?? "all";
  return {
    async evaluate(input) {
      const rendered = renderNeedles(config.contains, input, build);
      if (!rendered.ok) return rendered.outcome;
      const needles = rendered.texts;
      const haystack = normalizeText(input.output, caseSensitive);
      const found = needles.filter((needle) => haystack.includes(normalizeText(needle, caseSensitive)));
      const missing = needles.filter((needle) => !found.includes(needle));
      const total = needles.length;
      if (mode === "any") {
        if (found.length > 0) return { score: 1, reason: `found ${listQuoted(found)}` };
        return {
          score: 0,
          reason:
            total === 1
              ? `did not find ${quoteText(needles[0]!)}`
              : `found none of ${total}: ${listQuoted(needles)}`,
        };
      }
      const score = found.length / total;
      if (missing.length === 0) {
        return {
          score,
          reason:
            total === 1 ? `found ${quoteText(needles[0]!)}` : `found all ${total}: ${listQuoted(found)}`,
        };
      }
      return { score, reason: `missing ${missing.length} of ${total}: ${listQuoted(missing)}` };
    },
  };
}

function buildAffix(
  config: StartsWithScorerConfig | EndsWithScorerConfig,
  build: BuildContext,
  side: "start" | "end",
): Evaluator {
  const caseSensitive = config.caseSensitive ?? false;
  const template = "startsWith" in config ? config.startsWith : config.endsWith;
  return {
    async evaluate(input) {
      const rendered = renderArgument(template, input, build, false);
      if (!rendered.ok) return rendered.outcome;
      const affix = rendered.texts[0]!;
      const output = side === "start" ? input.output.trimStart() : input.output.trimEnd();
      const haystack = normalizeText(output, caseSensitive);
      const needle = normalizeText(affix, caseSensitive);
      const ok = side === "start" ? haystack.startsWith(needle) : haystack.endsWith(needle);
      if (ok) return { score: 1, reason: `output ${side}s with ${quoteText(affix)}` };
      const chars = Array.from(output);
      const width = Array.from(affix).length + 10;
      const actual =
        side === "start" ? chars.slice(0, width) : chars.slice(Math.max(0, chars.length - width));
      const shown =
        output.length === 0 ? "it is empty" : `it ${side}s with ${quoteText(actual.join(""), width)}`;
      return { score: 0, reason: `output does not ${side} with ${quoteText(affix)}; ${shown}` };
    },
  };
}

function buildNotContains(config: NotContainsScorerConfig, build: BuildContext): Evaluator {
  const caseSensitive = config.caseSensitive ?? false;
  return {
    async evaluate(input) {
      const rendered = renderNeedles(config.notContains, input, build);
      if (!rendered.ok) return rendered.outcome;
      const needles = rendered.texts;
      const haystack = normalizeText(input.output, caseSensitive);
      const found = needles.filter((needle) => haystack.includes(normalizeText(needle, caseSensitive)));
      if (found.length === 0) {
        return {
          score: 1,
          reason:
            needles.length === 1
              ? `output does not contain ${quoteText(needles[0]!)}`
              : `output contains none of ${needles.length}: ${listQuoted(needles)}`,
        };
      }
      const what = found.length === 1 ? "a forbidden text" : `${found.length} forbidden texts`;
      return { score: 0, reason: `output contains ${what}: ${listQuoted(found)}` };
    },
  };
}

function buildRegex(config: RegexScorerConfig): Evaluator {
  // `g` and `y` make `exec` stateful across calls; one match anywhere is what counts.
  const flags = (config.flags ?? "").replace(/[gy]/g, "");
  const shown = `/${config.regex}/${config.flags ?? ""}`;
  return {
    async evaluate(input) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(config.regex, flags);
      } catch (error) {
        return failWith(`regex ${JSON.stringify(config.regex)} does not compile: ${describeError(error)}`);
      }
      const match = pattern.exec(input.output);
      if (match) {
        const at = Array.from(input.output.slice(0, match.index)).length + 1;
        return { score: 1, reason: `matched ${quoteText(match[0])} at character ${at}` };
      }
      const where = input.output.length === 0 ? "the empty output" : quoteText(input.output, 60);
      return { score: 0, reason: `no match for ${shown} in ${where}` };
    },
  };
}

const JSON_FENCE = /^```[ \t]*(?:json)?[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```$/i;

function buildJson(config: JsonScorerConfig, build: BuildContext): Evaluator {
  const schema = typeof config.json === "object" ? config.json.schema : undefined;
  const label =
    typeof schema === "string" ? `the JSON Schema ${JSON.stringify(schema)}` : "the inline JSON Schema";
  const where = `scorer "${build.name}" (scorers[${build.context.index}])`;
  const loadCheck = memoize(async (): Promise<JsonSchemaCheck | undefined> => {
    if (schema === undefined) return undefined;
    let document: unknown = schema;
    if (typeof schema === "string") {
      const load = build.runtime.loadJsonSchema;
      if (!load) {
        throw new PromptfirstError(
          "CONFIG_INVALID",
          `${where}: cannot read ${label}: no JSON Schema loader was given to the scorer`,
        );
      }
      document = await load(resolveConfigPath(build.context.baseDir, schema));
    }
    try {
      return compileJsonSchema(document);
    } catch (error) {
      throw new PromptfirstError("CONFIG_INVALID", `${where}: ${label} is invalid: ${describeError(error)}`);
    }
  });
  return {
    prepare: async () => {
      await loadCheck();
    },
    async evaluate(input) {
      const trimmed = input.output.trim();
      if (trimmed.length === 0) return { score: 0, reason: "output is empty, not JSON" };
      const fence = JSON_FENCE.exec(trimmed);
      const text = fence ? fence[1]! : trimmed;
      const fenced = fence ? " (inside a ```json fence)" : "";
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return { score: 0, reason: `output is not valid JSON${fenced}: ${describeError(error)}` };
      }
      let check: JsonSchemaCheck | undefined;
      try {
        check = await loadCheck();
      } catch (error) {
        return failWith(describeError(error));
      }
      if (!check) return { score: 1, reason: `output is valid JSON${fenced}` };
      const problems = check(value);
      if (problems.length === 0)
        return { score: 1, reason: `output is valid JSON${fenced} and matches the schema` };
      const more =
        problems.length > SCHEMA_PROBLEMS_SHOWN
          ? `; and ${problems.length - SCHEMA_PROBLEMS_SHOWN} more`
          : "";
      const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
      return {
        score: 0,
        reason: `output does not match the JSON Schema (${count}): ${problems.slice(0, SCHEMA_PROBLEMS_SHOWN).join("; ")}${more}`,
        metadata: { schemaProblems: problems },
      };
    },
  };
}

function buildSimilarity(config: SimilarityScorerConfig, build: BuildContext): Evaluator {
  const method = config.method ?? "token-f1";
  return {
    async evaluate(input) {
      const rendered = renderArgument(config.similarity, input, build, false);
      if (!rendered.ok) return rendered.outcome;
      const reference = rendered.texts[0]!;
      const score =
        method === "levenshtein"
          ? computeLevenshteinSimilarity(input.output.trim(), reference.trim())
          : computeTokenF1(input.output, reference);
      const verdict = score + SCORE_EPSILON >= build.threshold ? "at least" : "below";
      return {
        score,
        reason: `${method} similarity ${formatScore(score)} to ${quoteText(reference, 60)} (${verdict} the threshold ${build.threshold})`,
      };
    },
  };
}

function buildJudge(config: JudgeScorerConfig, build: BuildContext): Evaluator {
  const settings: JudgeSettings = typeof config.judge === "string" ? { rubric: config.judge } : config.judge;
  const choices: readonly JudgeChoice[] = settings.choices ?? DEFAULT_JUDGE_CHOICES;
  return {
    async evaluate(input) {
      const judge = build.runtime.judge;
      if (!judge) return failWith("no judge model is available to this run");
      const template = settings.prompt ?? settings.rubric ?? "";
      const missing = checkExpectedNeeded(template, input, "the judge");
      if (missing) return missing;
      const renderContext = { caseId: input.caseId, templateSource: `scorer "${build.name}"` };
      let messages: JudgeRequest["messages"];
      try {
        if (settings.prompt !== undefined) {
          const fenced = fenceUntrusted("output", input.output);
          // GitHub Models' llm evaluators name the graded output {{completion}}.
          const scope: Record<string, unknown> = { ...buildScope(input), output: fenced, completion: fenced };
          const inputText = input.input ?? input.vars.input;
          if (inputText !== undefined) scope.input = inputText;
          const rendered = renderTemplate(settings.prompt, scope, renderContext);
          messages = buildCustomJudgeMessages(rendered, choices, settings.system);
        } else {
          const rubric = renderTemplate(template, buildScope(input), renderContext);
          const parts: Parameters<typeof buildRubricJudgeMessages>[0] = {
            rubric,
            output: input.output,
            choices,
          };
          if (input.input !== undefined) parts.input = input.input;
          if (hasExpected(input)) parts.expected = stringifyVariable(input.expected);
          if (settings.system !== undefined) parts.system = settings.system;
          messages = buildRubricJudgeMessages(parts);
        }
      } catch (error) {
        return failWith(describeError(error));
      }
      const request: JudgeRequest = { messages };
      if (settings.model !== undefined) request.model = settings.model;
      if (settings.temperature !== undefined) request.temperature = settings.temperature;
      const response = await judge(request);
      if (!response.ok) {
        return failWith(
          /judge/i.test(response.error) ? response.error : `judge call failed: ${response.error}`,
        );
      }
      const cost: Partial<Outcome> = { costUsd: response.costUsd };
      if (response.usage) cost.usage = response.usage;
      const judgeOutput =
        response.output.length > JUDGE_OUTPUT_MAX_CHARS
          ? `${response.output.slice(0, JUDGE_OUTPUT_MAX_CHARS)}…`
          : response.output;
      const parsed = parseJudgeAnswer(response.output, choices);
      if (parsed.kind === "missing") {
        return failWith("judge answer had no CHOICE line", { ...cost, metadata: { judgeOutput } });
      }
      if (parsed.kind === "invalid") {
        const allowed = choices.map((c) => c.choice).join(", ");
        return failWith(`judge chose ${quoteText(parsed.answer, 40)}, which is not one of: ${allowed}`, {
          ...cost,
          metadata: { judgeOutput },
        });
      }
      const reasoning = Array.from(parsed.reasoning);
      const excerpt =
        reasoning.length > JUDGE_REASON_CHARS
          ? `${reasoning.slice(0, JUDGE_REASON_CHARS).join("")}…`
          : parsed.reasoning;
      const { choice, score } = parsed.choice;
      return {
        score,
        reason: `judge chose "${choice}" (score ${formatScore(score)})${excerpt ? `: ${excerpt}` : ""}`,
        ...cost,
        metadata: { choice, judgeOutput },
      };
    },
  };
}

function buildCustom(config: CustomScorerConfig, build: BuildContext): Evaluator {
  const modulePath = resolveConfigPath(build.context.baseDir, config.custom);
  const options = config.options ?? {};
  const load = memoize(async (): Promise<CustomScorerFn> => {
    const loader = build.runtime.loadCustom;
    if (!loader) {
      throw new PromptfirstError(
        "CONFIG_INVALID",
        `custom scorer ${JSON.stringify(config.custom)} cannot be loaded: no module loader was given to the scorer`,
      );
    }
    return loader(modulePath);
  });
  return {
    prepare: async () => {
      await load();
    },
    async evaluate(input) {
      let fn: CustomScorerFn;
      try {
        fn = await load();
      } catch (error) {
        return failWith(describeError(error));
      }
      let value: unknown;
      try {
        value = await fn({ ...input, vars: { ...input.vars }, options: { ...options } });
      } catch (error) {
        return failWith(`custom scorer ${JSON.stringify(config.custom)} threw: ${describeError(error)}`);
      }
      const normalized = normalizeCustomScore(value);
      if (!normalized.ok)
        return failWith(`custom scorer ${JSON.stringify(config.custom)} ${normalized.problem}`);
      const outcome: Outcome = { score: normalized.score, reason: normalized.reason };
      if (normalized.pass !== undefined) outcome.pass = normalized.pass;
      if (normalized.metadata !== undefined) outcome.metadata = normalized.metadata;
      return outcome;
    },
  };
}

function buildEvaluator(config: ScorerConfig, build: BuildContext): Evaluator {
  if ("exact" in config) return buildExact(config, build);
  if ("contains" in config) return buildContains(config, build);
  if ("startsWith" in config) return buildAffix(config, build, "start");
  if ("endsWith" in config) return buildAffix(config, build, "end");
  if ("notContains" in config) return buildNotContains(config, build);
  if ("regex" in config) return buildRegex(config);
  if ("json" in config) return buildJson(config, build);
  if ("similarity" in config) return buildSimilarity(config, build);
  if ("judge" in config) return buildJudge(config, build);
  return buildCustom(config, build);
}

/** Turn an outcome into a ScoreResult: `pass` from the threshold unless the scorer failed or decided itself. */
function finishResult(
  name: string,
  outcome: Outcome,
  threshold: number,
  explicitThreshold: boolean,
): ScoreResult {
  let pass: boolean;
  if (outcome.error) pass = false;
  else if (outcome.score === null) pass = true;
  else if (outcome.pass !== undefined && !explicitThreshold) pass = outcome.pass;
  else pass = outcome.score + SCORE_EPSILON >= threshold;
  const result: ScoreResult = { name, score: outcome.score, pass, reason: outcome.reason };
  if (outcome.costUsd !== undefined) result.costUsd = outcome.costUsd;
  if (outcome.usage !== undefined) result.usage = outcome.usage;
  const metadata = outcome.error ? { ...outcome.metadata, error: true } : outcome.metadata;
  if (metadata !== undefined) result.metadata = metadata;
  return result;
}

/**
 * Build one scorer from a parsed config entry. Defaults: see `DEFAULT_THRESHOLDS`; `exact` compares case and
 * trims; `contains`, `startsWith`, `endsWith` and `notContains` ignore case; `contains` needs all texts;
 * `similarity` uses token F1. Text comparisons use Unicode NFC, so composed and decomposed accents are equal.
 *
 * `score()` never throws: a template that needs `{{expected}}` on a case without one scores `null` (does not
 * apply, passes); anything that goes wrong (a missing variable, a bad regex, a custom module that throws, a
 * failed or unparseable judge) scores 0, fails whatever the threshold, and says why in `reason`.
 */
export function createScorer(config: ScorerConfig, runtime: ScorerRuntime, context: ScorerContext): Scorer {
  const kind = getScorerKind(config);
  const name = config.name ?? kind;
  const explicitThreshold = config.threshold !== undefined;
  const threshold = config.threshold ?? DEFAULT_THRESHOLDS[kind];
  const build: BuildContext = { name, kind, threshold, runtime, context };
  const evaluator = buildEvaluator(config, build);
  return {
    name,
    kind,
    async prepare() {
      try {
        await evaluator.prepare?.();
      } catch (error) {
        if (isPromptfirstError(error)) throw error;
        throw new PromptfirstError(
          "CONFIG_INVALID",
          `scorer "${name}" (scorers[${context.index}]): ${describeError(error)}`,
        );
      }
    },
    async score(input) {
      let outcome: Outcome;
      try {
        outcome = await evaluator.evaluate(input);
      } catch (error) {
        outcome = failWith(`${kind} scorer failed: ${describeError(error)}`);
      }
      return finishResult(name, outcome, threshold, explicitThreshold);
    },
  };
}

/**
 * Build a suite's scorers. Names are unique: a configured `name` is kept (repeats get `#2`, `#3` …), and
 * scorers without one are named after their kind (`contains`, `contains#2`). Each scorer's `index` is its
 * position in `configs`.
 */
export function createScorers(
  configs: readonly ScorerConfig[],
  runtime: ScorerRuntime,
  context: Pick<ScorerContext, "baseDir"> & Partial<ScorerContext>,
): Scorer[] {
  const taken = new Set<string>();
  const claim = (base: string): string => {
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}#${n}`;
    taken.add(candidate);
    return candidate;
  };
  const names: string[] = configs.map(() => "");
  configs.forEach((config, index) => {
    if (config.name !== undefined) names[index] = claim(config.name);
  });
  configs.forEach((config, index) => {
    if (config.name === undefined) names[index] = claim(getScorerKind(config));
  });
  return configs.map((config, index) =>
    createScorer({ ...config, name: names[index]! }, runtime, { baseDir: context.baseDir, index }),
  );
}

/**
 * Combine one output's scorer results into the case's score and verdict.
 * - `score`: the mean of the scores that apply (non-null); scorer failures count as 0.
 * - `pass`: every scorer that applies passed.
 * - When no scorer applies (all scores null, or no scorers): `score: null` and `pass: true`: nothing was
 *   measured, so nothing failed. Statistics must leave such cases out of means and pass rates rather than count
 *   them as passes.
 */
export function combineScores(results: readonly ScoreResult[]): { score: number | null; pass: boolean } {
  const applicable = results.filter((result) => result.score !== null);
  if (applicable.length === 0) return { score: null, pass: true };
  const sum = applicable.reduce((total, result) => total + (result.score ?? 0), 0);
  return { score: sum / applicable.length, pass: applicable.every((result) => result.pass) };
}
