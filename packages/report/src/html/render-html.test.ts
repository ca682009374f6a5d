import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  makeAdversarialScenario,
  makeFineTuneJustifiedScenario,
  makeRegressionScenario,
} from "../test-fixtures.ts";
import { CHROMIUM, IN_CI } from "../test-tools.ts";
import { renderHtmlReport } from "./render-html.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Load a page in headless Chromium with every host unresolvable, and return the DOM after its scripts ran. */
async function dumpDom(html: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-html-"));
  dirs.push(dir);
  const file = path.join(dir, "report.html");
  await writeFile(file, html);
  const result = spawnSync(
    CHROMIUM!,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--host-resolver-rules=MAP * ~NOTFOUND",
      `--user-data-dir=${path.join(dir, "profile")}`,
      "--virtual-time-budget=2000",
      "--dump-dom",
      `file://${file}`,
    ],
    { encoding: "utf8", timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`chromium failed (${result.status}): ${result.stderr}`);
  return result.stdout;
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

const chromiumMissing = CHROMIUM === undefined;

describe.skipIf(chromiumMissing && !IN_CI)(
  `renderHtmlReport in headless Chromium${chromiumMissing ? " (skipped: chromium is not installed; apt-get install chromium)" : ""}`,
  () => {
    it("is installed (CI must have it)", () => {
      expect(CHROMIUM, "chromium is missing: .ci/run installs it with apt-get").toBeDefined();
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
  },
);
