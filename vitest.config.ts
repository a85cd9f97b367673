import { defineConfig } from "vitest/config";
import { rdBuPalette } from "./scripts/palette";
import { TEST_MS, WAIT_MS } from "./tests/waits";

/** The browser projects: served build, one browser at a time, generous waits (tests/waits.ts). */
const browser = {
  environment: "node" as const,
  globalSetup: ["tests/e2e/globalSetup.ts"] as string[],
  testTimeout: TEST_MS,
  hookTimeout: TEST_MS,
  // No default one-second poll on anything the engine computes.
  expect: { poll: { timeout: WAIT_MS, interval: 50 } },
  // One browser at a time: the machine has two cores.
  fileParallelism: false,
};

export default defineConfig({
  test: {
    projects: [
      {
        // The heatmaps' palette, made by d3 as in the build (scripts/palette.ts).
        plugins: [rdBuPalette()],
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
      { test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], ...browser } },
      { test: { name: "firefox", include: ["tests/firefox/**/*.test.ts"], ...browser } },
    ],
  },
});
