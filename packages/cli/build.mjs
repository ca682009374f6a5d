// Bundles the CLI (and its benchmark) into single ESM files that run on Node 20 and 24.
import { build } from "esbuild";

const shared = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // Some dependencies are CommonJS and call require(); give the ESM bundle a real one.
  banner: {
    js: "import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);",
  },
};

await build({ ...shared, entryPoints: ["src/bin.ts"], outfile: "dist/promptfirst.js" });
await build({ ...shared, entryPoints: ["bench/bench.ts"], outfile: "dist/bench.js" });
await build({ ...shared, entryPoints: ["bench/mock-server.ts"], outfile: "dist/mock-server.js" });
await build({ ...shared, entryPoints: ["bench/check-data.ts"], outfile: "dist/check-data-bench.js" });
