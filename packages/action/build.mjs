// Bundles the Action into self-contained ESM (dist/index.js plus lazily loaded chunks under dist/chunks/) that runs
// on Node 20 and 24; action.yml runs dist/index.js. `pnpm --filter @promptfirst/action build` rewrites dist/;
// src/dist.test.ts fails when it is stale (the bundle is committed: actions run from the repository as is).
//
// Code splitting keeps the cold start short: what a pull-request check may never need is behind `await import()`
// in the sources and lands in its own chunk, parsed only when used: amaro (TypeScript custom scorers, ~3.8 MB with
// its wasm) and gpt-tokenizer's encodings (training-data checks, ~6 MB). Parsing one 13 MB file cost ~0.5 s.
import { rm } from "node:fs/promises";
import { build } from "esbuild";

const BUILD_OPTIONS = {
  entryPoints: { index: new URL("src/index.ts", import.meta.url).pathname },
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // Some dependencies are CommonJS and call require(); give the ESM bundle a real one (in every chunk).
  banner: {
    js: "import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);",
  },
};

// `node build.mjs OUTDIR` writes elsewhere: the check-dist test builds to a temporary directory and compares.
const outdir = process.argv[2] ?? new URL("dist", import.meta.url).pathname;
// Start clean: a chunk left over from an earlier build would be committed and never loaded.
await rm(outdir, { recursive: true, force: true });
await build({ ...BUILD_OPTIONS, outdir });
