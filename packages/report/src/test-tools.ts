/**
 * Test helpers: the external renderers the tests check against (cmark-gfm, GitHub's own markdown renderer, and
 * headless Chromium), and checks of the HTML they produce. Tests only: nothing here is exported by the package.
 */
import { spawnSync } from "node:child_process";

/** Whether the tests run in CI, where a missing tool fails instead of skipping. */
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

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

/** Headless Chromium, when installed. */
export const CHROMIUM = findCommand(["chromium", "chromium-browser", "google-chrome"]);
