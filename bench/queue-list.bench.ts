/**
 * queue.list at scale: seeds 100,000 queue items into a throw-away SQLite DB through the real writer,
 * then times pages of 100 for every sort, unfiltered and with the page's common filters, first
 * without and then with SQLite's planner statistics (ANALYZE). Prints figures; asserts nothing.
 *
 *   npx tsx --conditions=react-server bench/queue-list.bench.ts [--quick] [rows]
 *
 * `--quick` (as `npm run bench -- --quick` passes it) seeds 10,000.
 *
 * (`react-server` makes `server-only` importable outside Next.)
 */
import fs from "node:fs";
import { reportBenchResult } from "./bench-results";
import { migratedDatabase, runBench } from "./support";

const QUICK = process.argv.includes("--quick");
const ROWS = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? (QUICK ? 10_000 : 100_000));
const PAGE = 100;
const PAGES_WALKED = QUICK ? 2 : 20;


async function main() {
  const { dir, file } = migratedDatabase();
  const url = `file:${file}`;
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR = dir;
  process.env.LOG_LEVEL = "warn";
  const { db } = await import("~/server/db");
  const { upsertQueueItems } = await import("~/server/queue/queue-writer");
  const { listQueue } = await import("~/server/queue/queue-service");
  const { queueListInput } = await import("~/server/queue/queue-inputs");
  const { QUEUE_SORTS } = await import("~/lib/queue-list-options");
  const { CODECS } = await import("~/lib/queue-enums");
  await db.queueItem.count(); // let the client's start-up PRAGMAs run first

  try {
    const seedStart = performance.now();
    const heights = [480, 576, 720, 1080, 1080, 1080, 2160, 800];
    const codecs = CODECS.filter((codec) => codec !== "av1");
    const sources = ["scan", "sonarr", "radarr", "stash"] as const;
    let random = 42;
    const next = () => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let start = 0; start < ROWS; start += 5000) {
      const batch = Array.from({ length: Math.min(5000, ROWS - start) }, (_, offset) => {
        const index = start + offset;
        const source = sources[index % sources.length]!;
        return {
          filePath: `/media/${source === "sonarr" ? "tv" : "movies"}/Show ${index % 2000}/Season ${index % 7}/Episode ${index}.mkv`,
          sizeBytes: BigInt(Math.floor(next() * 8e9)) + 100_000_000n,
          codec: codecs[index % codecs.length]!,
          codecRaw: null,
          width: 1920,
          height: heights[index % heights.length]!,
          bitrate: Math.floor(next() * 2e7),
          durationSeconds: 2400,
          qualitySource: null,
          source,
          connectionId: null,
          externalId: null,
          externalParentId: null,
          private: source === "stash",
          fileModifiedAt: null,
        };
      });
      await upsertQueueItems(db, batch, { targetCodec: "h265" });
    }
    await db.$executeRaw`UPDATE "QueueItem" SET "priority" = 10 WHERE "id" % 97 = 0`;
    await db.$executeRaw`UPDATE "QueueItem" SET "status" = 'failed' WHERE "id" % 211 = 0`;
    const seedMs = performance.now() - seedStart;
    console.log(`seeded ${ROWS.toLocaleString("en-US")} rows in ${(seedMs / 1000).toFixed(1)} s\n`);

    const views: [string, Record<string, unknown>][] = [
      ["all", {}],
      ["status=queued", { status: "queued" }],
      ["status=failed", { status: "failed" }],
      ["codec=h264", { codec: "h264" }],
      ["resolution=1080p", { resolution: "1080p" }],
      ["search 'show 12'", { search: "show 12" }],
      ["search (rare)", { search: "Episode 99999." }],
    ];

    const pages: { view: string; sort: string; analyzed: boolean; firstMs: number; averageMs: number; maxMs: number; pagesWalked: number }[] = [];
    for (const analyzed of [false, true]) {
      if (analyzed) await db.$executeRawUnsafe("ANALYZE");
      console.log(analyzed ? "--- after ANALYZE ---" : "--- fresh database (no ANALYZE) ---");
      console.log(`${"view".padEnd(20)} ${"sort".padEnd(10)} ${"first ms".padStart(9)} ${"avg ms".padStart(8)} ${"max ms".padStart(8)}  pages`);
      for (const [label, filters] of views) {
        for (const sort of QUEUE_SORTS) {
          const timings: number[] = [];
          let cursor: string | undefined;
          for (let page = 0; page < PAGES_WALKED; page += 1) {
            const input = queueListInput.parse({ ...filters, sort, limit: PAGE, cursor });
            const start = performance.now();
            const result = await listQueue(db, input);
            timings.push(performance.now() - start);
            if (!result.nextCursor) break;
            cursor = result.nextCursor;
          }
          const avg = timings.reduce((sum, value) => sum + value, 0) / timings.length;
          pages.push({ view: label, sort, analyzed, firstMs: timings[0]!, averageMs: avg, maxMs: Math.max(...timings), pagesWalked: timings.length });
          console.log(`${label.padEnd(20)} ${sort.padEnd(10)} ${timings[0]!.toFixed(1).padStart(9)} ${avg.toFixed(1).padStart(8)} ${Math.max(...timings).toFixed(1).padStart(8)}  ${timings.length}`);
        }
      }
      console.log();
    }
    reportBenchResult("queue-list", { rows: ROWS, seedMs, pages });
  } finally {
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
