/**
 * Safety helpers for markdown built from untrusted text: model outputs, scorers' reasons, and names taken from
 * the pull request's own config. GitHub renders a comment with its own sanitizer, but the comment must be
 * safe on its own: no raw HTML from outputs, no table broken by a `|`, no fence closed by a backtick run, no
 * `@team` pinged, no `#123` linked.
 */

/** The invisible character that breaks `@mention`, `#123` and autolinks without changing what people read. */
export const ZERO_WIDTH_SPACE = "\u200b";

/** Default length at which an output is trimmed in a PR comment (characters). */
export const DEFAULT_MAX_OUTPUT_CHARS = 1_500;

/** Default number of lines at which an output is trimmed in a PR comment. */
export const DEFAULT_MAX_OUTPUT_LINES = 40;

// C0 controls except tab and newline, DEL, C1 controls, and lone surrogates: they render as nothing useful and
// some (NUL) are replaced or rejected by markdown renderers and XML.
const CONTROL_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Unicode bidirectional overrides and isolates, which can make text read differently from what it is. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Normalise untrusted text: CRLF and CR become LF, control characters (except tab and newline), lone
 * surrogates and bidirectional overrides are removed.
 */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL_CHARS, "").replace(BIDI_CONTROLS, "");
}

/**
 * Neutralise everything GitHub would turn into a notification or a link: `@user`, `@org/team`, `#123`,
 * `owner/repo#123`, `GH-123`, and autolinks (`https://…`, `www.…`, `user@host`). A zero-width space goes after
 * the trigger (`@​team`, `#​123`), so people read the same text and nothing is pinged or linked.
 */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZERO_WIDTH_SPACE}`)
    .replace(/#(?=\p{N})/gu, `#${ZERO_WIDTH_SPACE}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/\b(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`);
}

/**
 * Break every HTML comment opener (`<!--` → `<!-​-`) so untrusted text shown raw in a fence can never carry a
 * hidden marker of its own (the Action finds its comment by one), nor hide the rest of the page.
 */
export function neutralizeMarkers(text: string): string {
  return text.replace(/<!--/g, `<!-${ZERO_WIDTH_SPACE}-`);
}

/** Escape the characters HTML gives a meaning to: `&`, `<`, `>`, `"` (and `'`). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Untrusted text for a raw HTML context of the comment (a `<summary>`, where markdown is not parsed): one
 * line, HTML-escaped, mentions neutralised.
 */
export function escapeHtmlInline(text: string): string {
  return escapeHtml(neutralizeMentions(normalizeText(text).replace(/\s*\n\s*/g, " ")));
}

/**
 * Untrusted text as inline markdown: one line (newlines become spaces), no raw HTML (`<`, `>`, `&` become
 * entities), markdown punctuation that could start emphasis, code, links or images escaped, mentions and
 * references neutralised. Plain words, digits, `-`, `.`, `/`, and `_` inside words are left as they are, so
 * names stay readable in the markdown source. `lineStart`: the text begins a line, so a leading `#`, `-`, `+`,
 * `=` or `1.` is escaped too.
 */
export function escapeMarkdown(text: string, options: { lineStart?: boolean } = {}): string {
  const oneLine = normalizeText(text).replace(/\s*\n\s*/g, " ");
  let escaped = oneLine
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*[\]~|]/g, "\\$&")
    // `_` opens or closes emphasis only at a word boundary: `snake_case` is safe, `_this_` is not.
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "\\_");
  if (options.lineStart) {
    // At the start of a line `#`, `+`, `-`, `=` or `1.` could start a heading, a list or a setext underline.
    escaped = escaped.replace(/^([#+=-])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
  }
  return neutralizeMentions(escaped);
}

/**
 * Untrusted text for a GFM table cell: inline markdown (see escapeMarkdown) whose `|` cannot split the cell
 * and whose newlines cannot end the row. An empty value becomes an empty cell.
 */
export function escapeCell(text: string | null | undefined): string {
  if (text === null || text === undefined) return "";
  return escapeMarkdown(text);
}

/** The longest run of `char` in `text`. */
function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    if (c === char) {
      current++;
      if (current > longest) longest = current;
    } else current = 0;
  }
  return longest;
}

/**
 * Untrusted text as a fenced code block that nothing inside can close: the fence is ``` or ~~~, whichever the
 * text contains fewer runs of, and longer than any run of that character inside. The text is normalised and
 * mentions neutralised (GitHub does not ping from code, but copies of the text travel). `lang` must be a
 * trusted word (`json`, `text`); it is reduced to letters and digits.
 */
export function fenceCode(text: string, lang = "text"): string {
  const body = neutralizeMarkers(neutralizeMentions(normalizeText(text)));
  const backticks = longestRun(body, "`");
  const tildes = longestRun(body, "~");
  const char = backticks <= tildes ? "`" : "~";
  const fence = char.repeat(Math.max(3, (char === "`" ? backticks : tildes) + 1));
  const info = lang.replace(/[^A-Za-z0-9-]/g, "");
  const content = body.endsWith("\n") ? body : `${body}\n`;
  return `${fence}${info}\n${content}${fence}`;
}

/**
 * Untrusted text as an inline code span that no backtick inside can close (one line, mentions neutralised).
 * `inTable`: the span sits in a GFM table cell, where a `|` must be written `\|` even inside code.
 */
export function inlineCode(text: string, inTable = false): string {
  const body = neutralizeMarkers(neutralizeMentions(normalizeText(text).replace(/\s*\n\s*/g, " ")));
  if (body === "") return "` `";
  const ticks = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || body.startsWith(" ") ? " " : "";
  // A `|` inside a code span still splits a GFM table row: escape it (GFM reads `\|` as `|` even in code).
  const safe = inTable ? body.replace(/\|/g, "\\|") : body;
  return `${ticks}${pad}${safe}${pad}${ticks}`;
}

/** What trimOutput returns: the kept text and what was left out. */
export interface TrimmedText {
  text: string;
  /** Characters left out (0 when nothing was). */
  omittedChars: number;
  /** Whole lines left out (0 when nothing was, or only the end of a long line). */
  omittedLines: number;
}

/** Limits of trimOutput. */
export interface TrimOutputOptions {
  /** Most characters kept (default DEFAULT_MAX_OUTPUT_CHARS). */
  maxChars?: number;
  /** Most lines kept (default DEFAULT_MAX_OUTPUT_LINES). */
  maxLines?: number;
}

/**
 * Keep the start of a long text: at most `maxLines` lines and `maxChars` characters, cut at a line boundary when
 * one is near enough, never inside a surrogate pair. Says how much was left out; see formatTrimNote.
 */
export function trimOutput(text: string, options: TrimOutputOptions = {}): TrimmedText {
  const maxChars = options.maxChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  const maxLines = options.maxLines ?? DEFAULT_MAX_OUTPUT_LINES;
  const normalized = normalizeText(text);
  let end = normalized.length;
  let lines = 0;
  for (let i = 0; i < normalized.length; i++) {
    if (normalized.charCodeAt(i) === 10 && ++lines >= maxLines) {
      end = i;
      break;
    }
  }
  if (end > maxChars) {
    const cut = normalized.lastIndexOf("\n", maxChars);
    end = cut > maxChars * 0.7 ? cut : maxChars;
  }
  if (end >= normalized.length) return { text: normalized, omittedChars: 0, omittedLines: 0 };
  const code = normalized.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const kept = normalized.slice(0, end);
  const rest = normalized.slice(end).replace(/^\n/, "");
  const restLines = rest === "" ? 0 : rest.split("\n").length;
  return {
    text: kept,
    omittedChars: normalized.length - kept.length,
    omittedLines: normalized[end] === "\n" ? restLines : Math.max(0, restLines - 1),
  };
}

/** `… 98,512 more characters (1,204 lines) not shown` for a trimmed text; empty when nothing was trimmed. */
export function formatTrimNote(trimmed: TrimmedText): string {
  if (trimmed.omittedChars === 0) return "";
  const lines = trimmed.omittedLines > 0 ? ` (${formatCount(trimmed.omittedLines, "more line")})` : "";
  return `… ${trimmed.omittedChars.toLocaleString("en-US")} more character${trimmed.omittedChars === 1 ? "" : "s"}${lines} not shown`;
}

/** `1 case`, `2 cases`, `1,204 cases`. */
export function formatCount(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : plural}`;
}
