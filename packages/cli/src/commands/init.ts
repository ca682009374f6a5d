import { constants } from "node:fs";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CliIO } from "../io.ts";
import { UsageError } from "../usage-error.ts";

const INIT_HELP = `Usage: promptfirst init [options]

Start a project: write promptfirst.yaml with one suite (a prompt and three cases to edit), and the GitHub
workflow that checks every pull request with the promptfirst Action. Existing files are never overwritten.

Options:
  -d, --dir DIR          where to write (default: the working directory)
      --suite NAME       the suite's name (default: support)
      --model MODEL      the prompt candidate's model (default: gpt-5.4-mini)
      --base-url URL     any OpenAI-compatible endpoint (default: https://api.openai.com/v1)
      --api-key-env VAR  the environment variable holding the key (default: OPENAI_API_KEY)
      --no-workflow      do not write .github/workflows/promptfirst.yml
  -h, --help             show this help

Exit status: 0 written; 2 usage error, or a file that would be overwritten.
`;

/** What `init` writes; every value checked before anything is written. */
export interface InitOptions {
  dir: string;
  suite: string;
  model: string;
  baseURL: string;
  apiKeyEnv: string;
  workflow: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The pull-request workflow. It is examples/workflows/promptfirst.yml (a test keeps the two identical), so what
 * `init` writes is the workflow the docs describe and the action-validator checks.
 */
export const WORKFLOW = `# Copy to .github/workflows/promptfirst.yml: evaluate the prompts, cases and training data a pull request
# changes, on base and head, and keep one sticky comment up to date.
name: promptfirst
on:
  pull_request:
    paths:
      - promptfirst.yaml
      - prompts/**
      - evals/**
      - training/**

permissions:
  contents: read
  pull-requests: write

# One evaluation per pull request at a time; a new push cancels the old one.
concurrency:
  group: promptfirst-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  promptfirst:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      # Identical requests are made once across runs: keep the response cache between them.
      - uses: actions/cache@v4
        with:
          path: .promptfirst/cache
          key: promptfirst-\${{ github.event.pull_request.number }}-\${{ github.sha }}
          restore-keys: |
            promptfirst-\${{ github.event.pull_request.number }}-
            promptfirst-
      - id: promptfirst
        uses: promptfirst/promptfirst@v1
        with:
          config: promptfirst.yaml
          # Pull requests from forks get no secrets: the cache answers what it can, the rest is "not evaluated".
          api-key: \${{ secrets.OPENAI_API_KEY }}
          cache-dir: .promptfirst/cache
          report-dir: .promptfirst/report
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: promptfirst-report
          path: .promptfirst/report
`;

function config(o: InitOptions): string {
  return `# promptfirst: prompt first. Measure the prompt; fine-tune only where a fine-tune beats it by enough to pay.
# Every key: https://github.com/promptfirst/promptfirst/blob/main/docs/usage.md#configuration
provider:
  baseURL: ${o.baseURL}
  apiKeyEnv: ${o.apiKeyEnv}      # the key itself never goes in this file
  concurrency: 8

suites:
  ${o.suite}:
    description: Replace these three cases with real questions and the facts a good answer must contain
    cases: evals/${o.suite}.jsonl
    target: 0.85                # the mean score the task needs
    volume: 10000               # calls a month, for the monthly cost projection
    scorers:
      - contains: "{{expected}}"
        name: facts
    candidates:
      prompt:
        model: ${o.model}
        prompt: prompts/${o.suite}.md

# The pull-request check (these are the defaults): a significant drop of more than two points fails quality,
# cost per call up more than 20% fails cost.
gates:
  maxScoreDrop: 0.02
  maxCostIncrease: 20
`;
}

const PROMPT = `---
system: |
  You are the support assistant of Example Corp. Answer in two sentences at most, from the facts below.
  If the facts do not answer the question, say so and offer a human specialist.

  Facts:
  - Refunds are possible within 30 days of purchase.
  - Support is open Monday to Friday, 9:00 to 17:00 CET.
  - Every plan includes two-factor authentication.
temperature: 0
---
{{question}}
`;

const CASES = [
  {
    id: "refund-window",
    vars: { question: "Can I still get a refund after three weeks?" },
    expected: "30 days",
  },
  { id: "opening-hours", vars: { question: "When can I reach support?" }, expected: "Monday to Friday" },
  { id: "two-factor", vars: { question: "Does the basic plan have 2FA?" }, expected: "two-factor" },
]
  .map((c) => JSON.stringify(c))
  .join("\n");

/** The files `init` writes, relative to its directory. */
export function initFiles(options: InitOptions): Record<string, string> {
  const files: Record<string, string> = {
    "promptfirst.yaml": config(options),
    [`prompts/${options.suite}.md`]: PROMPT,
    [`evals/${options.suite}.jsonl`]: `${CASES}\n`,
  };
  if (options.workflow) files[".github/workflows/promptfirst.yml"] = WORKFLOW;
  return files;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** `promptfirst init`: write a starting project, refusing to overwrite anything. */
export async function runInitFromArgs(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      dir: { type: "string", short: "d", default: "." },
      suite: { type: "string", default: "support" },
      model: { type: "string", default: "gpt-5.4-mini" },
      "base-url": { type: "string", default: "https://api.openai.com/v1" },
      "api-key-env": { type: "string", default: "OPENAI_API_KEY" },
      "no-workflow": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(INIT_HELP);
    return 0;
  }
  if (!NAME.test(values.suite)) {
    throw new UsageError(
      `--suite must be letters, digits, ".", "_" or "-", starting with a letter or digit (at most 64), got "${values.suite}"`,
    );
  }
  if (!ENV_NAME.test(values["api-key-env"])) {
    throw new UsageError(
      `--api-key-env must be an environment variable name, got "${values["api-key-env"]}"`,
    );
  }
  let url: URL;
  try {
    url = new URL(values["base-url"]);
  } catch {
    throw new UsageError(`--base-url must be an http(s) URL, got "${values["base-url"]}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--base-url must be an http(s) URL, got "${values["base-url"]}"`);
  }
  if (/\s|"/.test(values.model) || values.model === "") {
    throw new UsageError(`--model must be a model name without spaces or quotes, got "${values.model}"`);
  }
  const options: InitOptions = {
    dir: path.resolve(io.cwd, values.dir),
    suite: values.suite,
    model: values.model,
    baseURL: values["base-url"].replace(/\/+$/, ""),
    apiKeyEnv: values["api-key-env"],
    workflow: !values["no-workflow"],
  };
  const files = initFiles(options);
  const taken: string[] = [];
  for (const name of Object.keys(files)) {
    if (await exists(path.join(options.dir, name))) taken.push(name);
  }
  if (taken.length > 0) {
    io.stderr(
      `promptfirst: init writes nothing, because these files exist already: ${taken.join(", ")}. Move them away, or use --dir to start elsewhere (and --no-workflow to keep your workflow).\n`,
    );
    return 2;
  }
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(options.dir, name)), { recursive: true });
    await writeFile(path.join(options.dir, name), content, { flag: "wx" });
  }
  // The cache and reports are per machine: keep them out of git.
  const gitignore = path.join(options.dir, ".gitignore");
  const ignored = (await exists(gitignore)) ? await readFile(gitignore, "utf8") : "";
  const ignoreAdded = !/^\/?\.promptfirst\/?$/m.test(ignored);
  if (ignoreAdded) {
    await writeFile(
      gitignore,
      `${ignored}${ignored === "" || ignored.endsWith("\n") ? "" : "\n"}.promptfirst/\n`,
    );
  }

  const shown = (name: string): string => path.relative(io.cwd, path.join(options.dir, name)) || name;
  const written = [
    ...Object.keys(files).map(shown),
    ...(ignoreAdded ? [`${shown(".gitignore")} (.promptfirst/)`] : []),
  ];
  io.stdout(
    `wrote ${written.join(", ")}

Next:
  1. Put real questions in ${shown(`evals/${options.suite}.jsonl`)} and your prompt in ${shown(`prompts/${options.suite}.md`)}.
  2. export ${options.apiKeyEnv}=...   then   promptfirst eval${values.dir === "." ? "" : ` -c ${shown("promptfirst.yaml")}`}
${options.workflow ? `  3. Add the key as the repository secret OPENAI_API_KEY (the workflow passes it as api-key), and commit.\n` : ""}`,
  );
  return 0;
}
