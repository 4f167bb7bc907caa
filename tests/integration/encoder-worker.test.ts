import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { claimItem, claimNextItem, LEASE_MS } from "~/server/encoder/claim";
import { purgeRecycledOriginals } from "~/server/encoder/recycle-bin";
import { startEncoder, stopEncoder, type EncoderWorker } from "~/server/encoder/worker";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { updateEncoderSettings, updateGeneralSettings } from "~/server/settings/settings-service";
import { signedInCaller } from "../support/callers";
import { startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeMovie } from "../fakes/arr-library";
import { makeClip } from "../support/test-clips";

/**
 * The worker end to end on real files: tiny generated clips in a temporary library, real ffmpeg,
 * the real queue. What must hold whatever happens: the original is untouched unless the verified
 * result replaced it, no temporary file is left behind, and the item says what happened in words.
 */
const api = signedInCaller();
let library: string;
let recycle: string;
let worker: EncoderWorker | null = null;

beforeEach(async () => {
  library = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-library-"));
  recycle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-recycle-")), "bin");
  await db.encodeJob.deleteMany();
  await db.queueItem.deleteMany();
  await updateGeneralSettings(db, { targetCodec: "h265", restWindows: [] });
  await updateEncoderSettings(db, {
    paused: false,
    concurrency: 1,
    encoder: "auto",
    minSavingsPercent: 0,
    minQualitySsim: 0.8,
    recycleFolder: null,
    profiles: { h265: { quality: 28, preset: "ultrafast" }, av1: { quality: 40, preset: "12" } },
  });
});

afterEach(async () => {
  await stopEncoder();
  worker = null;
  fs.rmSync(library, { recursive: true, force: true });
});

function sha256(filePath: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(filePath)).digest("hex");
}

function videoCodecOf(filePath: string): { codec: string; pixFmt: string; transfer: string | undefined } {
  const out = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,pix_fmt,color_transfer", "-of", "json", filePath], { encoding: "utf8" });
  const stream = (JSON.parse(out) as { streams: { codec_name: string; pix_fmt: string; color_transfer?: string }[] }).streams[0]!;
  return { codec: stream.codec_name, pixFmt: stream.pix_fmt, transfer: stream.color_transfer };
}

/** A clip copied into the library and queued like a scan would. */
async function queueClip(name: string, clip = makeClip({ subtitles: true }), overrides: Partial<QueueItemInput> = {}): Promise<{ id: number; filePath: string }> {
  const filePath = path.join(library, name);
  fs.copyFileSync(clip, filePath);
  const size = BigInt(fs.statSync(filePath).size);
  await upsertQueueItems(
    db,
    [{
      filePath, sizeBytes: size, codec: "h264", codecRaw: "h264", width: 320, height: 240, bitrate: null, durationSeconds: 2, qualitySource: null,
      source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
    }],
    { targetCodec: "h265" },
  );
  const item = await db.queueItem.findUniqueOrThrow({ where: { filePath } });
  return { id: item.id, filePath };
}

/** The process's worker, as startup starts it, with test timings (a round only when the test asks). */
function startWorker(): EncoderWorker {
  worker = startEncoder(db, { tickMs: 3_600_000, leaseRenewMs: 200, handBackRetryDelaysMs: [] });
  return worker;
}

async function runUntilIdle(): Promise<EncoderWorker> {
  const running = worker ?? startWorker();
  await running.tick();
  await running.idle();
  return running;
}

/** Waits until the item is being encoded by ffmpeg (its job exists), then holds it paused. */
async function pauseOnceEncoding(running: EncoderWorker, itemId: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const active = running.activeEncodes().find((encode) => encode.itemId === itemId);
    if (active?.phase === "encoding" && running.setItemPaused(itemId, true)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("the encode never started");
}

const leftovers = () => fs.readdirSync(library, { recursive: true, encoding: "utf8" }).filter((name) => path.basename(name).startsWith(".optimizarr-"));

describe("encoding a queued file", () => {
  it("replaces the original with a verified H.265 encode, keeps the original in the recycle folder, and records the result", async () => {
    await updateEncoderSettings(db, { recycleFolder: recycle });
    const { id, filePath } = await queueClip("Movie (2020).mkv");
    const originalHash = sha256(filePath);
    const originalSize = BigInt(fs.statSync(filePath).size);

    await runUntilIdle();

    const item = await db.queueItem.findUniqueOrThrow({ where: { id } });
    const [job] = await db.encodeJob.findMany({ where: { queueItemId: id } });
    expect(item).toMatchObject({ status: "done", codec: "h265", filePath, leaseOwner: null, estimatedSavingsBytes: 0n });
    expect(item.statusReason).toMatch(/^Saved /);
    expect(videoCodecOf(filePath).codec).toBe("hevc");
    expect(item.sizeBytes).toBe(BigInt(fs.statSync(filePath).size));
    expect(job).toMatchObject({ status: "done", encoder: "libx265", sizeBefore: originalSize, sizeAfter: item.sizeBytes, tempPath: null, handBackStatus: "none" });
    expect(job!.qualityScore).toBeGreaterThan(0.8);
    expect(job!.encodeSeconds).toBeGreaterThan(0);
    expect(job!.savedBytes).toBe(originalSize - item.sizeBytes);
    expect(sha256(job!.recyclePath!)).toBe(originalHash);
    expect(path.dirname(job!.recyclePath!)).toBe(recycle);
    expect(leftovers()).toEqual([]);
    // The public contract's result fields, through the API.
    const { items } = await api.queue.list({ limit: 10, status: "done" });
    expect(items.find((listed) => listed.id === id)).toMatchObject({ sizeBeforeBytes: originalSize, sizeAfterBytes: item.sizeBytes, encoder: "libx265" });
  });

  it("keeps 10-bit and HDR10 when re-encoding an HDR10 HEVC file to AV1", async () => {
    await updateGeneralSettings(db, { targetCodec: "av1" });
    const { id, filePath } = await queueClip("HDR (2021).mkv", makeClip({ tenBitHdr10: true }), { codec: "h265" });
    await db.queueItem.update({ where: { id }, data: { status: "queued" } });

    await runUntilIdle();

    expect(await db.queueItem.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done", codec: "av1" });
    expect(videoCodecOf(filePath)).toEqual({ codec: "av1", pixFmt: "yuv420p10le", transfer: "smpte2084" });
  });

  it("an AVI becomes Matroska under the new extension: the item follows, the old file goes to the recycle folder", async () => {
    await updateEncoderSettings(db, { recycleFolder: recycle });
    const avi = path.join(library, "source.avi");
    execFileSync("ffmpeg", ["-v", "error", "-i", makeClip(), "-map", "0:v", "-map", "0:a", "-c", "copy", "-bsf:v", "h264_mp4toannexb", avi]);
    const { id, filePath } = await queueClip("Old Film.avi", avi);
    fs.rmSync(avi);
    const originalHash = sha256(filePath);

    await runUntilIdle();

    const newPath = path.join(library, "Old Film.mkv");
    expect(await db.queueItem.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done", filePath: newPath, codec: "h265" });
    expect(fs.existsSync(filePath)).toBe(false);
    expect(videoCodecOf(newPath).codec).toBe("hevc");
    const job = await db.encodeJob.findFirstOrThrow({ where: { queueItemId: id } });
    expect(sha256(job.recyclePath!)).toBe(originalHash);
    expect(leftovers()).toEqual([]);
  });

  it("skips a result that is not enough smaller, leaving the original byte for byte", async () => {
    await updateEncoderSettings(db, { minSavingsPercent: 90 });
    const { id, filePath } = await queueClip("Small.mkv");
    const originalHash = sha256(filePath);

    await runUntilIdle();

    const item = await db.queueItem.findUniqueOrThrow({ where: { id } });
    expect(item.status).toBe("skipped");
    expect(item.statusReason).toMatch(/smaller .*at least 90% is required/);
    expect(sha256(filePath)).toBe(originalHash);
    expect(await db.encodeJob.findFirst({ where: { queueItemId: id } })).toMatchObject({ status: "skipped", tempPath: null });
    expect(leftovers()).toEqual([]);
  });

  it("a failing encode fails the item with ffmpeg's words (no path) and leaves the original", async () => {
    await updateEncoderSettings(db, { profiles: { h265: { quality: 28, preset: "nosuchpreset" } } });
    const { id, filePath } = await queueClip("Secret Title.mkv");
    const originalHash = sha256(filePath);

    await runUntilIdle();

    const item = await db.queueItem.findUniqueOrThrow({ where: { id } });
    expect(item.status).toBe("failed");
    expect(item.statusReason).toMatch(/^ffmpeg failed: /);
    expect(item.statusReason).not.toContain("Secret Title");
    expect(item.statusReason).not.toContain(library);
    expect(sha256(filePath)).toBe(originalHash);
    expect(leftovers()).toEqual([]);
  });

  it("a file that is not a video fails at the probe, named by nothing but its problem", async () => {
    const { id, filePath } = await queueClip("Broken.mkv");
    fs.writeFileSync(filePath, crypto.randomBytes(4096));

    await runUntilIdle();

    const item = await db.queueItem.findUniqueOrThrow({ where: { id } });
    expect(item.status).toBe("failed");
    expect(item.statusReason).not.toContain(library);
    expect(await db.encodeJob.count({ where: { queueItemId: id } })).toBe(0);
  });

  it("discards the result when the original changed during the encode (race guard)", async () => {
    const { id, filePath } = await queueClip("Changing.mkv");
    const running = startWorker();
    void running.tick();
    await pauseOnceEncoding(running, id);
    // Someone (an app's upgrade, a person) writes the file while ffmpeg works on the old one.
    fs.appendFileSync(filePath, Buffer.alloc(1024));
    const changedHash = sha256(filePath);
    running.setItemPaused(id, false);
    await running.idle();

    const item = await db.queueItem.findUniqueOrThrow({ where: { id } });
    expect(item.status).toBe("skipped");
    expect(item.statusReason).toMatch(/changed while it was being encoded/);
    expect(sha256(filePath)).toBe(changedHash);
    expect(await db.encodeJob.findFirst({ where: { queueItemId: id } })).toMatchObject({ status: "discarded" });
    expect(leftovers()).toEqual([]);
  });

  it("pauses, reports progress, and cancels: the original stays, the item is skipped until re-queued", async () => {
    const { id, filePath } = await queueClip("Cancel me.mkv", makeClip({ seconds: 6 }));
    const originalHash = sha256(filePath);
    const running = startWorker();
    void running.tick();
    await pauseOnceEncoding(running, id);
    expect((await api.encoder.status()).active).toEqual([expect.objectContaining({ itemId: id, phase: "encoding", paused: true, encoder: expect.stringContaining("x265") })]);
    expect(await api.encoder.resumeItem({ id })).toEqual({ ok: true });
    expect(await api.encoder.pauseItem({ id })).toEqual({ ok: true });
    await expect(api.encoder.pauseItem({ id: id + 1000 })).rejects.toThrow(/not being encoded/);

    expect(await api.queue.cancel({ ids: [id, id + 1000] })).toEqual({ count: 1 });
    await running.idle();

    const item = await db.queueItem.findUniqueOrThrow({ where: { id } });
    expect(item).toMatchObject({ status: "skipped", leaseOwner: null });
    expect(item.statusReason).toMatch(/cancelled/i);
    expect(sha256(filePath)).toBe(originalHash);
    expect(await db.encodeJob.findFirst({ where: { queueItemId: id } })).toMatchObject({ status: "cancelled", tempPath: null });
    expect(leftovers()).toEqual([]);
  });
});

describe("what the worker takes, and when", () => {
  it("takes nothing in rest hours or while paused, and never a file of a disabled connection", async () => {
    const now = new Date();
    const hhmm = (date: Date) => `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
    await updateGeneralSettings(db, { restWindows: [{ start: hhmm(new Date(now.getTime() - 60_000)), end: hhmm(new Date(now.getTime() + 120_000)), days: [] }] });
    const { id } = await queueClip("Rest.mkv");

    await runUntilIdle();
    expect((await db.queueItem.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
    expect(await api.encoder.status()).toMatchObject({ state: "rest-hours", inRestHours: true, encoders: expect.arrayContaining(["libx265"]), active: [] });

    await updateGeneralSettings(db, { restWindows: [] });
    await api.encoder.pause();
    await runUntilIdle();
    expect((await db.queueItem.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
    expect(await api.encoder.status()).toMatchObject({ paused: true, state: "paused" });

    const connection = await db.externalConnection.create({ data: { name: "Off", appType: "radarr", baseUrl: "http://127.0.0.1:1", apiKeyEncrypted: "x", apiKeyLast4: "xxxx", enabled: false } });
    await db.queueItem.update({ where: { id }, data: { connectionId: connection.id, externalId: "movieFile:1" } });
    await api.encoder.resume();
    await runUntilIdle();
    expect((await db.queueItem.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
    await db.externalConnection.delete({ where: { id: connection.id } });
  });

  it("pauses a running encode when rest hours begin (the default) and resumes it when they end", async () => {
    const { id } = await queueClip("Evening.mkv", makeClip({ seconds: 6 }));
    const running = startWorker();
    void running.tick();
    await pauseOnceEncoding(running, id);
    const now = new Date();
    const hhmm = (date: Date) => `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
    await updateGeneralSettings(db, { restWindows: [{ start: hhmm(new Date(now.getTime() - 60_000)), end: hhmm(new Date(now.getTime() + 120_000)), days: [] }] });

    await running.tick();
    // The person's pause ends; rest hours still hold it.
    running.setItemPaused(id, false);
    expect(running.activeEncodes()).toEqual([expect.objectContaining({ itemId: id, paused: true })]);

    await updateGeneralSettings(db, { restWindows: [] });
    await running.tick();
    expect(running.activeEncodes()).toEqual([expect.objectContaining({ itemId: id, paused: false })]);
    await running.idle();
    expect((await db.queueItem.findUniqueOrThrow({ where: { id } })).status).toBe("done");
  });

  it("deletes recycled originals after the kept days, and only the files it put there", async () => {
    fs.mkdirSync(recycle, { recursive: true });
    const old = path.join(recycle, "1-Old.mkv");
    const recent = path.join(recycle, "2-Recent.mkv");
    const foreign = path.join(recycle, "someone-elses.mkv");
    for (const file of [old, recent, foreign]) fs.writeFileSync(file, "x");
    const { id } = await queueClip("Recycled.mkv");
    const job = (recyclePath: string, daysAgo: number) =>
      db.encodeJob.create({ data: { queueItemId: id, workerId: "w", encoder: "libx265", targetCodec: "h265", sizeBefore: 1n, codecBefore: "h264", status: "done", recyclePath, finishedAt: new Date(Date.now() - daysAgo * 86_400_000) } });
    const oldJob = await job(old, 8);
    const recentJob = await job(recent, 6);

    expect(await purgeRecycledOriginals(db, 7)).toBe(1);

    expect([fs.existsSync(old), fs.existsSync(recent), fs.existsSync(foreign)]).toEqual([false, true, true]);
    expect((await db.encodeJob.findUniqueOrThrow({ where: { id: oldJob.id } })).recyclePath).toBeNull();
    expect((await db.encodeJob.findUniqueOrThrow({ where: { id: recentJob.id } })).recyclePath).toBe(recent);
  });

  it("claims by priority first, then by the biggest estimated saving", async () => {
    const small = await queueClip("Small saving.mkv");
    const big = await queueClip("Big saving.mkv");
    const urgent = await queueClip("Urgent.mkv");
    await db.queueItem.update({ where: { id: small.id }, data: { estimatedSavingsBytes: 1_000n } });
    await db.queueItem.update({ where: { id: big.id }, data: { estimatedSavingsBytes: 9_000_000n } });
    await db.queueItem.update({ where: { id: urgent.id }, data: { estimatedSavingsBytes: 10n, priority: 5 } });

    const order = [];
    for (let claimed = await claimNextItem(db, "host:1:x"); claimed; claimed = await claimNextItem(db, "host:1:x")) order.push(claimed.id);

    expect(order).toEqual([urgent.id, big.id, small.id]);
  });

  it("two workers can never claim the same item", async () => {
    const { id } = await queueClip("Contested.mkv");
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => claimItem(db, id, `host:${index}:x`)));
    expect(results.filter((claimed) => claimed !== null)).toHaveLength(1);
  });

  it("takes back an item whose encoder died (expired lease, or a dead process of this host) and deletes its temporary file", async () => {
    await updateEncoderSettings(db, { paused: true });
    const expired = await queueClip("Expired.mkv");
    const deadHere = await queueClip("Dead here.mkv");
    const aliveElsewhere = await queueClip("Alive elsewhere.mkv");
    const temporary = path.join(library, ".optimizarr-999.partial.mkv");
    fs.writeFileSync(temporary, "half an encode");
    await db.queueItem.update({ where: { id: expired.id }, data: { status: "encoding", leaseOwner: "other-host:1:a", leaseExpiresAt: new Date(Date.now() - 1000) } });
    await db.encodeJob.create({ data: { queueItemId: expired.id, workerId: "other-host:1:a", encoder: "libx265", targetCodec: "h265", sizeBefore: 1n, codecBefore: "h264", tempPath: temporary } });
    await db.queueItem.update({ where: { id: deadHere.id }, data: { status: "encoding", leaseOwner: `${os.hostname()}:999999:b`, leaseExpiresAt: new Date(Date.now() + LEASE_MS) } });
    await db.queueItem.update({ where: { id: aliveElsewhere.id }, data: { status: "encoding", leaseOwner: "other-host:2:c", leaseExpiresAt: new Date(Date.now() + LEASE_MS) } });

    await runUntilIdle();

    expect((await db.queueItem.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("queued");
    expect((await db.queueItem.findUniqueOrThrow({ where: { id: deadHere.id } })).status).toBe("queued");
    expect((await db.queueItem.findUniqueOrThrow({ where: { id: aliveElsewhere.id } })).status).toBe("encoding");
    expect(await db.encodeJob.findFirst({ where: { queueItemId: expired.id } })).toMatchObject({ status: "interrupted", tempPath: null });
    expect(fs.existsSync(temporary)).toBe(false);
  });

  it("shutdown stops a running encode and puts the item back in the queue, original untouched", async () => {
    const { id, filePath } = await queueClip("Shutdown.mkv", makeClip({ seconds: 6 }));
    const originalHash = sha256(filePath);
    const running = startWorker();
    void running.tick();
    await pauseOnceEncoding(running, id);

    await stopEncoder();

    expect(await db.queueItem.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "queued", leaseOwner: null });
    expect(sha256(filePath)).toBe(originalHash);
    expect(leftovers()).toEqual([]);
  });
});

describe("a connection's file", () => {
  const KEY = "encKEYencKEYencKEYencKEYencKEY00";
  const servers: FakeArrServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  /** A Radarr whose movie 5 is the clip in the library (file id 50, its real size), and the synced queue item. */
  async function radarrMovie() {
    const filePath = path.join(library, "Movie (2020)", "Movie (2020).mkv");
    fs.mkdirSync(path.dirname(filePath));
    fs.copyFileSync(makeClip({ subtitles: true }), filePath);
    const movie = (size: number, codec: string) => fakeMovie(5, { id: 50, path: "/movies/Movie (2020)/Movie (2020).mkv", size, mediaInfo: { videoCodec: codec } });
    const radarr = await startFakeArr({ app: "radarr", apiKey: KEY, library: { movies: [movie(fs.statSync(filePath).size, "x264")] } });
    servers.push(radarr);
    const { connection } = await api.connections.create({ name: "Radarr", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, pathMappings: [{ remote: "/movies", local: library }] });
    await api.connections.sync({ id: connection.id });
    for (let waited = 0; (await db.queueItem.count({ where: { connectionId: connection.id } })) === 0 && waited < 100; waited += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const item = await db.queueItem.findFirstOrThrow({ where: { connectionId: connection.id } });
    expect(item).toMatchObject({ filePath, externalId: "movieFile:50", externalParentId: "movie:5", status: "queued" });
    return { radarr, filePath, item, movie };
  }

  it("after replacing it, asks Radarr to rescan the movie and records that Radarr now reports the new file", async () => {
    const { radarr, filePath, item, movie } = await radarrMovie();
    // The rescan finds what is on disk now.
    radarr.setBehaviour({ commands: { runningReads: 1, onComplete: () => radarr.setLibrary({ movies: [movie(fs.statSync(filePath).size, "x265")] }) } });

    await runUntilIdle();

    expect(await db.queueItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: "done", codec: "h265" });
    const job = await db.encodeJob.findFirstOrThrow({ where: { queueItemId: item.id } });
    expect(job).toMatchObject({ status: "done", handBackStatus: "confirmed" });
    expect(job.handBackMessage).toMatch(/^Radarr updated: reports .* H\.265/);
    const posts = radarr.requests.filter((request) => request.method === "POST" && request.url === "/api/v3/command");
    expect(posts.map((request) => JSON.parse(request.body) as unknown)).toEqual([{ name: "RescanMovie", movieId: 5 }]);
    // The race guard asked Radarr about this file id before the swap.
    expect(radarr.requests.some((request) => request.url === "/api/v3/moviefile/50")).toBe(true);
  });

  it("discards the result when Radarr upgraded the file during the encode, and leaves the new download alone", async () => {
    const { radarr, filePath, item, movie } = await radarrMovie();
    const running = startWorker();
    void running.tick();
    await pauseOnceEncoding(running, item.id);
    // Radarr imported an upgrade under the same file id: it now reports another size.
    radarr.setLibrary({ movies: [movie(123_456_789, "x264")] });
    const before = sha256(filePath);
    running.setItemPaused(item.id, false);
    await running.idle();

    const after = await db.queueItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(after.status).toBe("skipped");
    expect(after.statusReason).toMatch(/Radarr replaced or removed the file while it was being encoded/);
    expect(sha256(filePath)).toBe(before);
    expect(radarr.requests.some((request) => request.method === "POST")).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
