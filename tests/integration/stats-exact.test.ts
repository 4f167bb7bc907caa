import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolutionBucketOf } from "~/lib/queue-enums";
import { db } from "~/server/db";
import { claimItem, releaseItem, takeBackAbandoned } from "~/server/encoder/claim";
import { clearRemovedQueueItems, removeQueueItems, requeueQueueItems, setQueueItemsPriority, skipQueueItems } from "~/server/queue/queue-actions";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { countQueueByStatus } from "~/server/queue/queue-service";
import { statsSummary, type StatsSummary } from "~/server/stats/stats-service";
import { signedInCaller } from "../support/callers";
import { createWebhookConnection, deliver, fixture, type Json } from "../support/webhook-delivery";

/**
 * The statistics read running totals that SQLite triggers keep (QueueStatsGroup). Exact means: after
 * every kind of write the app makes — the queue writer (insert, update, rename), the queue actions,
 * the encoder's claim/release/take-back, a webhook delivery, privacy recomputes, a connection's
 * deletion, raw deletes — the totals equal a fresh GROUP BY of the queue, and stats.summary and
 * queue.counts equal what a plain loop over every row computes, hidden scan roots included.
 */
const TARGET = { targetCodec: "h265" as const };

function input(overrides: Partial<QueueItemInput> & { filePath: string }): QueueItemInput {
  return {
    sizeBytes: 2_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 8_000_000, durationSeconds: 2400,
    qualitySource: null, source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
  };
}

type GroupKey = [number, string, string, string, string, boolean];
interface Totals { key: GroupKey; count: number; bytes: string; savings: string }

/** The kept totals (empty groups left out) and a fresh GROUP BY of the rows, in one shape. */
async function keptAndFresh(): Promise<{ kept: Totals[]; fresh: Totals[]; emptyLeftovers: Totals[] }> {
  const kept = await db.queueStatsGroup.findMany();
  const rows = await db.queueItem.findMany({ select: { connectionId: true, source: true, codec: true, status: true, width: true, height: true, private: true, sizeBytes: true, estimatedSavingsBytes: true } });
  const fresh = new Map<string, Totals>();
  for (const row of rows) {
    const key: GroupKey = [row.connectionId ?? 0, row.source, row.codec, row.status, resolutionBucketOf(row.width, row.height), row.private];
    const group = fresh.get(JSON.stringify(key)) ?? { key, count: 0, bytes: "0", savings: "0" };
    group.count += 1;
    group.bytes = String(BigInt(group.bytes) + row.sizeBytes);
    group.savings = String(BigInt(group.savings) + row.estimatedSavingsBytes);
    fresh.set(JSON.stringify(key), group);
  }
  const shape = (group: (typeof kept)[number]): Totals => ({
    key: [group.connectionId, group.source, group.codec, group.status, group.resolution, group.private],
    count: group.count,
    bytes: String(group.bytes),
    savings: String(group.savingsBytes),
  });
  const byKey = (a: Totals, b: Totals) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key));
  return {
    kept: kept.filter((group) => group.count !== 0).map(shape).sort(byKey),
    fresh: [...fresh.values()].sort(byKey),
    emptyLeftovers: kept.filter((group) => group.count === 0 && (group.bytes !== 0n || group.savingsBytes !== 0n)).map(shape),
  };
}

/** stats.summary computed the slow, obvious way: every row, every rule, in JavaScript. */
async function summaryByLoop(includePrivate: boolean) {
  const rows = await db.queueItem.findMany({ include: { connection: { select: { showInStats: true } } } });
  const hiddenRoots = (await db.scanRoot.findMany({ where: { showInStats: false } })).map((root) => root.path);
  const inside = (file: string, folder: string) => folder === "/" || file === folder || file.startsWith(`${folder}/`);
  const total = { count: 0, bytes: 0n, estimatedSavingsBytes: 0n };
  const queued = { count: 0, bytes: 0n, estimatedSavingsBytes: 0n };
  const groups = { codec: new Map<string, typeof total>(), resolution: new Map<string, typeof total>(), source: new Map<string, typeof total>(), status: new Map<string, typeof total>() };
  let privateItemCount = 0;
  for (const row of rows) {
    if (row.status === "removed" || row.connection?.showInStats === false || hiddenRoots.some((root) => inside(row.filePath, root))) continue;
    if (row.private) {
      privateItemCount += 1;
      if (!includePrivate) continue;
    }
    const savings = row.status === "queued" ? row.estimatedSavingsBytes : 0n;
    const targets = [total, ...(row.status === "queued" ? [queued] : [])];
    for (const [name, key] of [["codec", row.codec], ["resolution", resolutionBucketOf(row.width, row.height)], ["source", row.source], ["status", row.status]] as const) {
      const map = groups[name];
      if (!map.has(key)) map.set(key, { count: 0, bytes: 0n, estimatedSavingsBytes: 0n });
      targets.push(map.get(key)!);
    }
    for (const group of targets) {
      group.count += 1;
      group.bytes += row.sizeBytes;
      group.estimatedSavingsBytes += savings;
    }
  }
  const list = (name: string, map: Map<string, typeof total>) => [...map].map(([key, group]) => ({ [name]: key, ...group }));
  return {
    totalItems: total.count,
    totalBytes: total.bytes,
    queuedItems: queued.count,
    queuedBytes: queued.bytes,
    estimatedSavingsBytes: queued.estimatedSavingsBytes,
    byCodec: list("codec", groups.codec),
    byResolution: list("resolution", groups.resolution),
    bySource: list("source", groups.source),
    byStatus: list("status", groups.status),
    privateItemCount,
    includesPrivate: includePrivate,
  };
}

/** Breakdowns as sets: their order is the service's own rule, covered by stats.test.ts. */
function unordered<T extends Pick<StatsSummary, "totalItems">>(summary: T & Record<"byCodec" | "byResolution" | "bySource" | "byStatus", object[]>) {
  const byKey = (key: string) => (a: object, b: object) => String(Reflect.get(a, key)).localeCompare(String(Reflect.get(b, key)));
  return {
    ...summary,
    byCodec: [...summary.byCodec].sort(byKey("codec")),
    byResolution: [...summary.byResolution].sort(byKey("resolution")),
    bySource: [...summary.bySource].sort(byKey("source")),
    byStatus: [...summary.byStatus].sort(byKey("status")),
  };
}

async function expectExact(step: string): Promise<void> {
  const { kept, fresh, emptyLeftovers } = await keptAndFresh();
  expect(kept, `totals after ${step}`).toEqual(fresh);
  expect(emptyLeftovers, `empty groups after ${step}`).toEqual([]);
  for (const includePrivate of [false, true]) {
    const summary = await statsSummary(db, { includePrivate });
    expect(unordered(summary), `stats.summary (includePrivate ${includePrivate}) after ${step}`).toEqual(unordered(await summaryByLoop(includePrivate)));
  }
  const counts = await countQueueByStatus(db);
  const byStatus = await db.queueItem.groupBy({ by: ["status"], _count: { _all: true } });
  for (const group of byStatus) expect(counts[group.status as keyof typeof counts], `queue.counts ${group.status} after ${step}`).toBe(group._count._all);
  expect(counts.total).toBe(byStatus.filter((group) => group.status !== "removed").reduce((sum, group) => sum + group._count._all, 0));
}

const rootDirs: string[] = [];
function folder(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `optimizarr-stats-${name}-`));
  rootDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  await db.queueItem.count();
});

afterAll(() => {
  for (const dir of rootDirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.queueItem.deleteMany();
  await db.scanRoot.deleteMany();
  await db.externalConnection.deleteMany();
});

describe("statistics kept by triggers", () => {
  it("stay exact through every writer", async () => {
    const caller = signedInCaller();
    const home = folder("home");
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/library/tv" }] });
    const radarr = await createWebhookConnection({ appType: "radarr" });
    await expectExact("nothing");

    // The queue writer: a folder scan's and a sync's new files, of every resolution bucket.
    await upsertQueueItems(db, [
      input({ filePath: `${home}/a.mkv` }),
      input({ filePath: `${home}/b.mkv`, height: 2160, width: 3840, sizeBytes: 9_000_000_000n }),
      input({ filePath: `${home}/sub/c.mkv`, height: null, width: null, codec: "unknown" }),
      input({ filePath: `${home}/d.mkv`, height: 800, width: 1920 }),
      input({ filePath: `${home}/e.mkv`, codec: "h265" }),
    ], TARGET);
    await upsertQueueItems(db, [
      input({ filePath: "/library/tv/Show/S01E01.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:1" }),
      input({ filePath: "/library/tv/Show/S01E02.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:2", height: 480, width: 720 }),
      input({ filePath: "/movies/Film/Film.mkv", source: "radarr", connectionId: radarr.id, externalId: "movieFile:1" }),
    ], TARGET);
    expect(await db.queueItem.count()).toBe(8);
    await expectExact("the writer's inserts");

    // Updates (a new size, codec and height) and a rename in the app (the row moves, keeps its id).
    await upsertQueueItems(db, [
      input({ filePath: `${home}/a.mkv`, sizeBytes: 3_000_000_000n, codec: "mpeg2", height: 720, width: 1280 }),
      input({ filePath: "/library/tv/Show/S01E01 renamed.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:1", sizeBytes: 1_500_000_000n }),
    ], TARGET);
    await expectExact("the writer's updates and a rename");

    // Queue actions.
    const ids = (await db.queueItem.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((row) => row.id);
    await skipQueueItems(db, [ids[0]!, ids[1]!]);
    await setQueueItemsPriority(db, [ids[2]!], 5);
    await requeueQueueItems(db, [ids[1]!]);
    await removeQueueItems(db, [ids[3]!]);
    await expectExact("skip, priority, requeue and remove");

    // The encoder: claim, a finished encode that shrank the file and changed its codec, a lost one taken back.
    const encoded = await db.queueItem.findFirstOrThrow({ where: { status: "queued" }, orderBy: { id: "desc" } });
    expect(await claimItem(db, encoded.id, "worker-1")).not.toBeNull();
    await expectExact("a claim");
    expect(await releaseItem(db, encoded.id, "worker-1", { status: "done", sizeBytes: 700_000_000n, codec: "h265", estimatedSavingsBytes: 0n })).toBe(true);
    const abandoned = await db.queueItem.findFirstOrThrow({ where: { status: "queued" }, orderBy: { id: "asc" } });
    const past = new Date(Date.now() - 10 * 60_000);
    expect(await claimItem(db, abandoned.id, "worker-dead", past)).not.toBeNull();
    expect(await takeBackAbandoned(db, { now: new Date() })).toHaveLength(1);
    await expectExact("a finished encode and a taken-back one");

    // A webhook delivery through the real route: Sonarr imported a file.
    const body = fixture("sonarr-download") as Json & { series: Json; episodeFile: Json };
    const before = await db.queueItem.count();
    const delivered = await deliver("sonarr", { ...body, series: { ...body.series, path: "/tv/Show" }, episodeFile: { ...body.episodeFile, id: 77, path: "/tv/Show/S01E03.mkv", relativePath: "S01E03.mkv" } }, { token: sonarr.secret });
    expect(delivered.status).toBeLessThan(300);
    expect(await db.queueItem.count()).toBe(before + 1);
    await expectExact("a webhook import");

    // Privacy recomputes: a connection made private, a private scan root over part of a folder.
    await caller.connections.update({ id: sonarr.id, private: true });
    expect(await db.queueItem.count({ where: { private: true } })).toBeGreaterThan(0);
    await expectExact("a connection made private");
    await caller.scanRoots.create({ name: "Home", path: home, private: true, showInStats: true });
    expect(await db.queueItem.count({ where: { private: true, filePath: { startsWith: home } } })).toBeGreaterThan(0);
    await expectExact("a private scan root");

    // Hidden from statistics: a root inside another (nested), and a connection.
    const root = await db.scanRoot.findFirstOrThrow({ where: { path: home } });
    await caller.scanRoots.update({ id: root.id, showInStats: false });
    await expectExact("a hidden scan root");
    await caller.connections.update({ id: radarr.id, showInStats: false });
    await expectExact("a hidden connection");
    await caller.scanRoots.update({ id: root.id, showInStats: true });
    await db.scanRoot.create({ data: { name: "Sub", path: `${home}/sub`, showInStats: false } });
    await db.scanRoot.create({ data: { name: "Sub again", path: `${home}/sub/`, showInStats: false } });
    await expectExact("nested and odd hidden roots");
    await db.scanRoot.create({ data: { name: "Everything", path: "/", showInStats: false } });
    await expectExact("a hidden root at /");
    await db.scanRoot.deleteMany({ where: { path: "/" } });

    // A deleted connection leaves its items with no connection (ON DELETE SET NULL, done by SQLite).
    await caller.connections.delete({ id: sonarr.id });
    expect(await db.queueItem.count({ where: { source: "sonarr", connectionId: null } })).toBeGreaterThan(0);
    await expectExact("a deleted connection");

    // Raw statements and mass deletes.
    await db.$executeRaw`UPDATE "QueueItem" SET "status" = 'removed' WHERE "source" = 'sonarr'`;
    await clearRemovedQueueItems(db);
    await expectExact("removed files cleared");
    await db.queueItem.deleteMany();
    await expectExact("an emptied queue");
  });

  it("the totals would show a write that went round them", async () => {
    // The comparison itself can fail: a row changed with the trigger dropped is caught.
    await upsertQueueItems(db, [input({ filePath: "/x/one.mkv" })], TARGET);
    await db.$executeRawUnsafe(`UPDATE "QueueStatsGroup" SET "bytes" = "bytes" + 1`);
    const { kept, fresh } = await keptAndFresh();
    expect(kept).not.toEqual(fresh);
    await db.$executeRawUnsafe(`UPDATE "QueueStatsGroup" SET "bytes" = "bytes" - 1`);
    await expectExact("the repair");
  });
});
