import { describe, expect, it } from "vitest";
import {
  escapeCell,
  escapeHtmlInline,
  escapeMarkdown,
  fenceCode,
  formatTrimNote,
  inlineCode,
  neutralizeMarkers,
  neutralizeMentions,
  normalizeText,
  trimOutput,
  ZERO_WIDTH_SPACE as Z,
} from "./escape.ts";

describe("neutralizeMentions", () => {
  it.each([
    ["@team", `@${Z}team`],
    ["cc @acme/security", `cc @${Z}acme/security`],
    ["fixes #123", `fixes #${Z}123`],
    ["acme/repo#45", `acme/repo#${Z}45`],
    ["GH-99", `GH-${Z}99`],
    ["https://evil.example", `https:${Z}//evil.example`],
    ["www.evil.example", `www${Z}.evil.example`],
    ["a@b.example", `a@${Z}b.example`],
    ["# heading and C# and 100%", "# heading and C# and 100%"],
  ])("%j", (input, expected) => {
    expect(neutralizeMentions(input)).toBe(expected);
  });
});

describe("escapeMarkdown and escapeCell", () => {
  it.each([
    ["a | b", "a \\| b"],
    ["line one\nline two\r\nthree", "line one line two three"],
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    ["**bold** `code` [link](x) ~~s~~", "\\*\\*bold\\*\\* \\`code\\` \\[link\\](x) \\~\\~s\\~\\~"],
    ["snake_case stays, _emphasis_ does not", "snake_case stays, \\_emphasis\\_ does not"],
    ["back\\slash", "back\\\\slash"],
    ["&amp; stays text", "&amp;amp; stays text"],
  ])("%j", (input, expected) => {
    expect(escapeCell(input)).toBe(expected);
  });

  it("escapes block starts only at the start of a line", () => {
    expect(escapeMarkdown("# not a heading", { lineStart: true })).toBe("\\# not a heading");
    expect(escapeMarkdown("1. not a list", { lineStart: true })).toBe("1\\. not a list");
    expect(escapeMarkdown("version 0.1.0")).toBe("version 0.1.0");
  });

  it("empty cells stay empty", () => {
    expect(escapeCell(null)).toBe("");
    expect(escapeCell(undefined)).toBe("");
  });

  it("HTML contexts get entities and no markdown escapes", () => {
    expect(escapeHtmlInline(`<b>"x" & 'y'</b>\n@team`)).toBe(
      `&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; @${Z}team`,
    );
  });
});

describe("normalizeText", () => {
  it("drops control characters, lone surrogates and bidi overrides, keeps tabs, newlines and emoji", () => {
    expect(normalizeText("a\u0000b\u001bc\td\r\ne\u202ef\ud800g😀")).toBe("abc\td\nefg😀");
  });
});

describe("fenceCode", () => {
  it("uses a fence longer than any backtick run", () => {
    expect(fenceCode("x ``` y", "text")).toBe("~~~text\nx ``` y\n~~~");
    expect(fenceCode("```\n~~~~", "text")).toBe("````text\n```\n~~~~\n````");
    expect(fenceCode("plain")).toBe("```text\nplain\n```");
  });

  it("breaks hidden markers and mentions inside the fence", () => {
    expect(fenceCode("<!-- promptfirst:comment key=x --> @team")).toBe(
      `\`\`\`text\n<!-${Z}- promptfirst:comment key=x --> @${Z}team\n\`\`\``,
    );
    expect(neutralizeMarkers("<!--<!--")).toBe(`<!-${Z}-<!-${Z}-`);
  });

  it("reduces the info string to a safe word", () => {
    expect(fenceCode("x", "js` onload")).toBe("```jsonload\nx\n```");
  });
});

describe("inlineCode", () => {
  it("uses more backticks than the text holds and escapes pipes only in tables", () => {
    expect(inlineCode("a`b")).toBe("``a`b``");
    expect(inlineCode("`x`")).toBe("`` `x` ``");
    expect(inlineCode("a|b")).toBe("`a|b`");
    expect(inlineCode("a|b", true)).toBe("`a\\|b`");
  });
});

describe("trimOutput", () => {
  it("keeps short text whole", () => {
    expect(trimOutput("short")).toEqual({ text: "short", omittedChars: 0, omittedLines: 0 });
    expect(formatTrimNote(trimOutput("short"))).toBe("");
  });

  it("cuts long text at a line boundary near the limit and says how much is left", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const t = trimOutput(text, { maxChars: 10_000, maxLines: 10 });
    expect(t.text.split("\n")).toHaveLength(10);
    expect(t.omittedLines).toBe(90);
    expect(formatTrimNote(t)).toMatch(/^… [\d,]+ more characters \(90 more lines\) not shown$/);
  });

  it("cuts one very long line at the limit without splitting a surrogate pair", () => {
    const t = trimOutput(`${"a".repeat(99)}😀${"b".repeat(100_000)}`, { maxChars: 100 });
    expect(t.text).toBe("a".repeat(99));
    expect(t.omittedChars).toBe(100_002);
  });
});
