import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { renderComment } from "../comment.ts";
import {
  makeAdversarialScenario,
  makeCostFailScenario,
  makeFineTuneJustifiedScenario,
  makeModelShutdownScenario,
  makeNotEvaluatedScenario,
  makePassScenario,
  makePromptFirstViolationScenario,
  makeRegressionScenario,
} from "../test-fixtures.ts";
import {
  CHROMIUM,
  CHROMIUM_MISSING,
  dumpDomInChromium,
  PAGE_RESULT_ID,
  PAGE_RESULT_WRITER,
  readPageResult,
  skipWithoutTool,
} from "../test-tools.ts";
import { MAX_CHART_CANDIDATES, renderMermaidChart, sanitizeChartLabel } from "./chart.ts";

/** Mermaid's browser bundle (the devDependency `mermaid`): everything in one file, no network. */
const MERMAID_BUNDLE = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");

/** What the page reports for one chart: parsed and rendered, or the error Mermaid raised. */
interface ChartOutcome {
  ok: boolean;
  error?: string;
  type?: string;
  /** The x-axis labels as drawn. */
  labels?: string[];
  /** Bars drawn per bar series. */
  bars?: number[];
  /** Line series drawn. */
  lines?: number;
}

/** The ```mermaid blocks of a markdown text, without their fences. */
function extractMermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The x-axis labels a chart declares (`x-axis ["a base", "a head"]`). */
function declaredLabels(chart: string): string[] {
  const axis = /^ {2}x-axis \[(.*)\]$/m.exec(chart)?.[1] ?? "";
  return [...axis.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

/** Parse and render each chart with Mermaid in headless Chromium, offline. */
async function renderWithMermaid(charts: readonly string[]): Promise<ChartOutcome[]> {
  const page = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<pre id="${PAGE_RESULT_ID}"></pre>
<script src="${pathToFileURL(MERMAID_BUNDLE).href}"></script>
<script>
${PAGE_RESULT_WRITER}
(async function () {
  var charts = ${JSON.stringify(charts).replace(/</g, "\\u003c")};
  var out = [];
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    for (var i = 0; i < charts.length; i++) {
      try {
        var parsed = await mermaid.parse(charts[i]);
        var svg = (await mermaid.render("chart" + i, charts[i])).svg;
        var doc = new DOMParser().parseFromString(svg, "image/svg+xml");
        var bars = [];
        for (var k = 0; doc.querySelector(".bar-plot-" + k) || doc.querySelector(".line-plot-" + k); k++) {
          var g = doc.querySelector(".bar-plot-" + k);
          if (g) bars.push(g.querySelectorAll("rect").length);
        }
        out.push({
          ok: true,
          type: parsed.diagramType,
          labels: Array.prototype.map.call(doc.querySelectorAll(".bottom-axis .label text"), function (t) { return t.textContent; }),
          bars: bars,
          lines: doc.querySelectorAll("[class^=line-plot-]").length,
        });
      } catch (e) {
        out.push({ ok: false, error: String((e && e.message) || e).slice(0, 300) });
      }
    }
  } catch (e) {
    out.push({ ok: false, error: "mermaid did not load: " + e });
  }
  writeResult(out);
})();
</script></body></html>`;
  return readPageResult(await dumpDomInChromium({ "charts.html": page }, "charts.html")) as ChartOutcome[];
}

const SCENARIOS = {
  pass: makePassScenario,
  regression: makeRegressionScenario,
  "cost-fail": makeCostFailScenario,
  "prompt-first-violation": makePromptFirstViolationScenario,
  "fine-tune-justified": makeFineTuneJustifiedScenario,
  "model-shutdown": makeModelShutdownScenario,
  "not-evaluated": makeNotEvaluatedScenario,
  adversarial: () => makeAdversarialScenario({ cases: 4 }),
} as const;

describe("sanitizeChartLabel", () => {
  it.each([
    ['a "quoted" name', "a _quoted_ name"],
    ["x] --> y", "x_ --_ y"],
    ["%%{init: {}}%%", "___init_ _____"],
    ["a-very-long-candidate-name-that-goes-on", "a-very-long-candidate-name-…"],
    ["", "_"],
  ])("%j becomes %j: nothing that ends the string or starts a directive", (input, label) => {
    expect(sanitizeChartLabel(input)).toBe(label);
  });
});

describe("the Mermaid chart, parsed and drawn by Mermaid itself (headless Chromium, offline)", () => {
  beforeEach((context) => skipWithoutTool(context, CHROMIUM, CHROMIUM_MISSING));

  it("every golden comment's chart parses as an xychart and draws a bar per label in both series", async () => {
    const charts = Object.entries(SCENARIOS).map(([name, make]) => {
      const blocks = extractMermaidBlocks(renderComment(make().comparison, { key: "k" }));
      expect(blocks, name).toHaveLength(1);
      return blocks[0]!;
    });
    const outcomes = await renderWithMermaid(charts);
    expect(outcomes).toHaveLength(charts.length);
    outcomes.forEach((outcome, i) => {
      const labels = declaredLabels(charts[i]!);
      expect(outcome, Object.keys(SCENARIOS)[i]).toMatchObject({ ok: true, type: "xychart" });
      expect(outcome.labels).toEqual(labels);
      expect(outcome.bars).toEqual([labels.length, labels.length]);
      expect(outcome.lines).toBe(charts[i]!.includes("\n  line [") ? 1 : 0);
    });
  });

  it("a chart cut to its first candidates, with hostile names, still parses; broken charts do not", async () => {
    const { comparison } = makeRegressionScenario();
    const suite = comparison.suites[0]!;
    const template = suite.candidates[0]!;
    const hostile = ['"] --> x', "%%{init}%%", "a`b|c<d>", "name\nwith newline"];
    suite.candidates = Array.from({ length: MAX_CHART_CANDIDATES + 3 }, (_, i) => ({
      ...template,
      name: `${hostile[i % hostile.length]} ${i}`,
    }));
    const long = renderMermaidChart(comparison).slice(1, -3).join("\n");
    expect(long).toContain("xychart-beta");
    const broken = [
      // A label whose quote was not neutralised ends the string early.
      long.replace('"', '"a" "'),
      // A bar list left open.
      long.replace(/( {2}bar \[[^\]]*)\]/, "$1"),
      // An x-axis left open.
      long.replace(/( {2}x-axis \[.*)\]$/m, "$1"),
    ];
    for (const chart of broken) expect(chart).not.toBe(long);
    const [ok, ...bad] = await renderWithMermaid([long, ...broken]);
    expect(ok).toMatchObject({ ok: true, type: "xychart" });
    expect(ok!.bars).toEqual([MAX_CHART_CANDIDATES * 2, MAX_CHART_CANDIDATES * 2]);
    for (const outcome of bad) {
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/Parse error|Lexical error|Expecting/);
    }
  });
});
