import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { sealApiKey } from "~/server/connections/api-key";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { createMediaFilesLookup } from "~/server/webhooks/media-files-lookup";
import { startFakeArr, sonarrLibrary, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile, fakeMovie } from "../fakes/arr-library";
import { createWebhookConnection, deliver, fixture, type Json } from "../support/webhook-delivery";

/**
 * Bodies older Sonarr/Radarr installs still send (tests/fixtures/webhooks/README.md), delivered over
 * HTTP through the route handler to a connection whose app is a real fake server.
 */
const API_KEY = "0123456789abcdef0123456789abcdef";
const SERIES = "/tv/The Example Files";
const LOCAL_SERIES = "/old/tv/The Example Files";
const MOVIE = "/movies/Example Movie (2021)";
const LOCAL_MOVIE = "/old/movies/Example Movie (2021)";

let fake: FakeArrServer | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

function item(overrides: Partial<QueueItemInput> & { filePath: string }): QueueItemInput {
  return {
    sizeBytes: 2_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 8_000_000, durationSeconds: 2700,
    qualitySource: "webdl", source: "sonarr", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
  };
}

async function statusOf(filePath: string) {
  return (await db.queueItem.findUnique({ where: { filePath }, select: { status: true, statusReason: true, connectionId: true, externalId: true } })) ?? null;
}

async function deliveriesOf(connectionId: number) {
  return db.webhookDelivery.findMany({ where: { connectionId }, orderBy: { id: "asc" } });
}

function apiRequests(server: FakeArrServer): string[] {
  return server.requests.filter((request) => request.url.startsWith("/api/")).map((request) => request.url);
}

describe("older Rename (series/movie only): the one series or movie is re-read from the app", () => {
  const renamed = `${SERIES}/Season 02/The Example Files - S02E05 - The Fifth Door [WEBDL-1080p].mkv`;
  const untouched = `${SERIES}/Season 02/The Example Files - S02E04 - Four Walls [WEBDL-1080p].mkv`;

  beforeEach(async () => {
    fake = await startFakeArr({
      app: "sonarr",
      apiKey: API_KEY,
      library: sonarrLibrary([
        {
          id: 12,
          overrides: { path: SERIES },
          files: [
            fakeEpisodeFile(12, { id: 9876, path: renamed, mediaInfo: { videoCodec: "x264", resolution: "1920x1080", videoBitrate: 6_000_000, runTime: "44:00" } }),
            fakeEpisodeFile(12, { id: 9875, path: untouched }),
          ],
        },
        { id: 13, overrides: { path: "/tv/Other Show" }, files: [] },
      ]),
    });
  });

  it("Sonarr: answers 200, lists series 12 only, moves the queue to the listing and says so in the log", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", baseUrl: fake!.url, pathMappings: [{ remote: "/tv", local: "/old/tv" }] });
    const other = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/old/tv" }] });
    const before = `${LOCAL_SERIES}/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv`;
    const sibling = "/old/tv/The Example Files 2/Season 01/a.mkv";
    const othersInFolder = `${LOCAL_SERIES}/Season 02/someone else's.mkv`;
    const scanInFolder = `${LOCAL_SERIES}/Season 02/found by a scan.mkv`;
    await upsertQueueItems(
      db,
      [
        // Without a file id, so only the listing can tell that its name is gone.
        item({ filePath: before, connectionId: sonarr.id }),
        item({ filePath: `${LOCAL_SERIES}/Season 02/The Example Files - S02E04 - Four Walls [WEBDL-1080p].mkv`, connectionId: sonarr.id, externalId: "episodeFile:9875" }),
        item({ filePath: sibling, connectionId: sonarr.id, externalId: "episodeFile:1" }),
        item({ filePath: othersInFolder, connectionId: other.id, externalId: "episodeFile:2" }),
        item({ filePath: scanInFolder, source: "scan" }),
      ],
      { targetCodec: "h265" },
    );

    const result = await deliver("sonarr", fixture("sonarr-v3-rename-series-only"), { token: sonarr.secret });

    expect(result).toEqual({ status: 200, json: { outcome: "accepted", itemsAffected: 3 } });
    expect(apiRequests(fake!)).toEqual(["/api/v3/series/12", "/api/v3/episodefile?seriesId=12"]);
    // The renamed file is queued under its new name with the REST facts; its old name is gone.
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: `${LOCAL_SERIES}/Season 02/The Example Files - S02E05 - The Fifth Door [WEBDL-1080p].mkv` } })).toMatchObject({
      connectionId: sonarr.id, externalId: "episodeFile:9876", status: "queued", bitrate: 6_000_000, durationSeconds: 2640,
    });
    expect(await statusOf(before)).toMatchObject({ status: "removed", statusReason: "No longer listed by Sonarr after a rename" });
    // Outside the series folder, another connection's item and a scan's item: untouched.
    expect(await statusOf(sibling)).toMatchObject({ status: "queued" });
    expect(await statusOf(othersInFolder)).toMatchObject({ status: "queued", connectionId: other.id });
    expect(await statusOf(scanInFolder)).toMatchObject({ status: "queued", connectionId: null });
    const [delivery] = await deliveriesOf(sonarr.id);
    expect(delivery).toMatchObject({ eventType: "Rename", outcome: "accepted", itemsAffected: 3, payload: null });
    expect(delivery!.error).toBe("Re-read series 12 from Sonarr (the Rename did not list its files): 2 file(s) listed, 1 no longer there marked removed");
  });

  it("leaves a renamed file known by its id queued once, under its new name only", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", baseUrl: fake!.url, pathMappings: [{ remote: "/tv", local: "/byid/tv" }] });
    const before = "/byid/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv";
    await upsertQueueItems(db, [item({ filePath: before, connectionId: sonarr.id, externalId: "episodeFile:9876" })], { targetCodec: "h265" });

    const result = await deliver("sonarr", fixture("sonarr-v3-rename-series-only"), { token: sonarr.secret });

    expect(result.status).toBe(200);
    // Moved or marked removed, depending on whether the queue follows file ids: never still queued.
    expect((await statusOf(before))?.status ?? "moved").not.toBe("queued");
    const live = await db.queueItem.findMany({ where: { connectionId: sonarr.id, externalId: "episodeFile:9876", status: { not: "removed" } } });
    expect(live.map((row) => row.filePath)).toEqual(["/byid/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door [WEBDL-1080p].mkv"]);
  });

  it("bounds the re-read by the app's folder for the series, not the payload's", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", baseUrl: fake!.url, pathMappings: [{ remote: "/tv", local: "/bound/tv" }] });
    const elsewhere = "/bound/tv/Another Show/Season 01/a.mkv";
    await upsertQueueItems(db, [item({ filePath: elsewhere, connectionId: sonarr.id, externalId: "episodeFile:3" })], { targetCodec: "h265" });
    // A body claiming the whole root folder as the series' folder.
    const body = fixture("sonarr-v3-rename-series-only");
    (body.series as Json).path = "/tv";

    const result = await deliver("sonarr", body, { token: sonarr.secret });

    expect(result.status).toBe(200);
    expect(await statusOf(elsewhere)).toMatchObject({ status: "queued" });
  });

  it("answers 202 and keeps the delivery for a retry when the app cannot be asked; the retry applies it", async () => {
    // Its own local root: the listing's paths are new here (the first test's connection holds them under /old).
    const sonarr = await createWebhookConnection({ appType: "sonarr", baseUrl: fake!.url, pathMappings: [{ remote: "/tv", local: "/retry/tv" }] });
    const before = "/retry/tv/The Example Files/Season 02/old name.mkv";
    await upsertQueueItems(db, [item({ filePath: before, connectionId: sonarr.id })], { targetCodec: "h265" });
    fake!.setBehaviour({ respondWith: "server-error" });

    const result = await deliver("sonarr", fixture("sonarr-v3-rename-series-only"), { token: sonarr.secret });

    expect(result).toEqual({ status: 202, json: { outcome: "failed", itemsAffected: 0, retryable: true } });
    expect(await statusOf(before)).toMatchObject({ status: "queued" });
    const [delivery] = await deliveriesOf(sonarr.id);
    expect(delivery).toMatchObject({ eventType: "Rename", outcome: "failed" });
    expect(delivery!.payload).not.toBeNull();
    expect(delivery!.error).toMatch(/^Could not re-read series 12 from Sonarr: .+Nothing changed; retry this delivery once Sonarr answers$/);

    fake!.setBehaviour({ respondWith: "normal" });
    const { signedInCaller } = await import("../support/callers");
    const retried = await signedInCaller().connections.retryWebhookDelivery({ deliveryId: delivery!.id });

    expect(retried).toMatchObject({ outcome: "accepted", itemsAffected: 3 });
    expect(await statusOf(before)).toMatchObject({ status: "removed" });
    expect(await db.queueItem.count({ where: { connectionId: sonarr.id, status: "queued" } })).toBe(2);
  });
});

describe("the re-read's deadline", () => {
  it("gives up on an app that never answers within the deadline, as a failure result", async () => {
    fake = await startFakeArr({ app: "sonarr", apiKey: API_KEY, behaviour: { respondWith: "hang" } });
    const lookup = createMediaFilesLookup({ appType: "sonarr", baseUrl: fake.url, apiKeyEncrypted: sealApiKey(API_KEY).apiKeyEncrypted, trustedCertSha256: null }, 300);
    const started = Date.now();

    const result = await lookup(12);

    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("older Rename for Radarr", () => {
  it("answers 200, reads movie 345 and applies its one file", async () => {
    const current = `${MOVIE}/Example Movie (2021) [Bluray-2160p].mkv`;
    fake = await startFakeArr({
      app: "radarr",
      apiKey: API_KEY,
      library: {
        movies: [
          fakeMovie(345, { id: 2201, path: current, quality: "Remux-2160p", mediaInfo: { videoCodec: "x265", resolution: "3840x2160" } }, { path: MOVIE }),
          fakeMovie(346, null),
        ],
      },
    });
    const radarr = await createWebhookConnection({ appType: "radarr", baseUrl: fake.url, pathMappings: [{ remote: "/movies", local: "/old/movies" }] });
    const before = `${LOCAL_MOVIE}/Example Movie (2021) Bluray-2160p.mkv`;
    const neighbour = "/old/movies/Example Movie (2021) Extended/x.mkv";
    await upsertQueueItems(
      db,
      [item({ filePath: before, source: "radarr", connectionId: radarr.id }), item({ filePath: neighbour, source: "radarr", connectionId: radarr.id })],
      { targetCodec: "h265" },
    );

    const result = await deliver("radarr", fixture("radarr-v3-rename-movie-only"), { token: radarr.secret });

    expect(result).toEqual({ status: 200, json: { outcome: "accepted", itemsAffected: 2 } });
    expect(apiRequests(fake)).toEqual(["/api/v3/movie/345"]);
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: `${LOCAL_MOVIE}/Example Movie (2021) [Bluray-2160p].mkv` } })).toMatchObject({
      connectionId: radarr.id, externalId: "movieFile:2201", codec: "h265", status: "skipped", qualitySource: "remux",
    });
    expect(await statusOf(before)).toMatchObject({ status: "removed" });
    expect(await statusOf(neighbour)).toMatchObject({ status: "queued" });
    expect((await deliveriesOf(radarr.id))[0]!.error).toBe("Re-read movie 345 from Radarr (the Rename did not list its files): 1 file(s) listed, 1 no longer there marked removed");
  });
});

describe("older Download: the download client's path in episodeFile/movieFile.path", () => {
  it("Sonarr: queues the library path (series folder + relativePath), never the download path", async () => {
    fake = await startFakeArr({ app: "sonarr", apiKey: API_KEY });
    // The old body has no mediaInfo: Optimizarr looks the file up by id.
    fake.route("GET", "/api/v3/episodefile/5102", () => ({
      status: 200,
      body: fakeEpisodeFile(7, { id: 5102, path: "/tv/Show/Season 1/Show - S01E02 - Title HDTV-720p.mkv", quality: "HDTV-720p", mediaInfo: { videoCodec: "x264", resolution: "1280x720" } }),
    }));
    const sonarr = await createWebhookConnection({ appType: "sonarr", baseUrl: fake.url, pathMappings: [{ remote: "/tv", local: "/old/tv" }, { remote: "/downloads", local: "/old/downloads" }] });

    const result = await deliver("sonarr", fixture("sonarr-v3-download-client-path"), { token: sonarr.secret });

    expect(result).toEqual({ status: 200, json: { outcome: "accepted", itemsAffected: 1 } });
    const items = await db.queueItem.findMany({ where: { connectionId: sonarr.id } });
    expect(items.map((row) => [row.filePath, row.externalId, row.codec, row.height])).toEqual([
      ["/old/tv/Show/Season 1/Show - S01E02 - Title HDTV-720p.mkv", "episodeFile:5102", "h264", 720],
    ]);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/old/downloads/" } } })).toBe(0);
  });

  it("Radarr upgrade under the same name: the library file stays queued (updated), nothing at the download path", async () => {
    const radarr = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/old/movies" }] });
    const other = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/old/movies" }] });
    const library = `${LOCAL_MOVIE}/Example Movie (2021).mkv`;
    const othersFile = "/old/movies/Another Movie (2020)/Another Movie (2020).mkv";
    // What a sync left: the old file (id 1874) at the library path, and another connection's movie.
    await upsertQueueItems(
      db,
      [item({ filePath: library, source: "radarr", connectionId: radarr.id, externalId: "movieFile:1874" }), item({ filePath: othersFile, source: "radarr", connectionId: other.id, externalId: "movieFile:1874" })],
      { targetCodec: "h265" },
    );

    const result = await deliver("radarr", fixture("radarr-v3-download-client-path-upgrade"), { token: radarr.secret });

    expect(result.status).toBe(200);
    expect(await statusOf(library)).toMatchObject({ status: "queued", connectionId: radarr.id, externalId: "movieFile:2202" });
    expect(await db.queueItem.count({ where: { filePath: { contains: "/downloads/" } } })).toBe(0);
    expect(await statusOf(othersFile)).toMatchObject({ status: "queued", connectionId: other.id });
  });
});

describe("current shapes are read as before", () => {
  it("a Download whose path is inside the folder keeps that path even when relativePath disagrees", async () => {
    const sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/cur/tv" }] });
    const body = fixture("sonarr-download");
    (body.episodeFile as Json).relativePath = "Season 02/something else.mkv";

    await deliver("sonarr", body, { token: sonarr.secret });

    expect((await db.queueItem.findFirstOrThrow({ where: { connectionId: sonarr.id } })).filePath).toBe(
      "/cur/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv",
    );
  });
});

