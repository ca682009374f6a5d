import { describe, expect, it } from "vitest";
import { measureText, trimMarkdownLines } from "./budget.ts";

describe("measureText", () => {
  it("counts UTF-16 units or UTF-8 bytes", () => {
    expect(measureText("aé😀", "chars")).toBe(4);
    expect(measureText("aé😀", "bytes")).toBe(1 + 2 + 4);
    expect(measureText("€", "bytes")).toBe(Buffer.byteLength("€"));
  });
});

describe("trimMarkdownLines", () => {
  it("returns text that fits unchanged", () => {
    expect(trimMarkdownLines("a\nb\n", 100)).toEqual({ text: "a\nb\n", trimmed: false, droppedLines: 0 });
  });

  it("cuts on a line boundary and closes an open fence of the same kind and length", () => {
    const text = ["intro", "````text", "x".repeat(50), "y".repeat(50), "````", "after"].join("\n");
    const out = trimMarkdownLines(text, 80);
    expect(out.trimmed).toBe(true);
    expect(out.text).toBe(`intro\n\`\`\`\`text\n${"x".repeat(50)}\n\`\`\`\`\n`);
    expect(out.text.length).toBeLessThanOrEqual(80);
  });

  it("closes open <details> outside fences, not ones shown inside a fence", () => {
    const text = [
      "<details><summary>outer</summary>",
      "",
      "```",
      "<details>",
      "```",
      "<details><summary>inner</summary>",
      "",
      "z".repeat(200),
    ].join("\n");
    const out = trimMarkdownLines(text, 150);
    expect(out.text.match(/<\/details>/g)).toHaveLength(2);
    expect(out.text.length).toBeLessThanOrEqual(150);
  });

  it("measures in bytes when asked", () => {
    const out = trimMarkdownLines(`${"é".repeat(40)}\n${"é".repeat(40)}`, 100, "bytes");
    expect(measureText(out.text, "bytes")).toBeLessThanOrEqual(100);
    expect(out.droppedLines).toBe(1);
  });
});
