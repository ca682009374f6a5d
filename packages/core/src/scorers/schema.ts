import { z } from "zod";
import { suggestClosest } from "../text/suggest.ts";
import { compileJsonSchema } from "./json-schema.ts";

/** Every scorer key a `scorers:` list entry may use, in the order error messages list them. */
export const SCORER_KINDS = [
  "exact",
  "contains",
  "startsWith",
  "endsWith",
  "notContains",
  "regex",
  "json",
  "similarity",
  "judge",
  "custom",
] as const;

/** One of `SCORER_KINDS`. */
export type ScorerKind = (typeof SCORER_KINDS)[number];

/** File extensions a custom scorer module may have. */
export const CUSTOM_SCORER_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"] as const;

/** Regular-expression flags JavaScript accepts. */
const REGEX_FLAGS = "dgimsuvy";

/** Describe a received value for an error message: `"abc"`, `5`, `a list`, `a mapping`, `null`. */
function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const nameSchema = z
  .string({ error: (iss) => `name must be a string, got ${describeValue(iss.input)}` })
  .min(1, { error: "name must not be empty" });

const thresholdSchema = z
  .number({ error: (iss) => `threshold must be a number between 0 and 1, got ${describeValue(iss.input)}` })
  .min(0, { error: (iss) => `threshold must be between 0 and 1, got ${describeValue(iss.input)}` })
  .max(1, { error: (iss) => `threshold must be between 0 and 1, got ${describeValue(iss.input)}` });

const commonShape = { name: nameSchema.optional(), threshold: thresholdSchema.optional() };

function templateSchema(key: string) {
  return z.string({
    error: (iss) => `${key} must be a text template such as "{{expected}}", got ${describeValue(iss.input)}`,
  });
}

function textSchema(key: string) {
  return z
    .string({ error: (iss) => `${key} must be text, got ${describeValue(iss.input)}` })
    .min(1, { error: `${key} must not be empty` });
}

function caseSensitiveSchema() {
  return z.boolean({
    error: (iss) => `caseSensitive must be true or false, got ${describeValue(iss.input)}`,
  });
}

function needleListSchema(key: string) {
  return z
    .array(z.string({ error: (iss) => `each ${key} text must be a string, got ${describeValue(iss.input)}` }))
    .min(1, { error: `${key} needs at least one text` });
}

function needlesSchema(key: string) {
  const message = `${key} must be a text template or a list of them, e.g. "{{expected}}" or ["refund", "30 days"]`;
  return z.union([z.string(), needleListSchema(key)], {
    error: (iss) => `${message}; got ${describeValue(iss.input)}`,
  });
}

/** `exact: "{{expected}}"`: the whole output equals the rendered text. */
const exactEntry = z.strictObject({
  exact: templateSchema("exact"),
  /** Compare case (default true). */
  caseSensitive: caseSensitiveSchema().optional(),
  /** Ignore leading and trailing whitespace (default true). */
  trim: z
    .boolean({ error: (iss) => `trim must be true or false, got ${describeValue(iss.input)}` })
    .optional(),
  ...commonShape,
});

/** `contains: "{{expected}}"` or a list: the output contains the text(s). */
const containsEntry = z.strictObject({
  contains: needlesSchema("contains"),
  /** `all` (default): score is the fraction found; `any`: 1 when any is found. */
  mode: z
    .enum(["all", "any"], { error: (iss) => `mode must be "all" or "any", got ${describeValue(iss.input)}` })
    .optional(),
  /** Default false. */
  caseSensitive: caseSensitiveSchema().optional(),
  ...commonShape,
});

/** `startsWith: "Dear"`: the output (leading whitespace ignored) starts with the text. */
const startsWithEntry = z.strictObject({
  startsWith: templateSchema("startsWith"),
  caseSensitive: caseSensitiveSchema().optional(),
  ...commonShape,
});

/** `endsWith: "Regards"`: the output (trailing whitespace ignored) ends with the text. */
const endsWithEntry = z.strictObject({
  endsWith: templateSchema("endsWith"),
  caseSensitive: caseSensitiveSchema().optional(),
  ...commonShape,
});

/** `notContains: "As an AI"` or a list: the output contains none of the texts. */
const notContainsEntry = z.strictObject({
  notContains: needlesSchema("notContains"),
  caseSensitive: caseSensitiveSchema().optional(),
  ...commonShape,
});

/** `regex: "^\\d{3}$"`: the output matches the pattern (not a template: braces are the regex's own). */
const regexEntry = z
  .strictObject({
    regex: z
      .string({ error: (iss) => `regex must be a pattern string, got ${describeValue(iss.input)}` })
      .min(1, { error: "regex must not be empty" }),
    flags: z
      .string({ error: (iss) => `flags must be a string such as "i", got ${describeValue(iss.input)}` })
      .optional(),
    ...commonShape,
  })
  .superRefine((entry, ctx) => {
    const problem = checkRegex(entry.regex, entry.flags ?? "");
    if (problem) ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
  });

const jsonSettingsSchema = z.strictObject({
  /** Path to a JSON Schema file (relative to the config), or the schema inline. */
  schema: z
    .union([z.string().min(1), z.record(z.string(), z.unknown())], {
      error: (iss) =>
        `schema must be the path to a JSON Schema file or the schema itself (a mapping), got ${describeValue(iss.input)}`,
    })
    .optional(),
});

/** `json: true` or `json: { schema }`: the output is JSON, optionally valid against a JSON Schema. */
const jsonEntry = z
  .strictObject({
    json: z.union([z.literal(true), jsonSettingsSchema], {
      error: (iss) =>
        `json must be true or { schema: <path to a JSON Schema file, or the schema inline> }, got ${describeValue(iss.input)}`,
    }),
    ...commonShape,
  })
  .superRefine((entry, ctx) => {
    const schema = typeof entry.json === "object" ? entry.json.schema : undefined;
    if (schema === undefined || typeof schema === "string") return;
    try {
      compileJsonSchema(schema);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["json", "schema"],
        message: `the inline JSON Schema is invalid: ${(error as Error).message}`,
      });
    }
  });

/** `similarity: "{{expected}}"`: how close the output is to the text, in [0, 1]. */
const similarityEntry = z.strictObject({
  similarity: templateSchema("similarity"),
  /** `token-f1` (default): F1 over lowercased word tokens; `levenshtein`: 1 − edit distance / longer length. */
  method: z
    .enum(["levenshtein", "token-f1"], {
      error: (iss) => `method must be "token-f1" or "levenshtein", got ${describeValue(iss.input)}`,
    })
    .optional(),
  ...commonShape,
});

const judgeChoiceSchema = z.strictObject({
  choice: z
    .string({ error: (iss) => `choice must be a string, got ${describeValue(iss.input)}` })
    .min(1, { error: "choice must not be empty" }),
  score: z
    .number({ error: (iss) => `score must be a number between 0 and 1, got ${describeValue(iss.input)}` })
    .min(0, { error: (iss) => `score must be between 0 and 1, got ${describeValue(iss.input)}` })
    .max(1, { error: (iss) => `score must be between 0 and 1, got ${describeValue(iss.input)}` }),
});

const judgeObjectSchema = z
  .strictObject({
    /** What a good output does; the judge grades against it. */
    rubric: textSchema("rubric").optional(),
    /**
     * A complete judge prompt template ({{output}} — or {{completion}}, as GitHub Models prompts write it —,
     * {{expected}}, {{input}}, case vars).
     */
    prompt: textSchema("prompt").optional(),
    /** Replaces the default judge system message. */
    system: textSchema("system").optional(),
    /** The answers the judge picks from, each with its score; default: a grade from 1 to 5. */
    choices: z.array(judgeChoiceSchema).min(1, { error: "choices needs at least one choice" }).optional(),
    model: textSchema("model").optional(),
    temperature: z
      .number({ error: (iss) => `temperature must be a number, got ${describeValue(iss.input)}` })
      .min(0, { error: "temperature must be between 0 and 2" })
      .max(2, { error: "temperature must be between 0 and 2" })
      .optional(),
  })
  .superRefine((judge, ctx) => {
    if (judge.rubric === undefined && judge.prompt === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "judge needs a rubric or a prompt" });
    }
    if (judge.prompt !== undefined && !/\{\{\s*(output|completion)\s*\}\}/.test(judge.prompt)) {
      ctx.addIssue({
        code: "custom",
        path: ["prompt"],
        message:
          "the judge prompt must contain {{output}} (or {{completion}}), where the output to grade goes",
      });
    }
    const seen = new Set<string>();
    judge.choices?.forEach((choice, index) => {
      const key = choice.choice.trim().toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["choices", index, "choice"],
          message: `choice "${choice.choice}" is listed twice`,
        });
      }
      seen.add(key);
    });
  });

/** `judge: "rubric"` or `judge: { rubric | prompt, … }`: an LLM grades the output. */
const judgeEntry = z.strictObject({
  judge: z.union([z.string().min(1, { error: "the judge rubric must not be empty" }), judgeObjectSchema], {
    error: (iss) =>
      `judge must be a rubric (text) or { rubric, prompt, system, choices, model, temperature }, got ${describeValue(iss.input)}`,
  }),
  ...commonShape,
});

/** `custom: ./scorers/tone.ts`: a module whose default export scores the output. */
const customEntry = z.strictObject({
  custom: z
    .string({ error: (iss) => `custom must be the path to a scorer module, got ${describeValue(iss.input)}` })
    .min(1, { error: "custom must not be empty" })
    .refine((path) => CUSTOM_SCORER_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext)), {
      error: (iss) =>
        `custom scorer module ${describeValue(iss.input)} must be a ${CUSTOM_SCORER_EXTENSIONS.join(", ")} file`,
    }),
  /** Passed to the scorer function as `options`. */
  options: z
    .record(z.string(), z.unknown(), {
      error: (iss) => `options must be a mapping, got ${describeValue(iss.input)}`,
    })
    .optional(),
  ...commonShape,
});

/** The entry schema of each scorer kind. */
const ENTRY_SCHEMAS = {
  exact: exactEntry,
  contains: containsEntry,
  startsWith: startsWithEntry,
  endsWith: endsWithEntry,
  notContains: notContainsEntry,
  regex: regexEntry,
  json: jsonEntry,
  similarity: similarityEntry,
  judge: judgeEntry,
  custom: customEntry,
} as const satisfies Record<ScorerKind, z.ZodType>;

/** A configured `exact` scorer. */
export type ExactScorerConfig = z.infer<typeof exactEntry>;
/** A configured `contains` scorer. */
export type ContainsScorerConfig = z.infer<typeof containsEntry>;
/** A configured `startsWith` scorer. */
export type StartsWithScorerConfig = z.infer<typeof startsWithEntry>;
/** A configured `endsWith` scorer. */
export type EndsWithScorerConfig = z.infer<typeof endsWithEntry>;
/** A configured `notContains` scorer. */
export type NotContainsScorerConfig = z.infer<typeof notContainsEntry>;
/** A configured `regex` scorer. */
export type RegexScorerConfig = z.infer<typeof regexEntry>;
/** A configured `json` scorer. */
export type JsonScorerConfig = z.infer<typeof jsonEntry>;
/** A configured `similarity` scorer. */
export type SimilarityScorerConfig = z.infer<typeof similarityEntry>;
/** A configured `judge` scorer. */
export type JudgeScorerConfig = z.infer<typeof judgeEntry>;
/** The object form of a judge scorer's settings. */
export type JudgeSettings = z.infer<typeof judgeObjectSchema>;
/** A configured `custom` scorer. */
export type CustomScorerConfig = z.infer<typeof customEntry>;

/** Keys every scorer entry accepts besides its scorer key. */
const COMMON_KEYS = Object.keys(commonShape);

/** Every key any entry accepts, scorer keys excluded. */
const ALL_OPTION_KEYS = new Set(
  Object.entries(ENTRY_SCHEMAS).flatMap(([kind, schema]) =>
    Object.keys(shapeOf(schema)).filter((key) => key !== kind),
  ),
);

function shapeOf(schema: z.ZodType): Record<string, unknown> {
  // `superRefine` keeps the object schema's def (zod 4 checks live on the same instance).
  return (schema._zod.def as { shape?: Record<string, unknown> }).shape ?? {};
}

function isScorerKind(key: string): key is ScorerKind {
  return (SCORER_KINDS as readonly string[]).includes(key);
}

const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

/** Whether a regex and its flags compile; the problem (on `regex` or `flags`) when they do not. */
function checkRegex(pattern: string, flags: string): { key: "regex" | "flags"; message: string } | undefined {
  const badFlag = [...flags].find((flag) => !REGEX_FLAGS.includes(flag));
  if (badFlag !== undefined || new Set(flags).size !== flags.length) {
    return {
      key: "flags",
      message: `flags "${flags}" are not valid regular expression flags (use each of ${[...REGEX_FLAGS].join(", ")} at most once)`,
    };
  }
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (error) {
    try {
      new RegExp("", flags);
    } catch (flagError) {
      return { key: "flags", message: `flags "${flags}" are not valid: ${(flagError as Error).message}` };
    }
    return {
      key: "regex",
      message: `regex ${JSON.stringify(pattern)} does not compile: ${(error as Error).message}`,
    };
  }
}

/**
 * The structural check of one entry, run before the per-kind schema: it must be a mapping with exactly one
 * scorer key and only the options that scorer accepts. Issues carry paths relative to the entry.
 */
function checkScorerEntry(value: unknown, ctx: z.RefinementCtx): void {
  if (!isMapping(value)) {
    const bare =
      typeof value === "string" && isScorerKind(value) ? ` (write "${value}: ..." with its argument)` : "";
    ctx.addIssue({
      code: "custom",
      path: [],
      message: `must be a mapping with one scorer key, e.g. { contains: "{{expected}}" }, got ${describeValue(value)}${bare}`,
    });
    return;
  }
  const keys = Object.keys(value);
  const kinds = keys.filter(isScorerKind);
  if (kinds.length === 0) {
    const unknown = keys.filter((key) => !ALL_OPTION_KEYS.has(key));
    for (const key of unknown) {
      const kind = suggestClosest(key, SCORER_KINDS);
      const option = kind ? undefined : suggestClosest(key, [...ALL_OPTION_KEYS]);
      ctx.addIssue({
        code: "custom",
        path: [],
        message: kind
          ? `unknown scorer "${key}" (did you mean "${kind}"?)`
          : option
            ? `unknown option "${key}" (did you mean "${option}"?), and the entry names no scorer; use one of: ${SCORER_KINDS.join(", ")}`
            : `unknown scorer "${key}"; use one of: ${SCORER_KINDS.join(", ")}`,
      });
    }
    if (unknown.length === 0) {
      const has = keys.length > 0 ? ` (it only sets ${keys.map((k) => `"${k}"`).join(", ")})` : "";
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `names no scorer${has}; use one of: ${SCORER_KINDS.join(", ")}`,
      });
    }
    return;
  }
  if (kinds.length > 1) {
    const count = NUMBER_WORDS[kinds.length] ?? String(kinds.length);
    ctx.addIssue({
      code: "custom",
      path: [],
      message: `has ${count} scorer keys (${kinds.map((k) => `"${k}"`).join(", ")}); put each scorer in its own list entry`,
    });
    return;
  }
  const kind = kinds[0]!;
  const schema = ENTRY_SCHEMAS[kind];
  const options = Object.keys(shapeOf(schema)).filter((key) => key !== kind);
  const extra = keys.filter((key) => key !== kind && !options.includes(key));
  for (const key of extra) {
    const guess = suggestClosest(key, options);
    const otherKinds = Object.entries(ENTRY_SCHEMAS)
      .filter(([other, s]) => other !== kind && Object.hasOwn(shapeOf(s), key) && !COMMON_KEYS.includes(key))
      .map(([other]) => other);
    const elsewhere = otherKinds.length > 0 ? ` (it is an option of ${otherKinds.join(", ")})` : "";
    ctx.addIssue({
      code: "custom",
      path: [key],
      message: guess
        ? `unknown option "${key}" for the ${kind} scorer (did you mean "${guess}"?)`
        : `unknown option "${key}" for the ${kind} scorer${elsewhere}; allowed: ${options.join(", ")}`,
    });
  }
  // Validate the rest with the kind's own schema, minus the keys already reported.
  const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !extra.includes(key)));
  const result = schema.safeParse(rest);
  if (!result.success) {
    const argument = (value as Record<string, unknown>)[kind];
    const precise = PRECISE_ARGUMENT_SCHEMAS[kind]?.(argument);
    for (const issue of result.error.issues) {
      // A union argument that failed as a whole: say what is wrong inside the form the user chose.
      if (precise && issue.code === "invalid_union" && issue.path.length === 1 && issue.path[0] === kind) {
        const inner = precise.safeParse(argument);
        if (!inner.success) {
          forwardIssues(inner.error.issues, [kind], ctx);
          continue;
        }
      }
      forwardIssues([issue], [], ctx);
    }
  }
}

/** Keys allowed in the mappings nested in scorer arguments, by the key that holds them. */
const NESTED_KEYS: Record<string, string[]> = {
  judge: Object.keys(shapeOf(judgeObjectSchema)),
  json: Object.keys(shapeOf(jsonSettingsSchema)),
  choices: Object.keys(shapeOf(judgeChoiceSchema)),
};

/** For scorer arguments that may take two forms, the schema of the form a value has (list or mapping). */
const PRECISE_ARGUMENT_SCHEMAS: Partial<Record<ScorerKind, (argument: unknown) => z.ZodType | undefined>> = {
  contains: (argument) => (Array.isArray(argument) ? needleListSchema("contains") : undefined),
  notContains: (argument) => (Array.isArray(argument) ? needleListSchema("notContains") : undefined),
  json: (argument) => (isMapping(argument) ? jsonSettingsSchema : undefined),
  judge: (argument) => (isMapping(argument) ? judgeObjectSchema : undefined),
};

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Re-issue zod issues under `prefix`, as custom issues; unknown nested keys get a "did you mean". */
function forwardIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
  ctx: z.RefinementCtx,
): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const owner = [...path].reverse().find((part): part is string => typeof part === "string");
      const allowed = owner === undefined ? [] : (NESTED_KEYS[owner] ?? []);
      for (const key of issue.keys) {
        const guess = suggestClosest(key, allowed);
        const where = owner === undefined ? "" : ` in ${owner}`;
        ctx.addIssue({
          code: "custom",
          path: [...path, key],
          message: guess
            ? `unknown key "${key}"${where} (did you mean "${guess}"?)`
            : `unknown key "${key}"${where}; allowed: ${allowed.join(", ")}`,
        });
      }
      continue;
    }
    ctx.addIssue({ code: "custom", path, message: issue.message });
  }
}

const scorerUnionSchema = z.union([
  exactEntry,
  containsEntry,
  startsWithEntry,
  endsWithEntry,
  notContainsEntry,
  regexEntry,
  jsonEntry,
  similarityEntry,
  judgeEntry,
  customEntry,
]);

/**
 * One entry of a suite's `scorers:` list, exactly as users write it (defaults are applied by `createScorer`,
 * not here). Parsing first checks the entry's shape so that mistakes get one precise message each, with paths
 * relative to the entry:
 * - `{ containz: "x" }` → `unknown scorer "containz" (did you mean "contains"?)`
 * - `{ contains: "a", regex: "b" }` → `has two scorer keys ("contains", "regex"); put each scorer in its own list entry`
 * - `{}` → `names no scorer; use one of: exact, contains, …`
 * - `{ contains: "a", threshold: 2 }` → at path `threshold`: `threshold must be between 0 and 1, got 2`
 *
 * The output side is a plain union of strict objects, so `z.toJSONSchema` (io: "output") describes it.
 */
export const scorerConfigSchema = z.unknown().superRefine(checkScorerEntry).pipe(scorerUnionSchema);

/** One configured scorer, as parsed by `scorerConfigSchema`. */
export type ScorerConfig = z.infer<typeof scorerConfigSchema>;

/** The scorer key of a parsed entry. */
export function getScorerKind(config: ScorerConfig): ScorerKind {
  const kind = Object.keys(config).find(isScorerKind);
  if (kind === undefined)
    throw new Error("scorer config names no scorer (it was not parsed with scorerConfigSchema)");
  return kind;
}
