import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import readline from "node:readline";

/**
 * Shared plumbing for benchmarks. They run Optimizarr's server modules outside Next, which needs
 * the `react-server` export condition (the `server-only` guard package resolves to a no-op under
 * it); a bench started without it re-runs itself with it.
 */
function runWithServerConditions(): boolean {
  if (process.execArgv.some((arg) => arg.includes("react-server"))) return true;
  const result = spawnSync(process.execPath, [...process.execArgv, "--conditions=react-server", ...process.argv.slice(1)], { stdio: "inherit" });
  process.exitCode = result.status ?? 1;
  return false;
}

/** A bench file's entry point: run under the server conditions (see above); a failure sets the exit code. */
export function runBench(main: () => Promise<void>): void {
  if (!runWithServerConditions()) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** Peak resident memory while `work` runs, sampled every 50 ms. */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peakRssBytes: number; peakHeapBytes: number }> {
  let peakRssBytes = process.memoryUsage().rss;
  let peakHeapBytes = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRssBytes = Math.max(peakRssBytes, usage.rss);
    peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed);
  }, 50);
  const start = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - start, peakRssBytes, peakHeapBytes };
  } finally {
    clearInterval(sampler);
  }
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Prints rows (the first is the header) as left-aligned columns. */
export function printTable(rows: readonly string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "));
  console.log("");
}

/** Starts a script in its own process (so its CPU and memory don't count as ours) and reads the first JSON line it prints. */
export async function startHelperProcess<T>(script: string, args: string[]): Promise<{ info: T; stop: () => void }> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = readline.createInterface({ input: child.stdout });
  const info = await new Promise<T>((resolve, reject) => {
    lines.once("line", (line) => resolve(JSON.parse(line) as T));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { info, stop: () => child.kill("SIGTERM") };
}

/** A fresh SQLite file in a temporary folder with every migration applied, as `prisma migrate deploy` would. */
export function migratedDatabase(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-bench-"));
  const file = path.join(dir, "bench.db");
  const sqlite = new Database(file);
  const migrations = path.resolve("prisma/migrations");
  for (const name of fs.readdirSync(migrations).filter((entry) => /^\d+_/.test(entry)).sort()) {
    sqlite.exec(fs.readFileSync(path.join(migrations, name, "migration.sql"), "utf8"));
  }
  sqlite.close();
  return { dir, file };
}
