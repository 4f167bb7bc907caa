/**
 * The queue and statistics at a million files (issue #16): seeds 1,000,000 synthetic queue items
 * (folder scans, two Sonarr connections, Radarr, a private Stash; realistic paths, sizes, codecs,
 * heights and statuses) plus 50,000 finished encodes straight into a migrated SQLite DB, then times
 * what the queue and statistics pages ask for, each repeated, as p50/p95. Prints figures; asserts
 * nothing. `--quick` seeds 10,000 items.
 *
 *   npx tsx bench/queue-million.bench.ts [--quick] [rows]
 *
 * Seeding goes round the writer on purpose: one INSERT … SELECT over a recursive counter in one
 * transaction (seconds for a million rows), so the figures are about reading, not writing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { type QueryKind, reportBenchResult } from "./bench-results";
import { migratedDatabase, printTable, runBench } from "./support";

const QUICK = process.argv.includes("--quick");
const ROWS = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? (QUICK ? 10_000 : 1_000_000));
const REPEAT = QUICK ? 5 : 30;
const PAGE = 50;

/** Connections as the app stores them; Stash is private, the second Sonarr hidden from statistics. */
const CONNECTIONS = [
  { id: 1, name: "Sonarr", appType: "sonarr", private: 0, showInStats: 1 },
  { id: 2, name: "Radarr", appType: "radarr", private: 0, showInStats: 1 },
  { id: 3, name: "Stash", appType: "stash", private: 1, showInStats: 1 },
  { id: 4, name: "Sonarr anime", appType: "sonarr", private: 0, showInStats: 0 },
] as const;


/**
 * Row n: 40% Sonarr (an eighth of it on the hidden second instance), 20% Radarr, 20% Stash
 * (private), 20% folder scans, two of whose roots are private or hidden from statistics.
 * Statuses: mostly queued, some done/skipped/failed/removed, a few encoding.
 */
function seed(file: string, rows: number): void {
  const sqlite = new Database(file);
  // The running totals and the path search index are filled in bulk afterwards, as their migrations
  // do for an existing queue, rather than row by row through their triggers.
  const triggers = sqlite.prepare(`SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'trigger' AND "tbl_name" = 'QueueItem'`).all() as { name: string; sql: string }[];
  for (const trigger of triggers) sqlite.exec(`DROP TRIGGER "${trigger.name}"`);
  const now = new Date().toISOString().replace("Z", "+00:00");
  // A throw-away file: no journal to keep, and a cache that holds the indexes being filled (with
  // SQLite's 2 MiB default, a million random-order index inserts thrash and take minutes).
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -2000000");
  sqlite.transaction(() => {
    const connection = sqlite.prepare(
      `INSERT INTO "ExternalConnection" ("id", "name", "appType", "baseUrl", "apiKeyEncrypted", "apiKeyLast4", "private", "showInStats", "createdAt", "updatedAt")
       VALUES (?, ?, ?, 'http://127.0.0.1:1', 'placeholder', 'abcd', ?, ?, ?, ?)`,
    );
    for (const c of CONNECTIONS) connection.run(c.id, c.name, c.appType, c.private, c.showInStats, now, now);
    const root = sqlite.prepare(`INSERT INTO "ScanRoot" ("name", "path", "private", "showInStats", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`);
    root.run("Home videos", "/media/home", 0, 1, now, now);
    root.run("Private", "/media/private", 1, 1, now, now);
    root.run("Old rips", "/media/old", 0, 0, now, now);
    sqlite.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}),
      r AS (SELECT i, (i * 2654435761) % 4294967296 AS h, i % 10 AS kind FROM n)
      INSERT INTO "QueueItem" ("id", "filePath", "sizeBytes", "codec", "width", "height", "bitrate", "durationSeconds", "status", "priority",
        "source", "connectionId", "externalId", "externalParentId", "private", "estimatedSavingsBytes", "createdAt", "updatedAt")
      SELECT i,
        CASE
          WHEN kind < 4 THEN printf('/tv/%s %d/Season %02d/%s %d - S%02dE%02d - Episode %d.mkv', CASE WHEN i % 8 = 0 THEN 'Anime' ELSE 'Show' END, h % 4000, h % 9 + 1, 'Show', h % 4000, h % 9 + 1, i % 24 + 1, i)
          WHEN kind < 6 THEN printf('/movies/Movie %d (%d)/Movie %d (%d) Bluray-1080p.%s', i, 1950 + h % 75, i, 1950 + h % 75, CASE WHEN h % 5 = 0 THEN 'mp4' ELSE 'mkv' END)
          WHEN kind < 8 THEN printf('/stash/studio %d/scene %d.mp4', h % 700, i)
          ELSE printf('/media/%s/folder %d/clip %d.mkv', CASE h % 10 WHEN 0 THEN 'private' WHEN 1 THEN 'old' ELSE 'home' END, h % 3000, i)
        END,
        100000000 + (h * 7919) % 12000000000,
        CASE h % 20 WHEN 0 THEN 'h265' WHEN 1 THEN 'av1' WHEN 2 THEN 'vp9' WHEN 3 THEN 'mpeg2' WHEN 4 THEN 'mpeg4' WHEN 5 THEN 'vc1' WHEN 6 THEN 'unknown' WHEN 7 THEN 'other' ELSE 'h264' END,
        CASE h % 8 WHEN 0 THEN 720 WHEN 1 THEN 3840 WHEN 2 THEN 1280 ELSE 1920 END,
        CASE h % 8 WHEN 0 THEN 480 WHEN 1 THEN 2160 WHEN 2 THEN 720 WHEN 3 THEN 800 WHEN 4 THEN NULL ELSE 1080 END,
        (h * 31) % 20000000, 2400.0,
        CASE WHEN i % 50 = 0 THEN 'done' WHEN i % 23 = 0 THEN 'skipped' WHEN i % 97 = 0 THEN 'failed' WHEN i % 41 = 0 THEN 'removed' WHEN i % 100003 = 0 THEN 'encoding' ELSE 'queued' END,
        CASE WHEN i % 97 = 0 THEN 10 ELSE 0 END,
        CASE WHEN kind < 4 THEN 'sonarr' WHEN kind < 6 THEN 'radarr' WHEN kind < 8 THEN 'stash' ELSE 'scan' END,
        CASE WHEN kind < 4 THEN CASE WHEN i % 8 = 0 THEN 4 ELSE 1 END WHEN kind < 6 THEN 2 WHEN kind < 8 THEN 3 ELSE NULL END,
        CASE WHEN kind < 8 THEN 'file:' || i ELSE NULL END,
        CASE WHEN kind < 4 THEN 'series:' || (h % 4000) WHEN kind < 6 THEN 'movie:' || i WHEN kind < 8 THEN 'scene:' || i ELSE NULL END,
        CASE WHEN kind IN (6, 7) OR (kind >= 8 AND h % 10 = 0) THEN 1 ELSE 0 END,
        (h * 104729) % 4000000000,
        '${now}', '${now}'
      FROM r`);
    sqlite.exec(`
      INSERT INTO "EncodeJob" ("queueItemId", "workerId", "status", "encoder", "targetCodec", "sizeBefore", "sizeAfter", "codecBefore", "codecAfter", "savedBytes", "startedAt", "finishedAt")
      SELECT "id", 'bench:1', 'done', 'libx265', 'h265', "sizeBytes", "sizeBytes" / 2, "codec", 'h265', "sizeBytes" - "sizeBytes" / 2,
        '${now}', strftime('%Y-%m-%dT%H:%M:%S.000+00:00', 'now', '-' || ("id" % 40) || ' days')
      FROM "QueueItem" WHERE "status" = 'done'`);
    for (const statement of backfillStatements()) sqlite.exec(statement);
    for (const trigger of triggers) sqlite.exec(trigger.sql);
  })();
  sqlite.close();
}

/** The migrations' own backfills of QueueStatsGroup and QueueItemPathSearch (their INSERT … SELECT statements). */
function backfillStatements(): string[] {
  const migrations = path.resolve("prisma/migrations");
  const statements = fs
    .readdirSync(migrations)
    .filter((name) => /_(queue_stats|queue_path_search)$/.test(name))
    .flatMap((name) => fs.readFileSync(path.join(migrations, name, "migration.sql"), "utf8").split(/;\s*\n/))
    .map((statement) => statement.replace(/^(\s*--.*\n)*/g, "").trim())
    .filter((statement) => /^INSERT INTO "(QueueStatsGroup|QueueItemPathSearch)"/.test(statement) && !statement.includes("NEW."));
  if (statements.length !== 2) throw new Error(`expected 2 backfill statements in the migrations, found ${statements.length}`);
  return statements;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function main() {
  const { dir, file } = migratedDatabase();
  const seedStart = performance.now();
  seed(file, ROWS);
  const seedMs = performance.now() - seedStart;
  process.env.DATABASE_URL = `file:${file}`;
  process.env.DATA_DIR = dir;
  process.env.LOG_LEVEL = "warn";
  // Opening the app's client runs its start-up PRAGMAs (WAL, optimize), as a restarted server would.
  const openStart = performance.now();
  const { db } = await import("~/server/db");
  await db.queueItem.findFirst({ select: { id: true } });
  const openMs = performance.now() - openStart;
  const { listQueue, countQueueByStatus } = await import("~/server/queue/queue-service");
  const { queueListInput } = await import("~/server/queue/queue-inputs");
  const { encodeCursor } = await import("~/server/queue/queue-cursor");
  const { statsSummary } = await import("~/server/stats/stats-service");
  const { savingsStats } = await import("~/server/stats/savings-stats");
  console.log(`seeded ${ROWS.toLocaleString("en-US")} items in ${(seedMs / 1000).toFixed(1)} s; first query after open ${(openMs / 1000).toFixed(1)} s\n`);

  try {
    const list = (input: Record<string, unknown>) => () => listQueue(db, queueListInput.parse({ limit: PAGE, ...input }));

    // A real walk captures a cursor from the server; a deep one is built for the item at a known depth.
    let walked: string | undefined;
    for (let page = 0; page < 20; page += 1) walked = (await list({ sort: "size-desc", cursor: walked })())?.nextCursor ?? undefined;
    const depth = Math.floor(ROWS / 4); // page 5,000 of 50 at a million
    const deepBySize = (await db.$queryRawUnsafe<{ id: number; sizeBytes: bigint }[]>(
      `SELECT "id", "sizeBytes" FROM "QueueItem" WHERE "status" <> 'removed' ORDER BY "sizeBytes" DESC, "id" DESC LIMIT 1 OFFSET ${depth}`,
    ))[0]!;
    const deepByPath = (await db.$queryRawUnsafe<{ id: number; filePath: string }[]>(
      `SELECT "id", "filePath" FROM "QueueItem" WHERE "status" <> 'removed' AND NOT "private" ORDER BY "filePath" LIMIT 1 OFFSET ${depth}`,
    ))[0]!;
    const deepSize = encodeCursor({ sort: "size-desc", id: deepBySize.id, key: BigInt(deepBySize.sizeBytes) });
    const deepPath = encodeCursor({ sort: "path", id: deepByPath.id, key: deepByPath.filePath });
    const deepNewest = encodeCursor({ sort: "newest", id: ROWS - depth });

    const cases: [string, QueryKind, () => Promise<unknown>][] = [
      ["first page (newest)", "first page", list({})],
      ["first page (size-desc)", "first page", list({ sort: "size-desc" })],
      ["filtered: queued + h264", "filtered page", list({ status: "queued", codec: "h264" })],
      ["filtered: queued + vc1, size-desc", "filtered page", list({ status: "queued", codec: "vc1", sort: "size-desc" })],
      ["filtered: sonarr + connection 1", "filtered page", list({ source: "sonarr", connectionId: 1 })],
      ["filtered: radarr + connection 2, size-desc", "filtered page", list({ source: "radarr", connectionId: 2, sort: "size-desc" })],
      ["filtered: failed + 2160p", "filtered page", list({ status: "failed", resolution: "2160p" })],
      ["cursor after a 20-page walk (size-desc)", "cursor page", list({ sort: "size-desc", cursor: walked })],
      [`deep cursor, item #${depth.toLocaleString("en-US")} (newest)`, "deep cursor page", list({ cursor: deepNewest })],
      [`deep cursor, item #${depth.toLocaleString("en-US")} (size-desc)`, "deep cursor page", list({ sort: "size-desc", cursor: deepSize })],
      [`deep cursor, item #${depth.toLocaleString("en-US")} (path)`, "deep cursor page", list({ sort: "path", cursor: deepPath })],
      ["search: one episode (selective)", "path search", list({ search: `Episode ${Math.floor(ROWS / 3) + 1}.` })],
      ["search: a show (a few hundred)", "path search", list({ search: "Show 1234/" })],
      ["search: 'season' (broad)", "path search", list({ search: "season" })],
      ["search: no match", "path search", list({ search: "no such file anywhere" })],
      ["search: a private path (never matches)", "path search", list({ search: "/stash/studio 12/" })],
      ["search + queued + h264, size-desc", "path search", list({ search: "Show 12", status: "queued", codec: "h264", sort: "size-desc" })],
      ["queue.counts", "queue.counts", () => countQueueByStatus(db)],
      ["stats.summary", "stats.summary", () => statsSummary(db, { includePrivate: false })],
      ["stats.summary (with private)", "stats.summary", () => statsSummary(db, { includePrivate: true })],
      ["stats.savings (30 days)", "stats.savings", () => savingsStats(db, { includePrivate: false, days: 30 })],
    ];

    // Wall time, and this process's CPU time (SQLite runs in it, synchronously): on a shared machine
    // the CPU figure is the one that doesn't depend on how many others want a core.
    const table = [["query", "first ms", "p50 ms", "p95 ms", "max ms", "CPU p50 ms", "CPU p95 ms"]];
    const queries: { label: string; kind: QueryKind; p50Ms: number; p95Ms: number; maxMs: number; cpuP50Ms: number; cpuP95Ms: number }[] = [];
    for (const [label, kind, run] of cases) {
      const timings: number[] = [];
      const cpu: number[] = [];
      for (let attempt = 0; attempt < REPEAT; attempt += 1) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        await run();
        timings.push(performance.now() - start);
        const used = process.cpuUsage(cpuStart);
        cpu.push((used.user + used.system) / 1000);
      }
      const first = timings[0]!;
      const sorted = [...timings].sort((a, b) => a - b);
      const cpuSorted = [...cpu].sort((a, b) => a - b);
      const figures = { label, kind, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.at(-1)!, cpuP50Ms: percentile(cpuSorted, 50), cpuP95Ms: percentile(cpuSorted, 95) };
      queries.push(figures);
      table.push([label, first.toFixed(1), ...[figures.p50Ms, figures.p95Ms, figures.maxMs, figures.cpuP50Ms, figures.cpuP95Ms].map((ms) => ms.toFixed(1))]);
    }
    console.log(`${ROWS.toLocaleString("en-US")} items, ${REPEAT} runs each, pages of ${PAGE}; load average ${os.loadavg().map((value) => value.toFixed(1)).join(" ")}`);
    printTable(table);
    reportBenchResult("queue-million", { rows: ROWS, repeat: REPEAT, seedMs, queries });
  } finally {
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
