import path from "node:path";
import { parseArgs } from "node:util";
import {
  type DataReport,
  type EvalCaseRef,
  inferProviderFromBaseURL,
  isTokenEncoding,
  type LoadedCandidate,
  type LoadedConfig,
  renderPrompt,
  TOKEN_ENCODINGS,
} from "@promptfirst/core";
import {
  type LoadTrainingDataReportOptions,
  loadConfig,
  loadTrainingDataReport,
  loadTrainingTokenCounter,
} from "@promptfirst/core/node";
import type { CliIO, SecretRedactor } from "../io.ts";
import { reportUserError, UsageError } from "../usage-error.ts";

/** Help for `promptfirst check-data`. */
export const CHECK_DATA_HELP = `Usage: promptfirst check-data [FILE...] [options]

Check fine-tuning data (chat JSONL, {"messages": [...]} per line, or the preference format) before training:
format, size, tokens per example against the base model's limit, epochs and cost, duplicates, contradictions,
eval cases leaked into training, system prompt consistency, very short answers, and the change against a base
version. Files are streamed: any size checks in constant memory.

Options:
  -m, --model BASE          base model the fine-tune starts from (default: the config's fineTune.baseModel)
      --provider ID         who trains it, for prices and epochs: openai, azure, together, fireworks, self-hosted
                            (default: from the fine-tune candidate's endpoint)
  -c, --config FILE         config whose fine-tune candidates use the data: their suites' cases are checked for
                            leakage, and their baseModel, price and epochs are used (default: promptfirst.yaml
                            when --suite is given); without FILE, every training file the config names is checked
  -s, --suite NAME          only these suites of the config (repeatable)
      --epochs N            training epochs (default: the config's, else the provider's rule)
      --price-per-mtok USD  training price per 1M tokens (default: the config's, else the price table)
      --context-limit N     longest training example in tokens (default: the model table)
      --tokenizer ENC       count with this encoding as the model's own tokenizer (${TOKEN_ENCODINGS.join(", ")})
      --base-file OLD       the file's base version (in a pull request), for the diff (one FILE only)
      --workers N           worker threads that read lines beside the main one (default: one per core but one,
                            for files of 16 MB and more; 0 reads on one thread, with the least memory)
      --json                print the DataReports as a JSON array
  -h, --help                show this help

Exit status: 0 no errors (warnings allowed); 1 some file has errors; 2 usage error or a file that cannot be read.
`;

/** Findings printed per file in the human summary; --json has all kept ones. */
const MAX_PRINTED_FINDINGS = 20;

function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 64) {
    throw new UsageError(`--workers must be a whole number of threads from 0 to 64, got "${value}"`);
  }
  return n;
}

function parsePrice(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--price-per-mtok must be a price in USD per 1M tokens (e.g. 0.5), got "${value}"`);
  }
  return n;
}

/** One file to check, with what the config says about it. */
interface Target {
  /** Absolute path. */
  path: string;
  /** As shown to the user. */
  shown: string;
  options: LoadTrainingDataReportOptions;
  notes: string[];
}

/**
 * `promptfirst check-data FILE... [--model BASE] [--config FILE] [--suite NAME] [--epochs N]
 * [--price-per-mtok USD] [--base-file OLD] [--json]`: check training files and print a summary per file (or
 * the DataReports as JSON). Returns the exit code: 0 no errors, 1 errors in the data, 2 a usage error or a file
 * that cannot be read (with a message naming it).
 */
export async function runCheckDataFromArgs(
  args: string[],
  io: CliIO,
  redactor: SecretRedactor,
): Promise<number> {
  try {
    return await runCheckData(args, io, redactor);
  } catch (error) {
    return reportUserError(error, "check-data", io, redactor);
  }
}

async function runCheckData(args: string[], io: CliIO, redactor: SecretRedactor): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string", short: "m" },
      provider: { type: "string" },
      config: { type: "string", short: "c" },
      suite: { type: "string", short: "s", multiple: true },
      epochs: { type: "string" },
      "price-per-mtok": { type: "string" },
      "context-limit": { type: "string" },
      tokenizer: { type: "string" },
      "base-file": { type: "string" },
      workers: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(CHECK_DATA_HELP);
    return 0;
  }
  const epochs = parsePositiveInt(values.epochs, "--epochs");
  if (epochs !== undefined && epochs > 50) throw new UsageError(`--epochs must be at most 50, got ${epochs}`);
  const price = parsePrice(values["price-per-mtok"]);
  const contextLimit = parsePositiveInt(values["context-limit"], "--context-limit");
  const workers = parseWorkers(values.workers);
  if (values.tokenizer !== undefined && !isTokenEncoding(values.tokenizer)) {
    throw new UsageError(
      `--tokenizer must be one of ${TOKEN_ENCODINGS.join(", ")}, got "${values.tokenizer}"`,
    );
  }
  const suites = values.suite ?? [];
  const configFile = values.config ?? (suites.length > 0 ? "promptfirst.yaml" : undefined);
  if (positionals.length === 0 && configFile === undefined) {
    throw new UsageError(
      "name the training file(s) to check, or a config (--config) whose fine-tunes use them",
    );
  }
  if (values["base-file"] !== undefined && positionals.length !== 1) {
    throw new UsageError("--base-file compares one file with its base version: name exactly one FILE");
  }

  const loaded = configFile
    ? await loadConfig(path.resolve(io.cwd, configFile), { suites, displayBase: io.cwd })
    : undefined;
  const targets = collectTargets(positionals, loaded, io.cwd);
  if (targets.length === 0) {
    throw new UsageError(
      `${loaded?.file ?? "the config"} names no training data (fineTune.trainingData)${suites.length ? " in the chosen suites" : ""}: name the file(s) to check`,
    );
  }

  const tokenizer =
    values.tokenizer && isTokenEncoding(values.tokenizer)
      ? await loadTrainingTokenCounter(values.tokenizer)
      : undefined;
  const reports: DataReport[] = [];
  for (const target of targets) {
    const options: LoadTrainingDataReportOptions = { ...target.options, file: target.shown };
    if (values.model !== undefined) options.baseModel = values.model;
    if (values.provider !== undefined) options.provider = values.provider;
    if (epochs !== undefined) options.epochs = epochs;
    if (price !== undefined) options.trainingPricePerMTok = price;
    if (contextLimit !== undefined) options.contextLimit = contextLimit;
    if (tokenizer) options.tokenizer = tokenizer;
    if (workers !== undefined) options.workers = workers;
    if (values["base-file"] !== undefined) {
      options.baseVersionPath = path.resolve(io.cwd, values["base-file"]);
      options.baseFile = values["base-file"];
    }
    const report = await loadTrainingDataReport(target.path, options);
    reports.push(report);
    if (!values.json) io.stdout(redactor.redact(formatDataReport(report, target.notes)));
  }
  if (values.json) io.stdout(`${redactor.redact(JSON.stringify(reports, null, 2))}\n`);
  return reports.some((r) => r.errorCount > 0) ? 1 : 0;
}

/** The files to check: the ones named, else every training file of the config's fine-tune candidates. */
function collectTargets(files: string[], loaded: LoadedConfig | undefined, cwd: string): Target[] {
  const uses = new Map<string, Array<{ suite: string; candidate: LoadedCandidate }>>();
  for (const suite of loaded?.suites ?? []) {
    for (const candidate of suite.candidates) {
      const data = candidate.fineTune?.trainingDataPath;
      if (!data) continue;
      const list = uses.get(data) ?? [];
      list.push({ suite: suite.name, candidate });
      uses.set(data, list);
    }
  }
  const paths = files.length > 0 ? files.map((f) => path.resolve(cwd, f)) : [...uses.keys()];
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const file of paths) {
    if (seen.has(file)) continue;
    seen.add(file);
    const shown = path.relative(cwd, file) || file;
    const users = uses.get(file) ?? [];
    const target: Target = { path: file, shown, options: {}, notes: [] };
    if (loaded && users.length === 0) {
      target.notes.push(
        `no fine-tune candidate in ${loaded.file} uses this file, so no eval cases were checked for leakage`,
      );
    }
    const first = users[0];
    if (first?.candidate.fineTune) {
      const ft = first.candidate.fineTune;
      target.options.baseModel = ft.baseModel;
      const provider = inferProviderFromBaseURL(first.candidate.provider.baseURL);
      if (provider !== undefined) target.options.provider = provider;
      if (ft.trainingPricePerMTok !== undefined)
        target.options.trainingPricePerMTok = ft.trainingPricePerMTok;
      if (ft.epochs !== undefined) target.options.epochs = ft.epochs;
      const others = new Set(
        users.map((u) => u.candidate.fineTune?.baseModel).filter((m) => m !== ft.baseModel),
      );
      if (others.size > 0) {
        target.notes.push(
          `candidates disagree on the base model (${[ft.baseModel, ...others].join(", ")}): checked for ${ft.baseModel} (${first.suite}/${first.candidate.name})`,
        );
      }
    }
    target.options.evalCases = collectEvalCases(users, loaded);
    targets.push(target);
  }
  return targets;
}

/** The eval cases of every suite whose candidates use a file, with their inputs rendered by its prompt. */
function collectEvalCases(
  users: ReadonlyArray<{ suite: string; candidate: LoadedCandidate }>,
  loaded: LoadedConfig | undefined,
): EvalCaseRef[] {
  const refs: EvalCaseRef[] = [];
  const suitesDone = new Set<string>();
  for (const { suite: name, candidate } of users) {
    if (suitesDone.has(name)) continue;
    suitesDone.add(name);
    const suite = loaded?.suites.find((s) => s.name === name);
    for (const c of suite?.cases ?? []) {
      const ref: EvalCaseRef = { suite: name, case: c };
      try {
        const messages = renderPrompt(candidate.prompt, c.vars, c.id);
        const user = messages.filter((m) => m.role === "user").map((m) => m.content);
        if (user.length > 0) ref.renderedInput = user.join("\n");
      } catch {
        // A case the prompt cannot render is still checked by its variables.
      }
      refs.push(ref);
    }
  }
  return refs;
}

/**
 * `n.toLocaleString("en-US")` for whole numbers, without it: its first call loads ICU's number formatting (about
 * 10 MB of resident memory) at the end of a check that may be near its memory budget.
 */
function formatInt(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  return `${n < 0 ? "-" : ""}${String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ",")}`;
}

function plural(n: number, word: string): string {
  return `${formatInt(n)} ${word}${n === 1 ? "" : "s"}`;
}

function formatUsd(usd: number): string {
  return usd >= 100 ? `$${usd.toFixed(0)}` : usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** A DataReport as a few lines for a terminal or a CI log. */
export function formatDataReport(report: DataReport, notes: readonly string[] = []): string {
  const t = report.tokens;
  const lines: string[] = [];
  const status = report.status === "fail" ? "FAIL" : report.status === "warn" ? "WARN" : "PASS";
  lines.push(
    `${report.file}: ${status} — ${formatInt(report.examples)} ${report.format === "unknown" ? "" : `${report.format} `}examples` +
      (report.invalidLines > 0 ? ` (${formatInt(report.invalidLines)} invalid lines)` : "") +
      (report.baseModel ? `, base ${report.baseModel}` : ""),
  );
  const spread =
    t.median === null
      ? ""
      : ` (median ${formatInt(t.median)}, p95 ${formatInt(t.p95 ?? 0)}, max ${formatInt(t.max ?? 0)} per example)`;
  lines.push(`  tokens: ${t.approximate ? "≈" : ""}${formatInt(t.total)} with ${t.encoding}${spread}`);
  if (t.approximateReason) lines.push(`    approximate: ${t.approximateReason}`);
  const cost =
    report.cost.usd === null
      ? `cost unknown (${report.cost.reason ?? "no price"})`
      : `≈ ${formatUsd(report.cost.usd)} at $${report.cost.pricePerMTok}/1M tokens (${report.cost.priceSource ?? "price"})`;
  lines.push(
    `  training: ${plural(report.epochs.value, "epoch")} (${report.epochs.rule}), ${formatInt(t.billed)} billed tokens, ${cost}`,
  );
  const q = report.quality;
  const leakage =
    q.leakage.casesChecked === 0
      ? "leakage not checked (no eval cases: use --config)"
      : `${plural(q.leakage.count, "leaked eval case")} (of ${formatInt(q.leakage.casesChecked)} checked)`;
  lines.push(
    `  quality: ${plural(q.duplicates.count, "duplicate")}, ${plural(q.nearDuplicates.count, "near-duplicate")}, ${plural(q.contradictions.count, "contradiction")}, ${leakage}` +
      (q.complete ? "" : `; only the first ${formatInt(q.capacity)} distinct inputs were compared`),
  );
  if (report.diff) {
    const d = report.diff;
    lines.push(
      `  vs ${d.baseFile}: +${d.added} added, −${d.removed} removed, ~${d.changed} changed, ${d.unchanged} unchanged`,
    );
  }
  for (const note of notes) lines.push(`  note: ${note}`);
  lines.push(`  ${plural(report.errorCount, "error")}, ${plural(report.warningCount, "warning")}`);
  for (const finding of report.findings.slice(0, MAX_PRINTED_FINDINGS)) {
    const where = finding.line === null ? report.file : `${report.file}:${finding.line}`;
    lines.push(`  ${where}: ${finding.severity}: ${finding.message}`);
  }
  const total = report.errorCount + report.warningCount;
  const shown = Math.min(report.findings.length, MAX_PRINTED_FINDINGS);
  if (total > shown)
    lines.push(`  … and ${formatInt(total - shown)} more (all counts and the first of each kind: --json)`);
  return `${lines.join("\n")}\n`;
}
