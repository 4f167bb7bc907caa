import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { startScan, waitForScan } from "~/server/scan/scan-jobs";
import { getGeneralSettings } from "~/server/settings/settings-service";
import { signedInCaller } from "../support/callers";
import { createWebhookConnection, deliver, fixture } from "../support/webhook-delivery";
import { startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeMovie } from "../fakes/arr-library";

const KEY = "lockKEYlockKEYlockKEYlockKEY0000";
const UNCOMMITTED = "/never-committed/ghost.mkv";
const api = signedInCaller();
let scratch: string;
let radarr: FakeArrServer;

beforeAll(async () => {
  setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-serialised-"));
  radarr = await startFakeArr({
    apiKey: KEY,
    app: "radarr",
    library: { movies: [1, 2, 3].map((id) => fakeMovie(id, { id: 100 + id, path: `/movies/M${id}/M${id}.mkv` })) },
  });
});
afterAll(async () => {
  setHttpClientDefaults(null);
  await radarr.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("one connection, no interleaving", () => {
  it("a transaction that fails after writing loses only its own rows: concurrent sync, scan, webhook and settings writes all survive, and no reader sees the uncommitted row", async () => {
    // Arrange: a Radarr, a scan root and a webhook connection, each ready to write.
    const { connection } = await api.connections.create({
      name: "Radarr", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, pathMappings: [{ remote: "/movies", local: "/serialised/movies" }],
    });
    const library = path.join(scratch, "library");
    fs.mkdirSync(library);
    for (const name of ["a.mkv", "b.mkv", "c.mkv", "d.mkv"]) fs.writeFileSync(path.join(library, name), "video");
    const root = await api.scanRoots.create({ name: "Library", path: library });
    // Without ffprobe the scan writes its batch at once, inside the window below.
    const scanTarget = { id: root.id, path: library, private: false, displayAlias: null, lastScanFound: null };
    const noFfprobe = { ffprobeCommand: path.join(scratch, "no-ffprobe") };
    const hook = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/serialised/hooked" }] });

    let transactionOpen!: () => void;
    const opened = new Promise<void>((resolve) => (transactionOpen = resolve));
    const failing = db.$transaction(
      async (tx) => {
        await tx.queueItem.create({ data: { filePath: UNCOMMITTED, sizeBytes: 1n, source: "scan" } });
        transactionOpen();
        // Held open across awaits, as the writers' transactions are, while the others get going.
        await sleep(400);
        throw new Error("rolled back on purpose");
      },
      { timeout: 10_000 },
    );
    await opened;

    // Act: every writer starts while the failing transaction is open; a reader polls throughout.
    let readsDone = false;
    const sightings: string[] = [];
    const reader = (async () => {
      while (!readsDone) {
        const seen = await db.queueItem.findUnique({ where: { filePath: UNCOMMITTED }, select: { filePath: true } });
        if (seen) sightings.push(seen.filePath);
        await sleep(5);
      }
    })();
    const writers = Promise.all([
      api.connections.sync({ id: connection.id }).then(({ runId }) => waitForSyncRun(runId).then(() => runId)),
      Promise.resolve(startScan(db, scanTarget, noFfprobe)).then(() => waitForScan(root.id)),
      deliver("radarr", fixture("radarr-download"), { token: hook.secret }),
      api.settings.updateGeneral({ publicUrl: "https://optimizarr.example" }),
    ]);
    await expect(failing).rejects.toThrow("rolled back on purpose");
    const [runId, , delivery] = await writers;
    readsDone = true;
    await reader;

    // Assert
    expect(await db.queueItem.count({ where: { filePath: UNCOMMITTED } })).toBe(0);
    expect(await api.connections.syncRun({ runId })).toMatchObject({ status: "succeeded", added: 3 });
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/serialised/movies/" } } })).toBe(3);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: `${library}/` } } })).toBe(4);
    expect(delivery).toMatchObject({ status: 200, json: { outcome: "accepted" } });
    expect(await db.webhookDelivery.count({ where: { connectionId: hook.id } })).toBe(1);
    expect(await db.queueItem.count({ where: { filePath: { startsWith: "/serialised/hooked/" } } })).toBe(1);
    expect((await getGeneralSettings(db)).publicUrl).toBe("https://optimizarr.example");
    expect(sightings).toEqual([]);
  });
});
