/**
 * Library sync at scale: a fake Sonarr with 2,000 series × 50 episode files (100k files, one
 * request per series) and a fake Radarr with 20,000 movies (one ~50 MB streamed answer), each
 * synced into a fresh SQLite database, then synced again (everything unchanged: quick for Sonarr,
 * whose unchanged series are skipped), then again as a full sync (every series re-read).
 *
 * Measures wall time, CPU time, files per second and peak RSS of the syncing process (the fakes run in a
 * process of their own). Target: 100k episode files well under a minute, memory flat. Then each
 * library's floor against the same fake process (./sync-floor.ts): issue #16 wants the first sync
 * within 1.3× of it.
 *
 *   npx tsx bench/sync.bench.ts [series=2000] [episodesPerSeries=50] [movies=20000]
 *   npx tsx bench/sync.bench.ts --quick   (200 series × 50, 2,000 movies)
 *   npm run bench   (all benches)
 */
import fs from "node:fs";
import { createTestDataDir } from "../tests/support/test-database";
import { reportBenchResult, type SyncLibraryFigures } from "./bench-results";
import { mib, printTable, runBench, startHelperProcess } from "./support";
import { FLOOR_TABLE_HEADER, floorRow, measureFloor } from "./sync-floor";
import { SYNC_TABLE_HEADER, syncTableRows, timeFirstAndRepeatSync } from "./sync-runs";

/** The sync's CONCURRENCY in src/server/connections/sonarr.ts (not exported): the floor asks as many at once. */
const SONARR_CONCURRENCY = 4;

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const numbers = process.argv.slice(2).filter((arg) => !arg.startsWith("--")).map(Number);
  const [series = quick ? 200 : 2_000, episodes = 50, movies = quick ? 2_000 : 20_000] = numbers;

  // A private database and data dir, set before any server module reads the environment.
  const { dataDir, databaseUrl } = createTestDataDir("optimizarr-bench-");
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", LOG_TO_FILE: "false", NODE_ENV: "production" });
  delete process.env.SECRET_KEY;

  const fakes = await startHelperProcess<{ sonarr: string; radarr: string; apiKey: string }>("bench/fake-arr-process.ts", [
    String(series),
    String(episodes),
    String(movies),
  ]);
  const { db } = await import("~/server/db");
  const { createConnection } = await import("~/server/connections/connection-service");

  const libraries: SyncLibraryFigures[] = [];
  try {
    const baseline = process.memoryUsage().rss;
    for (const [app, url, label] of [
      ["sonarr", fakes.info.sonarr, `Sonarr ${series.toLocaleString("en")} series × ${episodes}`],
      ["radarr", fakes.info.radarr, `Radarr ${movies.toLocaleString("en")} movies`],
    ] as const) {
      const { connection } = await createConnection(db, {
        name: label,
        appType: app,
        baseUrl: url,
        apiKey: fakes.info.apiKey,
        pathMappings: [{ remote: app === "sonarr" ? "/tv" : "/movies", local: `/mnt/media/${app}` }],
      });
      const runs = await timeFirstAndRepeatSync(connection.id);
      // After the syncs, so the fake process is as warm for the floor as it was for them.
      const source = app === "sonarr" ? { app, baseUrl: url, apiKey: fakes.info.apiKey, concurrency: SONARR_CONCURRENCY } : { app, baseUrl: url, apiKey: fakes.info.apiKey };
      libraries.push({ label, app, runs, floor: await measureFloor(source, dataDir) });
    }
    const total = await db.queueItem.count();
    console.log(`\nsync.bench — baseline RSS ${mib(baseline)}, ${total.toLocaleString("en")} queue items written\n`);
    printTable([SYNC_TABLE_HEADER, ...libraries.flatMap((library) => syncTableRows(library.label, library.runs))]);
    console.log("First sync beside its floor (bare keep-alive fetch + JSON.parse, then one-transaction insert), wall / CPU:\n");
    printTable([FLOOR_TABLE_HEADER, ...libraries.map((library) => floorRow(library.label, library.runs[0]!, library.floor))]);
    reportBenchResult("sync", { libraries });
  } finally {
    fakes.stop();
    await db.$disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
