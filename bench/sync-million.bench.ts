/**
 * A million Sonarr episode files (issue #16): a fake Sonarr (its own process) with 10,000 series ×
 * 100 files, one first sync into a fresh SQLite database. Targets: it completes, peak RSS growth
 * over the process's RSS just before the sync < 300 MB, and progress is live: the run is polled
 * as the UI polls it (getSyncRun, twice a second) and the bench reports how many distinct
 * `processed` values it saw, whether they only went up, and the longest stretch without one.
 * Memory is recorded with each poll and reported at each quarter of the files and at the peak,
 * split into V8's heap (committed and used), Buffers/external, and the rest of the RSS (SQLite's
 * allocations, code), so a growth that follows the file count shows as such rather than as one peak.
 *
 * Diagnosis of where the heap goes: with `--gc-probe` (needs node's --expose-gc) each quarter's
 * sample also forces a full GC and records the heap still used after it, i.e. what the sync really
 * holds, as opposed to garbage V8 has not collected yet. That changes the run's memory curve, so
 * run-all never passes it.
 *
 * Only in the full `npm run bench` (run-all leaves it out of `--quick`): it takes minutes.
 *
 *   npx tsx bench/sync-million.bench.ts [series=10000] [episodesPerSeries=100]
 *   node --expose-gc --import tsx --conditions=react-server bench/sync-million.bench.ts --gc-probe
 */
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestDataDir } from "../tests/support/test-database";
import { reportBenchResult } from "./bench-results";
import { measure, mib, printTable, runBench, startHelperProcess } from "./support";

const POLL_MS = 500;

interface ProgressSample {
  atMs: number;
  processed: number;
  memory: NodeJS.MemoryUsage;
  /** Heap used right after a forced full GC (--gc-probe only, at each quarter of the files). */
  retainedHeapBytes: number | null;
}

/** What the samples say about progress: distinct values, monotonic, first advance, longest stretch without one. */
function progressFigures(samples: readonly ProgressSample[]) {
  let longestStallMs = 0;
  let lastChange = samples[0];
  for (const [index, sample] of samples.entries()) {
    const previous = samples[index - 1];
    if (previous && sample.processed !== previous.processed) lastChange = sample;
    if (lastChange) longestStallMs = Math.max(longestStallMs, sample.atMs - lastChange.atMs);
  }
  return {
    samples: samples.length,
    distinctValues: new Set(samples.map((sample) => sample.processed)).size,
    monotonic: samples.every((sample, index) => index === 0 || sample.processed >= samples[index - 1]!.processed),
    firstAdvanceMs: samples.find((sample) => sample.processed > 0)?.atMs ?? null,
    longestStallMs,
    lastSeen: samples.at(-1)?.processed ?? 0,
  };
}

async function main(): Promise<void> {
  const [series = 10_000, episodes = 100] = process.argv.slice(2).filter((arg) => !arg.startsWith("--")).map(Number);
  const files = series * episodes;

  // A private database and data dir, set before any server module reads the environment.
  const { dataDir, databaseUrl } = createTestDataDir("optimizarr-bench-");
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", LOG_TO_FILE: "false", NODE_ENV: "production" });
  delete process.env.SECRET_KEY;

  const fakes = await startHelperProcess<{ sonarr: string; radarr: string; apiKey: string }>("bench/fake-arr-process.ts", [String(series), String(episodes), "0"]);
  const { db } = await import("~/server/db");
  const { createConnection } = await import("~/server/connections/connection-service");
  const { startSync, waitForSyncRun, getSyncRun } = await import("~/server/connections/sync");

  try {
    const label = `Sonarr ${series.toLocaleString("en")} series × ${episodes}`;
    const { connection } = await createConnection(db, {
      name: label,
      appType: "sonarr",
      baseUrl: fakes.info.sonarr,
      apiKey: fakes.info.apiKey,
      pathMappings: [{ remote: "/tv", local: "/mnt/media/sonarr" }],
    });
    const rssBeforeBytes = process.memoryUsage.rss();
    const samples: ProgressSample[] = [];
    const quarters = [0.25, 0.5, 0.75, 1];
    const gcProbe = process.argv.includes("--gc-probe") ? globalThis.gc : undefined;
    if (process.argv.includes("--gc-probe") && !gcProbe) throw new Error("--gc-probe needs node --expose-gc");
    let nextQuarter = 0;
    const cpuBefore = process.cpuUsage();
    const { result: run, ms, ...sampled } = await measure(async () => {
      const { runId } = await startSync(db, connection.id, "manual");
      const start = performance.now();
      let finished = false;
      const done = waitForSyncRun(runId).finally(() => (finished = true));
      // One sample more once the run has ended, so the last one shows where it finished.
      for (;;) {
        const ended = finished;
        const live = await getSyncRun(db, runId);
        const processed = live?.processed ?? 0;
        const memory = process.memoryUsage();
        let retainedHeapBytes: number | null = null;
        if (nextQuarter < quarters.length && processed >= quarters[nextQuarter]! * files) {
          nextQuarter += 1;
          console.log(`  ${processed.toLocaleString("en")} files after ${((performance.now() - start) / 1000).toFixed(0)} s, RSS ${mib(memory.rss)}`);
          if (gcProbe) {
            gcProbe();
            retainedHeapBytes = process.memoryUsage().heapUsed;
          }
        }
        samples.push({ atMs: performance.now() - start, processed, memory, retainedHeapBytes });
        if (ended) break;
        await Promise.race([done, sleep(POLL_MS)]);
      }
      return getSyncRun(db, runId);
    });
    const cpu = process.cpuUsage(cpuBefore);
    if (!run) throw new Error("the sync run vanished");

    const progress = progressFigures(samples);
    const breakdown = (sample: ProgressSample) => ({
      rssGrowthBytes: sample.memory.rss - rssBeforeBytes,
      heapTotalBytes: sample.memory.heapTotal,
      heapUsedBytes: sample.memory.heapUsed,
      externalBytes: sample.memory.external,
      outsideHeapBytes: sample.memory.rss - sample.memory.heapTotal - sample.memory.external,
      retainedHeapBytes: sample.retainedHeapBytes,
    });
    const memoryAlong = quarters.flatMap((share) => {
      const sample = samples.find((candidate) => candidate.processed >= share * files);
      return sample ? [{ processedShare: share, ...breakdown(sample) }] : [];
    });
    const peakSample = samples.reduce((peak, sample) => (sample.memory.rss > peak.memory.rss ? sample : peak), samples[0]!);
    // measure()'s 50 ms sampler misses what happens while the event loop is busy (the last, synchronous statements); the polls may have seen more.
    const peakRssBytes = Math.max(sampled.peakRssBytes, peakSample.memory.rss);
    const peakHeapBytes = Math.max(sampled.peakHeapBytes, ...samples.map((sample) => sample.memory.heapUsed));
    const atPeak = { processedShare: peakSample.processed / files, ...breakdown(peakSample) };
    console.log(`\nsync-million.bench — ${label}, RSS before the sync ${mib(rssBeforeBytes)}\n`);
    printTable([
      ["status", "files", "added", "wall", "CPU", "files/s", "peak RSS", "RSS growth", "peak heap", "progress samples", "distinct", "monotonic", "longest stall"],
      [
        run.status,
        run.processed.toLocaleString("en"),
        run.added.toLocaleString("en"),
        `${(ms / 1000).toFixed(1)} s`,
        `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
        Math.round(run.processed / (ms / 1000)).toLocaleString("en"),
        mib(peakRssBytes),
        mib(peakRssBytes - rssBeforeBytes),
        mib(peakHeapBytes),
        String(progress.samples),
        String(progress.distinctValues),
        progress.monotonic ? "yes" : "no",
        `${(progress.longestStallMs / 1000).toFixed(1)} s`,
      ],
    ]);
    printTable([
      ["processed", "RSS growth", "V8 heap committed", "heap used", "retained after full GC", "external", "rest of RSS"],
      ...[...memoryAlong, { ...atPeak, peak: true }].map((point) => [
        `${"peak" in point ? "peak RSS sample, " : ""}${(point.processedShare * 100).toFixed(0)}%`,
        mib(point.rssGrowthBytes),
        mib(point.heapTotalBytes),
        mib(point.heapUsedBytes),
        point.retainedHeapBytes === null ? "–" : mib(point.retainedHeapBytes),
        mib(point.externalBytes),
        mib(point.outsideHeapBytes),
      ]),
    ]);
    reportBenchResult("sync-million", {
      series,
      episodesPerSeries: episodes,
      status: run.status,
      files: run.processed,
      added: run.added,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBeforeBytes,
      peakRssBytes,
      peakHeapBytes,
      progress,
      memoryAlong,
      atPeak,
    });
    if (run.status !== "succeeded") throw new Error(`sync ${run.status}: ${run.error}`);
  } finally {
    fakes.stop();
    await db.$disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
