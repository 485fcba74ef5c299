import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The site is built once, from the embedded base, before any test runs.
    globalSetup: ["tests/setup/build.ts"],
    // A limit that only catches a hang: several tests run the kit's commands (build, setup, export)
    // as processes, whose time is the machine's load, not the code's. Speed is measured in bench/.
    testTimeout: 120_000,
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    hookTimeout: 180_000,
  },
});
