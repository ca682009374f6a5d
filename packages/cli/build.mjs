// Bundles the CLI (and its benchmarks) into ESM that runs on Node 20 and 24: dist/promptfirst.js, dist/bench.js,
// dist/mock-server.js, dist/check-data-bench.js, dist/scale-bench.js and dist/touched-bench.js, sharing chunks under dist/chunks/, plus
// what `check-data` loads next to them: dist/training-worker.js (its worker threads) and the tokenizer encodings'
// ranks, packed (dist/o200k_base.ranks, dist/cl100k_base.ranks).
//
// Code splitting keeps what a command may never need behind `await import()` in its own chunk, parsed only when
// used: gpt-tokenizer's encodings and amaro (TypeScript scorers). One file holding everything cost `check-data`
// about 10 MB of peak resident memory: V8 keeps a script's whole source for lazy compilation, and parsing the
// unused encoding's rank table was not free either. The packed ranks go further: `check-data` reads them (1-2 MB)
// instead of parsing gpt-tokenizer's 200,000-string array (tens of megabytes while it loads); the library's
// chunks stay as the fallback.
//
// `node build.mjs OUTDIR` writes elsewhere (a test builds to a temporary directory).
import { rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

const outdir = process.argv[2] ? path.resolve(process.argv[2]) : new URL("dist", import.meta.url).pathname;
// Start clean: a chunk left over from an earlier build would never be loaded.
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    promptfirst: "src/bin.ts",
    bench: "bench/bench.ts",
    "mock-server": "bench/mock-server.ts",
    "check-data-bench": "bench/check-data.ts",
    "scale-bench": "bench/scale.ts",
    "touched-bench": "bench/touched.ts",
    // The training-data check's worker thread (core's node/training-worker.ts), found next to the bundle.
    "training-worker": "../core/src/node/training-worker.ts",
  },
  absWorkingDir: new URL(".", import.meta.url).pathname,
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

// The packed ranks, written by core's own packRanks (bundled for the occasion) from gpt-tokenizer's ranks.
const packer = await build({
  entryPoints: [new URL("../core/src/training/bpe.ts", import.meta.url).pathname],
  bundle: true,
  platform: "node",
  format: "esm",
  write: false,
  logLevel: "warning",
});
const { packRanks } = await import(
  `data:text/javascript;base64,${Buffer.from(packer.outputFiles[0].text).toString("base64")}`
);
const tokenizer = path.dirname(
  createRequire(new URL("../core/package.json", import.meta.url)).resolve("gpt-tokenizer/package.json"),
);
for (const encoding of ["o200k_base", "cl100k_base"]) {
  const { default: ranks } = await import(path.join(tokenizer, "esm/bpeRanks", `${encoding}.js`));
  await writeFile(path.join(outdir, `${encoding}.ranks`), packRanks(ranks));
}
