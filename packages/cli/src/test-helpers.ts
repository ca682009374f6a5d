import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CliIO } from "./io.ts";
import { main } from "./main.ts";

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with captured output (a log, not a TTY) and the given environment. */
export async function runCli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    cwd: options.cwd,
    isTTY: false,
    now: () => performance.now(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary directory. */
export function makeTempDir(prefix = "promptfirst-cli-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** The repository root (for examples). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
