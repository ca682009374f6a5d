import path from "node:path";
import {
  applyShard,
  type CaseRecord,
  type CaseResult,
  DEFAULTS,
  type LoadedConfig,
  PromptfirstError,
  type Provider,
  planRun,
  type ResolvedProvider,
  type RunProgress,
  type RunResult,
  type RunShard,
  runEval,
  type ShardSelection,
  toOutputFileError,
} from "@promptfirst/core";
import { loadConfig, loadCustomScorer } from "@promptfirst/core/node";
import type { BatchEvent } from "./batch-provider.ts";
import { FileCache } from "./file-cache.ts";
import { OpenAIProvider } from "./openai-provider.ts";
import { createProxyFetch, type ProxySettings } from "./proxy-fetch.ts";
import type { RecordingFile, RecordingProvider } from "./recording.ts";
import { StreamedResults } from "./streamed-results.ts";

// Recordings and the Batch API are imported when an evaluation uses them: a bundle then parses them (and builds
// their schemas) only then, not before every evaluation's first request.
type RecordingModule = typeof import("./recording.ts");
const loadRecordingModule = (): Promise<RecordingModule> => import("./recording.ts");
const loadBatchModule = () => import("./batch-provider.ts");

/** A failure the user must fix before results mean anything (no key, no recording), with how many calls hit it. */
export interface BlockingFailure {
  kind: string;
  message: string;
  count: number;
}

/** What an evaluation is about to do, reported before the first call. */
export interface EvaluationPlanInfo {
  suites: number;
  calls: number;
  distinctRequests: number;
  skippedCandidates: number;
  /** With `shard`: the shard's cases against the suites' totals. */
  shard?: RunShard;
}

/** Options of `evaluateConfig`: everything a shell (CLI or Action) decides. */
export interface EvaluateConfigOptions {
  /** Absolute path of the config file. */
  configPath: string;
  /** The suites to evaluate (empty: every suite). */
  suites: readonly string[];
  /** Directory the config's files are named relative to in messages and results. */
  displayBase: string;
  /** Reads the API key named by an endpoint's `apiKeyEnv` (the shell decides where keys come from). */
  lookupKey: (envName: string) => string | undefined;
  /**
   * The key for the variable the config's top-level `provider.apiKeyEnv` names (default OPENAI_API_KEY), over
   * `lookupKey` for that name: the Action's `api-key` input. Each config (head's, base's) answers for its own.
   */
  apiKey?: string;
  /** Send model calls through a proxy (the shell reads HTTPS_PROXY and the like: `readProxySettings`). */
  proxy?: ProxySettings;
  /** Called with every secret used, so the shell can mask it in its own output. */
  onSecret?: (value: string) => void;
  /** Answer only from this recording: `file` absolute, `display` as the user named it. */
  replay?: { file: string; display: string };
  /** Call the endpoints and add every response to this recording: `file` absolute, `display` as named. */
  record?: { file: string; display: string };
  /** Read and write the response cache (ignored when recording or replaying). */
  cache: boolean;
  /** Absolute cache directory (default: the config's). */
  cacheDir?: string;
  /**
   * Where to note every cache key this run reads or stores (share one set across runs, e.g. base and head), for
   * `compactFileCache` afterwards.
   */
  usedCacheKeys?: Set<string>;
  /** Overrides every endpoint's concurrency. */
  concurrency?: number;
  /** Evaluate only this shard of every suite's cases (`applyShard`); the RunResult records it for merging. */
  shard?: ShardSelection;
  /** Overrides: the config's top-level base URL, and the model of every prompt candidate. */
  overrides?: { baseURL?: string; model?: string };
  onPlan?: (info: EvaluationPlanInfo) => void;
  onProgress?: (progress: RunProgress) => void;
  /** Called after a recording was written, with the number of responses recorded. */
  onRecorded?: (count: number) => void;
  git?: { ref?: string; sha?: string };
  /**
   * Absolute path to write the (redacted) RunResult to. Cases are also streamed, as they finish, to the JSONL
   * file next to it (`run.json` → `run.cases.jsonl`), which the RunResult file is then assembled from.
   */
  out?: string;
  /**
   * Keep every case in the returned RunResult (default true). False returns candidates with `cases: []` and
   * only their summaries, for runs too large to hold in memory: the cases are in `out` and its JSONL file.
   */
  keepCases?: boolean;
  /** Called with each case of each candidate as soon as it is finished (secrets not yet masked). */
  onCase?: (record: CaseRecord) => void | Promise<void>;
  /** Progress of Batch API endpoints: submitted, resumed, status on each poll, finished, warnings. */
  onBatchEvent?: (event: BatchEvent) => void;
  toolVersion: string;
}

/** What `evaluateConfig` produced. */
export interface EvaluateConfigResult {
  /** The RunResult, with every secret masked. */
  result: RunResult;
  loaded: LoadedConfig;
  /** Requests that could not be answered for a reason the user must fix (no key, no recording). */
  blocking: BlockingFailure[];
  /** The response cache this run read and wrote; none when the cache was off (flag, config, record, replay). */
  cacheDir?: string;
}

/** Masks secrets (values shorter than 6 characters are not worth masking and would mangle text). */
function createMasker(): { add(value: string | undefined): boolean; mask(text: string): string } {
  const secrets = new Set<string>();
  return {
    add(value) {
      if (!value || value.length < 6 || secrets.has(value)) return false;
      secrets.add(value);
      return true;
    },
    mask(text) {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join("***");
      return out;
    },
  };
}

/** Apply the shell's overrides (Action inputs `base-url` and `model`) to a loaded config, in place. */
function applyOverrides(loaded: LoadedConfig, overrides: EvaluateConfigOptions["overrides"]): void {
  if (!overrides) return;
  const topBaseURL = (loaded.config.provider?.baseURL ?? DEFAULTS.baseURL).replace(/\/+$/, "");
  const newBaseURL = overrides.baseURL?.replace(/\/+$/, "");
  const retarget = (provider: ResolvedProvider): void => {
    if (newBaseURL && provider.type === "openai" && provider.baseURL === topBaseURL)
      provider.baseURL = newBaseURL;
  };
  for (const suite of loaded.suites) {
    for (const candidate of suite.candidates) {
      retarget(candidate.provider);
      if (overrides.model && candidate.kind === "prompt") candidate.model = overrides.model;
    }
  }
  retarget(loaded.judge.provider);
}

/**
 * Evaluate a config's suites: load, plan, run through the cache and the chosen providers (OpenAI-compatible,
 * replay, or recording), mask secrets, and optionally write the RunResult. Shared by the CLI and the Action.
 */
export async function evaluateConfig(options: EvaluateConfigOptions): Promise<EvaluateConfigResult> {
  const masker = createMasker();
  const loaded = await loadConfig(options.configPath, {
    suites: [...options.suites],
    displayBase: options.displayBase,
  });
  applyOverrides(loaded, options.overrides);
  const sharded = options.shard ? applyShard(loaded, options.shard) : undefined;
  const plan = planRun(sharded?.config ?? loaded);

  const endpoints = [
    ...loaded.suites.flatMap((s) => s.candidates.map((c) => c.provider)),
    loaded.judge.provider,
  ];
  const recordings =
    options.replay || options.record || endpoints.some((e) => e.type === "replay")
      ? await loadRecordingModule()
      : undefined;
  const batches = endpoints.some((e) => e.batch) ? await loadBatchModule() : undefined;
  let replay: { file: string; recording: RecordingFile } | undefined;
  if (options.replay) {
    replay = {
      file: options.replay.display,
      recording: await recordings!.loadRecording(options.replay.file),
    };
  }
  const replays = new Map<string, Promise<RecordingFile>>();
  const recorders: RecordingProvider[] = [];
  const providers: Provider[] = [];
  const proxyFetch = options.proxy ? createProxyFetch(options.proxy) : undefined;

  const createProvider = (endpoint: ResolvedProvider): Provider => {
    let provider: Provider;
    if (replay) provider = new recordings!.ReplayProvider(replay.recording, replay.file);
    else if (endpoint.type === "replay") {
      if (!endpoint.recording) {
        throw new PromptfirstError(
          "CONFIG_INVALID",
          `${loaded.file}: provider.type is "replay" but provider.recording names no file`,
        );
      }
      provider = new LazyReplayProvider(endpoint.recording, replays, recordings!);
    } else {
      const apiKey =
        options.apiKey && endpoint.apiKeyEnv === (loaded.config.provider?.apiKeyEnv ?? DEFAULTS.apiKeyEnv)
          ? options.apiKey
          : options.lookupKey(endpoint.apiKeyEnv);
      if (apiKey && masker.add(apiKey)) options.onSecret?.(apiKey);
      const providerOptions: ConstructorParameters<typeof OpenAIProvider>[0] = {
        baseURL: endpoint.baseURL,
        apiKeyEnv: endpoint.apiKeyEnv,
        headers: endpoint.headers,
      };
      if (apiKey) providerOptions.apiKey = apiKey;
      if (proxyFetch) providerOptions.fetch = proxyFetch;
      if (endpoint.apiVersion) providerOptions.apiVersion = endpoint.apiVersion;
      provider = endpoint.batch
        ? new batches!.BatchProvider({
            ...providerOptions,
            // Next to the response cache: a re-run with the same cache directory resumes its batches.
            stateDir: path.join(options.cacheDir ?? loaded.cacheDir, "batches"),
            ...(options.onBatchEvent ? { onEvent: options.onBatchEvent } : {}),
          })
        : new OpenAIProvider(providerOptions);
    }
    providers.push(provider);
    if (options.record) {
      const recorder = new recordings!.RecordingProvider(provider);
      recorders.push(recorder);
      return recorder;
    }
    return provider;
  };

  // Recording must see every call, and a replay must not mix in cached answers.
  const useCache = options.cache && !options.record && !replay && loaded.config.cache?.enabled !== false;
  const cache = useCache
    ? new FileCache(
        options.cacheDir ?? loaded.cacheDir,
        options.usedCacheKeys ? { used: options.usedCacheKeys } : {},
      )
    : undefined;

  options.onPlan?.({
    suites: loaded.suites.length,
    calls: plan.calls.length,
    distinctRequests: plan.uniqueRequests,
    skippedCandidates: plan.skipped.length,
    ...(sharded ? { shard: sharded.shard } : {}),
  });
  // Cases go to disk as they finish; blocking failures are counted on the way, so a run that keeps no case
  // still reports them.
  const shown = (file: string): string => path.relative(options.displayBase, file) || file;
  const streamed = options.out
    ? await StreamedResults.create(casesFileFor(options.out), (text) => masker.mask(text)).catch((error) => {
        throw toOutputFileError(error, shown(casesFileFor(options.out!)));
      })
    : undefined;
  const blocking = new BlockingCounter();
  const keepCases = options.keepCases ?? true;
  let result: RunResult;
  try {
    result = await runEval(sharded?.config ?? loaded, plan, {
      createProvider,
      ...(cache ? { cache } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      loadCustomScorer,
      fetchLifecycle: async (model, endpoint) => {
        if (replay || endpoint.type !== "openai") return undefined;
        const provider = providers.find(
          (p) => p.id === `openai:${endpoint.baseURL}` || p.id === `openai-batch:${endpoint.baseURL}`,
        );
        return provider instanceof OpenAIProvider ||
          (batches !== undefined && provider instanceof batches.BatchProvider)
          ? provider.fetchLifecycle(model)
          : undefined;
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      toolVersion: options.toolVersion,
      ...(options.git ? { git: options.git } : {}),
      keepCases,
      onCase: async (record) => {
        blocking.add(record.case);
        await options.onCase?.(record);
        await streamed?.write(record);
      },
    });
  } finally {
    await cache?.close();
    await streamed?.close();
  }
  if (sharded) result.shard = sharded.shard;

  if (options.record && recorders.length > 0) {
    const entries: RecordingFile["entries"] = {};
    for (const recorder of recorders) Object.assign(entries, recorder.entries());
    // Add to an existing recording rather than replace it: recording one suite keeps the others' answers, and
    // gate's base and head runs share one file. Secrets are masked in what is stored.
    const existing = await recordings!.loadRecording(options.record.file).catch((error: unknown) => {
      if ((error as { code?: string }).code === "FILE_NOT_FOUND") return undefined;
      throw error;
    });
    const merged = JSON.parse(masker.mask(JSON.stringify({ ...existing?.entries, ...entries })));
    await recordings!.saveRecording(options.record.file, merged as RecordingFile["entries"]);
    options.onRecorded?.(Object.keys(entries).length);
  }

  const redacted = JSON.parse(masker.mask(JSON.stringify(result))) as RunResult;
  if (options.out) {
    await streamed!.writeRunResult(options.out, redacted).catch((error) => {
      throw toOutputFileError(error, shown(options.out!));
    });
  }
  return {
    result: redacted,
    loaded,
    blocking: blocking.failures(),
    ...(cache ? { cacheDir: cache.dir } : {}),
  };
}

/** The JSONL file cases stream to while the RunResult `out` is being produced: `run.json` → `run.cases.jsonl`. */
export function casesFileFor(out: string): string {
  return `${out.replace(/\.json$/i, "")}.cases.jsonl`;
}

/** A replay provider that reads its recording on first use (config `provider.type: replay`). */
class LazyReplayProvider implements Provider {
  readonly id: string;
  readonly #file: string;
  readonly #cache: Map<string, Promise<RecordingFile>>;
  readonly #recordings: RecordingModule;
  #inner: Promise<InstanceType<RecordingModule["ReplayProvider"]>> | undefined;

  constructor(file: string, cache: Map<string, Promise<RecordingFile>>, recordings: RecordingModule) {
    this.id = `replay:${file}`;
    this.#file = file;
    this.#cache = cache;
    this.#recordings = recordings;
  }

  complete(...args: Parameters<Provider["complete"]>): ReturnType<Provider["complete"]> {
    if (!this.#inner) {
      let recording = this.#cache.get(this.#file);
      if (!recording) {
        recording = this.#recordings.loadRecording(this.#file);
        this.#cache.set(this.#file, recording);
      }
      this.#inner = recording.then((r) => new this.#recordings.ReplayProvider(r, this.#file));
    }
    return this.#inner.then((p) => p.complete(args[0]));
  }
}

/**
 * Error kinds the user must fix before results mean anything: no key, a key the endpoint refuses, a model it
 * does not have, a recording that lacks the request.
 */
export const BLOCKING_ERROR_KINDS: ReadonlySet<string> = new Set([
  "no_api_key",
  "not_recorded",
  "auth",
  "not_found",
]);

/** Counts blocking failures case by case, grouped by kind and message. */
class BlockingCounter {
  readonly #counts = new Map<string, BlockingFailure>();

  add(c: CaseResult): void {
    for (const s of c.samples) {
      if (!s.error || !BLOCKING_ERROR_KINDS.has(s.error.kind)) continue;
      const key = s.error.kind === "not_recorded" ? s.error.kind : `${s.error.kind}\u0000${s.error.message}`;
      const entry = this.#counts.get(key) ?? { kind: s.error.kind, message: s.error.message, count: 0 };
      entry.count++;
      this.#counts.set(key, entry);
    }
  }

  failures(): BlockingFailure[] {
    return [...this.#counts.values()];
  }
}

/** The blocking failures of a RunResult, grouped by kind and message, with their counts. */
export function findBlockingFailures(result: RunResult): BlockingFailure[] {
  const counter = new BlockingCounter();
  for (const suite of Object.values(result.suites)) {
    for (const candidate of Object.values(suite.candidates)) {
      for (const c of candidate.cases) counter.add(c);
    }
  }
  return counter.failures();
}
