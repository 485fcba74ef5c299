import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The site is built once, from the embedded base, before any test runs.
    globalSetup: ["tests/setup/build.ts"],
    testTimeout: 30_000,
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    hookTimeout: 180_000,
  },
});
