import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Simulations and end-to-end runs (git worktrees, loopback servers) take seconds on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
