import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);
let tempDir: string | undefined;
afterAll(async () => {
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

/** Every file under `dir` (relative paths, sorted) with its bytes; empty when `dir` does not exist. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = new Map<string, Buffer>();
  for (const entry of names) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file), await readFile(file));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

describe("check-dist", () => {
  it("the committed dist/ (index.js and its chunks) is what the sources build to", async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), "promptfirst-dist-"));
    const fresh = path.join(tempDir, "dist");
    await run(process.execPath, ["build.mjs", fresh], { cwd: PACKAGE_DIR });
    const committed = await readTree(path.join(PACKAGE_DIR, "dist"));
    const expected = await readTree(fresh);
    const stale = [
      ...[...expected.keys()].filter((f) => !committed.get(f)?.equals(expected.get(f)!)),
      ...[...committed.keys()].filter((f) => !expected.has(f)),
    ];
    expect(expected.has("index.js")).toBe(true);
    expect(
      stale,
      "packages/action/dist is stale: run pnpm --filter @promptfirst/action build and commit dist/",
    ).toEqual([]);
  });
});
