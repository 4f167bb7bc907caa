import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { anonymousCaller, signedInCaller } from "../support/callers";
import { flushLogFile } from "../support/log-file";
import packageJson from "../../package.json";
import { sealSecret } from "~/server/crypto/secret-box";
import { db } from "~/server/db";
import { createLogger, logDirectory } from "~/server/logger";
import { startConnectionScheduler, stopConnectionScheduler } from "~/server/connections/scheduler";
import { startScanScheduler, stopScanScheduler } from "~/server/scan/scan-schedule";
import { getSecretKey } from "~/server/secrets";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof TRPCError ? error.code : "not a TRPCError"),
  );
}

async function createConnection(fields: { name: string; appType: string; private?: boolean; enabled?: boolean; lastErrorCategory?: string | null; lastErrorMessage?: string | null }) {
  return db.externalConnection.create({
    data: {
      baseUrl: "http://127.0.0.1:8989",
      apiKeyEncrypted: sealSecret("0123456789abcdef0123456789abcdef", getSecretKey()),
      apiKeyLast4: "cdef",
      lastErrorAt: fields.lastErrorCategory ? new Date() : null,
      ...fields,
    },
  });
}

describe("system.status", () => {
  it("reports version, paths, database size, queue counts and passing health checks", async () => {
    await db.queueItem.createMany({
      data: [
        { filePath: "/s/1.mkv", sizeBytes: 10n, source: "scan", status: "queued" },
        { filePath: "/s/2.mkv", sizeBytes: 10n, source: "scan", status: "queued" },
        { filePath: "/s/3.mkv", sizeBytes: 10n, source: "scan", status: "done" },
      ],
    });

    const status = await signedInCaller().system.status();

    expect(status.version).toBe(packageJson.version);
    expect(status.nodeVersion).toBe(process.version);
    expect(status.dataDir).toBe(path.resolve(process.env.DATA_DIR!));
    expect(status.logDirectory).toBe(path.join(status.dataDir, "logs"));
    expect(status.databasePath).toBe(path.join(status.dataDir, "optimizarr.db"));
    expect(status.databaseSizeBytes).toBeGreaterThanOrEqual(fs.statSync(status.databasePath!).size);
    expect(status.queue.byStatus).toMatchObject({ queued: 2, done: 1, failed: 0, encoding: 0, skipped: 0 });
    expect(status.queue.total).toBe(3);
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(status.clock.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    const byId = new Map(status.health.map((result) => [result.id, result]));
    expect(byId.get("data-dir-writable")?.level).toBe("ok");
    expect(byId.get("connections")?.level).toBe("ok");
    expect(byId.get("scan-roots")).toMatchObject({ level: "ok", message: "No scan roots to check" });
    expect(byId.get("disk-space")).toBeDefined();
    expect(byId.get("ffprobe")).toBeDefined();
  });

  it("warns about failing connections, and keeps a private connection's error text out", async () => {
    const sonarr = await createConnection({ name: "Sonarr 4K", appType: "sonarr", lastErrorCategory: "unauthorized", lastErrorMessage: "Sonarr rejected the API key (401)" });
    const stash = await createConnection({
      name: "Home Stash",
      appType: "stash",
      private: true,
      lastErrorCategory: "bad_response",
      lastErrorMessage: "Scene /private/vault/secret-title.mp4 has an invalid file",
    });
    await createConnection({ name: "Radarr ok", appType: "radarr" });
    await createConnection({ name: "Radarr off", appType: "radarr", enabled: false, lastErrorCategory: "unreachable", lastErrorMessage: "ECONNREFUSED" });

    const { health } = await signedInCaller().system.status();

    const warnings = health.filter((result) => result.id.startsWith("connection-failing:"));
    expect(warnings.map((result) => [result.id, result.level])).toEqual([
      [`connection-failing:${stash.id}`, "warning"],
      [`connection-failing:${sonarr.id}`, "warning"],
    ]);
    expect(warnings[1]!.message).toBe("Sonarr 'Sonarr 4K' is failing: Sonarr rejected the API key (401)");
    expect(warnings[0]!.message).toBe("Stash 'Home Stash' is failing: it sent a response Optimizarr does not understand");
    expect(JSON.stringify(health)).not.toContain("vault");
    expect(JSON.stringify(health)).not.toContain("secret-title");
    expect(health.some((result) => result.id === "connections")).toBe(false);
    // Problems come before passing checks.
    expect(health.findIndex((result) => result.level === "ok")).toBeGreaterThan(health.findLastIndex((result) => result.level !== "ok"));

    await db.externalConnection.deleteMany();
  });
});

describe("system.status: scan roots", () => {
  it("reports a root whose folder is gone as an error and a failed last scan as a warning, never a private root's path", async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-health-roots-"));
    const folder = (name: string) => {
      const target = path.join(scratch, name);
      fs.mkdirSync(target);
      return target;
    };
    const stash = await createConnection({ name: "Vault", appType: "stash", private: true });
    const healthy = await db.scanRoot.create({ data: { name: "Healthy", path: folder("healthy") } });
    const unplugged = await db.scanRoot.create({ data: { name: "Unplugged", path: path.join(scratch, "usb-drive") } });
    const privateGone = await db.scanRoot.create({ data: { name: "Hidden", path: path.join(scratch, "secret-vault-path"), externalConnectionId: stash.id } });
    const failed = await db.scanRoot.create({ data: { name: "Flaky", path: folder("flaky"), lastScanError: "Scan failed: disk I/O error" } });
    await db.scanRoot.create({ data: { name: "Off", path: path.join(scratch, "also-missing"), enabled: false } });

    let { health } = await signedInCaller().system.status();
    const byId = new Map(health.map((result) => [result.id, result]));

    expect(byId.get(`scan-root-unreachable:${unplugged.id}`)).toMatchObject({ level: "error", message: `Scan root 'Unplugged': ${path.join(scratch, "usb-drive")} does not exist` });
    expect(byId.get(`scan-root-unreachable:${privateGone.id}`)).toMatchObject({ level: "error", message: "Scan root 'Hidden': the folder does not exist" });
    expect(byId.get(`scan-root-failed:${failed.id}`)).toMatchObject({ level: "warning", message: "The last scan of 'Flaky' failed: Scan failed: disk I/O error" });
    expect(health.filter((result) => result.id.startsWith("scan-root")).map((result) => result.id)).toHaveLength(3);
    expect(JSON.stringify(health)).not.toContain("secret-vault-path");
    expect(byId.has(`scan-root-unreachable:${healthy.id}`)).toBe(false);

    // Plugged back in, and scanned again without error: all clear.
    fs.mkdirSync(unplugged.path);
    fs.mkdirSync(privateGone.path);
    await db.scanRoot.update({ where: { id: failed.id }, data: { lastScanError: null } });
    ({ health } = await signedInCaller().system.status());
    expect(health.find((result) => result.id === "scan-roots")).toMatchObject({ level: "ok", message: "All enabled scan roots are reachable" });

    await db.scanRoot.deleteMany();
    await db.externalConnection.deleteMany();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
});

describe("system.status: scheduled tasks", () => {
  afterAll(() => {
    stopConnectionScheduler();
    stopScanScheduler();
  });

  it("lists automatic syncs and rescans with interval, last and next run, soonest first", async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-tasks-"));
    // Scheduled backups are on by default; their task is tested in backup.test.ts.
    await signedInCaller().backup.updateSettings({ interval: "off" });
    expect((await signedInCaller().system.status()).scheduledTasks).toEqual([]);

    const radarr = await createConnection({ name: "Movies", appType: "radarr" });
    await db.externalConnection.update({ where: { id: radarr.id }, data: { syncIntervalMinutes: 360 } });
    const lastScan = new Date(Date.now() - 60 * 60_000);
    const tv = await db.scanRoot.create({ data: { name: "TV", path: scratch, scanIntervalMinutes: 120, lastScanStartedAt: lastScan, lastScanFinishedAt: lastScan } });
    const off = await db.scanRoot.create({ data: { name: "Old disk", path: path.join(scratch, "old"), scanIntervalMinutes: 1440, enabled: false } });
    await db.scanRoot.create({ data: { name: "Manual", path: path.join(scratch, "manual") } });

    await startConnectionScheduler(db, { startupDelayMs: 60_000 });
    await startScanScheduler(db, { startupDelayMs: 60_000 });
    const { scheduledTasks } = await signedInCaller().system.status();

    expect(scheduledTasks.map((task) => [task.id, task.name, task.intervalMinutes, task.enabled])).toEqual([
      [`sync:${radarr.id}`, 'Sync Radarr "Movies"', 360, true],
      [`rescan:${tv.id}`, 'Rescan "TV"', 120, true],
      [`rescan:${off.id}`, 'Rescan "Old disk"', 1440, false],
    ]);
    const [sync, rescan, paused] = scheduledTasks;
    // Never synced: due once the startup delay is over. Scanned an hour ago every two hours: due in an hour.
    expect(sync!.lastRunAt).toBeNull();
    expect(sync!.nextRunAt!.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(rescan!.lastRunAt).toEqual(lastScan);
    expect(rescan!.nextRunAt).toEqual(new Date(lastScan.getTime() + 120 * 60_000));
    expect(paused!.nextRunAt).toBeNull();

    await db.scanRoot.deleteMany();
    await db.externalConnection.deleteMany();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
});

describe("system.logs", () => {
  it("returns the newest lines first, filtered by level, without credential fields", async () => {
    await flushLogFile();
    const log = createLogger("system-test");
    log.info({ step: 1 }, "info line");
    log.warn({ step: 2, password: "hunter22", nested: { token: "abc123456789" } }, "warn line");
    log.error({ step: 3, err: new Error("kaboom") }, "error line");
    await flushLogFile();
    const caller = signedInCaller();

    const all = await caller.system.logs({ limit: 1000 });
    const warnings = await caller.system.logs({ level: "warn", limit: 1000 });

    const ours = (entries: typeof all.entries) => entries.filter((entry) => entry.module === "system-test").map((entry) => entry.msg);
    expect(ours(all.entries)).toEqual(["error line", "warn line", "info line"]);
    expect(ours(warnings.entries)).toEqual(["error line", "warn line"]);
    expect(warnings.entries.every((entry) => ["warn", "error", "fatal"].includes(entry.level))).toBe(true);
    const warn = all.entries.find((entry) => entry.msg === "warn line")!;
    expect(warn.extra).toEqual({ step: 2, nested: {} });
    expect(warn.time).toBeInstanceOf(Date);
    const error = all.entries.find((entry) => entry.msg === "error line")!;
    expect(error.extra.err).toMatchObject({ message: "kaboom", type: "Error" });
    expect(JSON.stringify(all)).not.toContain("hunter22");
    expect(all.directory).toBe(logDirectory());
  });

  it("pages with limit and nextBefore", async () => {
    const log = createLogger("paging-test");
    for (let index = 0; index < 5; index++) log.info(`page line ${index}`);
    await flushLogFile();
    const caller = signedInCaller();

    const first = await caller.system.logs({ limit: 3 });
    const second = await caller.system.logs({ limit: 3, before: first.nextBefore! });

    expect(first.entries).toHaveLength(3);
    const ids = [...first.entries, ...second.entries].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(6);
    const times = [...first.entries, ...second.entries].map((entry) => entry.time.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("rejects a limit above 1000 and a malformed cursor", async () => {
    const caller = signedInCaller();

    expect(await codeOf(caller.system.logs({ limit: 1001 }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.system.logs({ limit: 10, before: "../../etc/passwd:0" }))).toBe("BAD_REQUEST");
    expect((await caller.system.logs()).entries.length).toBeLessThanOrEqual(200);
  });
});

describe("access", () => {
  it("answers UNAUTHORIZED without a session or API key", async () => {
    const anonymous = anonymousCaller();

    expect(await codeOf(anonymous.system.status())).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.system.logs({ limit: 10 }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.system.clock())).toBe("UNAUTHORIZED");
    expect((await signedInCaller().system.clock()).timeZone).toBeTruthy();
  });
});
