import { createHash } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import type { LoadedCandidate, LoadedConfig, LoadedSuite, ResolvedProvider } from "../config/loaded.ts";
import { findLine, formatPath, parseConfig, type YamlSource } from "../config/parse.ts";
import type { CandidateConfig, Config, ProviderConfig, SuiteConfig } from "../config/schema.ts";
import { DEFAULTS } from "../defaults.ts";
import { type InputIssue, isPromptfirstError, PromptfirstError } from "../errors.ts";
import { inferProviderFromBaseURL } from "../pricing/index.ts";
import type { ParsedPrompt } from "../prompts/index.ts";
import { type ScorerConfig, scorerConfigSchema } from "../scorers/index.ts";
import type { Case, ModelParams } from "../types.ts";
import { loadCases } from "./load-cases.ts";
import { loadPrompt } from "./load-prompt.ts";

/** Options for `loadConfig`. */
export interface LoadConfigOptions {
  /** Only these suites (by name); an unknown name is an error listing the suites that exist. */
  suites?: string[];
  /** Directory paths are shown relative to (default: the process's working directory is NOT read; pass it). */
  displayBase?: string;
}

/** Resolve a provider config over the defaults and an outer provider config. */
export function resolveProvider(
  configDir: string,
  ...layers: Array<ProviderConfig | undefined>
): ResolvedProvider {
  const merged: ProviderConfig = {};
  for (const layer of layers) if (layer) Object.assign(merged, stripUndefined(layer));
  const resolved: ResolvedProvider = {
    type: merged.type ?? "openai",
    baseURL: (merged.baseURL ?? DEFAULTS.baseURL).replace(/\/+$/, ""),
    apiKeyEnv: merged.apiKeyEnv ?? DEFAULTS.apiKeyEnv,
    concurrency: merged.concurrency ?? DEFAULTS.concurrency,
    timeoutMs: merged.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRetries: merged.maxRetries ?? DEFAULTS.maxRetries,
    headers: merged.headers ?? {},
  };
  if (merged.apiVersion) resolved.apiVersion = merged.apiVersion;
  if (merged.recording) resolved.recording = path.resolve(configDir, merged.recording);
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Read `promptfirst.yaml` and every file it references (prompts, cases, JSON Schemas), validate all of it, and
 * return the resolved suites. Every problem across all files is reported at once in one PromptfirstError.
 */
export async function loadConfig(configPath: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = path.resolve(configPath);
  const dir = path.dirname(absolute);
  const display = (abs: string): string => {
    const rel = path.relative(options.displayBase ?? dir, abs);
    return rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel || ".";
  };
  const file = configPath;
  let text: string;
  try {
    text = (await readFile(absolute, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new PromptfirstError(
      missing ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      missing
        ? `config file "${file}" not found; create one with \`promptfirst init\` or pass --config PATH`
        : `config file "${file}" could not be read: ${(error as Error).message}`,
      [{ file, message: missing ? "not found" : "unreadable" }],
    );
  }
  const { config, source } = parseConfig(text, file);

  const issues: InputIssue[] = [];
  const where = (p: ReadonlyArray<PropertyKey>): { file: string; path: string; line?: number } => {
    const line = findLine(source, p);
    return line === undefined ? { file, path: formatPath(p) } : { file, path: formatPath(p), line };
  };

  const selected = selectSuites(config, options.suites, file);
  const hashParts: string[] = [text];
  const defaultProvider = resolveProvider(dir, config.provider);
  const suites: LoadedSuite[] = [];

  for (const suiteName of selected) {
    const suiteConfig = config.suites[suiteName]!;
    const suite = await loadSuite(suiteName, suiteConfig, {
      config,
      dir,
      file,
      source,
      display,
      where,
      issues,
      defaultProvider,
      hashParts,
    });
    if (suite) suites.push(suite);
  }

  const judgeProvider = resolveProvider(dir, config.provider, config.judge?.provider);
  if (issues.length > 0) {
    throw PromptfirstError.fromIssues(
      "CONFIG_INVALID",
      issues,
      `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"} in the config or the files it references:`,
    );
  }
  const hash = createHash("sha256").update(hashParts.join("\u0000")).digest("hex").slice(0, 12);
  const judge: LoadedConfig["judge"] = { provider: judgeProvider };
  if (config.judge?.model) judge.model = config.judge.model;
  if (config.judge?.temperature !== undefined) judge.temperature = config.judge.temperature;
  return {
    file,
    dir,
    hash,
    config,
    suites,
    judge,
    cacheDir: path.resolve(dir, config.cache?.dir ?? DEFAULTS.cacheDir),
  };
}

function selectSuites(config: Config, wanted: string[] | undefined, file: string): string[] {
  const all = Object.keys(config.suites);
  if (!wanted || wanted.length === 0) return all;
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new PromptfirstError(
      "USAGE",
      `${file}: no suite named ${unknown.map((n) => `"${n}"`).join(", ")}; the config defines: ${all.join(", ")}`,
    );
  }
  return all.filter((name) => wanted.includes(name));
}

interface SuiteContext {
  config: Config;
  dir: string;
  file: string;
  source: YamlSource;
  display: (abs: string) => string;
  where: (p: ReadonlyArray<PropertyKey>) => { file: string; path: string; line?: number };
  issues: InputIssue[];
  defaultProvider: ResolvedProvider;
  hashParts: string[];
}

async function loadSuite(
  name: string,
  suite: SuiteConfig,
  ctx: SuiteContext,
): Promise<LoadedSuite | undefined> {
  const base = ["suites", name];
  const files = new Set<string>();
  const before = ctx.issues.length;
  const ref = (p: ReadonlyArray<PropertyKey>): string => {
    const w = ctx.where(p);
    return `${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.path}`;
  };
  const track = (abs: string, content: string): void => {
    files.add(ctx.display(abs));
    ctx.hashParts.push(`${ctx.display(abs)}\u0000${content}`);
  };

  // Prompts first: a GitHub Models .prompt.yml may carry the suite's cases and scorers.
  const prompts = new Map<string, ParsedPrompt>();
  for (const [candidateName, candidate] of Object.entries(suite.candidates)) {
    const p = [...base, "candidates", candidateName, "prompt"];
    const abs = path.resolve(ctx.dir, candidate.prompt);
    const parsed = await capture(ctx.issues, () =>
      loadPrompt(abs, { displayPath: ctx.display(abs), referencedFrom: ref(p) }),
    );
    if (parsed) {
      prompts.set(candidateName, parsed);
      track(abs, JSON.stringify(parsed.template));
    }
  }

  let cases: Case[] | undefined;
  if (suite.cases) {
    const abs = path.resolve(ctx.dir, suite.cases);
    cases = await capture(ctx.issues, () =>
      loadCases(abs, { displayPath: ctx.display(abs), referencedFrom: ref([...base, "cases"]) }),
    );
    if (cases) track(abs, JSON.stringify(cases));
  } else {
    const withData = [...prompts.values()].find((p) => p.cases && p.cases.length > 0);
    if (withData?.cases) cases = withData.cases;
    else if (prompts.size === Object.keys(suite.candidates).length) {
      ctx.issues.push({
        ...ctx.where(base),
        path: formatPath([...base, "cases"]),
        message:
          "is required: name a case file (JSONL, JSON, YAML or CSV), or use a .prompt.yml with testData",
      });
    }
  }

  // Scorers: the config's, else those a .prompt.yml declares (validated with the same schema).
  let scorers: ScorerConfig[] = suite.scorers ?? [];
  if (scorers.length === 0) {
    for (const [candidateName, parsed] of prompts) {
      if (!parsed.scorers || parsed.scorers.length === 0) continue;
      const converted: ScorerConfig[] = [];
      parsed.scorers.forEach((raw, index) => {
        const result = scorerConfigSchema.safeParse(raw);
        if (result.success) converted.push(result.data);
        else {
          const promptFile = parsed.template.source;
          for (const issue of result.error.issues) {
            ctx.issues.push({
              file: promptFile,
              path: formatPath(["evaluators", index, ...issue.path]),
              message: `${issue.message} (from candidate "${candidateName}")`,
            });
          }
        }
      });
      scorers = converted;
      break;
    }
  }
  if (scorers.length === 0 && ctx.issues.length === before) {
    ctx.issues.push({
      ...ctx.where(base),
      path: formatPath([...base, "scorers"]),
      message: 'is required: list at least one scorer, e.g. `- contains: "{{expected}}"`',
    });
  }
  scorers = await resolveScorerFiles(scorers, [...base, "scorers"], ctx, track);
  if (scorers.some(isJudge) && !ctx.config.judge?.model) {
    scorers.forEach((scorer, index) => {
      if (isJudge(scorer) && !judgeModel(scorer)) {
        ctx.issues.push({
          ...ctx.where([...base, "scorers", index]),
          message:
            "a judge scorer needs a model: set `model` in the scorer (judge: { rubric, model }) or `judge.model` at the top level of the config",
        });
      }
    });
  }

  const candidates: LoadedCandidate[] = [];
  for (const [candidateName, candidate] of Object.entries(suite.candidates)) {
    const parsed = prompts.get(candidateName);
    if (!parsed) continue;
    const loaded = await resolveCandidate(
      candidateName,
      candidate,
      parsed,
      [...base, "candidates", candidateName],
      ctx,
    );
    if (loaded) {
      candidates.push(loaded);
      if (loaded.fineTune) files.add(ctx.display(loaded.fineTune.trainingDataPath));
    }
  }

  if (ctx.issues.length > before || !cases) return undefined;
  const loaded: LoadedSuite = {
    name,
    cases,
    repeat: suite.repeat ?? DEFAULTS.repeat,
    scorers,
    candidates,
    files: [...files].sort(),
  };
  if (suite.description !== undefined) loaded.description = suite.description;
  if (suite.target !== undefined) loaded.target = suite.target;
  if (suite.volume !== undefined) loaded.volume = suite.volume;
  return loaded;
}

function isJudge(scorer: ScorerConfig): boolean {
  return "judge" in scorer;
}

function judgeModel(scorer: ScorerConfig): string | undefined {
  const judge = (scorer as { judge?: unknown }).judge;
  return judge && typeof judge === "object" ? (judge as { model?: string }).model : undefined;
}

async function resolveScorerFiles(
  scorers: ScorerConfig[],
  base: ReadonlyArray<PropertyKey>,
  ctx: SuiteContext,
  track: (abs: string, content: string) => void,
): Promise<ScorerConfig[]> {
  const out: ScorerConfig[] = [];
  for (const [index, scorer] of scorers.entries()) {
    const record = scorer as Record<string, unknown>;
    if ("custom" in record && typeof record.custom === "string") {
      const abs = path.resolve(ctx.dir, record.custom);
      if (!(await exists(abs))) {
        ctx.issues.push({
          ...ctx.where([...base, index, "custom"]),
          message: `scorer module "${record.custom}" not found (resolved to ${ctx.display(abs)})`,
        });
        continue;
      }
      track(abs, await readFile(abs, "utf8"));
      out.push({ ...record, custom: abs } as ScorerConfig);
      continue;
    }
    const json = record.json;
    if (json && typeof json === "object" && typeof (json as { schema?: unknown }).schema === "string") {
      const schemaPath = (json as { schema: string }).schema;
      const abs = path.resolve(ctx.dir, schemaPath);
      try {
        const content = await readFile(abs, "utf8");
        track(abs, content);
        out.push({ ...record, json: { ...json, schema: JSON.parse(content) as object } } as ScorerConfig);
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        ctx.issues.push({
          ...ctx.where([...base, index, "json", "schema"]),
          message: missing
            ? `JSON Schema file "${schemaPath}" not found`
            : `JSON Schema file "${schemaPath}" is not valid JSON: ${(error as Error).message}`,
        });
      }
      continue;
    }
    out.push(scorer);
  }
  return out;
}

async function resolveCandidate(
  name: string,
  candidate: CandidateConfig,
  parsed: ParsedPrompt,
  base: ReadonlyArray<PropertyKey>,
  ctx: SuiteContext,
): Promise<LoadedCandidate | undefined> {
  const provider = resolveProvider(ctx.dir, ctx.config.provider, candidate.provider);
  const params: ModelParams = { ...parsed.template.params, ...candidate.params };
  for (const key of ["temperature", "top_p", "max_tokens", "seed"] as const) {
    if (candidate[key] !== undefined) params[key] = candidate[key];
  }
  if (parsed.template.responseFormat && !params.response_format) {
    params.response_format = parsed.template.responseFormat;
  }
  const loaded: LoadedCandidate = {
    name,
    kind: candidate.fineTune ? "fine-tune" : "prompt",
    prompt: parsed.template,
    params,
    provider,
  };
  if (candidate.fineTune) {
    const abs = path.resolve(ctx.dir, candidate.fineTune.trainingData);
    if (!(await exists(abs))) {
      ctx.issues.push({
        ...ctx.where([...base, "fineTune", "trainingData"]),
        message: `training data file "${candidate.fineTune.trainingData}" not found (resolved to ${ctx.display(abs)})`,
      });
      return undefined;
    }
    loaded.fineTune = { ...candidate.fineTune, trainingDataPath: abs };
    if (candidate.fineTune.model) loaded.model = candidate.fineTune.model;
    else loaded.skipReason = "not trained yet: set fineTune.model once the fine-tune exists";
    return loaded;
  }
  const model = candidate.model ?? modelFromPrompt(parsed, provider.baseURL);
  if (!model) {
    ctx.issues.push({
      ...ctx.where([...base, "model"]),
      message: `is required: the prompt file "${parsed.template.source}" names no model`,
    });
    return undefined;
  }
  loaded.model = model;
  return loaded;
}

/** A prompt file's model; GitHub Models ids (`openai/gpt-4o-mini`) lose the publisher on OpenAI's own endpoints. */
function modelFromPrompt(parsed: ParsedPrompt, baseURL: string): string | undefined {
  const model = parsed.template.model;
  if (!model) return undefined;
  const provider = inferProviderFromBaseURL(baseURL);
  if ((provider === "openai" || provider === "azure") && model.startsWith("openai/")) return model.slice(7);
  return model;
}

async function capture<T>(issues: InputIssue[], load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (isPromptfirstError(error)) {
      if (error.issues.length > 0) issues.push(...error.issues);
      else issues.push({ file: "", message: error.message });
      return undefined;
    }
    throw error;
  }
}
