import { createHash } from "node:crypto";
import {
  type CandidateComparison,
  type CaseResult,
  type Comparison,
  formatDollars,
  formatPoints,
  formatScorePercent,
  type RunResult,
  type SampleResult,
  type SuiteComparison,
} from "@promptfirst/core";
import { type ChangeSegment, collectChanges } from "../changes.ts";
import { formatDataDiff, formatTokens } from "../markdown/data.ts";
import { escapeHtml, normalizeText, trimOutput } from "../markdown/escape.ts";
import { sanitizeUrl } from "../markdown/links.ts";
import { formatDaysLeft } from "../markdown/prompt-first.ts";
import {
  describeModelChange,
  describeSuiteFacts,
  formatCostChange,
  formatDifference,
  formatErrors,
  formatLatencyChange,
  formatMonthly,
  formatScoreChange,
} from "../markdown/suite.ts";
import {
  describeOutcome,
  describeRun,
  formatConfidence,
  formatDuration,
  formatInt,
  GATE_LABELS,
  listGates,
  listVerdictParts,
  rankStatus,
  type VerdictPart,
} from "../wording.ts";
import { renderSvgScoreChart } from "./svg-chart.ts";

/** Characters of each output kept in the HTML report (default). */
export const DEFAULT_HTML_OUTPUT_CHARS = 20_000;

/** Options of renderHtmlReport. */
export interface RenderHtmlOptions {
  /** Head's RunResult: with it the report lists every case, not only the flipped ones. */
  head?: RunResult;
  /** Base's RunResult: with it every case shows base's output too. */
  base?: RunResult;
  /** Characters of each output kept (default 20,000). */
  maxOutputChars?: number;
  /** Link to the workflow run, shown in the footer. */
  runUrl?: string;
}

const STYLE = `
:root { color-scheme: light; font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px; color: #1f2328; }
body { margin: 0 auto; padding: 16px 24px 48px; max-width: 1400px; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin-top: 20px; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; max-height: 24em; overflow: auto; background: #f6f8fa; padding: 4px 6px; font-size: 12px; }
code { font-size: 12px; }
.muted { color: #57606a; } .note { color: #57606a; font-size: 12px; }
tr.regression > td:first-child { border-left: 4px solid #cf222e; }
tr.improvement > td:first-child { border-left: 4px solid #1a7f37; }
tr.error > td:first-child, tr.fail > td:first-child { border-left: 4px solid #bf8700; }
.filters { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
details > summary { cursor: pointer; }
svg.chart text { font-family: inherit; fill: #1f2328; }
footer { margin-top: 32px; color: #57606a; font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; white-space: nowrap; }
.s-pass, .s-holds, .s-suffices { color: #1a7f37; border-color: #1a7f37; background: #dafbe1; }
.s-fail, .s-violated, .s-falls-short, .s-regression, .s-error { color: #cf222e; border-color: #cf222e; background: #ffebe9; }
.s-warn, .s-warning, .s-inconclusive, .s-unknown, .s-flaky { color: #9a6700; border-color: #bf8700; background: #fff8c5; }
.s-not-evaluated, .s-not-applicable, .s-info, .s-removed, .s-new, .s-changed { color: #57606a; border-color: #8c959f; background: #f6f8fa; }
.s-improvement { color: #1a7f37; border-color: #1a7f37; background: #ffffff; }
`;

const SCRIPT = `
(function () {
  document.documentElement.setAttribute("data-ready", "true");
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent || "";
    var n = parseFloat(v);
    return isNaN(n) || !/^\\s*[-+]?[0-9.]/.test(v) ? { n: null, s: v.toLowerCase() } : { n: n, s: v };
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index]), y = key(b.cells[index]);
          var c = x.n !== null && y.n !== null ? x.n - y.n : x.s < y.s ? -1 : x.s > y.s ? 1 : 0;
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.querySelectorAll("[data-filter-for]").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-filter-for"));
    var text = box.querySelector("input"), status = box.querySelector("select");
    function apply() {
      var q = (text.value || "").toLowerCase(), s = status.value;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var ok = (!q || (r.textContent || "").toLowerCase().indexOf(q) >= 0) && (!s || r.getAttribute("data-status") === s);
        r.hidden = !ok;
      });
    }
    text.addEventListener("input", apply);
    status.addEventListener("change", apply);
  });
})();
`;

/** A coloured status label: the word itself, so it reads without colour or emoji fonts. */
function badge(status: string, label = status): string {
  const cls = `s-${status.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return `<span class="badge ${h(cls)}">${h(label)}</span>`;
}

function gateBadge(label: string, status: string): string {
  return badge(
    status,
    status === "pass"
      ? `✓ ${label}`
      : `${label} ${status === "fail" ? "failed" : status === "warn" ? "warning" : status}`,
  );
}

/** A verdict part (the same gates the markdown comment shows) as a badge. */
function partBadge(part: VerdictPart): string {
  return badge(part.status, part.status === "pass" ? `✓ ${part.words}` : part.words);
}

function renderChangeSegments(segments: readonly ChangeSegment[]): string {
  return segments.map((s) => ("code" in s ? `<code>${h(s.code)}</code>` : h(s.text))).join("");
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

function h(text: string | number): string {
  return escapeHtml(normalizeText(String(text)));
}

function renderPre(text: string | null | undefined, max: number): string {
  if (text === null || text === undefined) return `<span class="muted">—</span>`;
  const t = trimOutput(text, { maxChars: max, maxLines: 5_000 });
  const note =
    t.omittedChars > 0
      ? `<div class="note">… ${formatInt(t.omittedChars)} more characters not shown</div>`
      : "";
  return `<pre>${h(t.text)}</pre>${note}`;
}

function renderTable(
  id: string,
  head: readonly string[],
  rows: readonly string[],
  options: { sortable?: boolean } = {},
): string {
  const cls = options.sortable === false ? "" : ` class="sortable"`;
  return `<table id="${h(id)}"${cls}><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function td(content: string, sort?: string | number | null): string {
  const attr = sort === undefined || sort === null ? "" : ` data-sort="${h(String(sort))}"`;
  return `<td${attr}>${content}</td>`;
}

function renderGates(comparison: Comparison): string {
  const parts: string[] = ["<h2>Gates</h2>"];
  // Gates the comparison lacks but the verdict shows (prompt first not applied, or turned off), with why.
  for (const part of listVerdictParts(comparison)) {
    if (part.note !== undefined)
      parts.push(`<h3>${partBadge(part)}</h3>`, `<p class="muted">${h(part.note)}</p>`);
  }
  for (const { name, gate } of listGates(comparison)) {
    const findings = gate.findings
      .map((finding, index) => ({ finding, index }))
      .sort((a, b) => rankStatus(b.finding.status) - rankStatus(a.finding.status) || a.index - b.index)
      .map(({ finding }) => `<li>${badge(finding.status)} ${h(finding.message)}</li>`);
    parts.push(
      `<h3>${gateBadge(GATE_LABELS[name], gate.status)}</h3>`,
      findings.length > 0 ? `<ul>${findings.join("")}</ul>` : `<p class="muted">nothing was evaluated</p>`,
    );
  }
  return parts.join("");
}

function renderCandidateRows(suite: SuiteComparison): string[] {
  return suite.candidates.map((c) => {
    const statuses = (["quality", "cost", "errors"] as const).map((g) => gateBadge(g, c.gates[g]));
    return `<tr>${[
      td(`<code>${h(c.name)}</code>${c.kind === "fine-tune" ? " (fine-tune)" : ""}`, c.name),
      td(h(describeModelChange(c) ?? "—")),
      td(h(formatScoreChange(c)), c.head?.mean ?? null),
      td(h(formatDifference(c)), c.paired?.meanDiff ?? null),
      td(h(formatCostChange(c)), c.head?.costPer1kUsd ?? null),
      td(h(formatMonthly(c)), c.cost.monthlyHeadUsd),
      td(h(formatLatencyChange(c)), c.head?.latencyP95Ms ?? null),
      td(h(formatErrors(c)), c.head?.errors ?? null),
      td(
        c.status === "skipped"
          ? `${badge("not evaluated")} ${h(c.skipReason ?? "skipped")}`
          : c.status === "removed"
            ? badge("removed", "removed on head")
            : statuses.join(" "),
      ),
    ].join("")}</tr>`;
  });
}

/** A representative sample: the first whose verdict is the case's. */
function pickSample(c: CaseResult | undefined): SampleResult | undefined {
  return c ? (c.samples.find((s) => s.pass === c.pass) ?? c.samples[0]) : undefined;
}

interface CaseRow {
  id: string;
  cluster: string | undefined;
  vars: unknown;
  expected: unknown;
  status: string;
  flaky: boolean;
  baseScore: number | null | undefined;
  headScore: number | null | undefined;
  baseOutput: string | null | undefined;
  headOutput: string | null | undefined;
  reasons: string[];
}

function describeReasons(label: string, sample: SampleResult | undefined): string[] {
  if (!sample) return [];
  const out = sample.scores.map(
    (s) =>
      `${label} · ${s.name} ${s.pass ? "pass" : "fail"} ${s.score === null ? "n/a" : s.score.toFixed(2)}: ${s.reason}`,
  );
  if (sample.error) out.push(`${label} · error ${sample.error.kind}: ${sample.error.message}`);
  return out;
}

function collectCaseRows(
  suite: SuiteComparison,
  candidate: CandidateComparison,
  head: RunResult | undefined,
  base: RunResult | undefined,
): CaseRow[] {
  const headCases = head?.suites[suite.name]?.candidates[candidate.name]?.cases;
  const baseCases = base?.suites[suite.name]?.candidates[candidate.name]?.cases;
  const regressions = new Set(candidate.flips.regressions.map((f) => f.caseId));
  const improvements = new Set(candidate.flips.improvements.map((f) => f.caseId));
  const flaky = new Set(candidate.flaky.head);
  const changed = new Set(suite.cases.changed);
  if (!headCases && !baseCases) {
    return [...candidate.flips.regressions, ...candidate.flips.improvements].map((f) => ({
      id: f.caseId,
      cluster: f.cluster,
      vars: f.vars,
      expected: f.expected,
      status: regressions.has(f.caseId) ? "regression" : "improvement",
      flaky: flaky.has(f.caseId),
      baseScore: f.base.score,
      headScore: f.head.score,
      baseOutput: f.base.output,
      headOutput: f.head.output,
      reasons: [
        ...f.base.scores.map((s) => `base · ${s.name} ${s.pass ? "pass" : "fail"}: ${s.reason}`),
        ...f.head.scores.map((s) => `head · ${s.name} ${s.pass ? "pass" : "fail"}: ${s.reason}`),
        ...(f.base.error ? [`base · error ${f.base.error}`] : []),
        ...(f.head.error ? [`head · error ${f.head.error}`] : []),
      ],
    }));
  }
  const baseById = new Map((baseCases ?? []).map((c) => [c.id, c] as const));
  const ids = [
    ...(headCases ?? []).map((c) => c.id),
    ...(baseCases ?? []).map((c) => c.id).filter((id) => !headCases?.some((c) => c.id === id)),
  ];
  const headById = new Map((headCases ?? []).map((c) => [c.id, c] as const));
  return ids.map((id) => {
    const h0 = headById.get(id);
    const b0 = baseById.get(id);
    const status = regressions.has(id)
      ? "regression"
      : improvements.has(id)
        ? "improvement"
        : !h0
          ? "removed"
          : h0.status === "error"
            ? "error"
            : changed.has(id)
              ? "changed"
              : !b0 && baseCases
                ? "new"
                : h0.pass
                  ? "pass"
                  : "fail";
    const hs = pickSample(h0);
    const bs = pickSample(b0);
    return {
      id,
      cluster: (h0 ?? b0)?.cluster,
      vars: (h0 ?? b0)?.vars,
      expected: (h0 ?? b0)?.expected,
      status,
      flaky: flaky.has(id),
      baseScore: b0?.score,
      headScore: h0?.score,
      baseOutput: bs?.output ?? (bs?.error ? `[error] ${bs.error.kind}: ${bs.error.message}` : undefined),
      headOutput: hs?.output ?? (hs?.error ? `[error] ${hs.error.kind}: ${hs.error.message}` : undefined),
      reasons: [...describeReasons("base", bs), ...describeReasons("head", hs)],
    };
  });
}

const STATUS_ORDER = ["regression", "error", "fail", "changed", "new", "removed", "improvement", "pass"];

function renderCasesTable(
  suite: SuiteComparison,
  candidate: CandidateComparison,
  options: RenderHtmlOptions,
  index: number,
): string {
  const rows = collectCaseRows(suite, candidate, options.head, options.base);
  if (rows.length === 0) return "";
  const id = `cases-${index}`;
  const max = options.maxOutputChars ?? DEFAULT_HTML_OUTPUT_CHARS;
  const score = (v: number | null | undefined): string =>
    v === null || v === undefined ? "—" : v.toFixed(2);
  const body = rows.map((r) => {
    const delta =
      r.baseScore !== null && r.baseScore !== undefined && r.headScore !== null && r.headScore !== undefined
        ? r.headScore - r.baseScore
        : null;
    const inputs = JSON.stringify(r.vars ?? {}, null, 2);
    const expected =
      r.expected === undefined
        ? ""
        : `<div class="muted">expected</div>${renderPre(typeof r.expected === "string" ? r.expected : JSON.stringify(r.expected, null, 2), 2_000)}`;
    return `<tr class="case ${h(r.status)}" data-status="${h(r.status)}" data-case="${h(r.id)}">${[
      td(`<code>${h(r.id)}</code>`, r.id),
      td(h(r.cluster ?? ""), r.cluster ?? ""),
      td(`${badge(r.status)}${r.flaky ? ` ${badge("flaky")}` : ""}`, STATUS_ORDER.indexOf(r.status)),
      td(score(r.baseScore), r.baseScore ?? null),
      td(score(r.headScore), r.headScore ?? null),
      td(delta === null ? "—" : h(formatPoints(delta)), delta),
      td(`${renderPre(inputs, 4_000)}${expected}`),
      td(renderPre(r.baseOutput, max)),
      td(renderPre(r.headOutput, max)),
      td(r.reasons.length ? `<ul>${r.reasons.map((x) => `<li>${h(x)}</li>`).join("")}</ul>` : ""),
    ].join("")}</tr>`;
  });
  const statuses = [...new Set(rows.map((r) => r.status))].sort(
    (a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b),
  );
  const filter = `<div class="filters" data-filter-for="${id}"><input type="search" placeholder="filter cases" aria-label="filter cases"><select aria-label="status"><option value="">every status (${rows.length})</option>${statuses.map((s) => `<option value="${h(s)}">${h(s)} (${rows.filter((r) => r.status === s).length})</option>`).join("")}</select></div>`;
  const scope =
    options.head || options.base
      ? ""
      : `<p class="note">Only the cases that flipped are listed: give the RunResults (<code>--head</code>, <code>--base</code>) for every case.</p>`;
  return `<h3>Cases: <code>${h(candidate.name)}</code></h3>${scope}${filter}${renderTable(
    id,
    [
      "case",
      "cluster",
      "status",
      "base",
      "head",
      "change (pts)",
      "inputs",
      "base output",
      "head output",
      "reasons",
    ],
    body,
  )}`;
}

function renderSuite(
  suite: SuiteComparison,
  comparison: Comparison,
  options: RenderHtmlOptions,
  index: number,
): string {
  const chart = renderSvgScoreChart(
    suite.candidates
      .filter((c) => (c.base?.mean ?? null) !== null || (c.head?.mean ?? null) !== null)
      .map((c) => ({ label: c.name, base: c.base?.mean ?? null, head: c.head?.mean ?? null })),
    {
      title: `${suite.name}: mean score per candidate, base and head`,
      ...(suite.target !== undefined ? { target: suite.target } : {}),
    },
  );
  const status = suite.status === "compared" ? "" : ` (${suite.status} on head)`;
  const parts = [
    `<section class="suite" data-suite="${h(suite.name)}"><h2>Suite <code>${h(suite.name)}</code>${h(status)}</h2>`,
    `<p>${h(describeSuiteFacts(suite))}</p>`,
    renderTable(
      `candidates-${index}`,
      [
        "candidate",
        "model",
        "score (base → head)",
        `change (${formatConfidence(comparison.thresholds.confidence)} CI)`,
        "cost / 1k calls",
        "monthly",
        "p95 latency",
        "errors",
        "gates",
      ],
      renderCandidateRows(suite),
    ),
    chart,
  ];
  suite.candidates.forEach((c, i) => {
    parts.push(renderCasesTable(suite, c, options, index * 1000 + i));
  });
  parts.push("</section>");
  return parts.join("");
}

function renderPromptFirst(comparison: Comparison): string {
  const report = comparison.promptFirst;
  if (!report) return "";
  const parts = [
    `<h2>Prompt first ${badge(report.status)} <span class="muted">mode ${h(report.mode)}</span></h2>`,
    `<p>${h(report.summary)}</p>`,
  ];
  for (const s of report.suites) {
    parts.push(
      `<h3><code>${h(s.suite)}</code> ${badge(s.status)} recommendation: ${h(s.recommendation.kind)}</h3>`,
      `<p>${h(s.recommendation.text)}</p>`,
    );
    if (s.findings.length > 0) {
      parts.push(
        `<ul>${s.findings.map((f) => `<li>${badge(f.severity === "violation" ? "fail" : f.severity === "warning" ? "warn" : "info", f.severity)} ${h(f.message)}</li>`).join("")}</ul>`,
      );
    }
    if (s.fineTunes.length > 0) {
      parts.push(
        "<h4>Fine-tunes against the best prompt</h4>",
        renderTable(
          `fine-tunes-${h(s.suite)}`,
          [
            "fine-tune",
            "model",
            "score",
            "gain over best prompt",
            "must reach",
            "training",
            "monthly",
            "payback (months)",
          ],
          s.fineTunes.map(
            (f) =>
              `<tr>${[
                td(`<code>${h(f.candidate)}</code>`, f.candidate),
                td(h(f.model ?? `${f.baseModel} (untrained)`)),
                td(h(formatScorePercent(f.score)), f.score),
                td(
                  h(
                    f.gain
                      ? `${formatPoints(f.gain.meanDiff)} (${formatPoints(f.gain.ciLow)} to ${formatPoints(f.gain.ciHigh)})`
                      : "—",
                  ),
                  f.gain?.meanDiff ?? null,
                ),
                td(h(formatScorePercent(f.requiredScore)), f.requiredScore),
                td(h(formatDollars(f.costs.trainingUsd)), f.costs.trainingUsd),
                td(h(formatDollars(f.costs.monthlyInferenceUsd)), f.costs.monthlyInferenceUsd),
                td(
                  h(f.costs.paybackMonths === null ? "—" : f.costs.paybackMonths.toFixed(1)),
                  f.costs.paybackMonths,
                ),
              ].join("")}</tr>`,
          ),
        ),
      );
    }
    if (s.clusters.length > 0) {
      parts.push(
        "<h4>Per cluster: where prompting falls short</h4>",
        renderTable(
          `clusters-${h(s.suite)}`,
          ["cluster", "cases", "best prompt", "target", "prompting", "fine-tune"],
          s.clusters.map(
            (c) =>
              `<tr>${[
                td(`<code>${h(c.cluster)}</code>`, c.cluster),
                td(h(formatInt(c.n)), c.n),
                td(h(formatScorePercent(c.bestPromptScore)), c.bestPromptScore),
                td(h(formatScorePercent(c.target)), c.target),
                td(badge(c.status)),
                td(
                  h(c.fineTune ? `${formatScorePercent(c.fineTune.score)} (${c.fineTune.candidate})` : "—"),
                  c.fineTune?.score ?? null,
                ),
              ].join("")}</tr>`,
          ),
        ),
      );
    }
    // The days left of each shutdown; its message only when no finding above already states it.
    const stated = new Set(s.findings.map((f) => f.message));
    for (const w of s.lifecycle) {
      parts.push(
        `<p>${badge("warn", "shutdown")} <code>${h(w.candidate)}</code>: ${h(w.model)} shuts down on ${h(w.shutdownDate)} (<strong>${h(formatDaysLeft(w.daysLeft))}</strong>).${stated.has(w.message) ? "" : ` ${h(w.message)}`}</p>`,
      );
    }
  }
  return parts.join("");
}

function renderData(comparison: Comparison): string {
  const reports = comparison.dataReports ?? [];
  if (reports.length === 0) return "";
  const rows = reports.map(
    (r) =>
      `<tr>${[
        td(`<code>${h(r.file)}</code>`, r.file),
        td(badge(r.status)),
        td(h(formatInt(r.examples)), r.examples),
        td(h(formatInt(r.invalidLines)), r.invalidLines),
        td(h(formatInt(r.errorCount)), r.errorCount),
        td(h(formatInt(r.warningCount)), r.warningCount),
        td(h(`${r.tokens.approximate ? "≈" : ""}${formatTokens(r.tokens.billed)}`), r.tokens.billed),
        td(h(formatDollars(r.cost.usd)), r.cost.usd),
        td(h(formatDataDiff(r))),
      ].join("")}</tr>`,
  );
  const parts = [
    "<h2>Training data</h2>",
    renderTable(
      "training-data",
      [
        "file",
        "status",
        "examples",
        "invalid lines",
        "errors",
        "warnings",
        "billed tokens",
        "training cost",
        "vs base",
      ],
      rows,
    ),
  ];
  for (const r of reports) {
    if (r.findings.length === 0) continue;
    parts.push(
      `<details><summary><code>${h(r.file)}</code>: ${r.findings.length} finding(s)</summary><ul>${r.findings
        .map(
          (f) =>
            `<li>${f.line === null ? "file" : `line ${f.line}`} · ${h(f.severity)} · <code>${h(f.code)}</code>: ${h(f.message)}</li>`,
        )
        .join("")}</ul></details>`,
    );
  }
  return parts.join("");
}

/**
 * A self-contained HTML report of a comparison (pure): one file with inline CSS, an inline SVG chart per suite,
 * sortable and filterable tables, and every case (with `head`/`base` RunResults: every case with both outputs;
 * without them: the flipped cases). No network: a Content-Security-Policy allows nothing but the page's own
 * style and script (by hash); every text from outputs, configs and findings is HTML-escaped.
 */
export function renderHtmlReport(comparison: Comparison, options: RenderHtmlOptions = {}): string {
  const verdictParts = listVerdictParts(comparison);
  const verdict = verdictParts.map((p) => p.text).join(" · ");
  const badges = verdictParts.map(partBadge).join(" ");
  const outcome = describeOutcome(comparison);
  const changes = collectChanges(comparison);
  const changed =
    changes.items.length === 0
      ? ""
      : `<p class="changes">What changed: ${changes.items.map((item) => renderChangeSegments(item.segments)).join(" · ")}</p>`;
  const body = [
    `<header><h1>promptfirst ${badges}</h1><p><strong>${h(outcome.lead)}</strong>${h(outcome.rest)} Head <code>${h(describeRun(comparison.head))}</code> against base <code>${h(describeRun(comparison.base))}</code>.</p>${changed}</header>`,
    renderGates(comparison),
    ...comparison.suites.map((s, i) => renderSuite(s, comparison, options, i)),
    renderPromptFirst(comparison),
    renderData(comparison),
    comparison.warnings.length > 0
      ? `<h2>Warnings</h2><ul>${comparison.warnings.map((w) => `<li>${h(w)}</li>`).join("")}</ul>`
      : "",
  ];
  const stats = [comparison.base, comparison.head]
    .map(
      (r, i) =>
        `${i === 0 ? "base" : "head"}: ${formatInt(r.stats.calls)} calls, ${formatInt(r.stats.cacheHits)} from cache, ${formatDollars(r.stats.spentUsd)} spent, ${formatDuration(r.stats.durationMs)}`,
    )
    .join(" · ");
  const run = sanitizeUrl(options.runUrl);
  const footer = `<footer>promptfirst ${h(comparison.tool.version)} · ${h(stats)} · config <code>${h(comparison.head.config.file)}</code> <code>${h(comparison.head.config.hash)}</code> · ${h(comparison.createdAt)}${run ? ` · <a href="${h(run)}">workflow run</a>` : ""}</footer>`;
  const csp = `default-src 'none'; style-src 'sha256-${sha256(STYLE)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${h(`promptfirst: ${verdict} — ${changes.brief}`)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body,
    footer,
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
