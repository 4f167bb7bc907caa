import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { startConnectionScheduler, stopConnectionScheduler } from "~/server/connections/scheduler";
import { nextRunDueAt } from "~/server/scheduling/interval-scheduler";
import { markInterruptedSyncRuns, pruneSyncRuns, waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { upsertQueueItems } from "~/server/queue/queue-writer";
import { signedInCaller } from "../support/callers";
import { syncToEnd } from "../support/sync-calls";
import { trpcErrorOf } from "../support/trpc-calls";
import { sonarrLibrary, startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile, fakeMovie } from "../fakes/arr-library";

const KEY = "syncKEYsyncKEYsyncKEYsyncKEY0000";
const servers: FakeArrServer[] = [];
const api = signedInCaller();

async function fake(options: Omit<Parameters<typeof startFakeArr>[0], "apiKey">): Promise<FakeArrServer> {
  const server = await startFakeArr({ apiKey: KEY, ...options });
  servers.push(server);
  return server;
}

let prefix = 0;
/** A unique path root per test, so tests sharing the file's DB never see each other's queue items. */
const uniqueRoot = () => `/t${++prefix}-${Date.now()}`;

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  stopConnectionScheduler();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("Radarr sync", () => {
  it("queues files with mapped paths, skips target-codec files, ignores movies without files and counts malformed ones", async () => {
    const root = uniqueRoot();
    const radarr = await fake({
      app: "radarr",
      library: {
        movies: [
          fakeMovie(1, { id: 11, path: "/movies/A (2020)/A.mkv", size: 8_000_000_000, quality: "WEBDL-1080p", mediaInfo: { videoCodec: "x264", videoBitrate: 0 } }),
          fakeMovie(2, { id: 12, path: "/movies/B (2021)/B.mkv", mediaInfo: { videoCodec: "x265", resolution: "3840x2160" } }),
          fakeMovie(3, { id: 13, path: "/movies/C (2019)/C.mkv", quality: "Remux-2160p", mediaInfo: { videoCodec: "AVC", resolution: "3840x2160", runTime: "2:01:00" } }),
          fakeMovie(4, null),
          fakeMovie(5, { id: 15, path: "/movies/E (2018)/E.mkv", mediaInfo: null }),
          fakeMovie(6, { id: 16, path: "/movies/F/F.mkv" }, { movieFile: { id: 16, size: 5 } }),
        ],
      },
    });
    const { connection } = await api.connections.create({
      name: "Radarr",
      appType: "radarr",
      baseUrl: radarr.url,
      apiKey: KEY,
      pathMappings: [{ remote: "/movies", local: `${root}/movies` }],
    });

    const run = await syncToEnd(connection.id);
    const items = await db.queueItem.findMany({ where: { filePath: { startsWith: root } }, orderBy: { filePath: "asc" } });
    const after = await api.connections.byId({ id: connection.id });

    expect(run).toMatchObject({ status: "succeeded", trigger: "manual", total: 5, totalKnown: true, processed: 4, added: 3, skipped: 1, updated: 0, invalid: 1, error: null });
    // The movie id is kept beside the file id: it is what the encoder asks Radarr to rescan.
    expect(items.map((item) => [item.filePath, item.codec, item.status, item.externalId, item.externalParentId])).toEqual([
      [`${root}/movies/A (2020)/A.mkv`, "h264", "queued", "movieFile:11", "movie:1"],
      [`${root}/movies/B (2021)/B.mkv`, "h265", "skipped", "movieFile:12", "movie:2"],
      [`${root}/movies/C (2019)/C.mkv`, "h264", "queued", "movieFile:13", "movie:3"],
      [`${root}/movies/E (2018)/E.mkv`, "unknown", "queued", "movieFile:15", "movie:5"],
    ]);
    expect(items[0]).toMatchObject({ source: "radarr", connectionId: connection.id, private: false, sizeBytes: 8_000_000_000n, bitrate: null, width: 1920, height: 1080, qualitySource: "webdl", codecRaw: "x264" });
    expect(items[2]).toMatchObject({ qualitySource: "remux", width: 3840, height: 2160, durationSeconds: 7260, bitrate: 8_000_000 });
    expect(items[3]).toMatchObject({ codecRaw: null, width: null, height: null });
    expect(after.lastSyncedAt).toBeInstanceOf(Date);
    expect(after.lastSyncRun).toMatchObject({ runId: run.runId, status: "succeeded" });
    expect(after.activeSyncRunId).toBeNull();
  });

  it("re-syncs without duplicates and picks up changes", async () => {
    const root = uniqueRoot();
    const movies = [fakeMovie(1, { id: 1, path: `${root}/a.mkv` }), fakeMovie(2, { id: 2, path: `${root}/b.mkv` })];
    const radarr = await fake({ app: "radarr", library: { movies } });
    const { connection } = await api.connections.create({ name: "Radarr", appType: "radarr", baseUrl: radarr.url, apiKey: KEY });

    const first = await syncToEnd(connection.id);
    radarr.setLibrary({ movies: [movies[0]!, fakeMovie(2, { id: 2, path: `${root}/b.mkv`, size: 123 }), fakeMovie(3, { id: 3, path: `${root}/c.mkv` })] });
    const second = await syncToEnd(connection.id);

    expect(first).toMatchObject({ added: 2, updated: 0, unchanged: 0 });
    expect(second).toMatchObject({ status: "succeeded", added: 1, updated: 1, unchanged: 1, processed: 3 });
    expect(await db.queueItem.count({ where: { filePath: { startsWith: root } } })).toBe(3);
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: `${root}/b.mkv` } })).sizeBytes).toBe(123n);
  });

  it("marks a private connection's items private", async () => {
    const root = uniqueRoot();
    const radarr = await fake({ app: "radarr", library: { movies: [fakeMovie(1, { path: `${root}/secret.mkv` })] } });
    const { connection } = await api.connections.create({ name: "Private", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, private: true });

    await syncToEnd(connection.id);

    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: `${root}/secret.mkv` } })).toMatchObject({ private: true });
  });

  it("fails the run when the listing breaks, and marks the connection failing", async () => {
    const radarr = await fake({ app: "radarr", library: { movies: [fakeMovie(1, { path: "/m/a.mkv" })] } });
    const { connection } = await api.connections.create({ name: "Breaks", appType: "radarr", baseUrl: radarr.url, apiKey: KEY });
    radarr.setBehaviour({ respondWith: "html-login" });

    const run = await syncToEnd(connection.id);
    const after = await api.connections.byId({ id: connection.id });

    expect(run).toMatchObject({ status: "failed", errorCategory: "bad_response" });
    expect(run.error).toContain("login proxy");
    expect(after.lastSyncedAt).toBeNull();
    expect(after.health).toMatchObject({ failing: true, category: "bad_response" });
  });
});

describe("Sonarr sync", () => {
  it("reads every series' episode files under a URL base, with the total from statistics", async () => {
    const root = uniqueRoot();
    const sonarr = await fake({
      app: "sonarr",
      urlBase: "/sonarr",
      library: sonarrLibrary([
        {
          id: 1,
          files: [
            fakeEpisodeFile(1, { id: 101, path: "/tv/One/S01E01.mkv", quality: "Bluray-1080p Remux", mediaInfo: { videoCodec: "h264" } }),
            fakeEpisodeFile(1, { id: 102, path: "/tv/One/S01E02.mkv", quality: "HDTV-720p", mediaInfo: { videoCodec: "MPEG2", resolution: "1280x720" } }),
          ],
        },
        { id: 2, files: [] },
        { id: 3, files: [fakeEpisodeFile(3, { id: 301, path: "/tv/Three/S01E01.mkv", quality: "Raw-HD", mediaInfo: { videoCodec: "VC1" } }), { id: 302, path: null }] },
      ]),
    });
    const { connection } = await api.connections.create({
      name: "Sonarr",
      appType: "sonarr",
      baseUrl: `${sonarr.url}/`,
      apiKey: KEY,
      pathMappings: [{ remote: "/tv", local: `${root}/tv` }],
    });

    const run = await syncToEnd(connection.id);
    const items = await db.queueItem.findMany({ where: { filePath: { startsWith: root } }, orderBy: { filePath: "asc" } });

    expect(run).toMatchObject({ status: "succeeded", processed: 3, added: 3, invalid: 1, total: 4 });
    expect(items.map((item) => [item.filePath, item.codec, item.qualitySource, item.externalId, item.source, item.externalParentId])).toEqual([
      [`${root}/tv/One/S01E01.mkv`, "h264", "remux", "episodeFile:101", "sonarr", "series:1"],
      [`${root}/tv/One/S01E02.mkv`, "mpeg2", "hdtv", "episodeFile:102", "sonarr", "series:1"],
      [`${root}/tv/Three/S01E01.mkv`, "vc1", "rawhd", "episodeFile:301", "sonarr", "series:3"],
    ]);
    // Series 2 has no files on disk: no request for it.
    expect(sonarr.requests.map((request) => request.url).filter((url) => url.includes("episodefile"))).toEqual([
      "/sonarr/api/v3/episodefile?seriesId=1",
      "/sonarr/api/v3/episodefile?seriesId=3",
    ]);
    expect(sonarr.requests.every((request) => request.url.startsWith("/sonarr/") && !request.url.includes(KEY))).toBe(true);
  });

  it("fails the whole run (with its category) when one series can't be read after retries", async () => {
    const root = uniqueRoot();
    const series = Array.from({ length: 6 }, (_, index) => ({
      id: index + 1,
      files: [fakeEpisodeFile(index + 1, { id: index + 1, path: `${root}/S${index + 1}.mkv` })],
    }));
    const sonarr = await fake({ app: "sonarr", library: sonarrLibrary(series), behaviour: { failEpisodeFilesFor: [4] } });
    const { connection } = await api.connections.create({ name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY });

    const run = await syncToEnd(connection.id);
    const history = await api.connections.syncRuns({ id: connection.id });

    expect(run).toMatchObject({ status: "failed", errorCategory: "bad_response" });
    expect(run.error).toBe("Sonarr answered 500 (internal error): check Sonarr's logs (System → Logs) (reading the episode files of series 4)");
    expect(sonarr.requests.filter((request) => request.url.endsWith("seriesId=4"))).toHaveLength(3);
    expect(history[0]).toMatchObject({ runId: run.runId, status: "failed" });
    expect((await api.connections.byId({ id: connection.id })).health.failing).toBe(true);
  });

  it("runs one sync per connection at a time: concurrent calls get the same run", async () => {
    const files = Array.from({ length: 30 }, (_, index) => ({ id: index + 1, files: [fakeEpisodeFile(index + 1, { id: index + 1, path: `/c/${index}.mkv` })] }));
    const sonarr = await fake({ app: "sonarr", library: sonarrLibrary(files), behaviour: { delayMs: 5 } });
    const { connection } = await api.connections.create({ name: "Busy", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY });

    const [first, second, third] = await Promise.all([
      api.connections.sync({ id: connection.id }),
      api.connections.sync({ id: connection.id }),
      api.connections.sync({ id: connection.id }),
    ]);
    const during = await api.connections.byId({ id: connection.id });
    const running = await api.connections.syncRun({ runId: first.runId });
    await waitForSyncRun(first.runId);
    const done = await api.connections.syncRun({ runId: first.runId });

    expect(second.runId).toBe(first.runId);
    expect(third.runId).toBe(first.runId);
    expect(during.activeSyncRunId).toBe(first.runId);
    expect(running.status).toBe("running");
    expect(done).toMatchObject({ status: "succeeded", processed: 30, total: 30 });
    expect(await db.syncRun.count({ where: { connectionId: connection.id } })).toBe(1);
  });
});

describe("sync runs", () => {
  it("refuses disabled connections and unknown runs", async () => {
    const radarr = await fake({ app: "radarr" });
    const { connection } = await api.connections.create({ name: "Off", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, enabled: false });

    const disabled = await trpcErrorOf(api.connections.sync({ id: connection.id }));
    const missing = await trpcErrorOf(api.connections.syncRun({ runId: 999_999 }));

    expect(disabled).toMatchObject({ code: "BAD_REQUEST", message: "This connection is disabled: enable it to sync" });
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("keeps the newest 50 runs and marks runs a previous process left running as interrupted", async () => {
    const radarr = await fake({ app: "radarr" });
    const { connection } = await api.connections.create({ name: "History", appType: "radarr", baseUrl: radarr.url, apiKey: KEY });
    await db.syncRun.createMany({
      data: Array.from({ length: 55 }, (_, index) => ({
        connectionId: connection.id,
        status: "succeeded",
        startedAt: new Date(Date.UTC(2026, 0, 1, 0, index)),
        finishedAt: new Date(Date.UTC(2026, 0, 1, 0, index, 30)),
      })),
    });
    const orphan = await db.syncRun.create({ data: { connectionId: connection.id, status: "running", startedAt: new Date(Date.UTC(2026, 0, 2)) } });

    const interrupted = await markInterruptedSyncRuns(db);
    const pruned = await pruneSyncRuns(db, connection.id);
    const history = await api.connections.syncRuns({ id: connection.id, limit: 50 });

    expect(interrupted).toBeGreaterThanOrEqual(1);
    expect(pruned).toBe(6);
    expect(history).toHaveLength(50);
    expect(history[0]).toMatchObject({ runId: orphan.id, status: "interrupted", error: "Optimizarr stopped before this sync finished" });
    expect(history.at(-1)!.startedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 6)));
  });
});

describe("scheduled sync", () => {
  it("computes the next run from the last one, never sooner than the startup delay", () => {
    const now = new Date("2026-03-01T12:00:00Z");
    expect(nextRunDueAt(60, null, now, 60_000)).toEqual(new Date("2026-03-01T12:01:00Z"));
    expect(nextRunDueAt(60, new Date("2026-03-01T11:30:00Z"), now, 60_000)).toEqual(new Date("2026-03-01T12:30:00Z"));
    expect(nextRunDueAt(60, new Date("2026-03-01T09:00:00Z"), now, 60_000)).toEqual(new Date("2026-03-01T12:01:00Z"));
  });

  it("re-arms schedules from the database at startup and runs the overdue one", async () => {
    const root = uniqueRoot();
    const radarr = await fake({ app: "radarr", library: { movies: [fakeMovie(1, { path: `${root}/scheduled.mkv` })] } });
    const { connection } = await api.connections.create({ name: "Scheduled", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, syncIntervalMinutes: 15 });
    const { connection: manualOnly } = await api.connections.create({ name: "Manual", appType: "radarr", baseUrl: radarr.url, apiKey: KEY });

    await startConnectionScheduler(db, { startupDelayMs: 20 });
    const armed = await api.connections.byId({ id: connection.id });
    let runs = await api.connections.syncRuns({ id: connection.id });
    for (let attempt = 0; attempt < 100 && (runs.length === 0 || runs[0]!.status === "running"); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      runs = await api.connections.syncRuns({ id: connection.id });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rearmed = await api.connections.byId({ id: connection.id });
    const { runId: manualRunId } = await api.connections.sync({ id: connection.id });
    const afterManual = await api.connections.byId({ id: connection.id });
    const manualRun = (await api.connections.syncRuns({ id: connection.id })).find((run) => run.runId === manualRunId)!;
    await waitForSyncRun(manualRunId);
    const updated = await api.connections.update({ id: connection.id, syncIntervalMinutes: null });

    expect(armed.nextSyncAt).toBeInstanceOf(Date);
    expect((await api.connections.byId({ id: manualOnly.id })).nextSyncAt).toBeNull();
    expect(runs[0]).toMatchObject({ trigger: "schedule", status: "succeeded", added: 1 });
    expect(rearmed.nextSyncAt!.getTime() - runs[0]!.startedAt.getTime()).toBe(15 * 60_000);
    // A manual sync pushes the schedule back.
    expect(afterManual.nextSyncAt!.getTime() - manualRun.startedAt.getTime()).toBe(15 * 60_000);
    expect(updated.nextSyncAt).toBeNull();
  });
});

describe("connections.enrichQueue", () => {
  it("fills unknown codecs from the app's mediaInfo by mapped path, keeping ownership", async () => {
    const root = uniqueRoot();
    const scanned = (name: string) => ({
      filePath: `${root}/local/${name}`,
      sizeBytes: 5_000n,
      codec: "unknown" as const,
      codecRaw: null,
      width: null,
      height: null,
      bitrate: null,
      durationSeconds: null,
      qualitySource: null,
      source: "scan" as const,
      connectionId: null,
      externalId: null,
      externalParentId: null,
      private: false,
      fileModifiedAt: new Date("2026-01-01T00:00:00Z"),
    });
    await upsertQueueItems(db, [scanned("A/a.mkv"), scanned("B/b.mkv"), scanned("C/c.mkv"), scanned("Z/z.mkv")], { targetCodec: "h265" });
    const radarr = await fake({
      app: "radarr",
      library: {
        movies: [
          fakeMovie(1, { path: "/movies/A/a.mkv", size: 9, mediaInfo: { videoCodec: "x264", resolution: "1920x800" } }),
          fakeMovie(2, { path: "/movies/B/b.mkv", mediaInfo: { videoCodec: "HEVC" } }),
          fakeMovie(3, { path: "/movies/C/c.mkv", mediaInfo: null }),
          fakeMovie(4, { path: "/movies/elsewhere.mkv" }),
        ],
      },
    });
    const { connection } = await api.connections.create({
      name: "Enricher",
      appType: "radarr",
      baseUrl: radarr.url,
      apiKey: KEY,
      pathMappings: [{ remote: "/movies", local: `${root}/local` }],
    });

    const result = await api.connections.enrichQueue({ id: connection.id });
    const items = await db.queueItem.findMany({ where: { filePath: { startsWith: root } }, orderBy: { filePath: "asc" } });

    expect(result).toEqual({ enriched: 2, unmatched: 2 });
    expect(items.map((item) => [item.filePath.slice(root.length), item.codec, item.status, item.source, item.connectionId])).toEqual([
      ["/local/A/a.mkv", "h264", "queued", "scan", null],
      ["/local/B/b.mkv", "h265", "skipped", "scan", null],
      ["/local/C/c.mkv", "unknown", "queued", "scan", null],
      ["/local/Z/z.mkv", "unknown", "queued", "scan", null],
    ]);
    expect(items[0]).toMatchObject({ width: 1920, height: 800, sizeBytes: 5_000n, fileModifiedAt: new Date("2026-01-01T00:00:00Z") });
    // Nothing was added: enrichment never creates queue items.
    expect(await db.queueItem.count({ where: { filePath: { contains: "elsewhere" } } })).toBe(0);
  });

  it("reports a broken listing with its category", async () => {
    await upsertQueueItems(
      db,
      [{ filePath: `${uniqueRoot()}/x.mkv`, sizeBytes: 1n, codec: "unknown", codecRaw: null, width: null, height: null, bitrate: null, durationSeconds: null, qualitySource: null, source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null }],
      { targetCodec: "h265" },
    );
    const radarr = await fake({ app: "radarr" });
    const { connection } = await api.connections.create({ name: "Broken", appType: "radarr", baseUrl: radarr.url, apiKey: KEY });
    radarr.setBehaviour({ respondWith: "server-error" });

    const error = await trpcErrorOf(api.connections.enrichQueue({ id: connection.id }));

    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("Radarr answered 500");
    expect(error.cause).toMatchObject({ category: "bad_response" });
  });
});
