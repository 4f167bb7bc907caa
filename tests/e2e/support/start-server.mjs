// Serves the production build on a fresh data dir for the end-to-end run.
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { applyEnvDefaults } from "../../../scripts/env-defaults.mjs";

const dataDir = process.env.E2E_DATA_DIR;
if (!dataDir) throw new Error("E2E_DATA_DIR is not set");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

const env = applyEnvDefaults({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "optimizarr.db")}`, LOG_LEVEL: "debug" });
delete env.ADMIN_USERNAME;
delete env.ADMIN_PASSWORD;
delete env.OPTIMIZARR_API_KEY;
delete env.SECRET_KEY;

const migrate = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env, stdio: "inherit" });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
if (!fs.existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npx next build` first (npm test does).");
  process.exit(1);
}
const server = spawn("node_modules/.bin/next", ["start", "-H", "127.0.0.1", "-p", env.PORT ?? "3199"], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
