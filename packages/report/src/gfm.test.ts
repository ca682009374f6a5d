import { beforeEach, describe, expect, it } from "vitest";
import {
  renderComment,
  renderEvaluatingComment,
  renderJobSummary,
  renderNothingTouchedComment,
  renderStoppedComment,
} from "./comment.ts";
import { MAX_COMMENT_CHARS, measureText } from "./markdown/budget.ts";
import { COMMENT_MARKER_PREFIX, renderCommentMarker } from "./markdown/footer.ts";
import {
  makeAdversarialScenario,
  makeCostFailScenario,
  makeFineTuneJustifiedScenario,
  makeModelShutdownScenario,
  makeNotEvaluatedScenario,
  makePassScenario,
  makePromptFirstViolationScenario,
  makeRegressionScenario,
} from "./test-fixtures.ts";
import {
  CMARK,
  CMARK_MISSING,
  checkMarkdownTables,
  checkRenderedHtml,
  renderGfm,
  skipWithoutTool,
} from "./test-tools.ts";

const KEY = "pr-check/evaluate/promptfirst.yaml";
const REPORT_URL = "https://github.com/acme/support-bot/actions/runs/123/artifacts/456";
const RUN_URL = "https://github.com/acme/support-bot/actions/runs/123";
const LINKS = [REPORT_URL, RUN_URL];

const SCENARIOS = {
  pass: makePassScenario,
  regression: makeRegressionScenario,
  "cost-fail": makeCostFailScenario,
  "prompt-first-violation": makePromptFirstViolationScenario,
  "fine-tune-justified": makeFineTuneJustifiedScenario,
  "model-shutdown": makeModelShutdownScenario,
  "not-evaluated": makeNotEvaluatedScenario,
  adversarial: () => makeAdversarialScenario(),
} as const;

/** Assert what GitHub's renderer makes of a comment: tables, details, no foreign element, link or mention. */
function expectSafeRendering(markdown: string): string {
  const source = checkMarkdownTables(markdown);
  expect(source.problems).toEqual([]);
  const html = renderGfm(markdown);
  expect(checkRenderedHtml(html, { allowedLinks: LINKS })).toEqual([]);
  const headers = [...html.matchAll(/<thead>\s*<tr>([\s\S]*?)<\/tr>/g)].map(
    (m) => (m[1]!.match(/<th[\s>]/g) ?? []).length,
  );
  expect(headers).toEqual(source.tables);
  return html;
}

describe("rendered by cmark-gfm", () => {
  beforeEach((context) => skipWithoutTool(context, CMARK, CMARK_MISSING));

  it("is installed (CI must have it)", () => {
    expect(CMARK, "cmark-gfm is missing: .ci/run installs it with apt-get").toBeDefined();
  });

  it.each(Object.entries(SCENARIOS))(
    "%s comment: tables, details, no HTML, link or mention from outputs",
    (_, make) => {
      const { comparison } = make();
      const markdown = renderComment(comparison, { key: KEY, reportUrl: REPORT_URL, runUrl: RUN_URL });
      const html = expectSafeRendering(markdown);
      expect(html).toContain("<table>");
      expect(markdown.split(COMMENT_MARKER_PREFIX)).toHaveLength(2);
      expect(html).toContain(renderCommentMarker(KEY));
    },
  );

  it.each(Object.entries(SCENARIOS))("%s job summary renders safely", (_, make) => {
    const { comparison } = make();
    expectSafeRendering(renderJobSummary(comparison, { reportUrl: REPORT_URL, runUrl: RUN_URL }));
  });

  it("the evaluating, nothing-touched and stopped comments render without a pass mark", () => {
    for (const markdown of [
      renderEvaluatingComment({
        key: KEY,
        sha: "5d6e7f8a9b0c",
        suites: ["support", "<b>x</b>|@team"],
        runUrl: RUN_URL,
      }),
      renderNothingTouchedComment({ key: KEY, sha: "5d6e7f8a9b0c", base: "main", runUrl: RUN_URL }),
      renderStoppedComment({
        key: KEY,
        sha: "5d6e7f8a9b0c",
        message: "commit 0123 is not in the checkout </details> <img src=x> @team #12 ```",
        runUrl: RUN_URL,
      }),
    ]) {
      const html = expectSafeRendering(markdown);
      expect(html).not.toContain("✅");
      expect(html).toContain(renderCommentMarker(KEY));
    }
  });

  it("hostile outputs stay text: no element, no link, no mention survives even with --unsafe", () => {
    const { comparison } = makeAdversarialScenario();
    const markdown = renderComment(comparison, { key: KEY, reportUrl: REPORT_URL, runUrl: RUN_URL });
    const html = renderGfm(markdown);
    for (const bad of ["<img", "<script", "<iframe", "<summary>pwned", 'href="javascript', "<h1>Owned"]) {
      expect(html).not.toContain(bad);
    }
    // The hostile text is still there for a reviewer to read, escaped.
    expect(html).toContain("&lt;img src=x onerror=");
    expect(markdown.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
  });

  it.each([
    [5_000, 2_000],
    [5_000, 200],
    [40, 100_000],
  ])("%i regressions with outputs of %i characters: valid, within every budget", (cases, chars) => {
    const { comparison } = makeAdversarialScenario({ cases, longOutputChars: chars });
    for (const maxChars of [MAX_COMMENT_CHARS, 20_000, 4_000]) {
      const markdown = renderComment(comparison, {
        key: KEY,
        maxChars,
        reportUrl: REPORT_URL,
        runUrl: RUN_URL,
      });
      expect(markdown.length).toBeLessThanOrEqual(maxChars);
      expect(markdown).toContain(renderCommentMarker(KEY));
      expectSafeRendering(markdown);
    }
    const summary = renderJobSummary(comparison, { maxChars: 200_000 });
    expect(measureText(summary, "bytes")).toBeLessThanOrEqual(200_000);
    expectSafeRendering(summary);
  });
});
