import { describe, expect, it } from "vitest";
import { escapeXmlAttr, escapeXmlText, renderJUnit } from "./junit.ts";
import {
  makeAdversarialScenario,
  makeNotEvaluatedScenario,
  makeRegressionScenario,
} from "./test-fixtures.ts";

/** A strict enough well-formedness check: balanced elements, quoted attributes, no stray `<` or `&`, XML 1.0 chars. */
function checkWellFormed(xml: string): string[] {
  const problems: string[] = [];
  if (/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(xml))
    problems.push("character XML 1.0 forbids");
  const body = xml.replace(/^<\?xml[^?]*\?>\n/, "");
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  let m: RegExpExecArray | null = token.exec(body);
  while (m !== null) {
    const [, close, name, , selfClose, text, stray] = m;
    if (stray) {
      problems.push(`stray < at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
      break;
    }
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) problems.push(`unescaped & in ${text.slice(0, 40)}`);
    } else if (close) {
      if (stack.pop() !== name) problems.push(`</${name}> does not close the open element`);
    } else if (!selfClose) stack.push(name!);
    m = token.exec(body);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(", ")}`);
  return problems;
}

describe("escapeXml", () => {
  it.each([
    ["a & b < c > d", "a &amp; b &lt; c &gt; d"],
    ["nul\u0000 bell\u0007 esc\u001b", "nul\ufffd bell\ufffd esc\ufffd"],
    ["lone \ud800 surrogate, pair 😀", "lone \ufffd surrogate, pair 😀"],
    ["\ufffe\uffff", "\ufffd\ufffd"],
  ])("text %j", (input, expected) => {
    expect(escapeXmlText(input)).toBe(expected);
  });

  it("attributes keep quotes, tabs and newlines as references", () => {
    expect(escapeXmlAttr(`say "hi"\n\tit's`)).toBe("say &quot;hi&quot;&#10;&#9;it&apos;s");
  });
});

describe("renderJUnit", () => {
  it("has one testcase per case and candidate of head, failures with reasons, and the verdict", () => {
    const { comparison, head } = makeRegressionScenario();
    const xml = renderJUnit(comparison, { head });
    expect(checkWellFormed(xml)).toEqual([]);
    const cases = xml.match(/<testcase [^>]*classname="support\.prompt-v3"/g) ?? [];
    expect(cases).toHaveLength(120);
    expect(xml.match(/<failure [^>]*type="regression"/g)).toHaveLength(9);
    expect(xml).toContain('message="regression (passed on base), flaky (samples disagree): score 0.67');
    expect(xml).toContain(
      'message="regression (passed on base): score 0.00; score: output does not contain &quot;settings&quot;"',
    );
    expect(xml).toContain('<property name="score.change.within_noise" value="false"/>');
    expect(xml).toMatch(
      /<testsuite name="promptfirst verdict" tests="4" failures="1" errors="0" skipped="1"/,
    );
    expect(xml).toMatch(/<testsuites name="promptfirst" tests="124" failures="\d+"/);
  });

  it("skips a candidate that was not evaluated, with the reason, and never passes an inconclusive gate", () => {
    const { comparison, head } = makeNotEvaluatedScenario();
    const xml = renderJUnit(comparison, { head });
    expect(checkWellFormed(xml)).toEqual([]);
    expect(xml).toContain('<skipped message="no API key: TOGETHER_API_KEY is not set');
    expect(xml).toMatch(
      /<testcase name="quality" classname="promptfirst.verdict" time="0.000">\s*<skipped message="quality inconclusive/,
    );
  });

  it("stays well-formed with hostile outputs, names and control characters", () => {
    const { comparison, head } = makeAdversarialScenario({ cases: 30, longOutputChars: 10_000 });
    const xml = renderJUnit(comparison, { head });
    expect(checkWellFormed(xml)).toEqual([]);
    expect(xml).not.toContain("<script");
    expect(xml).toContain("… 6,000 more characters not shown");
  });
});
