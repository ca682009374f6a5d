// The training-data worker (training-worker.ts) started from TypeScript source, as this repository's tests run
// it: Node 20 cannot load `.ts` files, so this registers a loader hook that strips their types with amaro (the
// stripper Node itself uses), then loads the worker. Bundles start their compiled `training-worker.js` instead.
import { register } from "node:module";

register(new URL("./training-worker-source-hooks.mjs", import.meta.url));
await import("./training-worker.ts");
