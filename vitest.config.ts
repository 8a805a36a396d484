import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/build-once.ts"],
    pool: "forks",
    testTimeout: 30_000,
    // Stand-ins and receivers listen on loopback: connectors used outside a sync run (which applies its directory's
    // policy) read the setting from here. Tests of the guard set their policy themselves.
    env: { ROSTER_OUTBOUND_PRIVATE: "all" },
    hookTimeout: 60_000,
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-results.json" }]] : ["default"],
  },
});
