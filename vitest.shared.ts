import { defineConfig } from "vitest/config";

// One configuration for every package's tests. `pnpm test` runs the packages side by side, and CI machines are
// small and busy: a test that takes 0.4 s on an idle 2-core machine has taken over 5 s there. Tests assert
// behaviour, never time, so the limits only catch hangs.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
