import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end in Debian's Chromium (Playwright cannot download browsers here) against a production
 * build (`next build` runs first in `npm test`) on a throwaway data dir.
 */
const PORT = Number(process.env.E2E_PORT ?? 3199);
export const E2E_DATA_DIR = path.resolve("test-results", "e2e-data");
const ADMIN_STATE = path.join(E2E_DATA_DIR, "..", "e2e-admin-state.json");

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Spinners honour prefers-reduced-motion: without it, software-rendered animation frames take a
    // third of a core from the server under test on a 2-core machine (a 130-file scan ran 2× slower).
    reducedMotion: "reduce",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    // first-run also pauses the encoder worker: it takes any queued item, and the app specs queue fake files and assert their status.
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    { name: "app", testMatch: /.*\.spec\.ts/, testIgnore: /(first-run|encoder)\.spec\.ts/, dependencies: ["first-run"], use: { storageState: ADMIN_STATE } },
    // Last, alone: it resumes the worker for a real encode and pauses it again. E2E_ENCODER_ONLY=1 skips the app specs while working on it.
    { name: "encoder", testMatch: /encoder\.spec\.ts/, dependencies: [process.env.E2E_ENCODER_ONLY ? "first-run" : "app"], use: { storageState: ADMIN_STATE } },
  ],
  webServer: {
    command: "node tests/e2e/support/start-server.mjs",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: { PORT: String(PORT), E2E_DATA_DIR },
  },
});
