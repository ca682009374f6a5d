/**
 * Size budgets for markdown: GitHub refuses a comment over 65,536 characters and a job summary over 1 MiB. The
 * renderers drop detail in stages first; what still does not fit is trimmed here on line boundaries, with an
 * open code fence and open `<details>` closed again so the rest of the page renders.
 */

/** GitHub's limit on an issue or pull-request comment body, in characters. */
export const MAX_COMMENT_CHARS = 65_536;

/** GitHub's limit on a step's job summary, in bytes (UTF-8). */
export const MAX_JOB_SUMMARY_BYTES = 1_048_576;

/** How a budget counts: UTF-16 code units (`.length`, at least the characters GitHub counts) or UTF-8 bytes. */
export type SizeUnit = "chars" | "bytes";

/** The size of a text in a unit. */
export function measureText(text: string, unit: SizeUnit): number {
  if (unit === "chars") return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** What trimMarkdownLines returns. */
export interface TrimmedMarkdown {
  text: string;
  /** Whether anything was cut. */
  trimmed: boolean;
  /** Lines left out. */
  droppedLines: number;
}

interface OpenFence {
  char: string;
  length: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const DETAILS_OPEN = /<details[\s>]/gi;
const DETAILS_CLOSE = /<\/details\s*>/gi;

function countMatches(line: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(line)) n++;
  return n;
}

/** What must follow the kept lines so that every open fence and `<details>` is closed. */
function closingFor(fence: OpenFence | undefined, openDetails: number): string {
  const parts: string[] = [];
  if (fence) parts.push(fence.char.repeat(fence.length));
  for (let i = 0; i < openDetails; i++) parts.push("", "</details>");
  return parts.length === 0 ? "" : `${parts.join("\n")}\n`;
}

/**
 * Keep the first lines of `text` that fit in `budget` (in `unit`) together with the closing of whatever they
 * leave open: a code fence (``` or ~~~ of the length that opened it) and `<details>` elements outside fences.
 * Lines are never split. When everything fits, the text comes back unchanged. `reserve(kept)`: room to leave
 * for something that depends on how many lines are kept (a note saying what was cut), 0 by default.
 */
export function trimMarkdownLines(
  text: string,
  budget: number,
  unit: SizeUnit = "chars",
  reserve: (keptLines: number) => number = () => 0,
): TrimmedMarkdown {
  const lines = text.split("\n");
  if (measureText(text, unit) + reserve(lines.length) <= budget)
    return { text, trimmed: false, droppedLines: 0 };
  let fence: OpenFence | undefined;
  let openDetails = 0;
  let used = 0;
  let kept = 0;
  // The best cut so far: after `kept` lines, with its closing.
  let best = { lines: 0, closing: "" };
  for (const line of lines) {
    const size = measureText(line, unit) + 1;
    // Track the state after this line.
    let nextFence = fence;
    let nextDetails = openDetails;
    if (fence) {
      const close = new RegExp(`^ {0,3}${fence.char === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
      if (close.test(line)) nextFence = undefined;
    } else {
      const open = FENCE_OPEN.exec(line);
      if (open) nextFence = { char: open[1]![0]!, length: open[1]!.length };
      else {
        nextDetails += countMatches(line, DETAILS_OPEN);
        nextDetails = Math.max(0, nextDetails - countMatches(line, DETAILS_CLOSE));
      }
    }
    const closing = closingFor(nextFence, nextDetails);
    if (used + size + measureText(closing, unit) + reserve(kept + 1) > budget) break;
    used += size;
    kept++;
    fence = nextFence;
    openDetails = nextDetails;
    best = { lines: kept, closing };
  }
  const head = lines.slice(0, best.lines).join("\n");
  const body = best.lines === 0 ? "" : `${head}\n`;
  return { text: `${body}${best.closing}`, trimmed: true, droppedLines: lines.length - best.lines };
}
