// Bundles the CLI (and its benchmarks) into ESM that runs on Node 20 and 24: dist/promptfirst.js, dist/bench.js,
// dist/mock-server.js and dist/check-data-bench.js, sharing chunks under dist/chunks/.
//
// Code splitting keeps what a command may never need behind `await import()` in its own chunk, parsed only when
// used: gpt-tokenizer's encodings (one per encoding; `check-data` loads one) and amaro (TypeScript scorers). One
// file holding everything cost `check-data` about 10 MB of peak resident memory: V8 keeps a script's whole source
// for lazy compilation, and parsing the unused encoding's rank table was not free either.
import { rm } from "node:fs/promises";
import { build } from "esbuild";

const outdir = new URL("dist", import.meta.url).pathname;
// Start clean: a chunk left over from an earlier build would never be loaded.
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    promptfirst: "src/bin.ts",
    bench: "bench/bench.ts",
    "mock-server": "bench/mock-server.ts",
    "check-data-bench": "bench/check-data.ts",
  },
  outdir,
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
});
