import path from "node:path";
import { parseArgs } from "node:util";
import type { Comparison, RunResult } from "@promptfirst/core";
import { loadComparison, loadRunResult } from "@promptfirst/core/node";
import {
  MAX_COMMENT_CHARS,
  MAX_JOB_SUMMARY_BYTES,
  renderComment,
  renderHtmlReport,
  renderJobSummary,
  renderJson,
  renderJUnit,
} from "@promptfirst/report";
import { type CliIO, type SecretRedactor, writeOutputFile } from "../io.ts";
import { reportUserError, UsageError } from "../usage-error.ts";

/** The formats `promptfirst report` writes. */
export const REPORT_FORMATS = ["md", "summary", "html", "junit", "json"] as const;

/** One of REPORT_FORMATS. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `promptfirst report --help`. */
export const REPORT_HELP = `Usage: promptfirst report --comparison FILE --format FORMAT [options]

Render a Comparison (from \`promptfirst compare --out\` or \`gate\`) as a report.

Options:
  -c, --comparison FILE   the Comparison JSON to render
  -f, --format FORMAT     md       the pull-request comment (markdown, at most --max-chars characters)
                          summary  the GitHub job summary (markdown, at most --max-chars bytes)
                          html     one self-contained HTML file: charts, every case, sortable tables
                          junit    JUnit XML: one test per case and candidate (needs head's run)
                          json     the Comparison itself, checked and pretty-printed
  -o, --out FILE          write the report here (default: standard output)
      --max-chars N       size budget of md (default ${MAX_COMMENT_CHARS}) and summary (default ${MAX_JOB_SUMMARY_BYTES})
      --head FILE         head's RunResult: html lists every case; junit needs it (default for html
                          and junit: head.json beside the comparison, when it is this comparison's run,
                          as \`gate\` and the Action write it)
      --base FILE         base's RunResult: html shows base's output of every case (default: base.json
                          beside the comparison, likewise)
      --key KEY           the comment's marker key (md; default: promptfirst)
      --report-url URL    where the full report is (md and summary link to it)
      --run-url URL       the workflow run (md, summary and html link to it)
  -h, --help              show this help

Exit status: 0 written; 2 usage error, or a comparison or result file that is missing or invalid.
`;

/**
 * The RunResult of one side written beside a comparison file (`head.json` / `base.json`, as `gate` and the
 * Action write them), when it is the very run the comparison was made from (same creation time and config
 * hash); anything else there is left alone.
 */
async function findRunBeside(
  comparisonFile: string,
  side: "head" | "base",
  comparison: Comparison,
  cwd: string,
): Promise<{ run: RunResult; shown: string } | undefined> {
  const shown = path.join(path.dirname(comparisonFile), `${side}.json`);
  let run: RunResult;
  try {
    run = await loadRunResult(path.resolve(cwd, shown), { displayPath: shown });
  } catch {
    return undefined;
  }
  const identity = comparison[side];
  const same = run.createdAt === identity.createdAt && run.config.hash === identity.config.hash;
  return same ? { run, shown } : undefined;
}

function parseFormat(value: string | undefined): ReportFormat {
  if (value === undefined) {
    throw new UsageError(`--format is required: one of ${REPORT_FORMATS.join(", ")}`);
  }
  if (!(REPORT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(", ")}; got "${value}"`);
  }
  return value as ReportFormat;
}

function parseMaxChars(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 2_000) {
    throw new UsageError(`--max-chars must be a whole number of at least 2000, got "${value}"`);
  }
  return n;
}

/**
 * `promptfirst report`: read a Comparison (checked against its schema), render it as a PR comment, job summary,
 * HTML, JUnit or JSON, and print it or write `--out`. Returns the exit code: 0 written, 2 for a usage mistake or
 * a comparison or result file that is missing or invalid (one message naming the file, no stack trace).
 */
export async function runReportFromArgs(
  args: string[],
  io: CliIO,
  redactor: SecretRedactor,
): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      allowPositionals: false,
      options: {
        comparison: { type: "string", short: "c" },
        format: { type: "string", short: "f" },
        out: { type: "string", short: "o" },
        "max-chars": { type: "string" },
        head: { type: "string" },
        base: { type: "string" },
        key: { type: "string", default: "promptfirst" },
        "report-url": { type: "string" },
        "run-url": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      io.stdout(REPORT_HELP);
      return 0;
    }
    if (!values.comparison) {
      throw new UsageError(
        "--comparison is required: give the Comparison file written by `promptfirst compare --out` (or `gate`)",
      );
    }
    const format = parseFormat(values.format);
    const maxChars = parseMaxChars(values["max-chars"]);
    const comparison = await loadComparison(path.resolve(io.cwd, values.comparison), values.comparison);
    const loadRun = (file: string | undefined): Promise<RunResult | undefined> =>
      file ? loadRunResult(path.resolve(io.cwd, file), { displayPath: file }) : Promise.resolve(undefined);
    // html shows both sides' cases; junit makes its tests from head's.
    const wants = { head: format === "html" || format === "junit", base: format === "html" };
    const [head, base] = await Promise.all(
      (["head", "base"] as const).map(async (side) => {
        if (values[side] !== undefined) return loadRun(values[side]);
        if (!wants[side]) return undefined;
        const found = await findRunBeside(values.comparison!, side, comparison, io.cwd);
        if (found)
          io.stderr(
            `using ${found.shown}: the ${side} run of this comparison (--${side} to choose another)\n`,
          );
        return found?.run;
      }),
    );
    if (format === "junit" && !head) {
      throw new UsageError(
        "--format junit needs head's RunResult, whose cases become the tests: pass --head FILE (`gate` and the Action write head.json beside comparison.json)",
      );
    }
    const links = {
      ...(values["report-url"] ? { reportUrl: values["report-url"] } : {}),
      ...(values["run-url"] ? { runUrl: values["run-url"] } : {}),
    };

    let text: string;
    switch (format) {
      case "md":
        text = renderComment(comparison, { key: values.key, ...links, ...(maxChars ? { maxChars } : {}) });
        break;
      case "summary":
        text = renderJobSummary(comparison, { ...links, ...(maxChars ? { maxChars } : {}) });
        break;
      case "html":
        text = renderHtmlReport(comparison, {
          ...(head ? { head } : {}),
          ...(base ? { base } : {}),
          ...(links.runUrl ? { runUrl: links.runUrl } : {}),
        });
        break;
      case "junit":
        text = renderJUnit(comparison, { head: head! });
        break;
      case "json":
        text = renderJson(comparison);
        break;
    }
    text = redactor.redact(text);
    if (values.out) {
      await writeOutputFile(path.resolve(io.cwd, values.out), text, values.out);
      io.stderr(`${format} report written to ${values.out}\n`);
    } else io.stdout(text);
    return 0;
  } catch (error) {
    return reportUserError(error, "report", io, redactor);
  }
}
