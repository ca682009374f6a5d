import { describe, expect, it } from "vitest";
import { formatPath, parseYamlSource } from "./source.ts";

describe("formatPath", () => {
  it.each<[PropertyKey[], string]>([
    [[], ""],
    [["suites", "support", "scorers", 1, "contains"], "suites.support.scorers[1].contains"],
    [[3, "id"], "[3].id"],
    [["vars", "first name"], 'vars["first name"]'],
    [["suites", "my-suite"], "suites.my-suite"],
    [["suites", "1st"], 'suites["1st"]'],
    [[Symbol("key"), "x"], "key.x"],
  ])("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe("parseYamlSource", () => {
  const text = [
    "base: &base", // 1
    "  model: m", // 2
    "suites:", // 3
    "  support:", // 4
    "    scorers:", // 5
    "      - contains: x", // 6
    "      - judge:", // 7
    "          rubric: r", // 8
    "    candidates:", // 9
    "      v1: *base", // 10
  ].join("\n");
  const source = parseYamlSource(text, "c.yaml");

  it("reads the document", () => {
    expect(source.issues).toEqual([]);
    expect(source.value).toMatchObject({ suites: { support: { candidates: { v1: { model: "m" } } } } });
  });

  it.each<[string, PropertyKey[], { key?: boolean } | undefined, number | undefined]>([
    ["a scalar value", ["suites", "support", "scorers", 0, "contains"], undefined, 6],
    ["a list item", ["suites", "support", "scorers", 1], undefined, 7],
    ["a nested value", ["suites", "support", "scorers", 1, "judge", "rubric"], undefined, 8],
    ["a key", ["suites", "support", "candidates"], { key: true }, 9],
    ["a missing key: its mapping's key", ["suites", "support", "cases"], undefined, 4],
    ["a missing list item: the list's key", ["suites", "support", "scorers", 5], undefined, 5],
    ["a value through an alias", ["suites", "support", "candidates", "v1", "model"], undefined, 2],
  ])("finds the line of %s", (_name, path, options, line) => {
    expect(source.lineAt(path, options)).toBe(line);
  });

  it("names the duplicated key, in YAML and in JSON", () => {
    expect(parseYamlSource("a: 1\nb: 2\na: 3\n", "x.yaml").issues).toEqual([
      {
        file: "x.yaml",
        line: 3,
        message: 'invalid YAML (column 1): duplicate key "a": each key may appear only once in a mapping',
      },
    ]);
    expect(parseYamlSource('{\n  "id": 1,\n  "id": 2\n}', "x.json").issues[0]?.message).toContain(
      'duplicate key "id"',
    );
  });

  it("reports an error at the end of the text on the last line, once per line", () => {
    const { issues, value } = parseYamlSource('a: 1\nb: "unclosed\n\n\n', "x.yaml");
    expect(value).toBeNull();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/^invalid YAML \(at the end/),
    });
  });

  it("shifts lines by the offset of embedded YAML", () => {
    const embedded = parseYamlSource("model: m\ntemperature: [\n", "p.md", 1);
    expect(embedded.issues[0]?.line).toBe(3);
    expect(parseYamlSource("model: m\nseed: 1\n", "p.md", 1).lineAt(["seed"])).toBe(3);
  });

  it("suggests quoting an unquoted {{template}} with the user's own key", () => {
    const { issues } = parseYamlSource("- role: user\n  content: {{question}}\n", "chat.yaml");
    expect(issues).toEqual([
      {
        file: "chat.yaml",
        line: 2,
        message:
          'YAML reads a value starting with "{{" as a mapping: quote it, e.g. content: "{{question}}" (or use a | block)',
      },
    ]);
  });
});
