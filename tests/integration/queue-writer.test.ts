import { describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { containsPrivatePath } from "~/server/privacy/private-paths";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";

function item(overrides: Partial<QueueItemInput> & { filePath: string }): QueueItemInput {
  return {
    sizeBytes: 1_000_000_000n, codec: "h264", codecRaw: "x264", width: 1920, height: 1080, bitrate: 8_000_000,
    durationSeconds: 3600, qualitySource: "webdl", source: "scan", connectionId: null, externalId: null, externalParentId: null,
    fileModifiedAt: new Date("2026-01-01T00:00:00Z"), ...overrides,
  };
}

describe("upsertQueueItems", () => {
  it("adds new files, skips ones already in the target codec, and never duplicates on re-run", async () => {
    const inputs = [item({ filePath: "/m/a.mkv" }), item({ filePath: "/m/b.mkv", codec: "h265", codecRaw: "x265" })];

    const first = await upsertQueueItems(db, inputs, { targetCodec: "h265" });
    const second = await upsertQueueItems(db, inputs, { targetCodec: "h265" });

    expect(first).toEqual({ added: 1, updated: 0, unchanged: 0, skipped: 1 });
    expect(second).toEqual({ added: 0, updated: 0, unchanged: 2, skipped: 0 });
    const rows = await db.queueItem.findMany({ where: { filePath: { in: ["/m/a.mkv", "/m/b.mkv"] } }, orderBy: { filePath: "asc" } });
    expect(rows.map((row) => [row.filePath, row.status, row.private])).toEqual([["/m/a.mkv", "queued", false], ["/m/b.mkv", "skipped", false]]);
    expect(rows[0]!.estimatedSavingsBytes).toBe(450_000_000n);
    expect(rows[0]!.fileModifiedAt?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("updates changed files but keeps known facts a poorer source lacks", async () => {
    await upsertQueueItems(db, [item({ filePath: "/m/c.mkv", source: "radarr", connectionId: null, externalId: "7" })], { targetCodec: "h265" });

    const counts = await upsertQueueItems(
      db,
      [item({ filePath: "/m/c.mkv", sizeBytes: 2n, codec: "unknown", codecRaw: null, width: null, height: null, bitrate: null })],
      { targetCodec: "h265" },
    );

    expect(counts.updated).toBe(1);
    const row = await db.queueItem.findUniqueOrThrow({ where: { filePath: "/m/c.mkv" } });
    expect(row).toMatchObject({ sizeBytes: 2n, codec: "h264", codecRaw: "x264", width: 1920, height: 1080, externalId: "7" });
  });

  it("writes 5,000 files in one call, deriving privacy from the sources that know each file", async () => {
    await db.scanRoot.create({ data: { name: "Private", path: "/bulk/private", private: true } });
    const privateConnection = await db.externalConnection.create({
      data: { name: "Stash", appType: "stash", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "x", apiKeyLast4: "x", private: true },
    });
    const inputs = Array.from({ length: 5000 }, (_, index) => {
      if (index % 5 === 0) return item({ filePath: `/bulk/private/${index}.mkv` });
      if (index % 5 === 1) return item({ filePath: `/bulk/stash/${index}.mkv`, source: "stash", connectionId: privateConnection.id, externalId: `sceneFile:${index}` });
      // "/bulk/private 2" is not inside "/bulk/private".
      return item({ filePath: `/bulk/private ${index}.mkv` });
    });

    const counts = await upsertQueueItems(db, inputs, { targetCodec: "h265" });

    expect(counts.added).toBe(5000);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/bulk/" }, private: true } })).toBe(2000);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/bulk/private " }, private: false } })).toBe(3000);
  });

  it("makes a private source's files private by the write itself: never in the path index, their folders hidden from then on", async () => {
    const stash = await db.externalConnection.create({
      data: { name: "Stash", appType: "stash", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "x", apiKeyLast4: "x", private: true },
    });
    const indexed = async (ids: number[]) =>
      (await db.$queryRaw<{ id: bigint }[]>`SELECT rowid AS id FROM "QueueItemPathSearch" WHERE rowid IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`).length;
    // Arrange: a file a scan found first (public, indexed), then a private app's new file and its copy of the scanned one.
    await upsertQueueItems(db, [item({ filePath: "/taken/over/scene.mkv" })], { targetCodec: "h265" });
    const takenOver = await db.queueItem.findUniqueOrThrow({ where: { filePath: "/taken/over/scene.mkv" } });
    expect(await indexed([takenOver.id])).toBe(1);

    await upsertQueueItems(
      db,
      ["/private/new/scene.mkv", "/taken/over/scene.mkv"].map((filePath, index) => item({ filePath, source: "stash", connectionId: stash.id, externalId: `sceneFile:${index}` })),
      { targetCodec: "h265" },
    );

    const rows = await db.queueItem.findMany({ where: { connectionId: stash.id }, orderBy: { filePath: "asc" } });
    expect(rows.map((row) => [row.filePath, row.private])).toEqual([["/private/new/scene.mkv", true], ["/taken/over/scene.mkv", true]]);
    expect(await indexed(rows.map((row) => row.id))).toBe(0);
    expect([containsPrivatePath("/private/new/other.mkv"), containsPrivatePath("/taken/over/other.mkv")]).toEqual([true, true]);
  });

  it("with keepOtherConnectionsItems, never hands another connection's row over", async () => {
    const [a, b] = await Promise.all(
      ["A", "B"].map((name) => db.externalConnection.create({ data: { name, appType: "sonarr", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "x", apiKeyLast4: "x" } })),
    );
    await upsertQueueItems(db, [item({ filePath: "/owned/b.mkv", source: "sonarr", connectionId: b!.id, externalId: "episodeFile:1" })], { targetCodec: "h265" });

    const claim = item({ filePath: "/owned/b.mkv", sizeBytes: 7n, source: "webhook", connectionId: a!.id, externalId: "episodeFile:9" });
    expect(await upsertQueueItems(db, [claim], { targetCodec: "h265", keepOtherConnectionsItems: true })).toEqual({ added: 0, updated: 0, unchanged: 1, skipped: 0 });
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/owned/b.mkv" } })).toMatchObject({ connectionId: b!.id, sizeBytes: 1_000_000_000n });
    // Without the option (a sync that owns the file now), the row moves: the control.
    await upsertQueueItems(db, [claim], { targetCodec: "h265" });
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/owned/b.mkv" } })).toMatchObject({ connectionId: a!.id });
  });
});
