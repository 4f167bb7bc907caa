import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { UNLISTED_REASON, waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { RENAMED_REASON, upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { signedInCaller } from "../support/callers";
import { syncToEnd } from "../support/sync-calls";
import { sonarrLibrary, startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile, fakeMovie } from "../fakes/arr-library";

const KEY = "idenKEYidenKEYidenKEYidenKEY0000";
const servers: FakeArrServer[] = [];
const api = signedInCaller();

async function fake(options: Omit<Parameters<typeof startFakeArr>[0], "apiKey">): Promise<FakeArrServer> {
  const server = await startFakeArr({ apiKey: KEY, ...options });
  servers.push(server);
  return server;
}

let prefix = 0;
const uniqueRoot = () => `/id${++prefix}-${Date.now()}`;

async function rowsUnder(root: string) {
  const rows = await db.queueItem.findMany({ where: { filePath: { startsWith: root } }, orderBy: { filePath: "asc" } });
  return rows.map((row) => ({ path: row.filePath.slice(root.length), status: row.status, externalId: row.externalId, reason: row.statusReason }));
}

function scanned(filePath: string): QueueItemInput {
  return {
    filePath, sizeBytes: 8_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: null, durationSeconds: null,
    qualitySource: null, source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null,
  };
}

async function radarrWith(root: string, movies: ReturnType<typeof fakeMovie>[]) {
  const radarr = await fake({ app: "radarr", library: { movies } });
  const { connection } = await api.connections.create({
    name: "Radarr", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, pathMappings: [{ remote: "/movies", local: `${root}/movies` }],
  });
  return { radarr, connectionId: connection.id };
}

/** A full sync (every series re-read): what these failure cases are about, whatever the statistics say. */
async function fullSyncToEnd(id: number) {
  const { runId } = await api.connections.sync({ id, full: true });
  await waitForSyncRun(runId);
  return api.connections.syncRun({ runId });
}

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("a connection's file is known by its id in the app", () => {
  it("a file renamed in Radarr moves its row on the next sync: one row, counted updated, nothing left queued at the old name", async () => {
    const root = uniqueRoot();
    const { radarr, connectionId } = await radarrWith(root, [fakeMovie(1, { id: 11, path: "/movies/A/A.mkv" }), fakeMovie(2, { id: 12, path: "/movies/B/B.mkv" })]);
    await syncToEnd(connectionId);
    await db.queueItem.updateMany({ where: { externalId: "movieFile:11", connectionId }, data: { priority: 5 } });

    radarr.setLibrary({ movies: [fakeMovie(1, { id: 11, path: "/movies/A/A (2020) WEBDL-1080p.mkv" }), fakeMovie(2, { id: 12, path: "/movies/B/B.mkv" })] });
    const run = await syncToEnd(connectionId);

    expect(run).toMatchObject({ status: "succeeded", added: 0, updated: 1, unchanged: 1, removed: 0 });
    expect(await rowsUnder(root)).toEqual([
      { path: "/movies/A/A (2020) WEBDL-1080p.mkv", status: "queued", externalId: "movieFile:11", reason: null },
      { path: "/movies/B/B.mkv", status: "queued", externalId: "movieFile:12", reason: null },
    ]);
    // The same row, moved: what the user set on it stays.
    expect(await db.queueItem.findFirstOrThrow({ where: { connectionId, externalId: "movieFile:11" } })).toMatchObject({ priority: 5 });
  });

  it("a rename onto a path a scan already found merges into that row; the old row is released, removed if queued, kept if the encoder owns it", async () => {
    const root = uniqueRoot();
    const { radarr, connectionId } = await radarrWith(root, [fakeMovie(1, { id: 21, path: "/movies/A/A.mkv" }), fakeMovie(2, { id: 22, path: "/movies/B/B.mkv" })]);
    await syncToEnd(connectionId);
    await db.queueItem.updateMany({ where: { connectionId, externalId: "movieFile:22" }, data: { status: "done" } });
    await upsertQueueItems(db, [scanned(`${root}/movies/A/A2.mkv`), scanned(`${root}/movies/B/B2.mkv`)], { targetCodec: "h265" });

    radarr.setLibrary({ movies: [fakeMovie(1, { id: 21, path: "/movies/A/A2.mkv" }), fakeMovie(2, { id: 22, path: "/movies/B/B2.mkv" })] });
    const run = await syncToEnd(connectionId);

    expect(run).toMatchObject({ status: "succeeded", added: 0, updated: 2, removed: 0 });
    expect(await rowsUnder(root)).toEqual([
      { path: "/movies/A/A.mkv", status: "removed", externalId: null, reason: RENAMED_REASON },
      { path: "/movies/A/A2.mkv", status: "queued", externalId: "movieFile:21", reason: null },
      { path: "/movies/B/B.mkv", status: "done", externalId: null, reason: null },
      { path: "/movies/B/B2.mkv", status: "queued", externalId: "movieFile:22", reason: null },
    ]);
  });

  it("ids swapped between two paths in one listing land without a conflict", async () => {
    const root = uniqueRoot();
    const { radarr, connectionId } = await radarrWith(root, [fakeMovie(1, { id: 31, path: "/movies/A/X.mkv" }), fakeMovie(2, { id: 32, path: "/movies/A/Y.mkv" })]);
    await syncToEnd(connectionId);

    radarr.setLibrary({ movies: [fakeMovie(1, { id: 31, path: "/movies/A/Y.mkv" }), fakeMovie(2, { id: 32, path: "/movies/A/X.mkv" })] });
    const run = await syncToEnd(connectionId);

    expect(run).toMatchObject({ status: "succeeded", added: 0 });
    const rows = await rowsUnder(root);
    expect(rows.filter((row) => row.status === "queued").map((row) => [row.path, row.externalId])).toEqual([
      ["/movies/A/X.mkv", "movieFile:32"],
      ["/movies/A/Y.mkv", "movieFile:31"],
    ]);
  });
});

describe("files gone from a complete listing", () => {
  it("are marked removed (counted on the run), encoder-owned and other sources' items untouched; back in the app, they are queued again", async () => {
    const root = uniqueRoot();
    const movies = [1, 2, 3, 4].map((id) => fakeMovie(id, { id: 40 + id, path: `/movies/M${id}/M${id}.mkv` }));
    const { radarr, connectionId } = await radarrWith(root, movies);
    await syncToEnd(connectionId);
    await db.queueItem.updateMany({ where: { connectionId, externalId: "movieFile:44" }, data: { status: "done" } });
    await upsertQueueItems(db, [scanned(`${root}/movies/scanned-only.mkv`)], { targetCodec: "h265" });

    radarr.setLibrary({ movies: [movies[0]!, movies[1]!] });
    const gone = await syncToEnd(connectionId);

    expect(gone).toMatchObject({ status: "succeeded", removed: 1, unchanged: 2 });
    expect(await rowsUnder(root)).toEqual([
      { path: "/movies/M1/M1.mkv", status: "queued", externalId: "movieFile:41", reason: null },
      { path: "/movies/M2/M2.mkv", status: "queued", externalId: "movieFile:42", reason: null },
      { path: "/movies/M3/M3.mkv", status: "removed", externalId: "movieFile:43", reason: UNLISTED_REASON },
      { path: "/movies/M4/M4.mkv", status: "done", externalId: "movieFile:44", reason: null },
      { path: "/movies/scanned-only.mkv", status: "queued", externalId: null, reason: null },
    ]);
    expect((await api.connections.syncRuns({ id: connectionId }))[0]).toMatchObject({ runId: gone.runId, removed: 1 });

    radarr.setLibrary({ movies });
    const back = await syncToEnd(connectionId);

    expect(back).toMatchObject({ status: "succeeded", removed: 0, updated: 1 });
    expect((await rowsUnder(root)).find((row) => row.path === "/movies/M3/M3.mkv")).toMatchObject({ status: "queued", reason: null });
  });

  it("a file a webhook adds while the sync is reading the library is not judged by that older listing", async () => {
    const root = uniqueRoot();
    const { radarr, connectionId } = await radarrWith(root, [fakeMovie(1, { id: 61, path: "/movies/A/A.mkv" })]);
    radarr.setBehaviour({ delayMs: 300 });

    const { runId } = await api.connections.sync({ id: connectionId });
    await upsertQueueItems(db, [{ ...scanned(`${root}/movies/B/B.mkv`), source: "webhook", connectionId, externalId: "movieFile:62" }], {
      targetCodec: "h265",
      keepOtherConnectionsItems: true,
    });
    await waitForSyncRun(runId);

    expect(await api.connections.syncRun({ runId })).toMatchObject({ status: "succeeded", removed: 0 });
    expect((await rowsUnder(root)).map((row) => [row.path, row.status])).toEqual([
      ["/movies/A/A.mkv", "queued"],
      ["/movies/B/B.mkv", "queued"],
    ]);
  });

  it("a failed, partial or malformed listing marks nothing removed", async () => {
    const root = uniqueRoot();
    const series = [1, 2, 3].map((id) => ({ id, files: [fakeEpisodeFile(id, { id: 50 + id, path: `${root}/S${id}.mkv` })] }));
    const sonarr = await fake({ app: "sonarr", library: sonarrLibrary(series) });
    const { connection } = await api.connections.create({ name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY });
    await syncToEnd(connection.id);

    // Series 1 lost its file, and series 3 cannot be read: the listing stops partway.
    sonarr.setLibrary(sonarrLibrary([{ id: 1, files: [] }, series[1]!, series[2]!]));
    sonarr.setBehaviour({ failEpisodeFilesFor: [3] });
    const partial = await fullSyncToEnd(connection.id);
    // The whole app failing.
    sonarr.setBehaviour({ failEpisodeFilesFor: [], respondWith: "server-error" });
    const failed = await fullSyncToEnd(connection.id);
    // Complete, but with an entry too malformed to read: it may be the missing file.
    sonarr.setBehaviour({ respondWith: "normal" });
    sonarr.setLibrary(sonarrLibrary([{ id: 1, files: [{ id: "not-a-file" }] }, series[1]!, series[2]!]));
    const malformed = await fullSyncToEnd(connection.id);

    expect(partial).toMatchObject({ status: "failed", removed: 0 });
    expect(failed).toMatchObject({ status: "failed", removed: 0 });
    expect(malformed).toMatchObject({ status: "succeeded", invalid: 1, removed: 0 });
    expect((await rowsUnder(root)).map((row) => row.status)).toEqual(["queued", "queued", "queued"]);
  });
});

describe("what a run knows of its listing stays its own", () => {
  it("two connections syncing at once each mark only their own unlisted files removed", async () => {
    const rootA = uniqueRoot();
    const rootB = uniqueRoot();
    const moviesA = [1, 2].map((id) => fakeMovie(id, { id: 70 + id, path: `/movies/A${id}/A${id}.mkv` }));
    const moviesB = [1, 2].map((id) => fakeMovie(id, { id: 70 + id, path: `/movies/B${id}/B${id}.mkv` }));
    const a = await radarrWith(rootA, moviesA);
    const b = await radarrWith(rootB, moviesB);
    await syncToEnd(a.connectionId);
    await syncToEnd(b.connectionId);

    // Both apps lose a different file (same ids in both apps); the listings overlap in time.
    a.radarr.setLibrary({ movies: [moviesA[0]!] });
    b.radarr.setLibrary({ movies: [moviesB[1]!] });
    a.radarr.setBehaviour({ delayMs: 200 });
    b.radarr.setBehaviour({ delayMs: 200 });
    const [runA, runB] = await Promise.all([api.connections.sync({ id: a.connectionId }), api.connections.sync({ id: b.connectionId })]);
    await Promise.all([waitForSyncRun(runA.runId), waitForSyncRun(runB.runId)]);

    expect(await api.connections.syncRun({ runId: runA.runId })).toMatchObject({ status: "succeeded", removed: 1, unchanged: 1 });
    expect(await api.connections.syncRun({ runId: runB.runId })).toMatchObject({ status: "succeeded", removed: 1, unchanged: 1 });
    expect((await rowsUnder(rootA)).map((row) => [row.path, row.status])).toEqual([
      ["/movies/A1/A1.mkv", "queued"],
      ["/movies/A2/A2.mkv", "removed"],
    ]);
    expect((await rowsUnder(rootB)).map((row) => [row.path, row.status])).toEqual([
      ["/movies/B1/B1.mkv", "removed"],
      ["/movies/B2/B2.mkv", "queued"],
    ]);
  });

  it("a run that listed a file and then failed leaves nothing behind: the next complete listing without it marks it removed", async () => {
    const root = uniqueRoot();
    // Series 1 fills a whole write batch (2,000 files), so the failing run writes it before it breaks.
    const firstFiles = Array.from({ length: 2_000 }, (_, index) => fakeEpisodeFile(1, { id: 10_000 + index, path: `${root}/S1/E${String(index).padStart(4, "0")}.mkv` }));
    const series = [{ id: 1, files: firstFiles }, { id: 2, files: [fakeEpisodeFile(2, { id: 82, path: `${root}/S2/E.mkv` })] }];
    const sonarr = await fake({ app: "sonarr", library: sonarrLibrary(series) });
    const { connection } = await api.connections.create({ name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY });
    await syncToEnd(connection.id);

    sonarr.setBehaviour({ failEpisodeFilesFor: [2] });
    const failed = await fullSyncToEnd(connection.id);
    // Series 1's first file is gone from the app; the listing is complete again.
    sonarr.setBehaviour({ failEpisodeFilesFor: [] });
    sonarr.setLibrary(sonarrLibrary([{ id: 1, files: firstFiles.slice(1) }, series[1]!]));
    const complete = await fullSyncToEnd(connection.id);

    expect(failed).toMatchObject({ status: "failed", processed: 2_000, unchanged: 2_000, removed: 0 });
    expect(complete).toMatchObject({ status: "succeeded", removed: 1, unchanged: 2_000 });
    const rows = await rowsUnder(root);
    expect(rows.filter((row) => row.status !== "queued").map((row) => [row.path, row.status])).toEqual([["/S1/E0000.mkv", "removed"]]);
    expect(rows).toHaveLength(2_001);
  });

  it("an unchanged re-sync writes no queue row (nothing is marked per listed file)", async () => {
    const root = uniqueRoot();
    const movies = Array.from({ length: 40 }, (_, index) => fakeMovie(index + 1, { id: 900 + index, path: `/movies/U${index}/U${index}.mkv` }));
    const { connectionId } = await radarrWith(root, movies);
    await syncToEnd(connectionId);
    const changes = async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT total_changes() AS n`)[0]!.n);

    const before = await changes();
    const again = await syncToEnd(connectionId);
    const written = (await changes()) - before;

    expect(again).toMatchObject({ status: "succeeded", unchanged: 40, removed: 0 });
    // The run's own bookkeeping (its SyncRun row, the connection's lastSyncedAt) is all that changes.
    expect(written).toBeLessThan(10);
  });

  it("an unchanged quick Sonarr re-sync writes no queue row and no snapshot, and asks for no episode files", async () => {
    const root = uniqueRoot();
    const series = [1, 2, 3, 4].map((id) => ({ id, files: Array.from({ length: 10 }, (_, index) => fakeEpisodeFile(id, { id: id * 1_000 + index, path: `${root}/S${id}/E${index}.mkv` })) }));
    const sonarr = await fake({ app: "sonarr", library: sonarrLibrary(series) });
    const { connection } = await api.connections.create({ name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY });
    await syncToEnd(connection.id);
    sonarr.requests.length = 0;
    const changes = async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT total_changes() AS n`)[0]!.n);
    const queueRows = () => db.queueItem.findMany({ where: { connectionId: connection.id }, orderBy: { id: "asc" } });
    const snapshots = () => db.syncParentSnapshot.findMany({ where: { connectionId: connection.id }, orderBy: { id: "asc" } });
    const [rowsBefore, snapshotsBefore] = [await queueRows(), await snapshots()];

    const before = await changes();
    const again = await syncToEnd(connection.id);
    const written = (await changes()) - before;

    expect(again).toMatchObject({ status: "succeeded", full: false, parentsTotal: 4, parentsSkipped: 4, processed: 0, removed: 0 });
    expect(sonarr.requests.filter((request) => request.url.includes("/api/v3/episodefile"))).toEqual([]);
    expect(await queueRows()).toEqual(rowsBefore);
    expect(snapshotsBefore).toHaveLength(4);
    expect(await snapshots()).toEqual(snapshotsBefore);
    // Its SyncRun row (created, finished) and the connection's lastSyncedAt: nothing else.
    expect(written).toBeLessThanOrEqual(3);
  });
});
