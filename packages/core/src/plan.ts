import type { LoadedCandidate, LoadedConfig, LoadedSuite } from "./config/loaded.ts";
import { type InputIssue, isPromptfirstError, PromptfirstError } from "./errors.ts";
import { renderPrompt } from "./prompts/index.ts";
import { computeRequestKey } from "./request-key.ts";
import type { Case, ModelRequest } from "./types.ts";

/**
 * One model call the run will make (or answer from the cache). The request is rendered again when it is read
 * rather than kept: a 100k-case plan holds ids and keys, not 100k rendered prompts.
 */
export class PlannedCall {
  readonly suite: string;
  readonly candidate: string;
  readonly caseId: string;
  readonly sample: number;
  /** `computeRequestKey(request)`. */
  readonly key: string;
  readonly #candidate: LoadedCandidate;
  readonly #case: Case;

  constructor(suite: string, candidate: LoadedCandidate, testCase: Case, sample: number, key: string) {
    this.suite = suite;
    this.candidate = candidate.name;
    this.caseId = testCase.id;
    this.sample = sample;
    this.key = key;
    this.#candidate = candidate;
    this.#case = testCase;
  }

  /** The request to send (rendered on each read; rendering is deterministic). */
  get request(): ModelRequest {
    return buildRequest(this.#candidate, this.#case, this.sample);
  }
}

/** Every call of a run, in suite × candidate × case × sample order, plus the candidates that cannot run. */
export interface RunPlan {
  calls: PlannedCall[];
  skipped: Array<{ suite: string; candidate: string; reason: string }>;
  /** Distinct request keys: what the run costs with an empty cache. */
  uniqueRequests: number;
}

const MAX_LISTED_ISSUES = 20;

/** Render one case for one candidate into the request to send. */
export function buildRequest(candidate: LoadedCandidate, testCase: Case, sample: number): ModelRequest {
  return {
    baseURL: candidate.provider.baseURL,
    model: candidate.model!,
    messages: renderPrompt(candidate.prompt, testCase.vars, testCase.id),
    params: candidate.params,
    sample,
  };
}

/**
 * Plan suites × candidates × cases × samples into requests. Templates are rendered here, so a variable a case
 * lacks fails the whole run before any call is made, with every such case named.
 */
export function planRun(config: Pick<LoadedConfig, "suites">): RunPlan {
  const calls: PlannedCall[] = [];
  const skipped: RunPlan["skipped"] = [];
  const issues: InputIssue[] = [];
  let more = 0;
  for (const suite of config.suites) {
    for (const candidate of suite.candidates) {
      if (candidate.skipReason || !candidate.model) {
        skipped.push({
          suite: suite.name,
          candidate: candidate.name,
          reason: candidate.skipReason ?? "no model",
        });
        continue;
      }
      planCandidate(suite, candidate, calls, (issue) => {
        if (issues.length < MAX_LISTED_ISSUES) issues.push(issue);
        else more++;
      });
    }
  }
  if (issues.length > 0) {
    const tail = more > 0 ? [{ file: issues[0]!.file, message: `…and ${more} more` }] : [];
    throw PromptfirstError.fromIssues(
      "TEMPLATE_VARIABLE_MISSING",
      [...issues, ...tail],
      "Some cases do not define variables their prompt uses:",
    );
  }
  return { calls, skipped, uniqueRequests: new Set(calls.map((c) => c.key)).size };
}

function planCandidate(
  suite: LoadedSuite,
  candidate: LoadedCandidate,
  calls: PlannedCall[],
  report: (issue: InputIssue) => void,
): void {
  for (const testCase of suite.cases) {
    let first: ModelRequest;
    try {
      first = buildRequest(candidate, testCase, 0);
    } catch (error) {
      if (!isPromptfirstError(error)) throw error;
      const where = testCase.source ? ` (${testCase.source})` : "";
      // The issue carries the file; drop it from the rendered message so it is not printed twice.
      const file = candidate.prompt.source;
      const line = firstLine(error.message);
      const problem = line.startsWith(`${file}: `) ? line.slice(file.length + 2) : line;
      report({
        file,
        message: `${problem} [suite "${suite.name}", candidate "${candidate.name}"${where}]`,
      });
      continue;
    }
    for (let sample = 0; sample < suite.repeat; sample++) {
      const key = computeRequestKey(sample === 0 ? first : { ...first, sample }, candidate.provider);
      calls.push(new PlannedCall(suite.name, candidate, testCase, sample, key));
    }
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0]!;
}
