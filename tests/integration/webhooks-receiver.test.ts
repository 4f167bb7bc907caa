import { beforeEach, describe, expect, it } from "vitest";
import { POST } from "~/app/api/webhooks/[appType]/route";
import { db } from "~/server/db";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { startFakeArr } from "../fakes/arr-fake-server";
import { fakeEpisodeFile } from "../fakes/arr-library";
import { createWebhookConnection, deliver, fixture, webhookRequest, type Json, type TestConnection } from "../support/webhook-delivery";

const SONARR_MAPPING = [{ remote: "/tv", local: "/mnt/media/tv" }];
const RADARR_MAPPING = [{ remote: "/movies", local: "/mnt/media/movies" }];
const EPISODE_LOCAL = "/mnt/media/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv";

async function deliveriesOf(connectionId: number) {
  return db.webhookDelivery.findMany({ where: { connectionId }, orderBy: { id: "asc" } });
}

function queued(overrides: Partial<QueueItemInput> & { filePath: string }): QueueItemInput {
  return {
    sizeBytes: 6_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 9_000_000, durationSeconds: 7200,
    qualitySource: "webdl", source: "radarr", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
  };
}

function withFiles(base: Json, count: number): Json {
  const template = (base.episodeFiles as Json[])[0]!;
  const episodeFiles = Array.from({ length: count }, (_, index) => ({
    ...template,
    id: 20_000 + index,
    relativePath: `Season 03/The Example Files - S03E${String(index + 1).padStart(2, "0")}.mkv`,
    path: `/tv/The Example Files/Season 03/The Example Files - S03E${String(index + 1).padStart(2, "0")}.mkv`,
  }));
  return { ...base, episodeFiles, fileCount: count };
}

describe("webhook receiver: authentication and request checks", () => {
  let sonarr: TestConnection;
  beforeEach(async () => {
    sonarr = await createWebhookConnection({ appType: "sonarr" });
  });

  it("answers 401 without a token or with a wrong one, and stores nothing", async () => {
    const none = await deliver("sonarr", fixture("sonarr-test"));
    const wrong = await deliver("sonarr", fixture("sonarr-test"), { token: "not-the-secret", via: "basic" });
    const wrongHeader = await deliver("sonarr", fixture("sonarr-test"), { token: `${sonarr.secret}x`, via: "header" });

    expect([none.status, wrong.status, wrongHeader.status]).toEqual([401, 401, 401]);
    expect(await deliveriesOf(sonarr.id)).toHaveLength(0);
  });

  it.each(["basic", "header", "query"] as const)("accepts the secret via %s and records the Test delivery", async (via) => {
    const result = await deliver("sonarr", fixture("sonarr-test"), { token: sonarr.secret, via });

    expect(result).toEqual({ status: 200, json: { outcome: "accepted", itemsAffected: 0 } });
    expect((await deliveriesOf(sonarr.id)).map((row) => [row.eventType, row.outcome])).toEqual([["Test", "accepted"]]);
  });

  it("rejects a token sent to the other app's route with 400", async () => {
    const result = await deliver("radarr", fixture("radarr-test"), { token: sonarr.secret });

    expect(result.status).toBe(400);
    expect(result.json.error).toContain("/api/webhooks/sonarr");
    expect((await deliveriesOf(sonarr.id)).map((row) => row.outcome)).toEqual(["rejected"]);
  });

  it("answers 404 for an app type without webhooks", async () => {
    expect((await deliver("stash", fixture("sonarr-test"), { token: sonarr.secret })).status).toBe(404);
  });

  it("answers 400 with a short reason for malformed bodies, never echoing the input", async () => {
    const notJson = await deliver("sonarr", "{ this is not json", { token: sonarr.secret });
    const notObject = await deliver("sonarr", "[1,2,3]", { token: sonarr.secret });
    const noEventType = await deliver("sonarr", { series: {} }, { token: sonarr.secret });
    const longValue = "x".repeat(5000);
    const badDownload = fixture("sonarr-download");
    (badDownload.episodeFile as Json).id = longValue;
    const invalid = await deliver("sonarr", badDownload, { token: sonarr.secret });

    expect([notJson.status, notObject.status, noEventType.status, invalid.status]).toEqual([400, 400, 400, 400]);
    expect(notJson.json.error).toBe("Body is not valid JSON");
    expect(invalid.json.error).toMatch(/^Download: episodeFile\.id: /);
    expect(String(invalid.json.error).length).toBeLessThan(250);
    expect(String(invalid.json.error)).not.toContain("xxxx");
    expect((await deliveriesOf(sonarr.id)).every((row) => row.outcome === "rejected" && row.payload === null)).toBe(true);
    expect(await db.queueItem.count({ where: { connectionId: sonarr.id } })).toBe(0);
  });

  it("answers 413 for a body over 1 MB, declared or streamed", async () => {
    const big = JSON.stringify({ ...fixture("sonarr-test"), padding: "x".repeat(1024 * 1024) });
    const declared = await deliver("sonarr", big, { token: sonarr.secret });
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const streamedRequest = webhookRequest("sonarr", stream, { token: sonarr.secret });
    expect(streamedRequest.headers.get("content-length")).toBeNull();
    const streamed = await POST(streamedRequest, { params: Promise.resolve({ appType: "sonarr" }) });

    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
  });

  it("answers 200 to events Optimizarr does not use and records them as ignored", async () => {
    const radarr = await createWebhookConnection({ appType: "radarr" });

    const grab = await deliver("sonarr", fixture("sonarr-grab"), { token: sonarr.secret });
    const health = await deliver("radarr", fixture("radarr-health"), { token: radarr.secret });

    expect([grab.json.outcome, health.json.outcome]).toEqual(["ignored", "ignored"]);
    expect((await deliveriesOf(sonarr.id)).map((row) => [row.eventType, row.outcome])).toEqual([["Grab", "ignored"]]);
    expect((await deliveriesOf(radarr.id)).map((row) => [row.eventType, row.outcome])).toEqual([["Health", "ignored"]]);
  });

  it("records but ignores deliveries for a disabled connection, still answering 2xx", async () => {
    const disabled = await createWebhookConnection({ appType: "sonarr", enabled: false, pathMappings: [{ remote: "/tv", local: "/disabled/tv" }] });

    const result = await deliver("sonarr", fixture("sonarr-download"), { token: disabled.secret });
    const test = await deliver("sonarr", fixture("sonarr-test"), { token: disabled.secret });

    expect([result.status, result.json.outcome, test.json.outcome]).toEqual([200, "ignored", "accepted"]);
    expect(await db.queueItem.count({ where: { connectionId: disabled.id } })).toBe(0);
  });
});

describe("webhook receiver: imports", () => {
  it("queues a Sonarr download with the mapped path and the payload's media info", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: SONARR_MAPPING });

    const result = await deliver("sonarr", fixture("sonarr-download"), { token: sonarr.secret });

    expect(result).toEqual({ status: 200, json: { outcome: "accepted", itemsAffected: 1 } });
    const item = await db.queueItem.findUniqueOrThrow({ where: { filePath: EPISODE_LOCAL } });
    expect(item).toMatchObject({
      codec: "h264", codecRaw: "h264", width: 1920, height: 1080, sizeBytes: 2_147_483_648n, qualitySource: "webdl",
      status: "queued", source: "webhook", connectionId: sonarr.id, externalId: "episodeFile:9876", private: false,
      externalParentId: "series:12",
    });
  });

  it("yields one item for the same delivery twice and for 50 concurrent deliveries", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/burst/tv" }] });
    const body = fixture("sonarr-download");
    // Paths inside the series folder, as real bodies have them (one outside would count as a download path).
    const files = Array.from({ length: 25 }, (_, index) => ({
      ...body,
      series: { ...(body.series as Json), path: "/tv/Burst" },
      episodeFile: { ...(body.episodeFile as Json), id: 30_000 + index, path: `/tv/Burst/S01E${String(index + 1).padStart(2, "0")}.mkv`, relativePath: `S01E${String(index + 1).padStart(2, "0")}.mkv` },
    }));

    const twice = [await deliver("sonarr", files[0]!, { token: sonarr.secret }), await deliver("sonarr", files[0]!, { token: sonarr.secret })];
    // 25 files, each delivered twice, all at once.
    const burst = await Promise.all([...files, ...files].map((file) => deliver("sonarr", file, { token: sonarr.secret })));

    // itemsAffected counts the files a delivery names, never what already existed (see webhooks-scope).
    expect(twice.map((result) => result.json.itemsAffected)).toEqual([1, 1]);
    expect(burst.every((result) => result.status === 200 && result.json.outcome === "accepted")).toBe(true);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/burst/tv/Burst/" } } })).toBe(25);
    expect(await db.webhookDelivery.count({ where: { connectionId: sonarr.id, outcome: "accepted" } })).toBe(52);
  });

  it("writes a 30-file season pack (On Import Complete) in one transaction", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/pack/tv" }] });

    const result = await deliver("sonarr", withFiles(fixture("sonarr-download-importcomplete"), 30), { token: sonarr.secret });

    expect(result.json).toEqual({ outcome: "accepted", itemsAffected: 30 });
    const items = await db.queueItem.findMany({ where: { filePath: { startsWith: "/pack/tv/" } } });
    expect(items).toHaveLength(30);
    // One upsert call writes every row with the same timestamp; per-file writes would not.
    expect(new Set(items.map((item) => item.createdAt.getTime())).size).toBe(1);
    expect(items.every((item) => item.codec === "h264" && /^episodeFile:200[0-2]\d$/.test(item.externalId ?? ""))).toBe(true);
  });

  it("marks the files an upgrade replaced as removed and queues (or skips) the new one", async () => {
    const radarr = await createWebhookConnection({ appType: "radarr", pathMappings: RADARR_MAPPING });
    const oldPath = "/mnt/media/movies/Example Movie (2021)/Example Movie (2021) WEBDL-1080p.mkv";
    await upsertQueueItems(db, [queued({ filePath: oldPath, connectionId: radarr.id, externalId: "movieFile:1874" })], { targetCodec: "h265" });

    const result = await deliver("radarr", fixture("radarr-download"), { token: radarr.secret });

    expect(result.json).toEqual({ outcome: "accepted", itemsAffected: 2 });
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: oldPath } })).toMatchObject({ status: "removed", statusReason: "Replaced by an upgrade in Radarr" });
    // The new file is already HEVC: recorded, not queued.
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/mnt/media/movies/Example Movie (2021)/Example Movie (2021) Bluray-2160p.mkv" } })).toMatchObject({
      codec: "h265", status: "skipped", width: 3840, height: 2160, qualitySource: "bluray", externalId: "movieFile:2201",
    });
  });

  it("fetches media info from the app's API by file id when the payload has none", async () => {
    const fake = await startFakeArr({ app: "sonarr", apiKey: "0123456789abcdef0123456789abcdef" });
    try {
      fake.route("GET", "/api/v3/episodefile/9876", () => ({
        status: 200,
        body: fakeEpisodeFile(12, { id: 9876, path: "/tv/x.mkv", quality: "WEBDL-1080p", mediaInfo: { videoCodec: "x265", resolution: "3840x2160", videoBitrate: 20_000_000, runTime: "45:00" } }),
      }));
      const sonarr = await createWebhookConnection({ appType: "sonarr", baseUrl: fake.url, pathMappings: [{ remote: "/tv", local: "/lookup/tv" }] });
      const body = fixture("sonarr-download");
      delete (body.episodeFile as Json).mediaInfo;

      const result = await deliver("sonarr", body, { token: sonarr.secret });

      expect(result.json).toEqual({ outcome: "accepted", itemsAffected: 1 });
      expect(fake.requests.filter((request) => request.url.startsWith("/api/v3/episodefile")).map((request) => request.url)).toEqual(["/api/v3/episodefile/9876"]);
      const item = await db.queueItem.findFirstOrThrow({ where: { connectionId: sonarr.id } });
      expect(item).toMatchObject({ codec: "h265", codecRaw: "x265", width: 3840, height: 2160, bitrate: 20_000_000, durationSeconds: 2700, qualitySource: "webdl", status: "skipped" });
      expect((await deliveriesOf(sonarr.id))[0]!.error).toBeNull();
    } finally {
      await fake.stop();
    }
  });

  it("queues a file without mediaInfo with an unknown codec when the app cannot be asked, and says why", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/nomedia/tv" }] });
    const body = fixture("sonarr-download");
    delete (body.episodeFile as Json).mediaInfo;

    const result = await deliver("sonarr", body, { token: sonarr.secret });

    expect(result.json.outcome).toBe("accepted");
    const item = await db.queueItem.findFirstOrThrow({ where: { connectionId: sonarr.id } });
    expect(item).toMatchObject({ codec: "unknown", status: "queued" });
    const [delivery] = await deliveriesOf(sonarr.id);
    expect(delivery!.error).toMatch(/^Media info for 1 file\(s\) could not be fetched from Sonarr: /);
  });
});

describe("webhook receiver: renames and deletes", () => {
  it("moves a renamed file's item to its new path, keeping its status, and is idempotent", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/rename/tv" }] });
    const oldPath = "/rename/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv";
    const newPath = "/rename/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door [WEBDL-1080p].mkv";
    await upsertQueueItems(db, [queued({ filePath: oldPath, source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:9876", bitrate: 5_000_000 })], { targetCodec: "h265" });
    const before = await db.queueItem.findUniqueOrThrow({ where: { filePath: oldPath } });

    const first = await deliver("sonarr", fixture("sonarr-rename"), { token: sonarr.secret });
    const second = await deliver("sonarr", fixture("sonarr-rename"), { token: sonarr.secret });

    expect([first.json.itemsAffected, second.json.itemsAffected]).toEqual([1, 1]);
    expect(await db.queueItem.findUnique({ where: { filePath: oldPath } })).toBeNull();
    expect(await db.queueItem.count({ where: { connectionId: sonarr.id } })).toBe(1);
    // Same row (history kept), new path; facts the webhook lacks (bitrate) survive.
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: newPath } })).toMatchObject({ id: before.id, status: "queued", bitrate: 5_000_000 });
  });

  it("adds a renamed file Optimizarr did not know yet", async () => {
    const radarr = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/rename-new/movies" }] });

    const result = await deliver("radarr", fixture("radarr-rename"), { token: radarr.secret });

    expect(result.json.itemsAffected).toBe(1);
    expect(await db.queueItem.count({ where: { filePath: "/rename-new/movies/Example Movie (2021)/Example Movie (2021) [Bluray-2160p].mkv" } })).toBe(1);
  });

  it("marks a deleted episode file removed, matched by file id even when the path differs", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/delete/tv" }] });
    await upsertQueueItems(db, [queued({ filePath: "/elsewhere/renamed-by-hand.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:9876" })], { targetCodec: "h265" });

    const result = await deliver("sonarr", fixture("sonarr-episodefiledelete"), { token: sonarr.secret });

    expect(result.json.itemsAffected).toBe(1);
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/elsewhere/renamed-by-hand.mkv" } })).toMatchObject({ status: "removed", statusReason: "Deleted in Sonarr (deleted by hand)" });
  });

  it("marks a deleted movie file removed by path and leaves encoding items alone", async () => {
    const radarr = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/mfd/movies" }] });
    const path = "/mfd/movies/Example Movie (2021)/Example Movie (2021) Bluray-2160p.mkv";
    // The connection's own item, without a file id: matched by path.
    await upsertQueueItems(db, [queued({ filePath: path, connectionId: radarr.id })], { targetCodec: "h265" });

    const result = await deliver("radarr", fixture("radarr-moviefiledelete"), { token: radarr.secret });
    await db.queueItem.update({ where: { filePath: path }, data: { status: "encoding" } });
    const again = await deliver("radarr", fixture("radarr-moviefiledelete"), { token: radarr.secret });

    expect([result.json.itemsAffected, again.json.itemsAffected]).toEqual([1, 0]);
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: path } })).status).toBe("encoding");
  });

  it("removes a deleted movie's items only when its files were deleted, and only inside its folder", async () => {
    const radarr = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/md/movies" }] });
    const inside = "/md/movies/Example Movie (2021)/Example Movie (2021) Bluray-2160p.mkv";
    const sibling = "/md/movies/Example Movie (2021) Extended/Example Movie (2021) Extended.mkv";
    await upsertQueueItems(db, [queued({ filePath: inside, connectionId: radarr.id }), queued({ filePath: sibling, connectionId: radarr.id })], { targetCodec: "h265" });

    const kept = await deliver("radarr", { ...fixture("radarr-moviedelete"), deletedFiles: false }, { token: radarr.secret });
    expect(kept.json).toEqual({ outcome: "ignored", itemsAffected: 0 });
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: inside } })).status).toBe("queued");

    const deleted = await deliver("radarr", fixture("radarr-moviedelete"), { token: radarr.secret });
    expect(deleted.json).toEqual({ outcome: "accepted", itemsAffected: 1 });
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: inside } })).status).toBe("removed");
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: sibling } })).status).toBe("queued");
  });

  it("removes a deleted series' items when Sonarr deleted its files", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/sd/tv" }] });
    await deliver("sonarr", fixture("sonarr-download"), { token: sonarr.secret });

    const result = await deliver("sonarr", fixture("sonarr-seriesdelete"), { token: sonarr.secret });

    expect(result.json).toEqual({ outcome: "accepted", itemsAffected: 1 });
    expect(await db.queueItem.findFirstOrThrow({ where: { connectionId: sonarr.id } })).toMatchObject({ status: "removed", statusReason: "Deleted in Sonarr with its series" });
  });
});

describe("webhook receiver: failures, privacy and retry", () => {
  const TRIGGER = "webhook_test_refuse_insert";

  it("records a failed delivery with a redacted error for a private connection, then retries it", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", private: true, pathMappings: [{ remote: "/tv", local: "/private/tv" }] });
    // A database error that quotes the path, as constraint errors do.
    await db.$executeRawUnsafe(`CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON "QueueItem" BEGIN SELECT RAISE(ABORT, 'refused ' || NEW."filePath"); END`);
    let failed: { status: number; json: Json };
    try {
      failed = await deliver("sonarr", fixture("sonarr-download"), { token: sonarr.secret });
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${TRIGGER}`);
    }

    expect(failed.status).toBe(500);
    const [delivery] = await deliveriesOf(sonarr.id);
    expect(delivery).toMatchObject({ outcome: "failed", eventType: "Download" });
    expect(delivery!.payload).not.toBeNull();
    expect(delivery!.error).toContain("refused [Private]");
    expect(delivery!.error).not.toContain("Fifth Door");
    expect(delivery!.error).not.toContain("/private/tv");

    const { signedInCaller } = await import("../support/callers");
    const caller = signedInCaller();
    const listed = await caller.connections.webhookDeliveries({ id: sonarr.id, limit: 10 });
    expect(listed).toMatchObject([{ id: delivery!.id, outcome: "failed", retryable: true }]);

    const retried = await caller.connections.retryWebhookDelivery({ deliveryId: delivery!.id });

    expect(retried).toMatchObject({ outcome: "accepted", itemsAffected: 1 });
    const item = await db.queueItem.findFirstOrThrow({ where: { connectionId: sonarr.id } });
    expect(item).toMatchObject({ private: true, filePath: "/private/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv" });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery!.id } })).toMatchObject({ outcome: "accepted", payload: null, error: null });
    await expect(caller.connections.retryWebhookDelivery({ deliveryId: delivery!.id })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
