/**
 * Stash sync at scale: a fake Stash with 100,000 scenes (one file each), read in id-cursor pages
 * of 1,000 (100 GraphQL requests), synced into a fresh SQLite database, then synced again with
 * everything unchanged (quick: every scene's fingerprint, in pages of 5,000, and no scene read in
 * full), then again as a full sync (every scene re-read).
 *
 * Measures wall time, CPU time, files per second and peak RSS of the syncing process (the fake runs in a
 * process of its own; its GraphQL execution is not ours to time). The baseline is the RSS once the
 * server modules are loaded, before the first request, measured where sync.bench.ts measures its own. Target: 100k scenes well under a minute, memory flat.
 *
 * Then the floor against the same fake process (./sync-floor.ts): issue #16 wants the first sync
 * within 1.3× of it.
 *
 *   npx tsx bench/stash-sync.bench.ts [--quick: 10,000 scenes]
 *   npm run bench   (all benches)
 *
 * Takes no other argument: `npm run bench` passes its arguments to every bench, and those of
 * sync.bench.ts mean something else.
 */
import fs from "node:fs";
import { createTestDataDir } from "../tests/support/test-database";
import { reportBenchResult } from "./bench-results";
import { mib, printTable, runBench, startHelperProcess } from "./support";
import { FLOOR_TABLE_HEADER, floorRow, measureFloor } from "./sync-floor";
import { SYNC_TABLE_HEADER, syncTableRows, timeFirstAndRepeatSync } from "./sync-runs";

const SCENES = process.argv.includes("--quick") ? 10_000 : 100_000;

async function main(): Promise<void> {
  // A private database and data dir, set before any server module reads the environment.
  const { dataDir, databaseUrl } = createTestDataDir("optimizarr-bench-");
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", LOG_TO_FILE: "false", NODE_ENV: "production" });
  delete process.env.SECRET_KEY;

  const fake = await startHelperProcess<{ url: string; apiKey: string }>("bench/fake-stash-process.ts", [String(SCENES)]);
  const { db } = await import("~/server/db");
  const { createConnection } = await import("~/server/connections/connection-service");
  const { STASH_DOCUMENTS } = await import("~/server/connections/stash");
  const { STASH_PAGE_SIZE } = await import("~/server/connections/stash-library");
  const { STASH_GRAPHQL_PATH } = await import("~/server/connections/stash-graphql");

  const label = `Stash ${SCENES.toLocaleString("en")} scenes`;
  try {
    const baseline = process.memoryUsage().rss;
    const { connection } = await createConnection(db, {
      name: label,
      appType: "stash",
      baseUrl: fake.info.url,
      apiKey: fake.info.apiKey,
      pathMappings: [{ remote: "/data", local: "/mnt/media/stash" }],
    });
    const runs = await timeFirstAndRepeatSync(connection.id);
    // After the syncs, so the fake process is as warm for the floor as it was for them.
    const floor = await measureFloor(
      { app: "stash", baseUrl: fake.info.url, apiKey: fake.info.apiKey, graphqlPath: STASH_GRAPHQL_PATH, scenesQuery: STASH_DOCUMENTS.scenes, pageSize: STASH_PAGE_SIZE },
      dataDir,
    );
    const total = await db.queueItem.count();
    console.log(`\nstash-sync.bench — baseline RSS ${mib(baseline)}, ${total.toLocaleString("en")} queue items written\n`);
    printTable([SYNC_TABLE_HEADER, ...syncTableRows(label, runs)]);
    console.log("First sync beside its floor (bare keep-alive fetch + JSON.parse, then one-transaction insert), wall / CPU:\n");
    printTable([FLOOR_TABLE_HEADER, floorRow(label, runs[0]!, floor)]);
    reportBenchResult("stash-sync", { libraries: [{ label, app: "stash", runs, floor }] });
  } finally {
    fake.stop();
    await db.$disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
