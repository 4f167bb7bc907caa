#!/usr/bin/env node
// `npm start`: apply migrations, build when there is no build or the sources changed since it was
// made (see build-freshness.mjs), serve on PORT (default 3000).
// `npm run dev`: the same with `next dev`.
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildState, recordBuild } from "./build-freshness.mjs";
import { applyEnvDefaults } from "./env-defaults.mjs";

const env = applyEnvDefaults({ ...process.env });
// Next.js exits on SIGTERM/SIGINT as soon as its open requests end; with this set it leaves the
// signals to Optimizarr, which interrupts running syncs and scans and closes the database first
// (src/server/shutdown.ts). It must be in the process environment: Next reads it before .env.
env.NEXT_MANUAL_SIG_HANDLE ??= "true";
// `next dev` SIGKILLs its server 100 ms after passing a signal on: give the same shutdown time there.
env.NEXT_EXIT_TIMEOUT_MS ??= "10000";
const dev = process.argv.includes("--dev");
const bin = (name) => path.join("node_modules", ".bin", name);

function run(command, args) {
  const result = spawnSync(bin(command), args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\nOptimizarr: \`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

// A restore uploaded in System → Backup replaces the database now, before anything opens it.
if (fs.existsSync(path.join(path.resolve(env.DATA_DIR ?? "data"), "restore-pending.db"))) {
  console.log("Optimizarr: applying the restore staged in System → Backup…");
  run("tsx", ["scripts/restore.ts", "--apply-pending"]);
}

console.log("Optimizarr: applying database migrations…");
run("prisma", ["migrate", "deploy"]);

const build = dev ? "current" : buildState();
if (build !== "current") {
  console.log(build === "missing" ? "Optimizarr: no build found, building (about a minute, once)…" : "Optimizarr: the sources changed since the last build, rebuilding (about a minute)…");
  run("next", ["build"]);
  recordBuild();
}

const port = env.PORT ?? "3000";
const server = spawn(bin("next"), [dev ? "dev" : "start", "-p", port], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
