import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  type LoadedConfig,
  PromptfirstError,
  type Provider,
  planRun,
  type ResolvedProvider,
  type RunResult,
  runEval,
} from "@promptfirst/core";
import { loadConfig, loadCustomScorer } from "@promptfirst/core/node";
import {
  FileCache,
  loadRecording,
  OpenAIProvider,
  type RecordingFile,
  RecordingProvider,
  ReplayProvider,
  saveRecording,
} from "@promptfirst/providers";
import type { CliIO, SecretRedactor } from "../io.ts";
import { createProgressReporter } from "../progress.ts";
import { formatRunSummary } from "../summary.ts";
import { VERSION } from "../version.ts";

/** Options of one evaluation, from flags. */
export interface EvalOptions {
  config: string;
  suites: string[];
  out?: string;
  concurrency?: number;
  cache: boolean;
  cacheDir?: string;
  record?: string;
  replay?: string;
  quiet?: boolean;
  git?: { ref?: string; sha?: string };
  /** Directory the config's files are named relative to in messages and results (default: the working directory). */
  displayBase?: string;
}

/** What an evaluation produced. */
export interface EvalOutcome {
  result: RunResult;
  loaded: LoadedConfig;
  /** Requests that could not be answered for a reason the user must fix (no key, no recording). */
  blocking: Array<{ kind: string; message: string; count: number }>;
}

/**
 * Evaluate the config's suites: load, plan, run through the cache and the chosen providers, and write the
 * RunResult. Shared by `eval` and `gate`.
 */
export async function executeEval(
  options: EvalOptions,
  io: CliIO,
  redactor: SecretRedactor,
): Promise<EvalOutcome> {
  const configPath = path.resolve(io.cwd, options.config);
  const loaded = await loadConfig(configPath, {
    suites: options.suites,
    displayBase: options.displayBase ?? io.cwd,
  });
  const plan = planRun(loaded);

  let replay: { file: string; recording: RecordingFile } | undefined;
  if (options.replay) {
    const file = path.resolve(io.cwd, options.replay);
    replay = { file: options.replay, recording: await loadRecording(file) };
  }
  const replays = new Map<string, Promise<RecordingFile>>();
  const recorders: RecordingProvider[] = [];
  const providers: Provider[] = [];

  const createProvider = (endpoint: ResolvedProvider): Provider => {
    let provider: Provider;
    if (replay) provider = new ReplayProvider(replay.recording, replay.file);
    else if (endpoint.type === "replay") {
      if (!endpoint.recording) {
        throw new PromptfirstError(
          "CONFIG_INVALID",
          `${loaded.file}: provider.type is "replay" but provider.recording names no file`,
        );
      }
      provider = new LazyReplayProvider(endpoint.recording, replays);
    } else {
      const apiKey = io.env[endpoint.apiKeyEnv];
      redactor.add(apiKey);
      const providerOptions: ConstructorParameters<typeof OpenAIProvider>[0] = {
        baseURL: endpoint.baseURL,
        apiKeyEnv: endpoint.apiKeyEnv,
        headers: endpoint.headers,
      };
      if (apiKey) providerOptions.apiKey = apiKey;
      if (endpoint.apiVersion) providerOptions.apiVersion = endpoint.apiVersion;
      provider = new OpenAIProvider(providerOptions);
    }
    providers.push(provider);
    if (options.record) {
      const recorder = new RecordingProvider(provider);
      recorders.push(recorder);
      return recorder;
    }
    return provider;
  };

  // Recording must see every call, and a replay must not mix in cached answers.
  const useCache = options.cache && !options.record && !replay && loaded.config.cache?.enabled !== false;
  let cache: FileCache | undefined;
  if (useCache)
    cache = new FileCache(options.cacheDir ? path.resolve(io.cwd, options.cacheDir) : loaded.cacheDir);

  const progress = createProgressReporter(
    (text) => {
      if (!options.quiet) io.stderr(text);
    },
    io.isTTY,
    io.now,
  );
  if (!options.quiet) {
    const skipped = plan.skipped.length ? `, ${plan.skipped.length} candidate(s) skipped` : "";
    io.stderr(
      `promptfirst ${VERSION}: ${loaded.suites.length} suite(s), ${plan.calls.length} calls (${plan.uniqueRequests} distinct)${skipped}\n`,
    );
  }
  const result = await runEval(loaded, plan, {
    createProvider,
    ...(cache ? { cache } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    loadCustomScorer,
    fetchLifecycle: async (model, endpoint) => {
      if (replay || endpoint.type !== "openai") return undefined;
      const provider = providers.find((p) => p.id === `openai:${endpoint.baseURL}`);
      return provider instanceof OpenAIProvider ? provider.fetchLifecycle(model) : undefined;
    },
    onProgress: progress.update,
    toolVersion: VERSION,
    ...(options.git ? { git: options.git } : {}),
  });
  progress.finish();
  await cache?.close();

  if (options.record && recorders.length > 0) {
    const file = path.resolve(io.cwd, options.record);
    const entries: RecordingFile["entries"] = {};
    for (const recorder of recorders) Object.assign(entries, recorder.entries());
    // Add to an existing recording rather than replace it: recording one suite keeps the others' answers, and
    // gate's base and head runs share one file. Secrets are masked in what is stored.
    const existing = await loadRecording(file).catch((error: unknown) => {
      if ((error as { code?: string }).code === "FILE_NOT_FOUND") return undefined;
      throw error;
    });
    const merged = JSON.parse(redactor.redact(JSON.stringify({ ...existing?.entries, ...entries })));
    await saveRecording(file, merged as RecordingFile["entries"]);
    if (!options.quiet) {
      io.stderr(`recorded ${Object.keys(entries).length} responses to ${options.record}\n`);
    }
  }

  const redacted = JSON.parse(redactor.redact(JSON.stringify(result))) as RunResult;
  if (options.out) {
    const file = path.resolve(io.cwd, options.out);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(redacted, null, 2)}\n`);
  }
  return { result: redacted, loaded, blocking: findBlocking(redacted) };
}

/** A replay provider that reads its recording on first use (config `provider.type: replay`). */
class LazyReplayProvider implements Provider {
  readonly id: string;
  readonly #file: string;
  readonly #cache: Map<string, Promise<RecordingFile>>;
  #inner: Promise<ReplayProvider> | undefined;

  constructor(file: string, cache: Map<string, Promise<RecordingFile>>) {
    this.id = `replay:${file}`;
    this.#file = file;
    this.#cache = cache;
  }

  complete(...args: Parameters<Provider["complete"]>): ReturnType<Provider["complete"]> {
    if (!this.#inner) {
      let recording = this.#cache.get(this.#file);
      if (!recording) {
        recording = loadRecording(this.#file);
        this.#cache.set(this.#file, recording);
      }
      this.#inner = recording.then((r) => new ReplayProvider(r, this.#file));
    }
    return this.#inner.then((p) => p.complete(args[0]));
  }
}

/**
 * Failures the user must fix before results mean anything: no key, a key the endpoint refuses, a model it does
 * not have, a recording that lacks the request. They make `eval` exit 2 instead of reporting a scored run.
 */
const BLOCKING_KINDS = new Set(["no_api_key", "not_recorded", "auth", "not_found"]);

function findBlocking(result: RunResult): EvalOutcome["blocking"] {
  const counts = new Map<string, { kind: string; message: string; count: number }>();
  for (const suite of Object.values(result.suites)) {
    for (const candidate of Object.values(suite.candidates)) {
      for (const c of candidate.cases) {
        for (const s of c.samples) {
          if (!s.error || !BLOCKING_KINDS.has(s.error.kind)) continue;
          const key =
            s.error.kind === "not_recorded" ? s.error.kind : `${s.error.kind}\u0000${s.error.message}`;
          const entry = counts.get(key) ?? { kind: s.error.kind, message: s.error.message, count: 0 };
          entry.count++;
          counts.set(key, entry);
        }
      }
    }
  }
  return [...counts.values()];
}

/** `promptfirst eval`: evaluate, print the summary, and exit 0 (2 when calls could not be made at all). */
export async function runEvalCommand(
  options: EvalOptions,
  io: CliIO,
  redactor: SecretRedactor,
): Promise<number> {
  const outcome = await executeEval(options, io, redactor);
  io.stdout(redactor.redact(formatRunSummary(outcome.result)));
  if (options.out) io.stderr(`results written to ${options.out}\n`);
  if (outcome.blocking.length > 0) {
    for (const b of outcome.blocking) {
      io.stderr(redactor.redact(`error: ${b.count} call(s) could not be made: ${b.message}\n`));
    }
    return 2;
  }
  return 0;
}
