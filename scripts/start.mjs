#!/usr/bin/env node
// `npm start`: apply migrations, build when no build exists, serve on PORT (default 3000).
// `npm run dev`: the same with `next dev`.
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { applyEnvDefaults } from "./env-defaults.mjs";

const env = applyEnvDefaults({ ...process.env });
const dev = process.argv.includes("--dev");
const bin = (name) => path.join("node_modules", ".bin", name);

function run(command, args) {
  const result = spawnSync(bin(command), args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\nOptimizarr: \`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

console.log("Optimizarr: applying database migrations…");
run("prisma", ["migrate", "deploy"]);

if (!dev && !fs.existsSync(path.join(".next", "BUILD_ID"))) {
  console.log("Optimizarr: no build found, building (about a minute, once)…");
  run("next", ["build"]);
}

const port = env.PORT ?? "3000";
const server = spawn(bin("next"), [dev ? "dev" : "start", "-p", port], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
