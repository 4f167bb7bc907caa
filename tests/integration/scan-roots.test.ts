import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { anonymousCaller, signedInCaller } from "../support/callers";
import { flushLogFile, readAllLogText } from "../support/log-file";
import { postOverHttp, trpcErrorOf } from "../support/trpc-calls";
import { createVideoLibrary, isFfprobeInstalled, videoFixture, type PlacedVideo } from "../support/video-fixtures";
import { db } from "~/server/db";
import { startScan, waitForScan } from "~/server/scan/scan-jobs";
import { startScanScheduler, stopScanScheduler } from "~/server/scan/scan-schedule";
import type { ScanProgress } from "~/server/scan/scan-progress";
import { VANISHED_REASON } from "~/server/scan/vanished-files";
import { nodeWalkFileSystem, type WalkFileSystem } from "~/server/scan/walk-files";
import { getInstanceApiKey } from "~/server/settings/settings-service";

const caller = signedInCaller();
const withFfprobe = isFfprobeInstalled();
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-scan-roots-"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function folder(name: string): string {
  const target = path.join(scratch, name);
  fs.mkdirSync(target, { recursive: true });
  return target;
}

/** Field → messages, as the form sees them in data.zodError. */
function fieldMessages(error: TRPCError): Record<string, string[]> {
  if (!(error.cause instanceof ZodError)) return {};
  const result: Record<string, string[]> = {};
  for (const issue of error.cause.issues) (result[issue.path.join(".")] ??= []).push(issue.message);
  return result;
}

async function waitUntilFinished(id: number, timeoutMs = 25_000): Promise<ScanProgress> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await caller.scanRoots.scanStatus({ id });
    if (status && status.state !== "running") return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`scan of root ${id} did not finish within ${timeoutMs} ms`);
}

async function queueRowsUnder(root: string) {
  return db.queueItem.findMany({ where: { filePath: { startsWith: `${root}/` } }, orderBy: { filePath: "asc" } });
}

async function createConnection(overrides: { name: string; appType: "sonarr" | "stash"; private: boolean; displayAlias?: string }) {
  return db.externalConnection.create({
    data: { baseUrl: "http://127.0.0.1:9999", apiKeyEncrypted: "v1:unused-in-this-test", apiKeyLast4: "abcd", ...overrides },
  });
}

describe("scanRoots: add, scan and re-scan a folder of real videos", () => {
  let library: string;
  let videos: PlacedVideo[];
  let ignored: string[];
  let rootId: number;

  beforeAll(() => {
    library = folder("library");
    ({ videos, ignored } = createVideoLibrary(library));
    // A symlink loop inside the library must be skipped and reported, not followed for ever.
    fs.symlinkSync(library, path.join(library, "Movies", "loop"));
  });

  it("creates a root with a normalised path", async () => {
    const created = await caller.scanRoots.create({ name: "  Library ", path: `${library}//` });
    rootId = created.id;

    expect(created).toMatchObject({ name: "Library", path: library, pathHidden: false, enabled: true, externalConnectionId: null, externalConnection: null, scan: null });
    expect(created.lastScan).toMatchObject({ status: "never", found: null });
    expect((await caller.scanRoots.list()).map((root) => root.id)).toContain(rootId);
  });

  it("scans in the background, one scan per root at a time, and fills codecs from ffprobe", async () => {
    const [first, second] = await Promise.all([caller.scanRoots.scan({ id: rootId }), caller.scanRoots.scan({ id: rootId })]);

    expect([first.started, second.started].sort()).toEqual([false, true]);
    expect(first.scanId).toBe(second.scanId);
    expect(first.progress.state).toBe("running");

    const done = await waitUntilFinished(rootId);
    expect(done).toMatchObject({ state: "succeeded", phase: "finished", found: 4, processed: 4, errors: 0, walkFinished: true, ffprobeAvailable: withFfprobe });
    expect(done.added + done.skipped).toBe(4);
    expect(done.skippedFolders).toBe(1);
    expect(done.problems).toEqual([{ path: path.join(library, "Movies", "loop"), kind: "loop", message: expect.stringContaining("loop") }]);

    const rows = await queueRowsUnder(library);
    expect(rows.map((row) => row.filePath)).toEqual(videos.map((video) => video.path).sort());
    for (const row of rows) {
      const fixture = videos.find((video) => video.path === row.filePath)!.fixture;
      expect(row).toMatchObject({ source: "scan", connectionId: null, private: false, sizeBytes: BigInt(fs.statSync(row.filePath).size) });
      expect(row.fileModifiedAt?.getTime()).toBe(fs.statSync(row.filePath, { bigint: true }).mtime.getTime());
      if (withFfprobe && fixture.real) {
        expect(row).toMatchObject({ codec: fixture.expectedCodec, codecRaw: fixture.expectedCodecRaw, width: 64, height: 48 });
        expect(row.durationSeconds).toBeCloseTo(1, 0);
        expect(row.bitrate).toBeGreaterThan(0);
        // Target codec h265 (the default): HEVC files are recorded but not queued.
        expect(row.status).toBe(fixture.expectedCodec === "h265" ? "skipped" : "queued");
      } else {
        expect(row.codec).toBe("unknown");
      }
    }
    for (const junk of ignored) expect(rows.find((row) => row.filePath === junk)).toBeUndefined();

    const [listed] = (await caller.scanRoots.list()).filter((root) => root.id === rootId);
    expect(listed!.lastScan).toMatchObject({ status: "succeeded", found: 4, added: done.added, updated: 0, error: null });
    expect(listed!.scan?.scanId).toBe(first.scanId);
  });

  it("re-scans without duplicates or re-probing, and picks up changed and new files", async () => {
    const started = await caller.scanRoots.scan({ id: rootId });
    const again = await waitUntilFinished(rootId);
    expect(again.scanId).toBe(started.scanId);
    expect(again).toMatchObject({ state: "succeeded", found: 4, added: 0, updated: 0, unchanged: 4, probed: 0 });
    expect(await queueRowsUnder(library)).toHaveLength(4);

    // Replace an H.264 episode with an HEVC encode (new size and mtime) and add a new film.
    const h264Episode = videos.find((video) => video.fixture.key === "h264" && video.path.includes("S01E01"))!;
    fs.copyFileSync(videoFixture("h265").sourcePath, h264Episode.path);
    fs.utimesSync(h264Episode.path, new Date(), new Date(Date.now() + 60_000));
    const newcomer = path.join(library, "Movies", "Delta (2022)", "Delta (2022).mp4");
    fs.mkdirSync(path.dirname(newcomer), { recursive: true });
    fs.copyFileSync(videoFixture("h264").sourcePath, newcomer);

    await caller.scanRoots.scan({ id: rootId });
    const third = await waitUntilFinished(rootId);

    expect(third).toMatchObject({ state: "succeeded", found: 5, updated: 1, unchanged: 3 });
    expect(third.added + third.skipped).toBe(1);
    const rows = await queueRowsUnder(library);
    expect(rows).toHaveLength(5);
    const changed = rows.find((row) => row.filePath === h264Episode.path)!;
    expect(changed.sizeBytes).toBe(BigInt(fs.statSync(h264Episode.path).size));
    if (withFfprobe && videoFixture("h265").real) {
      expect(third.probed).toBe(2);
      expect(changed.codec).toBe(videoFixture("h265").expectedCodec);
    }
  });

  it("marks queued files deleted from disk as removed, and queues them again when they come back", async () => {
    const gamma = videos.find((video) => video.path.includes("S01E01"))!.path; // now HEVC: skipped
    const alpha = videos.find((video) => video.path.includes("Alpha"))!.path;
    const saved = path.join(scratch, "moved-away.mp4");
    fs.renameSync(alpha, saved);
    fs.rmSync(gamma);

    await caller.scanRoots.scan({ id: rootId });
    const done = await waitUntilFinished(rootId);

    expect(done).toMatchObject({ state: "succeeded", found: 3, removed: 2 });
    const byPath = new Map((await queueRowsUnder(library)).map((row) => [row.filePath, row]));
    expect(byPath.size).toBe(5);
    for (const gone of [alpha, gamma]) expect(byPath.get(gone)).toMatchObject({ status: "removed", statusReason: VANISHED_REASON });
    expect([...byPath.values()].filter((row) => row.status === "removed")).toHaveLength(2);
    const [listed] = (await caller.scanRoots.list()).filter((root) => root.id === rootId);
    expect(listed!.lastScan).toMatchObject({ status: "succeeded", found: 3, removed: 2 });

    fs.renameSync(saved, alpha);
    await caller.scanRoots.scan({ id: rootId });
    expect(await waitUntilFinished(rootId)).toMatchObject({ state: "succeeded", found: 4, removed: 0 });
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: alpha } })).status).toBe("queued");
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: gamma } })).status).toBe("removed");
  });

  it("refuses to scan a disabled root and allows renaming and re-enabling", async () => {
    const disabled = await caller.scanRoots.update({ id: rootId, enabled: false, name: "Renamed" });
    expect(disabled).toMatchObject({ enabled: false, name: "Renamed", path: library });

    const error = await trpcErrorOf(caller.scanRoots.scan({ id: rootId }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toContain("disabled");

    expect(await caller.scanRoots.update({ id: rootId, enabled: true })).toMatchObject({ enabled: true, name: "Renamed" });
  });

  it("deletes the root but keeps the files it queued", async () => {
    expect(await caller.scanRoots.delete({ id: rootId })).toEqual({ ok: true });

    expect((await caller.scanRoots.list()).find((root) => root.id === rootId)).toBeUndefined();
    expect(await queueRowsUnder(library)).toHaveLength(5);
    expect((await trpcErrorOf(caller.scanRoots.delete({ id: rootId }))).code).toBe("NOT_FOUND");
    expect((await trpcErrorOf(caller.scanRoots.scanStatus({ id: rootId }))).code).toBe("NOT_FOUND");
  });
});

describe("scanRoots: scanning in batches, without ffprobe, and when the folder vanishes", () => {
  it("writes many files over several batches with each file once", async () => {
    const many = folder("many");
    const source = videoFixture("h264").sourcePath;
    for (let index = 0; index < 9; index += 1) {
      const target = path.join(many, `Show ${index % 3}`, `Episode ${index}.mp4`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
    }
    const root = await caller.scanRoots.create({ name: "Many", path: many });

    startScan(db, { id: root.id, path: many, private: false, displayAlias: null, lastScanFound: null }, { batchSize: 4, probeConcurrency: 2 });
    const done = await waitForScan(root.id);

    expect(done).toMatchObject({ state: "succeeded", found: 9, processed: 9, added: 9 });
    expect(await db.queueItem.count({ where: { filePath: { startsWith: `${many}/` } } })).toBe(9);
  });

  it("queues files with codec unknown when ffprobe is missing", async () => {
    const plain = folder("no-ffprobe");
    fs.copyFileSync(videoFixture("h264").sourcePath, path.join(plain, "film.mp4"));
    const root = await caller.scanRoots.create({ name: "No ffprobe", path: plain });

    startScan(db, { id: root.id, path: plain, private: false, displayAlias: null, lastScanFound: null }, { ffprobeCommand: path.join(scratch, "no-such-ffprobe") });
    const done = await waitForScan(root.id);

    expect(done).toMatchObject({ state: "succeeded", found: 1, added: 1, probed: 0, ffprobeAvailable: false });
    expect(await queueRowsUnder(plain)).toMatchObject([{ codec: "unknown", codecRaw: null, width: null, status: "queued" }]);
  });

  it("keeps the path while a scan runs, and deleting the root stops the scan and its ffprobe children", async () => {
    const slowFolder = folder("slow");
    for (const name of ["a.mkv", "b.mkv", "c.mkv"]) fs.copyFileSync(videoFixture("h265").sourcePath, path.join(slowFolder, name));
    // Answers -version like ffprobe, then hangs on every file, as ffprobe can on a stalled share.
    const slowProbe = path.join(scratch, "slow-ffprobe");
    const pidFile = path.join(scratch, "slow-ffprobe.pids");
    fs.writeFileSync(slowProbe, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo "ffprobe version 9.9-test"; exit 0; fi\necho $$ >> "${pidFile}"\nexec sleep 30\n`, { mode: 0o755 });
    const root = await caller.scanRoots.create({ name: "Slow", path: slowFolder });

    startScan(db, { id: root.id, path: slowFolder, private: false, displayAlias: null, lastScanFound: null }, { ffprobeCommand: slowProbe, probeConcurrency: 2, probeTimeoutMs: 60_000 });
    const deadline = Date.now() + 10_000;
    while ((await caller.scanRoots.scanStatus({ id: root.id }))?.phase !== "probing" || !fs.existsSync(pidFile)) {
      if (Date.now() > deadline) throw new Error("the slow scan never started probing");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const moved = await trpcErrorOf(caller.scanRoots.update({ id: root.id, path: scratch }));
    expect(moved.code).toBe("PRECONDITION_FAILED");
    expect(fieldMessages(moved)).toEqual({ path: ["A scan of this root is running; change the path after it finishes"] });

    const started = Date.now();
    expect(await caller.scanRoots.delete({ id: root.id })).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(5_000);

    expect(await queueRowsUnder(slowFolder)).toEqual([]);
    // Killed children are reaped a moment after the abort is reported: give them a second or two.
    const isAlive = (pid: string) => {
      try {
        process.kill(Number(pid), 0);
        return true;
      } catch {
        return false;
      }
    };
    const pids = fs.readFileSync(pidFile, "utf8").split("\n").filter(Boolean);
    expect(pids.length).toBeGreaterThan(0);
    const reapDeadline = Date.now() + 3_000;
    while (pids.some(isAlive) && Date.now() < reapDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it("fails with a clear, persisted error when the folder has gone", async () => {
    const gone = folder("unmounted");
    const root = await caller.scanRoots.create({ name: "Gone", path: gone });
    fs.rmSync(gone, { recursive: true });

    await caller.scanRoots.scan({ id: root.id });
    const done = await waitUntilFinished(root.id);

    expect(done.state).toBe("failed");
    expect(done.error).toBe(`${gone} no longer exists (is the drive or share mounted?)`);
    const [listed] = (await caller.scanRoots.list()).filter((candidate) => candidate.id === root.id);
    expect(listed!.lastScan).toMatchObject({ status: "failed", error: done.error, found: 0 });
  });
});

describe("scanRoots: files gone from disk are only believed gone when the disk says so", () => {
  const enoent = (target: string) => Object.assign(new Error(`ENOENT: no such file or directory, stat '${target}'`), { code: "ENOENT" });

  async function scannedFolder(name: string, fileNames: string[]) {
    const root = folder(name);
    for (const fileName of fileNames) fs.copyFileSync(videoFixture("h264").sourcePath, path.join(root, fileName));
    const created = await caller.scanRoots.create({ name, path: root });
    await caller.scanRoots.scan({ id: created.id });
    expect(await waitUntilFinished(created.id)).toMatchObject({ state: "succeeded", added: fileNames.length });
    const target = { id: created.id, path: root, private: false, displayAlias: null, lastScanFound: fileNames.length };
    return { root, target, file: (fileName: string) => path.join(root, fileName) };
  }

  const statuses = async (root: string) => Object.fromEntries((await queueRowsUnder(root)).map((row) => [path.basename(row.filePath), row.status]));

  it("leaves files alone when the whole folder looks empty, as an unmounted share does", async () => {
    const { root, target, file } = await scannedFolder("looks-unmounted", ["one.mp4", "two.mp4"]);
    fs.rmSync(file("one.mp4"));
    fs.rmSync(file("two.mp4"));

    startScan(db, target);
    expect(await waitForScan(target.id)).toMatchObject({ state: "succeeded", found: 0, removed: 0 });
    expect(await statuses(root)).toEqual({ "one.mp4": "queued", "two.mp4": "queued" });
  });

  it("keeps a file the disk will not answer for (permission denied, I/O error)", async () => {
    const { root, target, file } = await scannedFolder("unreadable-file", ["kept.mp4", "locked.mp4", "deleted.mp4"]);
    fs.rmSync(file("locked.mp4"));
    fs.rmSync(file("deleted.mp4"));
    const fileSystem: WalkFileSystem = {
      ...nodeWalkFileSystem,
      stat: (target) =>
        target === file("locked.mp4") ? Promise.reject(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" })) : nodeWalkFileSystem.stat(target),
    };

    startScan(db, target, { fileSystem });
    expect(await waitForScan(target.id)).toMatchObject({ state: "succeeded", found: 1, removed: 1 });
    expect(await statuses(root)).toEqual({ "kept.mp4": "queued", "locked.mp4": "queued", "deleted.mp4": "removed" });
  });

  it("fails the scan and marks nothing when the folder itself disappears during the check", async () => {
    const { root, target, file } = await scannedFolder("drops-mid-check", ["kept.mp4", "deleted.mp4"]);
    fs.rmSync(file("deleted.mp4"));
    let shareDropped = false;
    const fileSystem: WalkFileSystem = {
      ...nodeWalkFileSystem,
      stat: (target) => {
        // The first missing file is the moment the share goes away.
        if (target === file("deleted.mp4")) shareDropped = true;
        return shareDropped ? Promise.reject(enoent(target)) : nodeWalkFileSystem.stat(target);
      },
    };

    startScan(db, target, { fileSystem });
    const done = await waitForScan(target.id);
    expect(done).toMatchObject({ state: "failed", removed: 0, error: `${root} no longer exists (is the drive or share mounted?)` });
    expect(await statuses(root)).toEqual({ "kept.mp4": "queued", "deleted.mp4": "queued" });
  });

  it("never touches files the encoder owns, or files outside the folder", async () => {
    const { root, target, file } = await scannedFolder("encoder-owned", ["done.mp4", "failed.mp4", "queued.mp4"]);
    const sibling = folder("encoder-owned-sibling");
    const outside = path.join(sibling, "outside.mp4");
    await db.queueItem.create({ data: { filePath: outside, sizeBytes: 1n, source: "scan" } });
    await db.queueItem.update({ where: { filePath: file("done.mp4") }, data: { status: "done" } });
    await db.queueItem.update({ where: { filePath: file("failed.mp4") }, data: { status: "failed" } });
    fs.writeFileSync(file("still-here.mp4"), "x");
    for (const name of ["done.mp4", "failed.mp4", "queued.mp4"]) fs.rmSync(file(name));

    startScan(db, target);
    expect(await waitForScan(target.id)).toMatchObject({ state: "succeeded", removed: 1 });
    expect(await statuses(root)).toMatchObject({ "done.mp4": "done", "failed.mp4": "failed", "queued.mp4": "removed" });
    expect((await db.queueItem.findUniqueOrThrow({ where: { filePath: outside } })).status).toBe("queued");
  });
});

describe("scanRoots: automatic rescans", () => {
  afterAll(() => stopScanScheduler());

  async function listed(id: number) {
    return (await caller.scanRoots.list()).find((root) => root.id === id)!;
  }

  async function waitForScanCount(id: number, scans: number) {
    const deadline = Date.now() + 10_000;
    // lastScanFound counts files, so each scan here adds one file and the count tells the scans apart.
    while ((await db.scanRoot.findUniqueOrThrow({ where: { id } })).lastScanFound !== scans || isRunning(await listed(id))) {
      if (Date.now() > deadline) throw new Error(`root ${id} did not finish scan ${scans} in time`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const isRunning = (root: { scan: ScanProgress | null }) => root.scan?.state === "running";

  it("rescans a root on its interval from startup, and a manual scan, a change or disabling re-times it", async () => {
    const watched = folder("scheduled");
    fs.copyFileSync(videoFixture("h264").sourcePath, path.join(watched, "one.mp4"));
    const manualOnly = await caller.scanRoots.create({ name: "Manual only", path: folder("scheduled-manual") });
    const created = await caller.scanRoots.create({ name: "Scheduled", path: watched, scanIntervalMinutes: 60 });
    // Before the scheduler starts nothing is armed.
    expect(created).toMatchObject({ scanIntervalMinutes: 60, nextScanAt: null });

    // Never scanned, so due as soon as the startup delay allows.
    await startScanScheduler(db, { startupDelayMs: 20 });
    await waitForScanCount(created.id, 1);
    const afterScheduled = await listed(created.id);
    expect(afterScheduled.lastScan.status).toBe("succeeded");
    expect(afterScheduled.nextScanAt!.getTime() - afterScheduled.lastScan.startedAt!.getTime()).toBe(60 * 60_000);
    expect((await listed(manualOnly.id)).nextScanAt).toBeNull();
    expect(await queueRowsUnder(watched)).toHaveLength(1);

    fs.copyFileSync(videoFixture("h264").sourcePath, path.join(watched, "two.mp4"));
    await caller.scanRoots.scan({ id: created.id });
    await waitForScanCount(created.id, 2);
    const afterManual = await listed(created.id);
    expect(afterManual.lastScan.startedAt!.getTime()).toBeGreaterThan(afterScheduled.lastScan.startedAt!.getTime());
    expect(afterManual.nextScanAt!.getTime() - afterManual.lastScan.startedAt!.getTime()).toBe(60 * 60_000);

    const every15 = await caller.scanRoots.update({ id: created.id, scanIntervalMinutes: 15 });
    expect(every15.nextScanAt!.getTime() - afterManual.lastScan.startedAt!.getTime()).toBe(15 * 60_000);
    expect((await caller.scanRoots.update({ id: created.id, enabled: false })).nextScanAt).toBeNull();
    expect((await caller.scanRoots.update({ id: created.id, enabled: true })).nextScanAt).toEqual(every15.nextScanAt);
    expect(await caller.scanRoots.update({ id: created.id, scanIntervalMinutes: null })).toMatchObject({ scanIntervalMinutes: null, nextScanAt: null });
  });

  it("runs an overdue rescan right after startup and keeps to the interval after it", async () => {
    stopScanScheduler();
    const overdue = folder("scheduled-overdue");
    fs.copyFileSync(videoFixture("h264").sourcePath, path.join(overdue, "one.mp4"));
    const root = await caller.scanRoots.create({ name: "Overdue", path: overdue, scanIntervalMinutes: 15 });
    const longAgo = new Date(Date.now() - 3 * 60 * 60_000);
    await db.scanRoot.update({ where: { id: root.id }, data: { lastScanStartedAt: longAgo, lastScanFinishedAt: longAgo, lastScanFound: 0 } });

    await startScanScheduler(db, { startupDelayMs: 20 });
    await waitForScanCount(root.id, 1);

    const after = await listed(root.id);
    expect(after.lastScan.startedAt!.getTime()).toBeGreaterThan(longAgo.getTime());
    expect(after.nextScanAt!.getTime() - after.lastScan.startedAt!.getTime()).toBe(15 * 60_000);
  });
});

describe("scanRoots: private connections", () => {
  it("writes private items and keeps the root's paths out of the DTO, the scan status and the log", async () => {
    const secretFolder = folder("very-secret-collection");
    fs.copyFileSync(videoFixture("h264").sourcePath, path.join(secretFolder, "Hidden Scene.mp4"));
    fs.symlinkSync(path.join(secretFolder, "gone.mkv"), path.join(secretFolder, "Dangling Secret.mkv"));
    fs.writeFileSync(path.join(secretFolder, "Broken Secret.mkv"), "not matroska at all");
    const stash = await createConnection({ name: "Stash", appType: "stash", private: true, displayAlias: "Personal" });

    const created = await caller.scanRoots.create({ name: "Stash library", path: secretFolder, externalConnectionId: stash.id });
    expect(created).toMatchObject({ path: "Personal", pathHidden: true, externalConnectionId: stash.id, externalConnection: { id: stash.id, name: "Stash", private: true } });

    await caller.scanRoots.scan({ id: created.id });
    const done = await waitUntilFinished(created.id);

    expect(done).toMatchObject({ state: "succeeded", found: 2, skippedFolders: 1, errors: withFfprobe ? 1 : 0 });
    expect(done.problems).toContainEqual({ path: "Personal", kind: "broken-link", message: expect.any(String) });
    if (withFfprobe) expect(done.problems).toContainEqual({ path: "Personal", kind: "probe_failed", message: "ffprobe could not read the file" });
    expect(await queueRowsUnder(secretFolder)).toMatchObject([
      { private: true, connectionId: null, source: "scan" },
      { private: true, connectionId: null, source: "scan" },
    ]);
    expect(JSON.stringify(await caller.scanRoots.list())).not.toMatch(/very-secret-collection|Secret|Hidden Scene/);

    const duplicate = await trpcErrorOf(caller.scanRoots.create({ name: "Again", path: secretFolder }));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.message).not.toContain("very-secret-collection");

    await flushLogFile();
    const logText = readAllLogText();
    // The warning about the dangling link is logged, with the private label where the path would be.
    expect(logText).toMatch(/"path":"Personal","reason":"broken-link".*"msg":"scan skipped a folder or link"/);
    expect(logText).not.toMatch(/very-secret-collection|Broken Secret|Dangling Secret|Hidden Scene/);
  });

  it("validates the linked connection", async () => {
    const target = folder("linked");
    const missing = await trpcErrorOf(caller.scanRoots.create({ name: "X", path: target, externalConnectionId: 987_654 }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect(fieldMessages(missing)).toEqual({ externalConnectionId: ["Connection 987654 does not exist"] });

    const sonarr = await createConnection({ name: "Sonarr", appType: "sonarr", private: false });
    const first = await caller.scanRoots.create({ name: "TV", path: target, externalConnectionId: sonarr.id });
    expect(first.externalConnection).toEqual({ id: sonarr.id, name: "Sonarr", appType: "sonarr", private: false });
    const other = folder("linked-2");
    const taken = await trpcErrorOf(caller.scanRoots.create({ name: "TV 2", path: other, externalConnectionId: sonarr.id }));
    expect(taken.code).toBe("CONFLICT");
    expect(taken.message).toBe('Connection "Sonarr" is already linked to scan root "TV"');

    expect(await caller.scanRoots.update({ id: first.id, externalConnectionId: null })).toMatchObject({ externalConnectionId: null, externalConnection: null });
  });
});

describe("scanRoots: bad input is refused with clear messages and nothing written", () => {
  let countBefore: number;
  let aFile: string;
  let existing: string;
  beforeAll(async () => {
    aFile = path.join(folder("bad-input"), "file.mkv");
    fs.writeFileSync(aFile, "x");
    existing = folder("bad-input/existing");
    await caller.scanRoots.create({ name: "Existing", path: existing });
    countBefore = await db.scanRoot.count();
  });

  // Inputs and expectations are functions: the folders exist only once beforeAll has run.
  const cases: Array<[string, () => unknown, () => Record<string, string[]>]> = [
    ["a relative path", () => ({ name: "A", path: "media/movies" }), () => ({ path: ["Path must be an absolute path (starting with /)"] })],
    ["a 5000-character name", () => ({ name: "n".repeat(5000), path: "/tmp" }), () => ({ name: ["Name must be at most 100 characters"] })],
    ["a 5000-character path", () => ({ name: "A", path: `/${"p".repeat(5000)}` }), () => ({ path: ["Path must be at most 4096 characters"] })],
    ["wrong types", () => ({ name: 42, path: null, enabled: "yes" }), () => ({ name: ["Name must be text"], path: ["Path must be text"], enabled: ["enabled must be true or false"] })],
    ["missing fields", () => ({}), () => ({ name: ["Name is required"], path: ["Path is required"] })],
    ["an empty name", () => ({ name: "   ", path: "/tmp" }), () => ({ name: ["Enter a name"] })],
    ["a rescan every 5 minutes", () => ({ name: "A", path: "/tmp", scanIntervalMinutes: 5 }), () => ({ scanIntervalMinutes: ["Rescan at most every 15 minutes"] })],
    ["a rescan every 1.5 minutes", () => ({ name: "A", path: "/tmp", scanIntervalMinutes: 1.5 }), () => ({ scanIntervalMinutes: [expect.any(String) as string] })],
    ["a path that does not exist", () => ({ name: "A", path: path.join(scratch, "no-such-folder") }), () => ({ path: [`${path.join(scratch, "no-such-folder")} does not exist`] })],
    ["a file instead of a folder", () => ({ name: "A", path: aFile }), () => ({ path: [`${aFile} is a file, not a folder`] })],
  ];

  it.each(cases)("refuses %s", async (_label, input, expected) => {
    const error = await trpcErrorOf(caller.scanRoots.create(input() as never));

    expect(error.code).toBe("BAD_REQUEST");
    expect(fieldMessages(error)).toEqual(expected());
    expect(await db.scanRoot.count()).toBe(countBefore);
  });

  it("refuses a duplicate path, however it is spelt", async () => {
    const error = await trpcErrorOf(caller.scanRoots.create({ name: "Twice", path: `${existing}/./` }));

    expect(error.code).toBe("CONFLICT");
    expect(fieldMessages(error)).toEqual({ path: [`${existing} is already a scan root ("Existing")`] });
    expect(await db.scanRoot.count()).toBe(countBefore);
  });

  it("refuses bad updates and leaves the row as it was", async () => {
    const [root] = await db.scanRoot.findMany({ where: { path: existing } });

    const badPath = await trpcErrorOf(caller.scanRoots.update({ id: root!.id, path: path.join(scratch, "missing") }));
    expect(badPath.code).toBe("BAD_REQUEST");
    const badId = await trpcErrorOf(caller.scanRoots.update({ id: "1" as never, name: "x" }));
    expect(fieldMessages(badId)).toEqual({ id: ["Expected a numeric id"] });
    expect((await trpcErrorOf(caller.scanRoots.update({ id: 999_999, name: "x" }))).code).toBe("NOT_FOUND");

    expect(await db.scanRoot.findUniqueOrThrow({ where: { id: root!.id } })).toMatchObject({ path: existing, name: "Existing" });
  });

  it("names the field in the message over HTTP, without echoing long input", async () => {
    const apiKey = await getInstanceApiKey(db);
    const res = await postOverHttp("scanRoots.create", { name: "Z".repeat(5000), path: path.join(scratch, "nowhere") }, apiKey);
    const body = res.body as { error: { json: { message: string; data: { code: string; zodError: { fieldErrors: Record<string, string[]> } } } } };

    expect(res.status).toBe(400);
    expect(body.error.json.message).toBe("name: Name must be at most 100 characters");
    expect(body.error.json.data.zodError.fieldErrors).toEqual({ name: ["Name must be at most 100 characters"] });
    expect(JSON.stringify(body)).not.toContain("ZZZZZZZZZZ");

    const missingRes = await postOverHttp("scanRoots.create", { name: "Z", path: path.join(scratch, "nowhere") }, apiKey);
    const missingBody = missingRes.body as typeof body;
    expect(missingRes.status).toBe(400);
    expect(missingBody.error.json.message).toBe(`path: ${path.join(scratch, "nowhere")} does not exist`);
    expect(missingBody.error.json.data.zodError.fieldErrors).toEqual({ path: [`${path.join(scratch, "nowhere")} does not exist`] });
  });
});

describe("scanRoots: access", () => {
  it("refuses callers without a session or API key", async () => {
    const anonymous = anonymousCaller();
    const countBefore = await db.scanRoot.count();

    expect((await trpcErrorOf(anonymous.scanRoots.list())).code).toBe("UNAUTHORIZED");
    expect((await trpcErrorOf(anonymous.scanRoots.create({ name: "A", path: scratch }))).code).toBe("UNAUTHORIZED");
    expect((await trpcErrorOf(anonymous.scanRoots.scan({ id: 1 }))).code).toBe("UNAUTHORIZED");
    expect((await trpcErrorOf(anonymous.scanRoots.scanStatus({ id: 1 }))).code).toBe("UNAUTHORIZED");
    expect(await db.scanRoot.count()).toBe(countBefore);
  });
});
