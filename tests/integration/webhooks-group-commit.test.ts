import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { upsertQueueItems } from "~/server/queue/queue-writer";
import { flushLogFile, readAllLogText } from "../support/log-file";
import { createWebhookConnection, deliver, fixture, type Json, type TestConnection } from "../support/webhook-delivery";

/**
 * Deliveries arriving together are written together (src/server/webhooks/delivery-group.ts). These
 * send several at once through the real route and check that each still gets the answer, record
 * and queue rows it would get alone, in arrival order: one bad delivery fails alone, deliveries for
 * the same file or folder see each other's writes, another connection's file stays its own.
 */
const CANARY = "canary-group-4d1e";
const A_TV = "/mnt/group-a/tv";
const B_TV = `/mnt/${CANARY}/tv`;

let a: TestConnection;
let b: TestConnection;

beforeEach(async () => {
  await db.webhookDelivery.deleteMany();
  await db.queueItem.deleteMany();
  a = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: A_TV }] });
  b = await createWebhookConnection({ appType: "sonarr", private: true, pathMappings: [{ remote: "/tv", local: B_TV }] });
});

afterEach(async () => {
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "test_refuse_poison"`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "test_refuse_record"`);
});

/** A Download of one episode file; `remotePath` as Sonarr sees it, under /tv/<series>/. */
function download(fileId: number, remotePath: string, mediaInfo: Json = {}): Json {
  const body = fixture("sonarr-download");
  const episodeFile = body.episodeFile as Json;
  const seriesPath = remotePath.split("/").slice(0, 3).join("/");
  return {
    ...body,
    series: { ...(body.series as Json), id: 7000 + fileId, path: seriesPath },
    episodeFile: {
      ...episodeFile,
      id: fileId,
      path: remotePath,
      relativePath: remotePath.slice(seriesPath.length + 1),
      mediaInfo: { ...(episodeFile.mediaInfo as Json), ...mediaInfo },
    },
  };
}

/** All at once, in this order: each reaches every stage of the route before the next one does. */
function deliverTogether(deliveries: { token: string; body: Json }[]) {
  return Promise.all(deliveries.map(({ token, body }) => deliver("sonarr", body, { token })));
}

async function records() {
  return db.webhookDelivery.findMany({ orderBy: { id: "asc" }, select: { connectionId: true, outcome: true, error: true, itemsAffected: true, payload: true } });
}

describe("webhook deliveries arriving together", () => {
  it("fail one by one: a delivery the database refuses fails alone, with its own redacted reason", async () => {
    // A real refusal from SQLite for one path, quoting it, as a constraint error would.
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "test_refuse_poison" BEFORE INSERT ON "QueueItem" WHEN NEW."filePath" LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'refused ' || NEW."filePath"); END`,
    );
    const poison = `/tv/Secret ${CANARY}/Season 01/poison.mkv`;

    const answers = await deliverTogether([
      { token: a.secret, body: download(1, "/tv/Show One/Season 01/e1.mkv") },
      { token: b.secret, body: download(2, poison) },
      { token: a.secret, body: download(3, "/tv/Show Two/Season 01/e3.mkv") },
      { token: b.secret, body: download(4, `/tv/Secret ${CANARY}/Season 02/e4.mkv`) },
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 500, 200, 200]);
    expect(answers.map((answer) => answer.json.outcome ?? "error")).toEqual(["accepted", "error", "accepted", "accepted"]);
    const paths = (await db.queueItem.findMany({ select: { filePath: true, connectionId: true }, orderBy: { filePath: "asc" } })).map((item) => [item.connectionId, item.filePath]);
    expect(paths).toEqual([
      [b.id, `${B_TV}/Secret ${CANARY}/Season 02/e4.mkv`],
      [a.id, `${A_TV}/Show One/Season 01/e1.mkv`],
      [a.id, `${A_TV}/Show Two/Season 01/e3.mkv`],
    ]);
    const recorded = await records();
    expect(recorded.map((record) => [record.connectionId, record.outcome, record.itemsAffected])).toEqual([
      [a.id, "accepted", 1],
      [b.id, "failed", 0],
      [a.id, "accepted", 1],
      [b.id, "accepted", 1],
    ]);
    // Its own reason, kept for a retry, with B's private path taken out; the others keep no body.
    expect(recorded[1]?.error).toContain("refused");
    expect(recorded[1]?.error).not.toContain(CANARY);
    expect(recorded[1]?.payload).toContain("poison.mkv");
    expect(recorded.filter((record) => record.payload !== null)).toHaveLength(1);
    // They did arrive together: the group failed as a whole first, and the log names no path.
    await flushLogFile();
    const logText = readAllLogText();
    expect(logText).toContain("a group of webhook deliveries failed together");
    expect(logText).not.toContain(CANARY);
  });

  it("are recorded one by one when the database refuses one record: that delivery fails before any work, the others go on", async () => {
    await db.$executeRawUnsafe(`CREATE TRIGGER "test_refuse_record" BEFORE INSERT ON "WebhookDelivery" WHEN NEW."connectionId" = ${b.id} BEGIN SELECT RAISE(ABORT, 'record refused'); END`);

    const answers = await Promise.allSettled([
      deliver("sonarr", download(1, "/tv/Show One/Season 01/e1.mkv"), { token: a.secret }),
      deliver("sonarr", download(2, `/tv/Secret ${CANARY}/Season 01/e2.mkv`), { token: b.secret }),
      deliver("sonarr", download(3, "/tv/Show Two/Season 01/e3.mkv"), { token: a.secret }),
    ]);

    expect(answers.map((answer) => (answer.status === "fulfilled" ? answer.value.status : "thrown"))).toEqual([200, "thrown", 200]);
    expect((await db.queueItem.findMany({ select: { connectionId: true } })).map((item) => item.connectionId)).toEqual([a.id, a.id]);
    expect((await records()).map((record) => [record.connectionId, record.outcome])).toEqual([
      [a.id, "accepted"],
      [a.id, "accepted"],
    ]);
    await flushLogFile();
    expect(readAllLogText()).toContain("recording a group of webhook deliveries failed");
  });

  it("see each other in arrival order: the same file twice keeps what the first one told", async () => {
    const path = "/tv/Show One/Season 01/e1.mkv";
    const answers = await deliverTogether([
      { token: a.secret, body: download(1, path, { videoCodec: "h264", width: 1920, height: 1080 }) },
      // A later import of the same file that knows the codec but not the frame size.
      { token: a.secret, body: download(1, path, { videoCodec: "x265", width: 0, height: 0 }) },
    ]);

    expect(answers.map((answer) => [answer.status, answer.json])).toEqual([
      [200, { outcome: "accepted", itemsAffected: 1 }],
      [200, { outcome: "accepted", itemsAffected: 1 }],
    ]);
    const items = await db.queueItem.findMany({ select: { filePath: true, codec: true, width: true, height: true } });
    // Applied one after the other, the second merges into the first's row: its codec, the first's size.
    expect(items).toEqual([{ filePath: `${A_TV}${path.slice(3)}`, codec: "h265", width: 1920, height: 1080 }]);
    expect((await records()).map((record) => record.outcome)).toEqual(["accepted", "accepted"]);
  });

  it("keep another connection's file and folder its own, even when that connection's delivery came just before", async () => {
    // B already holds one file; its delivery for a new one in another folder comes first in the group.
    const bHeld = `${B_TV}/Secret ${CANARY}/Season 01/held.mkv`;
    await upsertQueueItems(
      db,
      [
        {
          filePath: bHeld, sizeBytes: 1_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: null, durationSeconds: null,
          qualitySource: null, source: "sonarr", connectionId: b.id, externalId: "episodeFile:900", externalParentId: null, fileModifiedAt: null,
        },
      ],
      { targetCodec: "h265" },
    );
    // A and B both map /tv to their own root; these bodies name B's local folder through A's mapping.
    const aMapsToB = { remote: "/tv", local: B_TV };
    const forged = await createWebhookConnection({ appType: "sonarr", pathMappings: [aMapsToB] });

    const answers = await deliverTogether([
      { token: b.secret, body: download(10, `/tv/Secret ${CANARY}/Season 02/new.mkv`) },
      // Another connection naming B's held file, and a new file in the folder B's delivery just filled.
      { token: forged.secret, body: download(11, `/tv/Secret ${CANARY}/Season 01/held.mkv`) },
      { token: forged.secret, body: download(12, `/tv/Secret ${CANARY}/Season 02/other.mkv`) },
      { token: a.secret, body: download(13, "/tv/Show One/Season 01/e1.mkv") },
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => answer.json)).toEqual([
      { outcome: "accepted", itemsAffected: 1 },
      { outcome: "accepted", itemsAffected: 1 },
      { outcome: "accepted", itemsAffected: 1 },
      { outcome: "accepted", itemsAffected: 1 },
    ]);
    const items = await db.queueItem.findMany({ select: { filePath: true, connectionId: true, sizeBytes: true }, orderBy: { filePath: "asc" } });
    expect(items.map((item) => [item.connectionId, item.filePath])).toEqual([
      [b.id, bHeld],
      [b.id, `${B_TV}/Secret ${CANARY}/Season 02/new.mkv`],
      [a.id, `${A_TV}/Show One/Season 01/e1.mkv`],
    ]);
    expect(items.find((item) => item.filePath === bHeld)?.sizeBytes).toBe(1_000n);
    const recorded = await records();
    expect(recorded.map((record) => [record.connectionId, record.outcome])).toEqual([
      [b.id, "accepted"],
      [forged.id, "accepted"],
      [forged.id, "accepted"],
      [a.id, "accepted"],
    ]);
    // Each of the forged deliveries says that it was left alone, never what.
    for (const record of recorded.filter((one) => one.connectionId === forged.id)) {
      expect(record.error).toBe("1 file(s) or folder(s) outside this connection were ignored");
    }
  });
});
