import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { db } from "~/server/db";
import { startScan } from "~/server/scan/scan-jobs";
import { nextScheduledScanAt, startScanScheduler } from "~/server/scan/scan-schedule";
import { nextScheduledBackupAt, startBackupScheduler } from "~/server/backup/backup-schedule";
import { shutDown } from "~/server/shutdown";
import { signedInCaller } from "../support/callers";
import { trpcErrorOf } from "../support/trpc-calls";
import { videoFixture } from "../support/video-fixtures";
import { createWebhookConnection, deliver, fixture, webhookRequest } from "../support/webhook-delivery";
import { POST } from "~/app/api/webhooks/[appType]/route";
import { sonarrLibrary, startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile } from "../fakes/arr-library";

/**
 * A graceful stop (what SIGTERM/SIGINT run, minus the exit) with a sync, a scan and a webhook
 * delivery in progress and a rescan scheduled. Shutdown is for good — the process exits after it —
 * so this file holds one scenario: set everything running, stop, then check what is left.
 */
const KEY = "stopKEYstopKEYstopKEYstopKEY0000";
const api = signedInCaller();
let scratch: string;
let sonarr: FakeArrServer;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-shutdown-"));
  setHttpClientDefaults({ connectMs: 1_000, headersMs: 30_000, bodyIdleMs: 30_000, retryDelaysMs: [10, 10] });
  sonarr = await startFakeArr({
    app: "sonarr",
    apiKey: KEY,
    library: sonarrLibrary([{ id: 1, files: [fakeEpisodeFile(1, { id: 101, path: "/tv/Show/S01E01.mkv" })] }]),
  });
});
afterAll(async () => {
  setHttpClientDefaults(null);
  await sonarr.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A body that arrives after `delayMs`, like a delivery on a slow link: the request is in progress meanwhile. */
function slowBody(json: unknown, delayMs: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async start(controller) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      controller.enqueue(new TextEncoder().encode(JSON.stringify(json)));
      controller.close();
    },
  });
}

describe("graceful shutdown", () => {
  it("refuses new work, interrupts the running sync and scan, lets a delivery in progress finish, then closes the database", async () => {
    // A sync waiting on a slow Sonarr.
    const { connection } = await api.connections.create({ name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY });
    sonarr.setBehaviour({ delayMs: 20_000 });
    const requestsBefore = sonarr.requests.length;
    const { runId } = await api.connections.sync({ id: connection.id });
    await until(() => sonarr.requests.length > requestsBefore, "the sync's first request");

    // A scan stuck in ffprobe, on a root whose previous scan failed, with a rescan scheduled.
    const folder = path.join(scratch, "library");
    fs.mkdirSync(folder);
    for (const name of ["a.mkv", "b.mkv"]) fs.copyFileSync(videoFixture("h264").sourcePath, path.join(folder, name));
    const slowProbe = path.join(scratch, "slow-ffprobe");
    fs.writeFileSync(slowProbe, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo "ffprobe version 9.9-test"; exit 0; fi\nexec sleep 30\n`, { mode: 0o755 });
    const previousScan = { lastScanStartedAt: new Date(Date.now() - 3_600_000), lastScanFinishedAt: new Date(Date.now() - 3_590_000), lastScanError: "The folder could not be read (EIO)", lastScanFound: 7 };
    const root = await db.scanRoot.create({ data: { name: "Library", path: folder, scanIntervalMinutes: 60, ...previousScan } });
    await startScanScheduler(db, { startupDelayMs: 3_600_000 });
    expect(nextScheduledScanAt(root.id)).toBeInstanceOf(Date);
    // Scheduled backups are on by default (weekly).
    await startBackupScheduler(db, { startupDelayMs: 3_600_000 });
    expect(nextScheduledBackupAt()).toBeInstanceOf(Date);
    startScan(db, { id: root.id, path: folder, private: false, displayAlias: null, lastScanFound: 7 }, { ffprobeCommand: slowProbe, probeTimeoutMs: 60_000 });
    await until(async () => (await api.scanRoots.scanStatus({ id: root.id }))?.phase === "probing", "the scan to reach ffprobe");

    // A webhook delivery whose body is still arriving.
    const hook = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/stopping/tv" }] });
    const delivery = POST(webhookRequest("sonarr", slowBody(fixture("sonarr-download"), 500), { token: hook.secret }), { params: Promise.resolve({ appType: "sonarr" }) });

    const stopped = await shutDown(db, { graceMs: 5_000 });

    // Everything wound down within the grace period, the delivery included.
    expect(stopped.clean).toBe(true);
    expect(stopped.durationMs).toBeLessThan(5_000);
    const delivered = await delivery;
    expect(delivered.status).toBe(200);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/stopping/tv/" } } })).toBe(1);

    // The sync ended interrupted, not succeeded with files missing.
    expect(await api.connections.syncRun({ runId })).toMatchObject({ status: "interrupted", finishedAt: expect.any(Date) });
    // The scan shows as interrupted and the previous scan's outcome is still there to read.
    const [listed] = (await api.scanRoots.list()).filter((candidate) => candidate.id === root.id);
    expect(listed!.lastScan).toMatchObject({ status: "interrupted", startedAt: expect.any(Date), finishedAt: previousScan.lastScanFinishedAt, error: previousScan.lastScanError, found: 7 });
    expect(listed!.lastScan.startedAt!.getTime()).toBeGreaterThan(previousScan.lastScanStartedAt.getTime());
    expect(await db.queueItem.count({ where: { filePath: { startsWith: `${folder}/` } } })).toBe(0);
    expect(nextScheduledScanAt(root.id)).toBeNull();
    expect(nextScheduledBackupAt()).toBeNull();

    // New work is refused with a message saying why, as a 503 to retry.
    const sync = await trpcErrorOf(api.connections.sync({ id: connection.id }));
    expect([sync.code, sync.message]).toEqual(["SERVICE_UNAVAILABLE", "Optimizarr is shutting down: try again once it has restarted"]);
    const scan = await trpcErrorOf(api.scanRoots.scan({ id: root.id }));
    expect(scan.code).toBe("SERVICE_UNAVAILABLE");
    const refused = await deliver("sonarr", fixture("sonarr-download"), { token: hook.secret });
    expect(refused).toEqual({ status: 503, json: { error: "Optimizarr is shutting down: deliver again shortly" } });

    // Stopping twice (Ctrl+C reaches the server twice) is the same stop.
    expect(await shutDown(db)).toBe(stopped);
  });
});
