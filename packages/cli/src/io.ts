import { constants } from "node:fs";
import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { toOutputFileError } from "@promptfirst/core";

/** What the CLI touches outside itself; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Whether stderr is an interactive terminal (progress redraws one line) or a log (progress prints lines). */
  isTTY: boolean;
  /** Milliseconds clock. */
  now: () => number;
}

/** The real process's IO. */
export function createProcessIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stderr.isTTY),
    now: () => performance.now(),
  };
}

/** Replaces every occurrence of the given secrets with `***`, so keys never reach logs or files. */
export class SecretRedactor {
  readonly #secrets = new Set<string>();

  /** Remember a secret (values shorter than 6 characters are not worth masking and would mangle text). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.#secrets.add(secret);
  }

  /** The text with every known secret masked. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join("***");
    return out;
  }
}

/**
 * Write a file the user asked for (`--out`), making its folder: a path that cannot be written (a file where a
 * folder should be, a folder given as the file, no permission, a full disk) becomes a PromptfirstError that
 * names it as the user typed it (`shown`), so the command exits 2 with one clear line instead of a stack trace.
 */
export async function writeOutputFile(file: string, text: string, shown = file): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (error) {
    throw toOutputFileError(error, shown);
  }
}

/** Make the folder the user named for output (`gate --out DIR`) before any work, with the same clear errors. */
export async function prepareOutputDir(dir: string, shown = dir): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw toOutputFileError(error, shown);
  }
}
