import { createHash } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { computeLineColumn, locateJsonSyntaxError } from "../cases/json-syntax.ts";
import type { LoadedCandidate, LoadedConfig, LoadedSuite, ResolvedProvider } from "../config/loaded.ts";
import { adaptModelIdForEndpoint } from "../config/model-id.ts";
import { parseConfig } from "../config/parse.ts";
import {
  BATCH_LIMITS,
  BATCH_WITH_REPLAY,
  type CandidateConfig,
  type Config,
  type ProviderConfig,
  type SuiteConfig,
} from "../config/schema.ts";
import { DEFAULTS } from "../defaults.ts";
import {
  type InputIssue,
  isPromptfirstError,
  PromptfirstError,
  type PromptfirstErrorCode,
} from "../errors.ts";
import { inferProviderFromBaseURL, SELF_HOSTED_PROVIDER } from "../pricing/index.ts";
import type { ParsedPrompt } from "../prompts/index.ts";
import { compileJsonSchema, type ScorerConfig, scorerConfigSchema } from "../scorers/index.ts";
import type { Case, ModelParams } from "../types.ts";
import { formatPath, type YamlSource } from "../yaml/source.ts";
import { loadCases } from "./load-cases.ts";
import { loadPrompt } from "./load-prompt.ts";

/** Options for `loadConfig`. */
export interface LoadConfigOptions {
  /** Only these suites (by name); an unknown name is an error listing the suites that exist. */
  suites?: string[];
  /**
   * Directory the config and the files it references are named relative to in messages (the CLI passes its
   * working directory). Default: the config as `configPath` names it, and its files relative to its directory.
   */
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
  if (merged.batch === true) {
    // The calls of a run are collected into batches: a concurrency below the batch size would cut a run into
    // many small batches, each waiting up to the 24-hour window, and a call may wait as long as its batch.
    resolved.batch = true;
    resolved.concurrency = BATCH_LIMITS.maxRequests;
    resolved.timeoutMs = BATCH_LIMITS.waitMs;
  }
  return resolved;
}

/**
 * Why a resolved endpoint cannot use the Batch API although its layers combine to `batch: true` (e.g. the
 * top-level provider is `type: replay` and a candidate's sets `batch: true`), with the path of the layer to fix;
 * undefined when it can. A single layer's own contradiction is reported by the schema.
 */
export function findBatchProblem(
  resolved: ResolvedProvider,
  layers: ReadonlyArray<{ at: ReadonlyArray<PropertyKey>; config: ProviderConfig | undefined }>,
): { at: ReadonlyArray<PropertyKey>; message: string } | undefined {
  if (!resolved.batch || resolved.type !== "replay") return undefined;
  const lastIndex = (test: (config: ProviderConfig) => boolean): number =>
    layers.findLastIndex((layer) => layer.config !== undefined && test(layer.config));
  const batchAt = lastIndex((config) => config.batch === true);
  const replayAt = lastIndex((config) => config.type === "replay");
  const batchPath = [...(layers[batchAt]?.at ?? []), "batch"];
  const replayPath = [...(layers[replayAt]?.at ?? []), "type"];
  // The more specific layer is the one that brought the contradiction in: report it there.
  return batchAt >= replayAt
    ? { at: batchPath, message: `${BATCH_WITH_REPLAY} (${formatPath(replayPath)} is "replay")` }
    : {
        at: replayPath,
        message: `cannot be "replay" where ${formatPath(batchPath)} is true: a replay answers from its recording and sends nothing to the Batch API; set \`batch: false\` here, or remove \`type: replay\``,
      };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Every problem found while loading, with the code of the error each came from: the aggregate error keeps that
 * code when all problems share it (a lone missing file stays FILE_NOT_FOUND), else it is CONFIG_INVALID.
 */
class Problems {
  readonly issues: InputIssue[] = [];
  private readonly codes = new Set<PromptfirstErrorCode>();

  add(code: PromptfirstErrorCode, ...issues: InputIssue[]): void {
    this.codes.add(code);
    this.issues.push(...issues);
  }

  get count(): number {
    return this.issues.length;
  }

  /** The issues grouped by file (the config first, then in the order files were read), each file in line order. */
  sorted(configFile: string): InputIssue[] {
    const rank = new Map<string, number>([[configFile, 0]]);
    for (const issue of this.issues) if (!rank.has(issue.file)) rank.set(issue.file, rank.size);
    return this.issues
      .map((issue, index) => ({ issue, index }))
      .sort(
        (a, b) =>
          rank.get(a.issue.file)! - rank.get(b.issue.file)! ||
          (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
          a.index - b.index,
      )
      .map(({ issue }) => issue);
  }

  get code(): PromptfirstErrorCode {
    const [only] = this.codes;
    return this.codes.size === 1 && only !== undefined ? only : "CONFIG_INVALID";
  }
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
 * return the resolved suites. Every problem across all files is reported at once in one PromptfirstError, the
 * config's first and each file's in line order. Its code is the one all problems share (FILE_NOT_FOUND for a lone
 * missing file, CASES_INVALID, PROMPT_INVALID), else CONFIG_INVALID.
 */
export async function loadConfig(configPath: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = path.resolve(configPath);
  const dir = path.dirname(absolute);
  const display = (abs: string): string => {
    const rel = path.relative(options.displayBase ?? dir, abs);
    return rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel || ".";
  };
  // With a display base the config is named like every file it references (the CLI passes absolute paths).
  const file = options.displayBase === undefined ? configPath : display(absolute);
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

  const problems = new Problems();
  const where = (p: ReadonlyArray<PropertyKey>): { file: string; path: string; line?: number } => {
    const line = source.lineAt(p);
    return line === undefined ? { file, path: formatPath(p) } : { file, path: formatPath(p), line };
  };

  const selected = selectSuites(config, options.suites, file);
  const hasher = new ConfigHasher();
  hasher.add(text);
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
      problems,
      defaultProvider,
      hasher,
    });
    if (suite) suites.push(suite);
  }

  const judgeProvider = resolveProvider(dir, config.provider, config.judge?.provider);
  const judgeBatchProblem = findBatchProblem(judgeProvider, [
    { at: ["provider"], config: config.provider },
    { at: ["judge", "provider"], config: config.judge?.provider },
  ]);
  if (judgeBatchProblem) {
    problems.add("CONFIG_INVALID", { ...where(judgeBatchProblem.at), message: judgeBatchProblem.message });
  }
  const judgeKeyProblem = findInheritedKeyProblem(defaultProvider, config.judge?.provider);
  if (judgeKeyProblem) {
    problems.add("CONFIG_INVALID", { ...where(["judge", "provider"]), message: judgeKeyProblem });
  }
  if (problems.count > 0) {
    throw PromptfirstError.fromIssues(
      problems.code,
      problems.sorted(file),
      `${file}: ${problems.count} problem${problems.count === 1 ? "" : "s"} in the config or the files it references:`,
    );
  }
  const hash = hasher.digest();
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
  problems: Problems;
  defaultProvider: ResolvedProvider;
  hasher: ConfigHasher;
}

/**
 * The config's hash: SHA-256 over the config's text and each file's name and content, the parts joined by NUL,
 * fed as they come rather than joined into one string (a 100,000-case file's JSON is tens of MB, built just when
 * the heap is being sized).
 */
class ConfigHasher {
  readonly #hash = createHash("sha256");
  #parts = 0;
  #pending = "";

  /** The next part: a string, or pieces a writer hands over in turn (joined, they are the part). */
  add(part: string | ((write: (piece: string) => void) => void)): void {
    if (this.#parts++ > 0) this.#write("\u0000");
    if (typeof part === "string") this.#write(part);
    else part((piece) => this.#write(piece));
  }

  digest(): string {
    this.#flush();
    return this.#hash.digest("hex").slice(0, 12);
  }

  #write(piece: string): void {
    this.#pending += piece;
    if (this.#pending.length >= 65_536) this.#flush();
  }

  #flush(): void {
    if (this.#pending === "") return;
    this.#hash.update(this.#pending);
    this.#pending = "";
  }
}

/** `JSON.stringify(values)` of an array of objects, in pieces: one per element (and the brackets and commas). */
function writeJsonArray(values: readonly unknown[]): (write: (piece: string) => void) => void {
  return (write) => {
    write("[");
    values.forEach((value, index) => {
      if (index > 0) write(",");
      write(JSON.stringify(value) ?? "null");
    });
    write("]");
  };
}

async function loadSuite(
  name: string,
  suite: SuiteConfig,
  ctx: SuiteContext,
): Promise<LoadedSuite | undefined> {
  const base = ["suites", name];
  const files = new Set<string>();
  const before = ctx.problems.count;
  const ref = (p: ReadonlyArray<PropertyKey>): string => {
    const w = ctx.where(p);
    return `${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.path}`;
  };
  const track = (abs: string, content: string | ((write: (piece: string) => void) => void)): void => {
    const name = relativeToConfig(ctx.dir, abs);
    files.add(name);
    ctx.hasher.add((write) => {
      write(`${name}\u0000`);
      if (typeof content === "string") write(content);
      else content(write);
    });
  };

  // Prompts first: a GitHub Models .prompt.yml may carry the suite's cases and scorers.
  const prompts = new Map<string, ParsedPrompt>();
  for (const [candidateName, candidate] of Object.entries(suite.candidates)) {
    const p = [...base, "candidates", candidateName, "prompt"];
    const abs = path.resolve(ctx.dir, candidate.prompt);
    const parsed = await capture(ctx.problems, ctx.display(abs), () =>
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
    cases = await capture(ctx.problems, ctx.display(abs), () =>
      loadCases(abs, { displayPath: ctx.display(abs), referencedFrom: ref([...base, "cases"]) }),
    );
    if (cases) track(abs, writeJsonArray(cases));
  } else {
    const withData = [...prompts.values()].find((p) => p.cases && p.cases.length > 0);
    if (withData?.cases) cases = withData.cases;
    else if (prompts.size === Object.keys(suite.candidates).length) {
      ctx.problems.add("CONFIG_INVALID", {
        ...ctx.where([...base, "cases"]),
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
            ctx.problems.add("PROMPT_INVALID", {
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
  if (scorers.length === 0 && ctx.problems.count === before) {
    ctx.problems.add("CONFIG_INVALID", {
      ...ctx.where([...base, "scorers"]),
      message: 'is required: list at least one scorer, e.g. `- contains: "{{expected}}"`',
    });
  }
  // Before resolving files: a scorer whose file is missing is dropped, and the indices must stay the user's.
  if (scorers.some(isJudge) && !ctx.config.judge?.model) {
    scorers.forEach((scorer, index) => {
      if (isJudge(scorer) && !judgeModel(scorer)) {
        ctx.problems.add("CONFIG_INVALID", {
          ...ctx.where([...base, "scorers", index]),
          message:
            "a judge scorer needs a model: set `model` in the scorer (judge: { rubric, model }) or `judge.model` at the top level of the config",
        });
      }
    });
  }
  scorers = await resolveScorerFiles(scorers, [...base, "scorers"], ctx, track);

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
      if (loaded.fineTune) files.add(relativeToConfig(ctx.dir, loaded.fineTune.trainingDataPath));
    }
  }

  if (ctx.problems.count > before || !cases) return undefined;
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
        ctx.problems.add("FILE_NOT_FOUND", {
          ...ctx.where([...base, index, "custom"]),
          message: describeMissing("scorer module", record.custom, abs, ctx),
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
      const read = await readJsonSchemaFile(abs, schemaPath, [...base, index, "json", "schema"], ctx);
      if (read === undefined) continue;
      track(abs, read.text);
      out.push({ ...record, json: { ...json, schema: read.schema } } as ScorerConfig);
      continue;
    }
    out.push(scorer);
  }
  return out;
}

/**
 * Read a `json` scorer's schema file: a missing file is reported at the config line naming it; invalid JSON at its
 * own line; a schema Ajv cannot compile at the config line again. Returns the schema and the file's text, or
 * `undefined` after reporting.
 */
async function readJsonSchemaFile(
  abs: string,
  given: string,
  at: ReadonlyArray<PropertyKey>,
  ctx: SuiteContext,
): Promise<{ schema: object; text: string } | undefined> {
  let text: string;
  try {
    text = (await readFile(abs, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === "ENOENT" || code === "ENOTDIR";
    ctx.problems.add(missing ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", {
      ...ctx.where(at),
      message: missing
        ? describeMissing("JSON Schema file", given, abs, ctx)
        : `JSON Schema file "${given}" cannot be read (${code ?? (error as Error).message})`,
    });
    return undefined;
  }
  const located = locateJsonSyntaxError(text, (offset) => {
    const { line, column } = computeLineColumn(text, offset);
    return `line ${line}, column ${column}`;
  });
  if (located) {
    const { line, column } = computeLineColumn(text, located.offset);
    ctx.problems.add("CONFIG_INVALID", {
      file: ctx.display(abs),
      line,
      message: `invalid JSON at column ${column}: ${located.message}`,
    });
    return undefined;
  }
  const schema = JSON.parse(text) as unknown;
  try {
    compileJsonSchema(schema);
  } catch (error) {
    ctx.problems.add("CONFIG_INVALID", {
      ...ctx.where(at),
      message: `JSON Schema file "${given}" is not a valid JSON Schema: ${(error as Error).message}`,
    });
    return undefined;
  }
  return { schema: schema as object, text };
}

async function resolveCandidate(
  name: string,
  candidate: CandidateConfig,
  parsed: ParsedPrompt,
  base: ReadonlyArray<PropertyKey>,
  ctx: SuiteContext,
): Promise<LoadedCandidate | undefined> {
  const provider = resolveProvider(ctx.dir, ctx.config.provider, candidate.provider);
  const keyProblem = findInheritedKeyProblem(ctx.defaultProvider, candidate.provider);
  if (keyProblem)
    ctx.problems.add("CONFIG_INVALID", { ...ctx.where([...base, "provider"]), message: keyProblem });
  const batchProblem = findBatchProblem(provider, [
    { at: ["provider"], config: ctx.config.provider },
    { at: [...base, "provider"], config: candidate.provider },
  ]);
  if (batchProblem) {
    ctx.problems.add("CONFIG_INVALID", { ...ctx.where(batchProblem.at), message: batchProblem.message });
  }
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
      ctx.problems.add("FILE_NOT_FOUND", {
        ...ctx.where([...base, "fineTune", "trainingData"]),
        message: describeMissing("training data file", candidate.fineTune.trainingData, abs, ctx),
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
    ctx.problems.add("CONFIG_INVALID", {
      ...ctx.where([...base, "model"]),
      message: `is required: the prompt file "${parsed.template.source}" names no model`,
    });
    return undefined;
  }
  loaded.model = model;
  return loaded;
}

/** A prompt file's model, adapted to the endpoint (GitHub Models ids lose the publisher on OpenAI's own). */
function modelFromPrompt(parsed: ParsedPrompt, baseURL: string): string | undefined {
  const model = parsed.template.model;
  return model ? adaptModelIdForEndpoint(model, baseURL) : undefined;
}

/** `training data file "training/x.jsonl" not found`, with where it was looked for when that differs. */
function describeMissing(what: string, given: string, abs: string, ctx: SuiteContext): string {
  const shown = ctx.display(abs);
  const looked = path.normalize(given) === path.normalize(shown) ? "" : ` (looked for ${shown})`;
  return `${what} "${given}" not found${looked}`;
}

/** Run a loader; its PromptfirstError becomes problems (attributed to `file` when it lists none). */
async function capture<T>(problems: Problems, file: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (isPromptfirstError(error)) {
      problems.add(
        error.code,
        ...(error.issues.length > 0 ? error.issues : [{ file, message: error.message }]),
      );
      return undefined;
    }
    throw error;
  }
}

/** A path relative to the config's directory, with forward slashes: stable whatever the working directory. */
function relativeToConfig(configDir: string, absolute: string): string {
  return path.relative(configDir, absolute).split(path.sep).join("/");
}

/**
 * A key must never travel to a host it was not meant for: a provider override that moves to another host and
 * names no `apiKeyEnv` would otherwise send the top-level provider's key there. Self-hosted endpoints need no key.
 */
export function findInheritedKeyProblem(
  outer: ResolvedProvider,
  override: ProviderConfig | undefined,
): string | undefined {
  if (!override?.baseURL || override.apiKeyEnv !== undefined || override.type === "replay") return undefined;
  const hostOf = (url: string): string | undefined => {
    try {
      return new URL(url).host;
    } catch {
      return undefined;
    }
  };
  if (hostOf(override.baseURL) === hostOf(outer.baseURL)) return undefined;
  if (inferProviderFromBaseURL(override.baseURL) === SELF_HOSTED_PROVIDER) return undefined;
  return `sends requests to ${hostOf(override.baseURL)} but names no apiKeyEnv, so it would send ${outer.apiKeyEnv} (the key for ${hostOf(outer.baseURL)}) there; set provider.apiKeyEnv to the variable that holds this endpoint's key`;
}
