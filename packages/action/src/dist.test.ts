import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
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

describe("check-dist", () => {
  it("the committed dist/index.js is what the sources build to", async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), "promptfirst-dist-"));
    const fresh = path.join(tempDir, "index.js");
    await run(process.execPath, ["build.mjs", fresh], { cwd: PACKAGE_DIR });
    const committed = await readFile(path.join(PACKAGE_DIR, "dist", "index.js")).catch(() => undefined);
    const expected = await readFile(fresh);
    const same = committed !== undefined && Buffer.compare(committed, expected) === 0;
    expect(
      same,
      "packages/action/dist/index.js is stale: run pnpm --filter @promptfirst/action build and commit dist/",
    ).toBe(true);
  });
});
