import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The first GitHub test loads GitHub's 13 MB OpenAPI description; on a busy 2-core machine that takes seconds.
    testTimeout: 30_000,
  },
});
