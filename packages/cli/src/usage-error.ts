import { isPromptfirstError } from "@promptfirst/core";
import type { CliIO, SecretRedactor } from "./io.ts";

/** A command-line mistake (a bad flag or value): printed with a pointer to `--help`, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Commands that have their own `--help`. */
const COMMANDS = new Set(["init", "eval", "compare", "gate", "check-data", "report", "merge"]);

/**
 * The one place a user mistake becomes output: a usage error or a PromptfirstError is printed as one clear
 * message (secrets masked, no stack trace) and gives exit code 2; anything else is a bug and is rethrown.
 */
export function reportUserError(
  error: unknown,
  command: string | undefined,
  io: CliIO,
  redactor: SecretRedactor,
): number {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith?.("ERR_PARSE_ARGS")) {
    const help = COMMANDS.has(command ?? "") ? `promptfirst ${command} --help` : "promptfirst --help";
    io.stderr(`promptfirst: ${redactor.redact((error as Error).message)}\nRun \`${help}\` for usage.\n`);
    return 2;
  }
  if (isPromptfirstError(error)) {
    io.stderr(`${redactor.redact(error.message)}\n`);
    return 2;
  }
  throw error;
}
