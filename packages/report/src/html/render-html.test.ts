import { beforeEach, describe, expect, it } from "vitest";
import { renderComment } from "../comment.ts";
import { renderVerdictLine } from "../markdown/headline.ts";
import {
  makeAdversarialScenario,
  makeCostFailScenario,
  makeFineTuneJustifiedScenario,
  makePassScenario,
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
import { renderHtmlReport } from "./render-html.ts";

/** Load a report in headless Chromium with no network, and return the DOM after its script ran. */
async function dumpDom(html: string): Promise<string> {
  return dumpDomInChromium({ "report.html": html }, "report.html");
}

/** One click on a sortable table's header, and the rows' order after it. */
interface SortStep {
  header: string;
  ariaSort: string | null;
  /** Per row, before the click: its first cell's text and the sort key of the clicked column. */
  before: Array<[string, string]>;
  /** The same, after the click. */
  rows: Array<[string, string]>;
}

/**
 * Open a report in an iframe of a test page, click the header cells of one table in turn (`clicks`: header
 * texts), and record the row order before and after each click (in Chromium, offline).
 */
async function clickHeaders(
  html: string,
  tableId: string,
  clicks: readonly string[],
): Promise<{ before: Array<[string, string]>; steps: SortStep[] }> {
  const page = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<pre id="${PAGE_RESULT_ID}"></pre>
<iframe id="report" src="report.html" width="1200" height="800"></iframe>
<script>
${PAGE_RESULT_WRITER}
document.getElementById("report").addEventListener("load", function () {
  try {
    var doc = document.getElementById("report").contentDocument;
    var table = doc.getElementById(${JSON.stringify(tableId)});
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    function order(index) {
      return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
        var cell = r.cells[index];
        var key = cell.getAttribute("data-sort");
        return [r.cells[0].textContent, key === null ? cell.textContent : key];
      });
    }
    var clicks = ${JSON.stringify(clicks)};
    var steps = [];
    var before = order(0);
    clicks.forEach(function (text) {
      var index = headers.findIndex(function (th) { return th.textContent === text; });
      if (index < 0) throw new Error("no header " + text);
      var previous = order(index);
      headers[index].click();
      steps.push({ header: text, ariaSort: headers[index].getAttribute("aria-sort"), before: previous, rows: order(index) });
    });
    writeResult({ before: before, steps: steps });
  } catch (e) {
    writeResult({ error: String(e) });
  }
});
</script></body></html>`;
  const result = readPageResult(
    await dumpDomInChromium({ "report.html": html, "page.html": page }, "page.html"),
  ) as { before: Array<[string, string]>; steps: SortStep[]; error?: string };
  expect(result.error).toBeUndefined();
  return result;
}

/** A stable sort of rows by their key as the report's script compares them: numbers as numbers, else text. */
function sortLikeReport(rows: ReadonlyArray<[string, string]>, ascending: boolean): Array<[string, string]> {
  const key = (v: string): number | string =>
    /^\s*[-+]?[0-9.]/.test(v) && !Number.isNaN(Number.parseFloat(v)) ? Number.parseFloat(v) : v.toLowerCase();
  return [...rows].sort((a, b) => {
    const x = key(a[1]);
    const y = key(b[1]);
    const c =
      typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x) < String(y)
          ? -1
          : String(x) > String(y)
            ? 1
            : 0;
    return ascending ? c : -c;
  });
}

describe("renderHtmlReport (static checks)", () => {
  it("is one self-contained file: no external resource, a CSP that allows none", () => {
    const { comparison, head, base } = makeRegressionScenario();
    const html = renderHtmlReport(comparison, { head, base });
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/url\(|@import/);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it("lists every case of head with both outputs, or only the flips without the runs", () => {
    const { comparison, head, base } = makeRegressionScenario();
    const full = renderHtmlReport(comparison, { head, base });
    expect(full.match(/<tr class="case /g)).toHaveLength(120);
    expect(full).toContain('data-case="case-002"');
    expect(full).toContain("I&#39;m sorry, I can&#39;t help with that");
    const flips = renderHtmlReport(comparison);
    expect(flips.match(/<tr class="case /g)).toHaveLength(10);
    expect(flips).toContain("Only the cases that flipped are listed");
  });

  it("escapes hostile outputs and names", () => {
    const { comparison, head, base } = makeAdversarialScenario({ cases: 12 });
    const html = renderHtmlReport(comparison, { head, base, runUrl: "javascript:alert(1)" });
    expect(html).not.toMatch(/<(img|iframe)\b/i);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toContain('javascript:alert(1)"');
    expect(html).toContain("&lt;script&gt;alert(document.cookie)&lt;/script&gt;");
    // No raw control character reaches the page.
    expect(html.includes("\u0000") || html.includes("\u001b")).toBe(false);
  });
});

/** The header badges' texts, in order, with the pass tick dropped. */
function readHeaderBadges(html: string): string[] {
  const header = /<header><h1>promptfirst (.*?)<\/h1>/.exec(html)?.[1] ?? "";
  return [...header.matchAll(/<span class="badge [^"]*">([^<]*)<\/span>/g)].map((m) =>
    m[1]!.replace(/^✓ /, ""),
  );
}

/** The verdict line's gates in words (its marks dropped). */
function readVerdictWords(line: string): string[] {
  return line.split(" · ").map((part) => part.replace(/^\S+ /, ""));
}

describe("renderHtmlReport shows the verdict and the changes as the comment does", () => {
  /** The pass scenario as if the prompt-first rule had not been applied, or had been turned off. */
  function withoutPromptFirst(off: boolean) {
    const { comparison } = makePassScenario();
    const { promptFirst: _report, ...rest } = comparison;
    const { promptFirst: _gate, ...gates } = comparison.verdict.gates;
    const { promptFirst: _mode, ...thresholds } = comparison.thresholds;
    return {
      ...rest,
      thresholds: off ? { ...thresholds, promptFirst: "off" as const } : thresholds,
      verdict: { ...comparison.verdict, gates },
    };
  }

  it.each([
    ["not applied", false, "prompt first not evaluated", "the rule was not applied to this comparison"],
    ["turned off", true, "prompt first off", "the rule was turned off (--prompt-first off)"],
  ])("prompt first %s: the header shows %j, like the comment", (_, off, words, note) => {
    const comparison = withoutPromptFirst(off);
    const html = renderHtmlReport(comparison);
    const comment = renderComment(comparison, { key: "k" });
    expect(comment.split("\n")[0]).toContain(words);
    expect(readHeaderBadges(html)).toEqual(readVerdictWords(renderVerdictLine(comparison)));
    expect(readHeaderBadges(html)).toContain(words);
    expect(html).toContain(note);
    expect(html).toMatch(new RegExp(`<title>promptfirst: [^<]*${words}`));
  });

  it("a model switch reads base → head in both candidate tables, and in both reports' What changed", () => {
    const { comparison } = makeCostFailScenario();
    const html = renderHtmlReport(comparison);
    const comment = renderComment(comparison, { key: "k" });
    expect(html).toContain("<td>gpt-5.4-mini → gpt-5.4</td>");
    expect(comment).toContain("| `prompt-v3` | gpt-5.4-mini → gpt-5.4 |");
    expect(html).toContain("What changed: <code>prompt-v3</code>: gpt-5.4-mini → gpt-5.4");
    expect(comment).toContain("**What changed:** `prompt-v3`: gpt-5.4-mini → gpt-5.4");
    expect(readHeaderBadges(html)).toEqual(readVerdictWords(renderVerdictLine(comparison)));
  });
});

describe("renderHtmlReport in headless Chromium", () => {
  beforeEach((context) => skipWithoutTool(context, CHROMIUM, CHROMIUM_MISSING));

  it("is installed (CI must have it)", () => {
    expect(CHROMIUM, "chromium is missing: .ci/run installs it with apt-get").toBeDefined();
  });

  it("sorts a table by the header clicked: ascending, then descending on a second click", async () => {
    const { comparison, head, base } = makeRegressionScenario();
    const { before, steps } = await clickHeaders(renderHtmlReport(comparison, { head, base }), "cases-0", [
      "change (pts)",
      "change (pts)",
      "case",
    ]);
    expect(before).toHaveLength(120);
    const [up, down, byId] = steps;
    expect(up!.ariaSort).toBe("ascending");
    expect(up!.before.map((r) => r[0])).toEqual(before.map((r) => r[0]));
    expect(up!.rows).toEqual(sortLikeReport(up!.before, true));
    // The eight regressions (-1) come first, the one improvement (+1) last.
    expect(up!.rows.slice(0, 8).map((r) => Number(r[1]))).toEqual(Array(8).fill(-1));
    expect(Number(up!.rows[up!.rows.length - 1]![1])).toBe(1);
    expect(up!.rows.map((r) => r[0])).not.toEqual(before.map((r) => r[0]));
    expect(down!.ariaSort).toBe("descending");
    expect(down!.before).toEqual(up!.rows);
    expect(down!.rows).toEqual(sortLikeReport(down!.before, false));
    expect(Number(down!.rows[0]![1])).toBe(1);
    expect(byId!.ariaSort).toBe("ascending");
    expect(byId!.rows).toEqual(sortLikeReport(byId!.before, true));
    expect(byId!.rows.map((r) => r[0])).toEqual(before.map((r) => r[0]).sort());
  });

  it("renders the cases, the chart and runs its script with no network", async () => {
    const { comparison, head, base } = makeFineTuneJustifiedScenario();
    const dom = await dumpDom(renderHtmlReport(comparison, { head, base }));
    expect(dom).toContain('data-ready="true"');
    expect(dom.match(/<tr class="case /g)).toHaveLength(160);
    expect(dom).toMatch(/<svg[^>]*class="chart"/);
    expect(dom.match(/<rect class="bar-head"/g)).toHaveLength(2);
    expect(dom).toContain("Per cluster");
  });

  it("keeps hostile outputs as text in the DOM", async () => {
    const { comparison, head, base } = makeAdversarialScenario({ cases: 12 });
    const dom = await dumpDom(renderHtmlReport(comparison, { head, base }));
    expect(dom).toContain('data-ready="true"');
    expect(dom).not.toMatch(/<(img|iframe)\b/i);
    expect(dom.match(/<script\b/g)).toHaveLength(1);
    expect(dom.match(/<tr class="case /g)).toHaveLength(12);
  });
});
