import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SuperJSON from "superjson";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { createLogger } from "~/server/logger";
import { reloadPrivatePaths } from "~/server/privacy/load-private-paths";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { getInstanceApiKey } from "~/server/settings/settings-service";
import { signedInCaller } from "../support/callers";
import { flushLogFile, readAllLogText } from "../support/log-file";
import { postOverHttp } from "../support/trpc-calls";

/**
 * The privacy model end to end through the tRPC boundary: who makes an item private, what changing
 * a source does to the items it knows, and that every output and error hides private paths — with
 * positive controls, so each check can fail.
 */
const CANARY = "canary-7f3a";
let scratch: string;
let privateFolder: string;
let publicFolder: string;

function file(filePath: string, overrides: Partial<QueueItemInput> = {}): QueueItemInput {
  return {
    filePath, sizeBytes: 5_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 8_000_000,
    durationSeconds: 3600, qualitySource: null, source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
  };
}

async function connection(data: { name: string; private?: boolean }) {
  return db.externalConnection.create({ data: { appType: "sonarr", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "x", apiKeyLast4: "abcd", ...data } });
}

async function privacyByFileName(): Promise<Record<string, boolean>> {
  const rows = await db.queueItem.findMany({ select: { filePath: true, private: true } });
  return Object.fromEntries(rows.map((row) => [path.basename(row.filePath), row.private]));
}

async function queuedPaths(): Promise<{ filePath: string; private: boolean }[]> {
  const page = await signedInCaller().queue.list({ sort: "path", limit: 100 });
  return page.items.map((item) => ({ filePath: item.filePath, private: item.private }));
}

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-privacy-"));
  privateFolder = path.join(scratch, `vault ${CANARY}`);
  publicFolder = path.join(scratch, "tv");
  fs.mkdirSync(privateFolder);
  fs.mkdirSync(publicFolder);
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

beforeEach(async () => {
  await db.queueItem.deleteMany();
  await db.scanRoot.deleteMany();
  await db.externalConnection.deleteMany();
  // What a restart reads: the folders the previous test made private are forgotten with its rows.
  await reloadPrivatePaths(db);
});

describe("an item is private when any source that knows it is private", () => {
  it("follows a linked connection made private, scanned items included, and back", async () => {
    const sonarr = await connection({ name: "Sonarr" });
    const api = signedInCaller();
    const root = await api.scanRoots.create({ name: "Vault", path: privateFolder, externalConnectionId: sonarr.id });
    await upsertQueueItems(db, [file(`${privateFolder}/scanned.mkv`), file(`${publicFolder}/other.mkv`)], { targetCodec: "h265" });
    expect(await queuedPaths()).toEqual([
      { filePath: `${publicFolder}/other.mkv`, private: false },
      { filePath: `${privateFolder}/scanned.mkv`, private: false },
    ]);

    await api.connections.update({ id: sonarr.id, private: true });
    const hidden = await queuedPaths();
    expect(hidden).toContainEqual({ filePath: "[Private]", private: true });
    expect(hidden).toContainEqual({ filePath: `${publicFolder}/other.mkv`, private: false });
    expect((await api.scanRoots.list())[0]).toMatchObject({ id: root.id, path: "[Private]", pathHidden: true, private: false });

    await api.connections.update({ id: sonarr.id, private: false });
    expect(await queuedPaths()).toContainEqual({ filePath: `${privateFolder}/scanned.mkv`, private: false });
  });

  it("follows a scan root's own switch, while a private connection keeps its own items hidden", async () => {
    const stash = await connection({ name: "Stash", private: true });
    const api = signedInCaller();
    const root = await api.scanRoots.create({ name: "Vault", path: privateFolder, private: true });
    expect(root).toMatchObject({ private: true, pathHidden: true, path: "[Private]" });
    await upsertQueueItems(
      db,
      [file(`${privateFolder}/a.mkv`), file(`${publicFolder}/b.mkv`, { source: "sonarr", connectionId: stash.id, externalId: "sceneFile:1" }), file(`${privateFolder} 2/c.mkv`)],
      { targetCodec: "h265" },
    );
    // "vault … 2" is not inside "vault …".
    expect(await privacyByFileName()).toEqual({ "a.mkv": true, "b.mkv": true, "c.mkv": false });

    await api.scanRoots.update({ id: root.id, private: false });
    expect(await privacyByFileName()).toEqual({ "a.mkv": false, "b.mkv": true, "c.mkv": false });
  });

  it("a new root over files already queued hides them at once; a deleted source's items stay hidden", async () => {
    await upsertQueueItems(db, [file(`${privateFolder}/a.mkv`)], { targetCodec: "h265" });
    const api = signedInCaller();
    const root = await api.scanRoots.create({ name: "Vault", path: privateFolder, private: true });
    expect(await queuedPaths()).toEqual([{ filePath: "[Private]", private: true }]);
    await api.scanRoots.delete({ id: root.id });
    expect(await queuedPaths()).toEqual([{ filePath: "[Private]", private: true }]);
  });
});

describe("the boundary", () => {
  it("no output, search, error or log line carries a private path; the same public path shows (control)", async () => {
    const api = signedInCaller();
    const root = await api.scanRoots.create({ name: "Vault", path: privateFolder, private: true });
    await upsertQueueItems(db, [file(`${privateFolder}/secret scene.mkv`), file(`${publicFolder}/show.mkv`)], { targetCodec: "h265" });
    await db.scanRoot.update({ where: { id: root.id }, data: { lastScanError: `Could not read ${privateFolder}/secret scene.mkv`, lastScanStartedAt: new Date(0), lastScanFinishedAt: new Date(1) } });

    const outputs = SuperJSON.stringify([
      await api.scanRoots.list(),
      await api.queue.list({ sort: "path", limit: 100 }),
      await api.queue.list({ search: CANARY, limit: 100 }),
      await api.queue.list({ search: "secret scene", limit: 100 }),
      await api.stats.summary({ includePrivate: true }),
      await api.system.status(),
    ]);
    expect(outputs).not.toContain(CANARY);
    expect(outputs).toContain(`${publicFolder}/show.mkv`);
    expect((await api.queue.list({ search: "secret scene", limit: 100 })).items).toEqual([]);

    // An error quoting a private path (a folder below the private root that does not exist), as the client gets it…
    const apiKey = await getInstanceApiKey(db);
    const refused = await postOverHttp("scanRoots.create", { name: "Below", path: `${privateFolder}/missing` }, apiKey);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain(CANARY);
    expect(JSON.stringify(refused.body)).toContain('"message":"path: [Private]');
    // …while the same error about a public folder names it (control).
    const named = await postOverHttp("scanRoots.create", { name: "Below", path: `${publicFolder}/missing` }, apiKey);
    expect(JSON.stringify(named.body)).toContain(`${publicFolder}/missing does not exist`);

    createLogger("privacy-test").warn({ detail: `open '${privateFolder}/secret scene.mkv' failed`, title: "A Scene Title" }, `reading ${privateFolder}/x.mkv`);
    createLogger("privacy-test").warn(`control ${publicFolder}/show.mkv`);
    await flushLogFile();
    const logText = readAllLogText();
    expect(logText).not.toContain(CANARY);
    expect(logText).not.toContain("A Scene Title");
    expect(logText).toContain(`control ${publicFolder}/show.mkv`);
    const logsPage = SuperJSON.stringify(await api.system.logs({ limit: 500 }));
    expect(logsPage).not.toContain(CANARY);
  });

  it("statistics leave out private sources unless asked, and roots marked out of the charts", async () => {
    const api = signedInCaller();
    await api.scanRoots.create({ name: "Vault", path: privateFolder, private: true });
    const hiddenFromCharts = await api.scanRoots.create({ name: "TV", path: publicFolder, showInStats: false });
    await upsertQueueItems(db, [file(`${privateFolder}/a.mkv`), file(`${publicFolder}/b.mkv`), file(`${scratch}/c.mkv`)], { targetCodec: "h265" });

    expect(await api.stats.summary({})).toMatchObject({ totalItems: 1, privateItemCount: 1, includesPrivate: false });
    expect(await api.stats.summary({ includePrivate: true })).toMatchObject({ totalItems: 2 });
    await api.scanRoots.update({ id: hiddenFromCharts.id, showInStats: true });
    expect(await api.stats.summary({})).toMatchObject({ totalItems: 2 });
  });
});
