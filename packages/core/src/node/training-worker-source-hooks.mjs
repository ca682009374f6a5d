// Loader hook for training-worker-source.mjs: TypeScript modules (`.ts`) load with their types stripped.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const { transformSync } = createRequire(import.meta.url)("amaro");

export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && url.endsWith(".ts")) {
    const source = await readFile(new URL(url), "utf8");
    const { code } = transformSync(source, { mode: "strip-only", filename: new URL(url).pathname });
    return { format: "module", source: code, shortCircuit: true };
  }
  return nextLoad(url, context);
}
