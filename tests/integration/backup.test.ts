import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { unzipSync, zipSync, strToU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signedInCaller, anonymousCaller } from "../support/callers";
import { recordAppliedMigrations } from "../support/prisma-migrations-table";
import { trpcErrorOf } from "../support/trpc-calls";
import { GET as downloadRoute } from "~/app/api/backups/[name]/route";
import { POST as restoreRoute } from "~/app/api/backups/restore/route";
import { PrismaClient } from "~/generated/prisma/client";
import { backupsDirectory, databaseFilePath, pendingRestoreManifestPath, pendingRestorePath } from "~/server/backup/backup-files";
import { runScheduledBackup, startBackupScheduler, stopBackupScheduler } from "~/server/backup/backup-schedule";
import { applyPendingRestore } from "~/server/backup/restore";
import { sealSecret } from "~/server/crypto/secret-box";
import { db } from "~/server/db";
import { getSecretKey } from "~/server/secrets";
import { getInstanceApiKey } from "~/server/settings/settings-service";
import { listScheduledTasks } from "~/server/system/scheduled-tasks";

const databasePath = databaseFilePath()!;
const restorePaths = { pendingDatabase: pendingRestorePath(), pendingManifest: pendingRestoreManifestPath() };

beforeAll(async () => {
  // What `prisma migrate deploy` leaves behind: backups name their migration, restores check it.
  recordAppliedMigrations(databasePath);
  await db.user.create({ data: { username: "admin", passwordHash: "not-a-real-hash" } });
});

/** The database inside an archive, written to a file of its own so SQLite can open it. */
function unpackDatabase(archive: Uint8Array, name: string): string {
  const entries = unzipSync(archive);
  const target = path.join(path.dirname(databasePath), `unpacked-${name}.db`);
  fs.writeFileSync(target, entries["optimizarr.db"]!);
  return target;
}

function readArchive(name: string): Uint8Array {
  return fs.readFileSync(path.join(backupsDirectory(), name));
}

async function downloadAs(name: string, headers: Record<string, string> = {}): Promise<Response> {
  return downloadRoute(new Request(`http://localhost/api/backups/${encodeURIComponent(name)}`, { headers }), { params: Promise.resolve({ name }) });
}

async function uploadRestore(archive: Uint8Array, { confirm }: { confirm: boolean }): Promise<Response> {
  const apiKey = await getInstanceApiKey(db);
  const url = `http://localhost/api/backups/restore${confirm ? "?confirm=replace" : ""}`;
  return restoreRoute(new Request(url, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/zip" }, body: Buffer.from(archive) }));
}

describe("backup archives", () => {
  let writer: ChildProcess | undefined;
  afterAll(() => writer?.kill());

  it("copies a consistent database while another process keeps writing to it", async () => {
    // Arrange: a second process commits two rows per transaction, as fast as it can.
    const probe = new Database(databasePath);
    probe.exec("CREATE TABLE IF NOT EXISTS WriterProbe (batch INTEGER NOT NULL, part INTEGER NOT NULL)");
    probe.close();
    const script = `
      const Database = require("better-sqlite3");
      const sqlite = new Database(${JSON.stringify(databasePath)}, { timeout: 10000 });
      // Keep every commit in the WAL: a backup that copied only the main file would miss them all.
      sqlite.pragma("wal_autocheckpoint = 0");
      const insert = sqlite.prepare("INSERT INTO WriterProbe (batch, part) VALUES (?, ?)");
      const pair = sqlite.transaction((batch) => { insert.run(batch, 1); insert.run(batch, 2); });
      let batch = 0;
      const tick = () => { for (let i = 0; i < 50; i++) pair(++batch); if (batch === 500) process.stdout.write("ready\\n"); setImmediate(tick); };
      tick();`;
    writer = spawn(process.execPath, ["-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => writer!.stdout!.once("data", () => resolve()));
    const committedBefore = new Database(databasePath, { readonly: true }).prepare("SELECT max(batch) FROM WriterProbe").pluck().get() as number;

    // Act
    const backup = await signedInCaller().backup.create();
    writer.kill();

    // Assert: every transaction is whole, and everything committed before the backup began is in it.
    const copy = new Database(unpackDatabase(readArchive(backup.name), "concurrent"), { readonly: true });
    expect(copy.pragma("quick_check", { simple: true })).toBe("ok");
    expect(copy.prepare("SELECT count(*) FROM WriterProbe GROUP BY batch HAVING count(*) <> 2").all()).toEqual([]);
    expect(copy.prepare("SELECT max(batch) FROM WriterProbe").pluck().get()).toBeGreaterThanOrEqual(committedBefore);
    expect(copy.prepare("SELECT username FROM User").pluck().all()).toEqual(["admin"]);
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    copy.close();
  });

  it("writes a manifest, 0600 archives in a 0700 folder, and lists names and sizes only", async () => {
    const backup = await signedInCaller().backup.create();

    const manifest = JSON.parse(Buffer.from(unzipSync(readArchive(backup.name))["manifest.json"]!).toString("utf8"));
    expect(manifest).toMatchObject({ app: "optimizarr", formatVersion: 1, appVersion: expect.any(String), kind: "manual", secretKeyIncluded: false });
    expect(manifest.migration).toBe(fs.readdirSync("prisma/migrations").filter((name) => /^\d+_/.test(name)).sort().at(-1));
    expect(fs.statSync(path.join(backupsDirectory(), backup.name)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(backupsDirectory()).mode & 0o777).toBe(0o700);
    const listed = await signedInCaller().backup.list();
    expect(listed.find((entry) => entry.name === backup.name)).toEqual({ name: backup.name, kind: "manual", createdAt: expect.any(Date), bytes: backup.bytes });
    expect(JSON.stringify(listed)).not.toContain(path.sep + "backups");
  });

  it("keeps connection API keys sealed and leaves the secret key out", async () => {
    // Arrange: a connection whose key is a recognisable plaintext, stored the way the app stores it.
    const plaintextKey = "PLAINTEXT-API-KEY-0123456789abcdef";
    const sealed = sealSecret(plaintextKey, getSecretKey());
    await db.externalConnection.create({ data: { name: "Sonarr", appType: "sonarr", baseUrl: "http://sonarr.local:8989", apiKeyEncrypted: sealed, apiKeyLast4: "cdef" } });
    const instanceKey = await getInstanceApiKey(db);

    // Act
    const backup = await signedInCaller().backup.create();

    // Assert: neither the archive nor the database inside it holds a key or the secret in the clear…
    const archive = Buffer.from(readArchive(backup.name));
    const copyPath = unpackDatabase(archive, "secrets");
    const copyBytes = fs.readFileSync(copyPath);
    for (const bytes of [archive, copyBytes]) {
      for (const secret of [plaintextKey, instanceKey, getSecretKey()]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // …and the sealed value is there, so the search above was looking at the right data.
    const copy = new Database(copyPath, { readonly: true });
    expect(copy.prepare("SELECT apiKeyEncrypted FROM ExternalConnection WHERE name = 'Sonarr'").pluck().get()).toBe(sealed);
    copy.close();
  });

  it("deletes a listed backup and refuses names that aren't listed", async () => {
    const backup = await signedInCaller().backup.create();
    await signedInCaller().backup.delete({ name: backup.name });
    expect((await signedInCaller().backup.list()).map((entry) => entry.name)).not.toContain(backup.name);
    expect((await trpcErrorOf(signedInCaller().backup.delete({ name: "../optimizarr.db" }))).code).toBe("NOT_FOUND");
    expect(fs.existsSync(databasePath)).toBe(true);
    expect((await trpcErrorOf(anonymousCaller().backup.list())).code).toBe("UNAUTHORIZED");
  });
});

describe("download route", () => {
  it("streams a listed backup to an X-Api-Key caller", async () => {
    const backup = await signedInCaller().backup.create();

    const response = await downloadAs(backup.name, { "x-api-key": await getInstanceApiKey(db) });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${backup.name}"`);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(readArchive(backup.name)))).toBe(true);
  });

  it("answers 401 without a session or with a wrong key", async () => {
    const [backup] = await signedInCaller().backup.list();

    expect((await downloadAs(backup!.name)).status).toBe(401);
    expect((await downloadAs(backup!.name, { "x-api-key": "wrong" })).status).toBe(401);
  });

  it("never serves a file outside the listing", async () => {
    const apiKey = await getInstanceApiKey(db);
    fs.writeFileSync(path.join(backupsDirectory(), "notes.txt"), "not a backup");
    const attempts = ["../optimizarr.db", "..%2Foptimizarr.db", "../../etc/passwd", databasePath, "notes.txt", ".", "optimizarr_backup_manual_2020.01.01_00.00.00.zip"];

    for (const name of attempts) {
      const response = await downloadAs(name, { "x-api-key": apiKey });
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
  });
});

describe("scheduled backups", () => {
  afterAll(() => {
    stopBackupScheduler();
    vi.useRealTimers();
  });

  it("keeps the newest N scheduled backups and every manual one", async () => {
    // Arrange
    await signedInCaller().backup.updateSettings({ interval: "daily", keep: 2 });
    const manualBefore = (await signedInCaller().backup.list()).filter((entry) => entry.kind === "manual");
    vi.useFakeTimers({ toFake: ["Date"] });

    // Act: four scheduled runs a day apart.
    for (let day = 1; day <= 4; day++) {
      vi.setSystemTime(new Date(Date.UTC(2030, 0, day, 3, 0, 0)));
      await runScheduledBackup(db);
    }
    vi.useRealTimers();

    // Assert
    const listed = await signedInCaller().backup.list();
    expect(listed.filter((entry) => entry.kind === "scheduled").map((entry) => entry.createdAt.toISOString())).toEqual(["2030-01-04T03:00:00.000Z", "2030-01-03T03:00:00.000Z"]);
    expect(listed.filter((entry) => entry.kind === "manual")).toEqual(manualBefore);
  });

  it("shows the backup in System → Status's scheduled tasks, due an interval after the newest scheduled backup", async () => {
    await startBackupScheduler(db, { startupDelayMs: 0 });

    const task = (await listScheduledTasks(db)).find((entry) => entry.kind === "backup");

    expect(task).toMatchObject({ id: "backup", name: "Back up the database", intervalMinutes: 24 * 60, enabled: true });
    expect(task?.lastRunAt?.toISOString()).toBe("2030-01-04T03:00:00.000Z");
    expect(task?.nextRunAt?.toISOString()).toBe("2030-01-05T03:00:00.000Z");
  });

  it("drops the timer when backups are switched off", async () => {
    const settings = await signedInCaller().backup.updateSettings({ interval: "off" });

    expect(settings.nextRunAt).toBeNull();
    expect((await listScheduledTasks(db)).find((entry) => entry.kind === "backup")).toBeUndefined();
  });
});

/** Runs one statement in another process that then dies without closing the database (no checkpoint). */
function crashAfterWriting(sql: string): void {
  const script = `
    const Database = require("better-sqlite3");
    const sqlite = new Database(${JSON.stringify(databasePath)});
    sqlite.pragma("wal_autocheckpoint = 0");
    sqlite.exec(${JSON.stringify(sql)});
    process.kill(process.pid, "SIGKILL");`;
  spawnSync(process.execPath, ["-e", script], { cwd: process.cwd(), stdio: "inherit" });
  expect(fs.statSync(`${databasePath}-wal`).size).toBeGreaterThan(0);
}

describe("restore", () => {
  it("refuses to apply while another connection has the database open", async () => {
    const [backup] = await signedInCaller().backup.list();
    expect((await uploadRestore(readArchive(backup!.name), { confirm: true })).status).toBe(200);

    // The app's own connection is open: a running server must never have its database swapped.
    expect(() => applyPendingRestore(restorePaths, databasePath)).toThrow(/locked/);

    expect(fs.existsSync(restorePaths.pendingDatabase)).toBe(true);
    expect(fs.readdirSync(path.dirname(databasePath)).filter((name) => name.includes("before-restore"))).toEqual([]);
    expect((await signedInCaller().backup.cancelRestore()).cancelled).toBe(true);
    expect(fs.existsSync(restorePaths.pendingDatabase)).toBe(false);
  });

  it("refuses what isn't an Optimizarr backup this version can run", async () => {
    const notAZip = await uploadRestore(strToU8("hello"), { confirm: true });
    expect(notAZip.status).toBe(400);

    const noManifest = await uploadRestore(zipSync({ "optimizarr.db": strToU8("x") }), { confirm: true });
    expect(noManifest.status).toBe(400);

    // A real backup whose database knows a migration this version doesn't: made by a newer Optimizarr.
    const backup = await signedInCaller().backup.create();
    const entries = unzipSync(readArchive(backup.name));
    const newer = path.join(path.dirname(databasePath), "newer.db");
    fs.writeFileSync(newer, entries["optimizarr.db"]!);
    recordAppliedMigrations(newer, ["29991231000000_from_the_future"]);
    const newerBytes = fs.readFileSync(newer);
    const manifest = JSON.parse(Buffer.from(entries["manifest.json"]!).toString("utf8"));
    manifest.database.bytes = newerBytes.length;
    manifest.database.sha256 = (await import("node:crypto")).createHash("sha256").update(newerBytes).digest("hex");
    const fromTheFuture = await uploadRestore(zipSync({ "manifest.json": strToU8(JSON.stringify(manifest)), "optimizarr.db": newerBytes }), { confirm: true });
    expect(fromTheFuture.status).toBe(422);
    expect(((await fromTheFuture.json()) as { error: { kind: string } }).error.kind).toBe("newer_version");

    // A damaged archive: the database doesn't match the manifest's checksum.
    const tampered = await uploadRestore(zipSync({ "manifest.json": entries["manifest.json"]!, "optimizarr.db": newerBytes }), { confirm: true });
    expect(tampered.status).toBe(400);

    expect(fs.existsSync(restorePaths.pendingDatabase)).toBe(false);
  });

  it("needs a confirmation to replace a database that holds data, a key, and an archive content type", async () => {
    const [backup] = await signedInCaller().backup.list();
    const archive = readArchive(backup!.name);

    expect((await uploadRestore(archive, { confirm: false })).status).toBe(409);
    const anonymous = await restoreRoute(new Request("http://localhost/api/backups/restore?confirm=replace", { method: "POST", headers: { "x-api-key": "wrong" }, body: Buffer.from(archive) }));
    expect(anonymous.status).toBe(401);
    const asForm = await restoreRoute(
      new Request("http://localhost/api/backups/restore?confirm=replace", { method: "POST", headers: { "x-api-key": await getInstanceApiKey(db), "content-type": "text/plain" }, body: Buffer.from(archive) }),
    );
    expect(asForm.status).toBe(415);
    expect(fs.existsSync(restorePaths.pendingDatabase)).toBe(false);
  });

  it("brings the backed-up data back at the next start and keeps the replaced database aside", async () => {
    // Arrange: a backup, then changes made after it.
    await db.setting.upsert({ where: { key: "probe" }, create: { key: "probe", value: "before" }, update: { value: "before" } });
    const backup = await signedInCaller().backup.create();
    await db.setting.update({ where: { key: "probe" }, data: { value: "after" } });
    await db.user.create({ data: { username: "made-after-the-backup", passwordHash: "x" } });

    // Act: upload (staged while the app runs), then a restart: the app's connection closes, the
    // staged file is applied before anything opens the database, and a new connection opens it.
    const staged = await uploadRestore(readArchive(backup.name), { confirm: true });
    expect(staged.status).toBe(200);
    expect(await signedInCaller().backup.pendingRestore()).toMatchObject({ backupCreatedAt: expect.any(String) });
    await db.$disconnect();
    // The last writes of a process that died before checkpointing are still only in the WAL file.
    crashAfterWriting(`INSERT INTO User (username, passwordHash, updatedAt) VALUES ('written-before-a-crash', 'x', 0)`);
    const applied = applyPendingRestore(restorePaths, databasePath, new Date("2030-02-01T12:00:00Z"));
    const reopened = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${databasePath}` }) });

    // Assert
    try {
      expect((await reopened.setting.findUnique({ where: { key: "probe" } }))?.value).toBe("before");
      expect(await reopened.user.count({ where: { username: { in: ["made-after-the-backup", "written-before-a-crash"] } } })).toBe(0);
    } finally {
      await reopened.$disconnect();
    }
    expect(applied?.keptAs).toBe(`${databasePath}.before-restore-20300201T120000Z`);
    const kept = new Database(applied!.keptAs!, { readonly: true });
    expect(kept.prepare("SELECT value FROM Setting WHERE key = 'probe'").pluck().get()).toBe('"after"');
    expect(kept.prepare("SELECT username FROM User WHERE username IN ('made-after-the-backup', 'written-before-a-crash') ORDER BY username").pluck().all()).toEqual([
      "made-after-the-backup",
      "written-before-a-crash",
    ]);
    kept.close();
    expect(fs.existsSync(restorePaths.pendingDatabase)).toBe(false);
    expect(applyPendingRestore(restorePaths, databasePath)).toBeNull();
  });
});
