// The Action's entry point: everything happens in run(), nothing at import time.
import { removeTemporaryWorktreesNow } from "@promptfirst/core/node";
import { run } from "./main.ts";

// A cancelled job (the runner sends SIGINT, then SIGTERM): the temporary checkout of the base goes too, so a
// self-hosted runner's repository keeps no stray worktree.
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    removeTemporaryWorktreesNow();
    process.exit(code);
  });
}

await run();
