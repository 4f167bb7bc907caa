/**
 * Folder scan at scale: a tree of 100,000 video files (tiny placeholder files in 1,000 folders of
 * 100, as a TV library is laid out) scanned into a fresh SQLite database without ffprobe, then
 * scanned again unchanged, then again after 10% of the files were deleted (the re-scan stats every
 * queued file under the root to mark the deleted ones removed).
 *
 * Measures wall time, files per second and peak RSS. ffprobe is left out on purpose: it costs
 * ~0.1 s per real file whatever Optimizarr does, and would hide the walk and the writes.
 *
 *   npx tsx bench/scan.bench.ts [files=100000] [--quick: 10,000 files]
 *   npm run bench   (all benches)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDataDir } from "../tests/support/test-database";
import { reportBenchResult } from "./bench-results";
import { measure, mib, printTable, runBench } from "./support";

const FILES_PER_FOLDER = 100;

function createTree(root: string, files: number): string[] {
  const paths: string[] = [];
  for (let index = 0; index < files; index++) {
    const folder = path.join(root, `Show ${Math.floor(index / FILES_PER_FOLDER / 10)}`, `Season ${Math.floor(index / FILES_PER_FOLDER) % 10}`);
    if (index % FILES_PER_FOLDER === 0) fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `Episode ${index}.mkv`);
    fs.writeFileSync(file, "x");
    paths.push(file);
  }
  return paths;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const files = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? (quick ? 10_000 : 100_000));
  const { dataDir, databaseUrl } = createTestDataDir("optimizarr-bench-");
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", LOG_TO_FILE: "false", NODE_ENV: "production" });
  const library = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-bench-library-"));

  const { db } = await import("~/server/db");
  const { scanTargetOf, startScan, waitForScan } = await import("~/server/scan/scan-jobs");

  try {
    const treeStart = performance.now();
    const paths = createTree(library, files);
    console.log(`\nscan.bench — ${files.toLocaleString("en")} files created in ${((performance.now() - treeStart) / 1000).toFixed(1)} s`);

    const root = await db.scanRoot.create({ data: { name: "Bench", path: library } });
    const scanOnce = async () => {
      const previous = await db.scanRoot.findUniqueOrThrow({ where: { id: root.id } });
      startScan(db, scanTargetOf({ ...previous, externalConnection: null }), { ffprobeCommand: path.join(library, "no-ffprobe") });
      const progress = await waitForScan(root.id);
      if (progress?.state !== "succeeded") throw new Error(`scan ${progress?.state}: ${progress?.error}`);
      return progress;
    };

    const rows: string[][] = [["run", "found", "wall", "CPU", "files/s", "added", "unchanged", "removed", "peak RSS", "RSS growth", "peak heap"]];
    const runs: { run: string; found: number; ms: number; cpuMs: number; added: number; unchanged: number; removed: number; rssBeforeBytes: number; peakRssBytes: number }[] = [];
    const baseline = process.memoryUsage().rss;
    for (const label of ["first", "again", "10% deleted"]) {
      if (label === "10% deleted") for (const [index, file] of paths.entries()) if (index % 10 === 0) fs.rmSync(file);
      const rssBeforeBytes = process.memoryUsage.rss();
      const cpuBefore = process.cpuUsage();
      const { result: scan, ms, peakRssBytes, peakHeapBytes } = await measure(scanOnce);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      runs.push({ run: label, found: scan.found, ms, cpuMs, added: scan.added, unchanged: scan.unchanged, removed: scan.removed, rssBeforeBytes, peakRssBytes });
      rows.push([
        label,
        scan.found.toLocaleString("en"),
        `${(ms / 1000).toFixed(1)} s`,
        `${(cpuMs / 1000).toFixed(1)} s`,
        Math.round(scan.found / (ms / 1000)).toLocaleString("en"),
        scan.added.toLocaleString("en"),
        scan.unchanged.toLocaleString("en"),
        scan.removed.toLocaleString("en"),
        mib(peakRssBytes),
        mib(peakRssBytes - rssBeforeBytes),
        mib(peakHeapBytes),
      ]);
    }
    console.log(`baseline RSS ${mib(baseline)}\n`);
    printTable(rows);
    reportBenchResult("scan", { files, runs });
  } finally {
    await db.$disconnect();
    fs.rmSync(library, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
