#!/usr/bin/env node
import { limitHeapGrowth } from "./heap.ts";
import { createProcessIO } from "./io.ts";
import { main } from "./main.ts";

limitHeapGrowth();
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
