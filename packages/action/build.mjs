// Bundles the Action into one self-contained ESM file (dist/index.js) that runs on Node 20 and 24; action.yml
// runs it. `pnpm --filter @promptfirst/action build` rewrites it; src/dist.test.ts fails when it is stale
// (the bundle is committed: actions run from the repository as is).
import { build } from "esbuild";

const BUILD_OPTIONS = {
  entryPoints: [new URL("src/index.ts", import.meta.url).pathname],
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

// `node build.mjs OUTFILE` writes elsewhere: the check-dist test builds to a temporary file and compares.
const outfile = process.argv[2] ?? new URL("dist/index.js", import.meta.url).pathname;
await build({ ...BUILD_OPTIONS, outfile });
