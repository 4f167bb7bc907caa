import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { needsSetup } from "~/server/auth/admin-account";
import { isSealedWith, isStrongSecretKey, openSecret, sealSecret } from "~/server/crypto/secret-box";
import type { Database } from "~/server/db";
import { createLogger, registerSecret } from "~/server/logger";
import { rescheduleConnection } from "~/server/connections/scheduler";
import { reloadPrivatePaths } from "~/server/privacy/load-private-paths";
import { rescheduleScanRoot } from "~/server/scan/scan-schedule";
import { getSecretKey } from "~/server/secrets";
import { getInstanceApiKey, isApiKeyFromEnvironment } from "~/server/settings/settings-service";
import { BackupError } from "./backup-errors";
import { rescheduleBackups } from "./backup-schedule";
import { databaseFilePath, pendingRestoreManifestPath, pendingRestorePath } from "./backup-files";
import { knownMigrations } from "./known-migrations";
import { stageRestore } from "./restore";
import { inspectDatabase } from "./sqlite-snapshot";
import { syncDirectory } from "./sync-directory";

/**
 * Restore from the first-run page: a fresh install (no admin yet) takes a backup archive and comes
 * back as the backed-up instance, so its owner signs in with the restored account right away.
 *
 * Steps, each refusing with a BackupError and changing nothing:
 * 1. still no admin (checked again just before the database is replaced: the page may be open twice);
 * 2. the archive: manifest, checksum, integrity, an Optimizarr database with an admin in it, no
 *    migration this version doesn't know (stageRestore, as for the CLI and System → Backup);
 * 3. the secret key: connection API keys in the backup are sealed with the old install's
 *    SECRET_KEY / `data/secret.key`, which a backup never holds. Given that key, they are re-sealed
 *    under this install's key; without it they stay as they are, and each connection asks for its
 *    key again (the card's "re-enter the API key" state). A key that opens none of them is refused.
 * 4. a backup at this version's schema replaces the live database through SQLite's backup API, on
 *    the app's own file, so the running server serves it at once; an older one is staged and
 *    migrated at the next start, as a System → Backup restore is.
 *
 * This install's instance API key is kept: the running server has it in memory.
 */
const log = createLogger("backup.first-run-restore");

export interface FirstRunRestoreOutcome {
  /** The restored admin's username: the page sends its owner to sign in with it. */
  username: string;
  /** False: staged, and applied (and migrated) at the next start. */
  live: boolean;
  connections: {
    total: number;
    /** Re-sealed under this install's key with the key given. */
    keysKept: number;
    /** Still sealed with a key this install doesn't have: re-enter them under Settings → Connections. */
    keysToReenter: number;
  };
}

// One restore at a time: two uploads racing would both pass the "no admin yet" check.
let running: Promise<unknown> = Promise.resolve();

export function restoreOnFreshInstall(db: Database, archivePath: string, options: { secretKey?: string } = {}): Promise<FirstRunRestoreOutcome> {
  const next = running.then(() => restore(db, archivePath, options));
  running = next.catch(() => undefined);
  return next;
}

/** Refused once an admin exists: from then on restoring replaces someone's data (System → Backup, confirmed). */
export async function refuseUnlessFreshInstall(db: Database): Promise<void> {
  if (!(await needsSetup(db))) {
    throw new BackupError("already_set_up", "Optimizarr is already set up: sign in and restore under System → Backup");
  }
}

async function restore(db: Database, archivePath: string, options: { secretKey?: string }): Promise<FirstRunRestoreOutcome> {
  await refuseUnlessFreshInstall(db);
  const databasePath = databaseFilePath();
  if (!databasePath) throw new BackupError("unsupported_database", "Restore covers the built-in SQLite database only; DATABASE_URL points elsewhere");
  const oldKey = options.secretKey?.trim() || undefined;
  // Redacted wherever it might show up in a log line from now on.
  registerSecret(oldKey);
  if (oldKey !== undefined && !isStrongSecretKey(oldKey)) {
    throw new BackupError("wrong_secret_key", "That is not a secret key: paste the whole SECRET_KEY or data/secret.key of the old install");
  }

  const directory = path.dirname(databasePath);
  const token = crypto.randomBytes(6).toString("hex");
  const staged = { pendingDatabase: path.join(directory, `.first-run-restore-${token}.db`), pendingManifest: path.join(directory, `.first-run-restore-${token}.json`) };
  try {
    const known = knownMigrations();
    const manifest = await stageRestore(archivePath, staged, known);
    const username = restoredAdminOf(staged.pendingDatabase);
    const connections = resealConnectionKeys(staged.pendingDatabase, oldKey);
    const live = sameMigrations(inspectDatabase(staged.pendingDatabase).appliedMigrations, known);

    // Again, now that the slow part is over: nobody may have become admin meanwhile.
    await refuseUnlessFreshInstall(db);
    if (live) {
      await keepInstanceApiKey(db, staged.pendingDatabase);
      await copyIntoLiveDatabase(staged.pendingDatabase, databasePath);
      await adoptRestoredState(db);
    } else {
      fs.renameSync(staged.pendingManifest, pendingRestoreManifestPath());
      fs.renameSync(staged.pendingDatabase, pendingRestorePath());
      syncDirectory(directory);
    }
    log.info({ live, createdAt: manifest.createdAt, appVersion: manifest.appVersion, ...connections }, "restored from the first-run page");
    return { username, live, connections };
  } finally {
    fs.rmSync(staged.pendingDatabase, { force: true });
    fs.rmSync(staged.pendingManifest, { force: true });
  }
}

/**
 * What the running server read from the database at startup, read again: private folders (the
 * logger and every output hide them), and the timers of scheduled syncs, rescans and backups.
 */
async function adoptRestoredState(db: Database): Promise<void> {
  await reloadPrivatePaths(db);
  for (const { id } of await db.externalConnection.findMany({ select: { id: true } })) await rescheduleConnection(id);
  for (const { id } of await db.scanRoot.findMany({ select: { id: true } })) await rescheduleScanRoot(id);
  await rescheduleBackups();
}

function sameMigrations(applied: readonly string[], known: readonly string[]): boolean {
  return applied.length === known.length && applied.every((name, index) => name === known[index]);
}

function restoredAdminOf(databasePath: string): string {
  const sqlite = new BetterSqlite3(databasePath, { readonly: true, fileMustExist: true });
  try {
    const username = sqlite.prepare("SELECT username FROM User ORDER BY id LIMIT 1").pluck().get();
    if (typeof username !== "string") throw new BackupError("not_optimizarr", "This backup has no admin account: nobody could sign in after restoring it");
    return username;
  } finally {
    sqlite.close();
  }
}

/** Step 3, on the staged copy only. */
function resealConnectionKeys(databasePath: string, oldKey: string | undefined): FirstRunRestoreOutcome["connections"] {
  const currentKey = getSecretKey();
  const sqlite = new BetterSqlite3(databasePath, { fileMustExist: true });
  try {
    const rows = sqlite.prepare("SELECT id, apiKeyEncrypted FROM ExternalConnection").all();
    const sealed: { id: number; envelope: string }[] = [];
    for (const row of rows) {
      if (typeof row !== "object" || row === null || !("id" in row) || !("apiKeyEncrypted" in row)) continue;
      const { id, apiKeyEncrypted } = row;
      // Stash without a login stores no key at all.
      if (typeof id === "number" && typeof apiKeyEncrypted === "string" && apiKeyEncrypted !== "") sealed.push({ id, envelope: apiKeyEncrypted });
    }
    const total = rows.length;
    if (oldKey === undefined) {
      const current = sealed.filter((row) => isSealedWith(row.envelope, currentKey)).length;
      return { total, keysKept: current, keysToReenter: sealed.length - current };
    }
    const opened = sealed.filter((row) => isSealedWith(row.envelope, oldKey));
    if (sealed.length > 0 && opened.length === 0) {
      throw new BackupError("wrong_secret_key", "This secret key opens none of the backup's connection keys: check it, or leave it empty and re-enter the keys after restoring");
    }
    const update = sqlite.prepare("UPDATE ExternalConnection SET apiKeyEncrypted = ? WHERE id = ?");
    sqlite.transaction(() => {
      for (const row of opened) update.run(sealSecret(openSecret(row.envelope, oldKey), currentKey), row.id);
    })();
    return { total, keysKept: opened.length, keysToReenter: sealed.length - opened.length };
  } finally {
    sqlite.close();
  }
}

/** The backup's instance API key is sealed with the old key, and the running server caches this one: keep this one. */
async function keepInstanceApiKey(db: Database, databasePath: string): Promise<void> {
  if (isApiKeyFromEnvironment()) return;
  const value = JSON.stringify(sealSecret(await getInstanceApiKey(db), getSecretKey()));
  const sqlite = new BetterSqlite3(databasePath, { fileMustExist: true });
  try {
    sqlite.prepare("INSERT INTO Setting (key, value, updatedAt) VALUES ('instanceApiKey', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(value, new Date().toISOString());
  } finally {
    sqlite.close();
  }
}

/**
 * Step 4: SQLite's backup API writes the staged pages into the live file through SQLite's own
 * locking, so the app's open connection sees the restored database at its next statement (the
 * schema cookie changes, so its prepared statements are re-prepared). WAL mode stays on.
 * @see https://www.sqlite.org/backup.html
 */
async function copyIntoLiveDatabase(stagedPath: string, databasePath: string): Promise<void> {
  const source = new BetterSqlite3(stagedPath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(databasePath, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
}
