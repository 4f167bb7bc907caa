import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { APP_PRESENTATION } from "~/components/connections/app-presentation";
import { syncKindText } from "~/components/connections/sync-run-text";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { startConnectionScheduler, stopConnectionScheduler } from "~/server/connections/scheduler";
import { isFullSyncDue } from "~/server/connections/parent-snapshots";
import { UNLISTED_REASON, waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { hashWebhookSecret, generateWebhookSecret } from "~/server/webhooks/webhook-secret";
import { signedInCaller } from "../support/callers";
import { queueStatusesUnder, syncToEnd } from "../support/sync-calls";
import { deliver, fixture } from "../support/webhook-delivery";
import { sonarrLibrary, startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile, type Json } from "../fakes/arr-library";

/**
 * Quick syncs (issue #16): a Sonarr series whose statistics match the last complete sync is not
 * re-read; its items count as listed. Everything against a real fake Sonarr over HTTP, whose
 * statistics follow its library (count and summed size per series).
 */
const KEY = "quickKEYquickKEYquickKEYquickKEY";
const servers: FakeArrServer[] = [];
const api = signedInCaller();

let prefix = 0;
const uniqueRoot = () => `/q${++prefix}-${Date.now()}`;

type SeriesSpec = { id: number; files: Json[] };

async function sonarrWith(root: string, series: SeriesSpec[]) {
  const sonarr = await startFakeArr({ app: "sonarr", apiKey: KEY, library: sonarrLibrary(series) });
  servers.push(sonarr);
  const { connection } = await api.connections.create({
    name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY, pathMappings: [{ remote: "/tv", local: `${root}/tv` }],
  });
  return { sonarr, connectionId: connection.id };
}

/** `count` episode files of one series, ids from `firstId`. */
function episodes(seriesId: number, firstId: number, count: number, size = 1_000_000_000): Json[] {
  return Array.from({ length: count }, (_, index) =>
    fakeEpisodeFile(seriesId, { id: firstId + index, path: `/tv/S${seriesId}/E${firstId + index}.mkv`, size: size + index }),
  );
}

/** The series whose episode files were requested since the last call, sorted. */
function seriesRead(sonarr: FakeArrServer): number[] {
  const read = sonarr.requests
    .filter((request) => request.url.includes("/api/v3/episodefile?"))
    .map((request) => Number(new URL(request.url, "http://fake").searchParams.get("seriesId")));
  sonarr.requests.length = 0;
  return read.sort((a, b) => a - b);
}

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  stopConnectionScheduler();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("quick sync", () => {
  it("re-reads only series whose statistics changed (file added, file deleted, size changed); skipped series' files stay listed", async () => {
    const root = uniqueRoot();
    const s = [episodes(1, 100, 3), episodes(2, 200, 3), episodes(3, 300, 3), episodes(4, 400, 3), episodes(5, 500, 2)];
    const { sonarr, connectionId } = await sonarrWith(root, s.map((files, index) => ({ id: index + 1, files })));
    const first = await syncToEnd(connectionId);
    seriesRead(sonarr);

    const resized = fakeEpisodeFile(4, { id: 400, path: "/tv/S4/E400.mkv", size: 2_000_000_000 });
    sonarr.setLibrary(sonarrLibrary([
      { id: 1, files: s[0]! },
      { id: 2, files: [...s[1]!, ...episodes(2, 210, 1)] },
      { id: 3, files: s[2]!.slice(1) },
      { id: 4, files: [resized, ...s[3]!.slice(1)] },
      { id: 5, files: s[4]! },
    ]));
    const quick = await syncToEnd(connectionId);

    expect(first).toMatchObject({ status: "succeeded", full: true, added: 14, parentsTotal: 5, parentsSkipped: 0 });
    expect(seriesRead(sonarr)).toEqual([2, 3, 4]);
    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsTotal: 5, parentsSkipped: 2, added: 1, updated: 1, removed: 1, processed: 9 });
    const statuses = await queueStatusesUnder(root);
    expect(statuses["/tv/S3/E300.mkv"]).toBe("removed");
    expect(statuses["/tv/S2/E210.mkv"]).toBe("queued");
    // The skipped series' files were not listed by this run, yet nothing of theirs is marked removed.
    for (const path of ["/tv/S1/E100.mkv", "/tv/S1/E102.mkv", "/tv/S5/E500.mkv", "/tv/S5/E501.mkv"]) expect(statuses[path]).toBe("queued");
    expect(Object.values(statuses).filter((status) => status === "removed")).toHaveLength(1);
    const resizedRow = await db.queueItem.findFirstOrThrow({ where: { connectionId, externalId: "episodeFile:400" } });
    expect(resizedRow.sizeBytes).toBe(2_000_000_000n);
  });

  it("a file swapped for one of the same size in an unchanged-looking series: the quick sync misses it, the next full sync removes and adds", async () => {
    const root = uniqueRoot();
    const original = episodes(1, 100, 2);
    const { sonarr, connectionId } = await sonarrWith(root, [{ id: 1, files: original }, { id: 2, files: episodes(2, 200, 1) }]);
    await syncToEnd(connectionId);
    seriesRead(sonarr);

    // Same count, same summed size: Sonarr's statistics can't tell (nor can they tell a rename).
    const swapped = fakeEpisodeFile(1, { id: 150, path: "/tv/S1/E150.mkv", size: 1_000_000_000 });
    sonarr.setLibrary(sonarrLibrary([{ id: 1, files: [swapped, original[1]!] }, { id: 2, files: episodes(2, 200, 1) }]));
    const quick = await syncToEnd(connectionId);
    const afterQuick = await queueStatusesUnder(root);
    const full = await syncToEnd(connectionId, true);
    const afterFull = await queueStatusesUnder(root);

    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 2, removed: 0, added: 0, processed: 0 });
    expect(afterQuick).toEqual({ "/tv/S1/E100.mkv": "queued", "/tv/S1/E101.mkv": "queued", "/tv/S2/E200.mkv": "queued" });
    expect(full).toMatchObject({ status: "succeeded", full: true, parentsSkipped: 0, removed: 1, added: 1 });
    expect(afterFull).toEqual({ "/tv/S1/E100.mkv": "removed", "/tv/S1/E101.mkv": "queued", "/tv/S1/E150.mkv": "queued", "/tv/S2/E200.mkv": "queued" });
    const row = await db.queueItem.findFirstOrThrow({ where: { connectionId, externalId: "episodeFile:100" } });
    expect(row.statusReason).toBe(UNLISTED_REASON);
  });

  it("a full sync on demand re-reads every series; without the flag the sync is quick", async () => {
    const root = uniqueRoot();
    const { sonarr, connectionId } = await sonarrWith(root, [1, 2, 3].map((id) => ({ id, files: episodes(id, id * 100, 2) })));
    await syncToEnd(connectionId);
    seriesRead(sonarr);

    const full = await syncToEnd(connectionId, true);
    const fullReads = seriesRead(sonarr);
    const quick = await syncToEnd(connectionId);
    const quickReads = seriesRead(sonarr);

    expect(full).toMatchObject({ status: "succeeded", full: true, parentsTotal: 3, parentsSkipped: 0, unchanged: 6 });
    expect(fullReads).toEqual([1, 2, 3]);
    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsTotal: 3, parentsSkipped: 3, processed: 0 });
    expect(quickReads).toEqual([]);
    expect(syncKindText(quick, APP_PRESENTATION.sonarr.parent)).toBe("Quick sync: 3 of 3 series unchanged");
    expect(syncKindText(full, APP_PRESENTATION.sonarr.parent)).toBe("Full sync: every series re-read (3 series)");
    // History says what kind of run it was.
    const history = await api.connections.syncRuns({ id: connectionId });
    expect(history.map((run) => run.full)).toEqual([false, true, true]);
  });

  it("after a failed run the next sync re-reads every series changed since the last complete one, those the failed run read included", async () => {
    const root = uniqueRoot();
    const { sonarr, connectionId } = await sonarrWith(root, [1, 2, 3].map((id) => ({ id, files: episodes(id, id * 100, 2) })));
    await syncToEnd(connectionId);
    seriesRead(sonarr);

    sonarr.setLibrary(sonarrLibrary([
      { id: 1, files: episodes(1, 100, 2) },
      { id: 2, files: episodes(2, 200, 3) },
      { id: 3, files: episodes(3, 300, 3) },
    ]));
    sonarr.setBehaviour({ failEpisodeFilesFor: [3] });
    const failed = await syncToEnd(connectionId);
    seriesRead(sonarr);
    sonarr.setBehaviour({ failEpisodeFilesFor: [] });
    const next = await syncToEnd(connectionId);

    expect(failed).toMatchObject({ status: "failed", full: false });
    expect(seriesRead(sonarr)).toEqual([2, 3]);
    // Each changed series gained a file: both land now, whatever the failed run had got to.
    expect(next).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1, added: 2, unchanged: 4 });
    expect(await db.queueItem.count({ where: { connectionId, status: "queued" } })).toBe(8);
  });

  it("a series whose episodefile list had a malformed entry is read again by the next quick sync", async () => {
    const root = uniqueRoot();
    const { sonarr, connectionId } = await sonarrWith(root, [{ id: 1, files: [...episodes(1, 100, 1), { id: "broken" }] }, { id: 2, files: episodes(2, 200, 1) }]);
    await syncToEnd(connectionId);
    seriesRead(sonarr);

    const again = await syncToEnd(connectionId);

    expect(again).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1, invalid: 1 });
    expect(seriesRead(sonarr)).toEqual([1]);
  });

  it("a webhook import for series N makes the next quick sync re-read N, even with its statistics unchanged", async () => {
    const root = uniqueRoot();
    // Series 12 is the one the fixture's Download names.
    const { sonarr, connectionId } = await sonarrWith(root, [{ id: 12, files: episodes(12, 1200, 2) }, { id: 13, files: episodes(13, 1300, 2) }]);
    await syncToEnd(connectionId);
    const secret = generateWebhookSecret();
    await db.externalConnection.update({ where: { id: connectionId }, data: { webhookSecretHash: hashWebhookSecret(secret), webhookRegisteredAt: new Date() } });
    seriesRead(sonarr);

    const delivered = await deliver("sonarr", fixture("sonarr-download"), { token: secret });
    const quick = await syncToEnd(connectionId);

    expect(delivered.status).toBeLessThan(300);
    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1 });
    expect(seriesRead(sonarr)).toEqual([12]);
  });

  it("a webhook landing while a quick sync runs is not undone by that sync's older view of the series", async () => {
    const root = uniqueRoot();
    const { sonarr, connectionId } = await sonarrWith(root, [{ id: 12, files: episodes(12, 1200, 2) }, { id: 13, files: episodes(13, 1300, 2) }]);
    await syncToEnd(connectionId);
    const secret = generateWebhookSecret();
    await db.externalConnection.update({ where: { id: connectionId }, data: { webhookSecretHash: hashWebhookSecret(secret), webhookRegisteredAt: new Date() } });
    // Series 13 changed, so the run has a request to make; every answer takes a while.
    sonarr.setLibrary(sonarrLibrary([{ id: 12, files: episodes(12, 1200, 2) }, { id: 13, files: episodes(13, 1300, 3) }]));
    sonarr.setBehaviour({ delayMs: 300 });

    const { runId } = await api.connections.sync({ id: connectionId });
    const delivered = await deliver("sonarr", fixture("sonarr-download"), { token: secret });
    await waitForSyncRun(runId);
    const during = await api.connections.syncRun({ runId });
    sonarr.setBehaviour({ delayMs: 0 });
    seriesRead(sonarr);
    const next = await syncToEnd(connectionId);

    expect(delivered.status).toBeLessThan(300);
    expect(during).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1 });
    expect(next).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1 });
    expect(seriesRead(sonarr)).toEqual([12]);
  });
});

describe("when the schedule asks for a full sync", () => {
  it("is due without a full run, not right after one, and again once fullSyncEveryHours (default 24) have passed; quick runs don't reset it", async () => {
    const root = uniqueRoot();
    const { connectionId } = await sonarrWith(root, [{ id: 1, files: episodes(1, 100, 1) }]);
    const dueBefore = await isFullSyncDue(db, connectionId);
    await syncToEnd(connectionId);
    const fullRun = await db.syncRun.findFirstOrThrow({ where: { connectionId, full: true } });
    await syncToEnd(connectionId);
    const now = fullRun.startedAt.getTime();

    expect(dueBefore).toBe(true);
    expect(await isFullSyncDue(db, connectionId, new Date(now + 23 * 3_600_000))).toBe(false);
    expect(await isFullSyncDue(db, connectionId, new Date(now + 24 * 3_600_000))).toBe(true);
    await api.connections.update({ id: connectionId, fullSyncEveryHours: 48 });
    expect(await isFullSyncDue(db, connectionId, new Date(now + 25 * 3_600_000))).toBe(false);
    expect(await isFullSyncDue(db, connectionId, new Date(now + 48 * 3_600_000))).toBe(true);
  });

  it("the scheduler runs a quick sync while the last full one is recent, a full one once it is 24 h old", async () => {
    const root = uniqueRoot();
    const { connectionId } = await sonarrWith(root, [{ id: 1, files: episodes(1, 100, 1) }]);
    await syncToEnd(connectionId);
    await api.connections.update({ id: connectionId, syncIntervalMinutes: 15 });
    const backdate = (hours: number) =>
      db.$executeRaw`UPDATE "SyncRun" SET "startedAt" = strftime('%Y-%m-%dT%H:%M:%fZ', "startedAt", ${`-${hours} hours`}) WHERE "connectionId" = ${connectionId}`;
    const scheduledRun = async (after: number) => {
      await startConnectionScheduler(db, { startupDelayMs: 20 });
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const run = await db.syncRun.findFirst({ where: { connectionId, trigger: "schedule", id: { gt: after } } });
        if (run && run.status !== "running") {
          stopConnectionScheduler();
          return run;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error("no scheduled run");
    };

    await backdate(1);
    const recent = await scheduledRun(0);
    await backdate(24);
    const old = await scheduledRun(recent.id);

    expect(recent).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1 });
    expect(old).toMatchObject({ status: "succeeded", full: true, parentsSkipped: 0 });
  });

  it("a Radarr connection is always full (its one answer can't be skipped)", async () => {
    const radarr = await startFakeArr({ app: "radarr", apiKey: KEY, library: { movies: [] } });
    servers.push(radarr);
    const { connection } = await api.connections.create({ name: "Radarr", appType: "radarr", baseUrl: radarr.url, apiKey: KEY });
    await syncToEnd(connection.id);
    const again = await syncToEnd(connection.id);

    expect(again).toMatchObject({ status: "succeeded", full: true, parentsTotal: 0 });
    expect(connection).toMatchObject({ quickSync: false, fullSyncEveryHours: 24 });
  });
});
