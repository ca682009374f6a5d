/**
 * Test helpers: the external renderers the tests check against (cmark-gfm, GitHub's own markdown renderer, and
 * headless Chromium), and checks of the HTML they produce. Tests only: nothing here is exported by the package.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "vitest";

/** Whether the tests run in CI, where a missing tool fails instead of skipping. */
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/**
 * Skip the running test when a tool it needs is missing, outside CI only, with `why` as the skip note (the
 * reporter shows it next to the test's name, which stays the same whether or not it runs). In CI the test runs
 * and fails on the missing tool: CI installs every tool.
 */
export function skipWithoutTool(context: TestContext, found: string | undefined, why: string): void {
  if (found === undefined && !IN_CI) context.skip(why);
}

/** The path of a command on PATH, or undefined. */
export function findCommand(names: readonly string[]): string | undefined {
  for (const name of names) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim() !== "") return found.stdout.trim();
  }
  return undefined;
}

/** cmark-gfm, when installed. */
export const CMARK = findCommand(["cmark-gfm"]);

/** Render markdown as GitHub does (cmark-gfm with GitHub's extensions; `--unsafe` so raw HTML is not hidden). */
export function renderGfm(markdown: string): string {
  if (!CMARK)
    throw new Error("cmark-gfm is not installed: `apt-get install cmark-gfm` (.ci/run installs it)");
  const result = spawnSync(
    CMARK,
    [
      "--extension",
      "table",
      "--extension",
      "strikethrough",
      "--extension",
      "autolink",
      "--extension",
      "tagfilter",
      "--unsafe",
    ],
    { input: markdown, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`cmark-gfm failed: ${result.stderr}`);
  return result.stdout;
}

/** Elements the report itself writes (cmark-gfm output for its markdown). */
const ALLOWED_TAGS = new Set([
  "h2",
  "h3",
  "h4",
  "p",
  "strong",
  "em",
  "code",
  "pre",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "ul",
  "li",
  "details",
  "summary",
  "sub",
  "hr",
  "blockquote",
  "a",
]);

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The text a reader sees outside code: tags removed, code and pre elements dropped, entities decoded. */
export function visibleProse(html: string): string {
  return decodeEntities(
    html
      .replace(/<pre[\s\S]*?<\/pre>/g, " ")
      .replace(/<code>[\s\S]*?<\/code>/g, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<[^>]+>/g, " "),
  );
}

/** Problems in rendered HTML: foreign elements, unbalanced `<details>`, unexpected links, mentions, references. */
export function checkRenderedHtml(
  html: string,
  options: { allowedLinks?: readonly string[] } = {},
): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const [, close, name, rest] = m;
    const tag = name!.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) problems.push(`element <${tag}> in the output`);
    if (tag === "a" && !close) {
      const href = /href="([^"]*)"/.exec(rest ?? "")?.[1];
      if (!href || !(options.allowedLinks ?? []).includes(decodeEntities(href)))
        problems.push(`link to ${href}`);
    }
    if (/\son[a-z]+=/i.test(rest ?? "")) problems.push(`event handler attribute on <${tag}>`);
    if (tag === "details") {
      if (!close) stack.push("details");
      else if (stack.pop() !== "details") problems.push("</details> without an open <details>");
    }
  }
  if (stack.length > 0) problems.push(`${stack.length} <details> never closed`);
  const prose = visibleProse(html);
  const mention = /(^|[^\p{L}\p{N}_`/])@[\p{L}\p{N}]/u.exec(prose);
  if (mention)
    problems.push(`mention in prose: ${prose.slice(Math.max(0, mention.index - 20), mention.index + 20)}`);
  const issue = /#\d/.exec(prose);
  if (issue)
    problems.push(
      `issue reference in prose: ${prose.slice(Math.max(0, issue.index - 20), issue.index + 20)}`,
    );
  const comments = html.match(/<!--[\s\S]*?-->/g) ?? [];
  if (comments.length > 1) problems.push(`${comments.length} HTML comments (only the marker is expected)`);
  return problems;
}

/** Per table in markdown source (outside fences): its header's column count and any row with another count. */
export function checkMarkdownTables(markdown: string): { tables: number[]; problems: string[] } {
  const tables: number[] = [];
  const problems: string[] = [];
  const countCells = (line: string): number => {
    let pipes = 0;
    for (let i = 0; i < line.length; i++) {
      if (line[i] !== "|") continue;
      let backslashes = 0;
      for (let j = i - 1; j >= 0 && line[j] === "\\"; j--) backslashes++;
      if (backslashes % 2 === 0) pipes++;
    }
    return pipes - 1;
  };
  let fence: string | undefined;
  let columns: number | undefined;
  const lines = markdown.split("\n");
  lines.forEach((line, i) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (f && f[0] === fence[0] && f.length >= fence.length && line.trim() === f) fence = undefined;
      return;
    }
    if (f) {
      fence = f;
      columns = undefined;
      return;
    }
    if (!line.startsWith("|")) {
      columns = undefined;
      return;
    }
    if (columns === undefined) {
      const next = lines[i + 1] ?? "";
      if (/^\|(\s*:?-+:?\s*\|)+\s*$/.test(next)) {
        columns = countCells(line);
        tables.push(columns);
      }
      return;
    }
    const cells = countCells(line);
    if (cells !== columns)
      problems.push(`line ${i + 1}: ${cells} cells, header has ${columns}: ${line.slice(0, 120)}`);
  });
  return { tables, problems };
}

/** Why cmark-gfm tests skip outside CI when it is missing. */
export const CMARK_MISSING = "cmark-gfm is not installed: apt-get install cmark-gfm (.ci/run installs it)";

/** Headless Chromium, when installed. */
export const CHROMIUM = findCommand(["chromium", "chromium-browser", "google-chrome"]);

/** Why Chromium tests skip outside CI when it is missing. */
export const CHROMIUM_MISSING = "chromium is not installed: apt-get install chromium (.ci/run installs it)";

/**
 * Write `files` into a fresh folder, open `page` among them in headless Chromium with every host unresolvable
 * (no network), and return the DOM after its scripts ran (virtual time: timers and loads settle first). Pages
 * may read one another's documents (`--allow-file-access-from-files`), so a test page can drive a report in an
 * iframe: click it and record what happened.
 */
export async function dumpDomInChromium(
  files: Readonly<Record<string, string>>,
  page: string,
): Promise<string> {
  if (!CHROMIUM) throw new Error(CHROMIUM_MISSING);
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-chromium-"));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    const result = spawnSync(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--allow-file-access-from-files",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        `--user-data-dir=${path.join(dir, "profile")}`,
        "--virtual-time-budget=10000",
        "--dump-dom",
        `file://${path.join(dir, page)}`,
      ],
      { encoding: "utf8", timeout: 90_000, maxBuffer: 256 * 1024 * 1024 },
    );
    if (result.status !== 0) throw new Error(`chromium failed (${result.status}): ${result.stderr}`);
    return result.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The element id a test page writes its result into (see readPageResult). */
export const PAGE_RESULT_ID = "promptfirst-test-result";

/**
 * A test page's script line that stores a JSON result where readPageResult finds it: URI-encoded, so the DOM
 * dump needs no entity decoding.
 */
export const PAGE_RESULT_WRITER = `function writeResult(value) { document.getElementById("${PAGE_RESULT_ID}").textContent = encodeURIComponent(JSON.stringify(value)); }`;

/** The JSON result a test page wrote with `writeResult`, read from the dumped DOM. */
export function readPageResult(dom: string): unknown {
  const match = new RegExp(`<pre id="${PAGE_RESULT_ID}">([^<]*)</pre>`).exec(dom);
  if (!match) throw new Error(`the page wrote no result: ${dom.slice(0, 500)}`);
  const text = match[1]!.trim();
  if (text === "") throw new Error("the page's script did not finish: its result is empty");
  return JSON.parse(decodeURIComponent(text));
}
