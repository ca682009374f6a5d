#!/usr/bin/env node
import { removeTemporaryWorktreesNow } from "@promptfirst/core/node";
import { limitHeapGrowth } from "./heap.ts";
import { createProcessIO } from "./io.ts";
import { main } from "./main.ts";

limitHeapGrowth();
// Interrupted (Ctrl-C, a cancelled CI job): the temporary checkout of the base goes too, then the usual exit code.
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    const removed = removeTemporaryWorktreesNow();
    process.stderr.write(
      `promptfirst: interrupted${removed > 0 ? `; removed ${removed} temporary checkout(s) of the base` : ""}\n`,
    );
    process.exit(code);
  });
}
main(process.argv.slice(2), createProcessIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Only a bug in promptfirst gets here: user mistakes are reported by main() without a trace.
    process.stderr.write(
      `promptfirst: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 3;
  },
);
