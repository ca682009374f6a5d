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
