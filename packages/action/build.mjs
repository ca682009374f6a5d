// Bundles the Action into self-contained ESM that runs on Node 20 and 24: dist/index.js (what action.yml runs),
// chunks under dist/chunks/ that it loads, and dist/lazy/ (below). `pnpm --filter @promptfirst/action build`
// rewrites dist/; src/dist.test.ts fails when it is stale (the bundle is committed: actions run from the
// repository as is). `node build.mjs OUTDIR` writes elsewhere (the check-dist test builds to a temporary directory
// and compares).
//
// The cold start (bench/cold-start.ts: spawn to the first model request) is what shapes this build:
// - Code splitting: whatever the path to the first model request does not need is behind `await import()` in the
//   sources and lands in its own chunk, parsed only when (and if) used: the report renderers, the comparison, the
//   training-data checks, amaro (TypeScript custom scorers, ~3.8 MB with its wasm) and gpt-tokenizer's encodings
//   (~6 MB), recordings and the Batch API; the GitHub client (`@octokit/core`, ~30 KB; `@actions/github` and
//   its plugins only behind a proxy).
// - Tree shaking across the workspace's barrels: our own packages and @actions/* have no import-time side effects
//   that matter (`sideEffects: false`), so a module none of whose exports are used is left out of the chunk that
//   does not use it. Without it, importing one function from @actions/core evaluated @actions/http-client and
//   all of undici at start (~100 ms), for the OIDC client we never call.
// - Node's built-in modules are loaded with require(), never with `import`: Node 24 gives an imported built-in an
//   ES module facade whose construction reads every export, and `node:http`'s WebSocket and fetch getters then
//   load Node's own undici (~60 ms) before a single line of the Action runs.
// - Only zod's English messages (the default): zod's barrel re-exports all ~40 of its locales (~0.35 MB), which
//   nothing here uses.
// - Libraries used synchronously but not always, and big enough to matter, are not even parsed at start: the
//   price table (@pydantic/genai-prices, ~0.5 MB: a config's own `pricing:` and self-hosted endpoints never read
//   it), ajv (JSON Schema scorers), csv-parse (CSV cases) and undici (@actions/github's fetch and proxy agent).
//   Each group is bundled apart as dist/lazy/<group>.cjs and require()d by small stand-ins the first time one of
//   its functions is called.
// - Whitespace and syntax minified (identifiers kept: stack traces and class names stay readable): a smaller file
//   is faster to read and parse. No source maps.

import { realpathSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

const here = (file) => new URL(file, import.meta.url).pathname;

/**
 * The bundle's entry points, each written as dist/<name>.js. Workers (files a `new Worker()` starts) are entry
 * points too: code finds them next to its chunk (`./<name>.js` from dist/, `../<name>.js` from dist/chunks/).
 */
const ENTRY_POINTS = {
  index: here("src/index.ts"),
  // The training-data check's worker thread (core's node/training-worker.ts): with it next to the bundle, a
  // changed training file is read and tokenized on a second thread while the checks run on the first.
  "training-worker": here("../core/src/node/training-worker.ts"),
};

/** Packages whose modules may be left out when none of their exports is used (see above). */
const SIDE_EFFECT_FREE = [/\/packages\/(core|providers|report|action)\/src\//, /\/node_modules\/@actions\//];

/** `import … from "node:http"` → require("node:http") (see above). */
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const builtinsViaRequire = {
  name: "builtins-via-require",
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      BUILTINS.has(args.path) && args.kind === "import-statement"
        ? { path: args.path, namespace: "builtin-via-require" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "builtin-via-require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/** zod's locales barrel, English only (see above). */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /\/node_modules\/zod\/v4\//.test(args.importer)
        ? // Relative to this package: esbuild hashes a plugin namespace's paths into chunk names, and an absolute
          // path would make the committed dist depend on where the repository was cloned.
          {
            path: path.relative(here("."), path.resolve(args.resolveDir, "../locales/index.js")),
            namespace: "zod-locales",
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from "./en.js";`,
      resolveDir: path.resolve(here("."), path.dirname(args.path)),
      loader: "js",
    }));
  },
};

/**
 * Libraries loaded on first use (see above), in groups written as dist/lazy/<group>.cjs, each module with the
 * exports the sources import from it. An import of one is given a stand-in whose exports require() the group's
 * file and call into the real module when first called; any of them may be a class (`new` works through it). A
 * group shares its code (ajv-formats adds formats to the ajv it is given: one ajv for both).
 */
const LAZY_GROUPS = {
  "price-table": { "@pydantic/genai-prices": ["calcPrice", "findProvider"] },
  "json-schema": {
    ajv: ["default"],
    "ajv/dist/2019.js": ["default"],
    "ajv/dist/2020.js": ["default"],
    "ajv-formats": ["default"],
  },
  csv: { "csv-parse/sync": ["parse"] },
  // @actions/github's Octokit fetches through undici, @actions/http-client builds its proxy agent with it, and
  // model calls go through its EnvHttpProxyAgent behind a proxy (providers' proxy-fetch.ts); without a proxy
  // nothing uses it (src/github.ts), so undici (~0.55 MB) is parsed only behind one.
  undici: { undici: ["fetch", "ProxyAgent", "EnvHttpProxyAgent"] },
};
/** Where a group's modules resolve from (default: core's sources, where the imports they stand for are). */
const LAZY_RESOLVE_DIRS = {
  undici: path.dirname(
    createRequire(path.join(realpathSync(here("node_modules/@actions/github")), "package.json")).resolve(
      "undici/package.json",
    ),
  ),
};
const LAZY_MODULES = new Map(
  Object.entries(LAZY_GROUPS).flatMap(([group, modules]) =>
    Object.entries(modules).map(([name, exports], index) => [name, { group, index, exports }]),
  ),
);

/** The stand-ins for LAZY_GROUPS' modules in the bundle. */
const lazyStandIns = {
  name: "lazy-stand-ins",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      LAZY_MODULES.has(args.path) && args.namespace === "file"
        ? { path: args.path, namespace: "lazy-stand-in" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-stand-in" }, (args) => {
      const { group, index, exports } = LAZY_MODULES.get(args.path);
      const lines = [
        'import { existsSync } from "node:fs";',
        'import { fileURLToPath } from "node:url";',
        "let real;",
        // dist/lazy/ is next to the entry points: this code may be in one of them or in a chunk below.
        "const load = () => {",
        "  if (!real) {",
        `    const file = ["./lazy/${group}.cjs", "../lazy/${group}.cjs"].map((f) => new URL(f, import.meta.url)).find((url) => existsSync(url));`,
        `    real = require(fileURLToPath(file ?? new URL("./lazy/${group}.cjs", import.meta.url))).modules[${index}];`,
        "  }",
        "  return real;",
        "};",
      ];
      for (const name of exports) {
        lines.push(
          name === "default"
            ? "export default function (...args) { const f = load().default; return new.target ? new f(...args) : f(...args); }"
            : `export function ${name}(...args) { const f = load().${name}; return new.target ? new f(...args) : f(...args); }`,
        );
      }
      return { contents: lines.join("\n"), resolveDir: here("."), loader: "js" };
    });
  },
};

/** Each group of LAZY_GROUPS as one CommonJS file exporting `modules`: the namespaces, in the group's order. */
function lazyGroupEntries() {
  return Object.entries(LAZY_GROUPS).map(([group, modules]) => ({
    group,
    contents: [
      ...Object.keys(modules).map((name, index) => `import * as m${index} from ${JSON.stringify(name)};`),
      `export const modules = [${Object.keys(modules)
        .map((_, index) => `m${index}`)
        .join(", ")}];`,
    ].join("\n"),
  }));
}

/** `sideEffects: false` for SIDE_EFFECT_FREE's modules (see above). */
const sideEffectFree = {
  name: "side-effect-free",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving || args.kind === "entry-point" || args.namespace !== "file")
        return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      if (resolved.errors.length > 0 || resolved.external) return undefined;
      return SIDE_EFFECT_FREE.some((re) => re.test(resolved.path))
        ? { ...resolved, sideEffects: false }
        : resolved;
    });
  },
};

const BUILD_OPTIONS = {
  entryPoints: ENTRY_POINTS,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // The order matters: the first plugin to answer a path resolves it.
  plugins: [builtinsViaRequire, zodEnglishOnly, lazyStandIns, sideEffectFree],
  // Some dependencies are CommonJS and call require(); give the ESM bundle a real one (in every chunk).
  banner: {
    js: "import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);",
  },
};

const outdir = process.argv[2] ? path.resolve(process.argv[2]) : here("dist");
// Start clean: a chunk left over from an earlier build would be committed and never loaded.
await rm(outdir, { recursive: true, force: true });
const result = await build({ ...BUILD_OPTIONS, outdir, metafile: Boolean(process.env.METAFILE) });
for (const { group, contents } of lazyGroupEntries()) {
  const resolveDir = LAZY_RESOLVE_DIRS[group] ?? here("../core/src");
  await build({
    stdin: { contents, resolveDir, sourcefile: `lazy-${group}.js`, loader: "js" },
    outfile: path.join(outdir, "lazy", `${group}.cjs`),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: BUILD_OPTIONS.target,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning",
  });
}
// METAFILE=file.json: what went into each file of the bundle (esbuild's metafile: inputs, sizes, imports).
if (process.env.METAFILE) await writeFile(process.env.METAFILE, JSON.stringify(result.metafile));
