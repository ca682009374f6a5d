import type {
  CandidateComparison,
  CaseResult,
  Comparison,
  Gate,
  RunResult,
  SuiteComparison,
} from "@promptfirst/core";
import { trimOutput } from "./markdown/escape.ts";
import { GATE_LABELS, listGates } from "./wording.ts";

/** Characters of a model output kept in a JUnit failure or `system-out` (default). */
export const DEFAULT_JUNIT_OUTPUT_CHARS = 4_000;

// Characters XML 1.0 forbids: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF.
const XML_INVALID = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text for XML character data: `&`, `<`, `>` escaped; characters XML 1.0 forbids become U+FFFD. */
export function escapeXmlText(text: string): string {
  return text
    .replace(XML_INVALID, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * Text for an XML attribute value in double quotes: as escapeXmlText, plus quotes, and tab, newline and
 * carriage return as character references (attribute normalisation would turn them into spaces).
 */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

/** Options of renderJUnit. */
export interface RenderJUnitOptions {
  /** The head RunResult the comparison was made from: its cases become the test cases. */
  head: RunResult;
  /** Characters of each output kept (default 4,000). */
  maxOutputChars?: number;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join("");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function property(name: string, value: string | number | boolean | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return [`      <property${attrs({ name, value: String(value) })}/>`];
}

function trimmed(text: string, max: number): string {
  const t = trimOutput(text, { maxChars: max, maxLines: 10_000 });
  return t.omittedChars > 0
    ? `${t.text}\n… ${t.omittedChars.toLocaleString("en-US")} more characters not shown`
    : t.text;
}

function describeCase(c: CaseResult, max: number): string {
  const lines: string[] = [];
  lines.push(`inputs: ${trimmed(JSON.stringify(c.vars), 2_000)}`);
  if (c.expected !== undefined) lines.push(`expected: ${trimmed(JSON.stringify(c.expected), 1_000)}`);
  c.samples.forEach((s, i) => {
    const head = c.samples.length > 1 ? `sample ${i + 1}: ` : "";
    if (s.error) lines.push(`${head}error ${s.error.kind}: ${s.error.message}`);
    for (const score of s.scores) {
      lines.push(
        `${head}${score.name} ${score.pass ? "pass" : "fail"} ${score.score === null ? "n/a" : score.score.toFixed(2)}: ${trimmed(score.reason, 1_000)}`,
      );
    }
    if (s.output !== null) lines.push(`${head}output:\n${trimmed(s.output, max)}`);
  });
  return lines.join("\n");
}

function renderTestCase(
  suite: string,
  candidate: string,
  c: CaseResult,
  comparison: CandidateComparison | undefined,
  max: number,
  counts: Counts,
): string[] {
  const time = c.samples.reduce((sum, s) => sum + s.latencyMs, 0);
  counts.tests++;
  counts.time += time;
  const open = `    <testcase${attrs({ name: c.id, classname: `${suite}.${candidate}`, time: seconds(time) })}`;
  const regression = comparison?.flips.regressions.some((f) => f.caseId === c.id) ?? false;
  const flaky = comparison?.flaky.head.includes(c.id) ?? false;
  const body: string[] = [];
  if (c.status === "error") {
    counts.errors++;
    const first = c.samples.find((s) => s.error)?.error;
    body.push(
      `      <error${attrs({ message: first ? `${first.kind}: ${first.message}` : "every sample failed", type: first?.kind ?? "error" })}>${escapeXmlText(describeCase(c, max))}</error>`,
    );
  } else if (!c.pass) {
    counts.failures++;
    const reason = c.samples.flatMap((s) =>
      s.scores.filter((x) => !x.pass).map((x) => `${x.name}: ${x.reason}`),
    )[0];
    const score = c.score === null ? "not scored" : `score ${c.score.toFixed(2)}`;
    const flakyNote = flaky ? "flaky (samples disagree)" : "";
    const what = regression
      ? `regression (passed on base)${flaky ? `, ${flakyNote}` : ""}`
      : flakyNote || "failed";
    body.push(
      `      <failure${attrs({ message: trimmed(`${what}: ${score}${reason ? `; ${reason}` : ""}`, 500), type: regression ? "regression" : flaky ? "flaky" : "failure" })}>${escapeXmlText(describeCase(c, max))}</failure>`,
    );
  } else {
    const output = c.samples.find((s) => s.output !== null)?.output;
    if (output) body.push(`      <system-out>${escapeXmlText(trimmed(output, max))}</system-out>`);
  }
  if (body.length === 0) return [`${open}/>`];
  return [`${open}>`, ...body, "    </testcase>"];
}

function renderCandidateProperties(
  c: CandidateComparison | undefined,
  suite: SuiteComparison | undefined,
): string[] {
  if (!c) return [];
  return [
    "    <properties>",
    ...property("kind", c.kind),
    ...property("status", c.status),
    ...property("model", c.head?.model ?? c.base?.model),
    ...property("score.head", c.head?.mean),
    ...property("score.base", c.base?.mean),
    ...property("score.change", c.paired?.meanDiff),
    ...property("score.change.ci_low", c.paired?.ciLow),
    ...property("score.change.ci_high", c.paired?.ciHigh),
    ...property("score.change.within_noise", c.paired ? c.paired.withinNoise : undefined),
    ...property("target", suite?.target),
    ...property("cost_per_1k_usd.head", c.head?.costPer1kUsd),
    ...property("cost_per_1k_usd.base", c.base?.costPer1kUsd),
    ...property("cost_per_call.change_pct", c.cost.perCallChangePct),
    ...property("monthly_usd.head", c.cost.monthlyHeadUsd),
    ...property("latency_p95_ms.head", c.head?.latencyP95Ms),
    ...property("errors.head", c.head?.errors),
    ...property("gate.quality", c.gates.quality),
    ...property("gate.cost", c.gates.cost),
    ...property("gate.errors", c.gates.errors),
    "    </properties>",
  ];
}

function renderGateCase(label: string, gate: Gate, counts: Counts): string[] {
  counts.tests++;
  const open = `    <testcase${attrs({ name: label, classname: "promptfirst.verdict", time: "0.000" })}`;
  const reasons = escapeXmlText(gate.reasons.join("\n"));
  if (gate.status === "pass") return [`${open}/>`];
  if (gate.status === "fail") {
    counts.failures++;
    return [
      `${open}>`,
      `      <failure${attrs({ message: gate.reasons[0] ?? `${label} failed`, type: "gate" })}>${reasons}</failure>`,
      "    </testcase>",
    ];
  }
  // Inconclusive, not evaluated, unknown, warn, not applicable: not a pass, not a failure.
  counts.skipped++;
  return [
    `${open}>`,
    `      <skipped${attrs({ message: `${label} ${gate.status}${gate.reasons[0] ? `: ${gate.reasons[0]}` : ""}` })}/>`,
    "    </testcase>",
  ];
}

function renderTestSuite(name: string, timestamp: string, counts: Counts, inner: string[]): string[] {
  return [
    `  <testsuite${attrs({ name, tests: counts.tests, failures: counts.failures, errors: counts.errors, skipped: counts.skipped, time: seconds(counts.time), timestamp })}>`,
    ...inner,
    "  </testsuite>",
  ];
}

/**
 * JUnit XML for a comparison (pure), so existing test-report tools show it: one `<testsuite>` per suite ×
 * candidate of head with the candidate's figures and gate statuses as properties, and one `<testcase>` per case:
 * a `<failure>` (type `regression` when it passed on base, `flaky` when its samples disagree) for a case that
 * fails on head with its scorers' reasons and output, an `<error>` when every sample failed to get an answer, a
 * `<skipped>` test for a candidate not evaluated. A last suite, `promptfirst verdict`, has one test per gate:
 * failed when the gate failed, skipped when it is inconclusive or not evaluated. Text is escaped for XML 1.0,
 * control characters included.
 */
export function renderJUnit(comparison: Comparison, options: RenderJUnitOptions): string {
  const max = options.maxOutputChars ?? DEFAULT_JUNIT_OUTPUT_CHARS;
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const out: string[] = [];
  for (const [suiteName, suite] of Object.entries(options.head.suites)) {
    const suiteComparison = comparison.suites.find((s) => s.name === suiteName);
    for (const [candidateName, candidate] of Object.entries(suite.candidates)) {
      const cmp = suiteComparison?.candidates.find((c) => c.name === candidateName);
      const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
      const cases: string[] = [];
      if (candidate.skipped || candidate.cases.length === 0) {
        counts.tests++;
        counts.skipped++;
        cases.push(
          `    <testcase${attrs({ name: "(not evaluated)", classname: `${suiteName}.${candidateName}`, time: "0.000" })}>`,
          `      <skipped${attrs({ message: candidate.skipped ?? "no case was evaluated" })}/>`,
          "    </testcase>",
        );
      }
      for (const c of candidate.cases)
        cases.push(...renderTestCase(suiteName, candidateName, c, cmp, max, counts));
      out.push(
        ...renderTestSuite(`${suiteName} / ${candidateName}`, options.head.createdAt, counts, [
          ...renderCandidateProperties(cmp, suiteComparison),
          ...cases,
        ]),
      );
      total.tests += counts.tests;
      total.failures += counts.failures;
      total.errors += counts.errors;
      total.skipped += counts.skipped;
      total.time += counts.time;
    }
  }
  const gateCounts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const gateCases = listGates(comparison).flatMap(({ name, gate }) =>
    renderGateCase(GATE_LABELS[name], gate, gateCounts),
  );
  out.push(...renderTestSuite("promptfirst verdict", comparison.createdAt, gateCounts, gateCases));
  total.tests += gateCounts.tests;
  total.failures += gateCounts.failures;
  total.skipped += gateCounts.skipped;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "promptfirst", tests: total.tests, failures: total.failures, errors: total.errors, skipped: total.skipped, time: seconds(total.time), timestamp: comparison.createdAt })}>`,
    ...out,
    "</testsuites>",
    "",
  ].join("\n");
}
