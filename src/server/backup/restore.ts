import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { readBackupArchive } from "./backup-archive";
import { BackupError } from "./backup-errors";
import { backupManifestSchema, type BackupManifest } from "./backup-manifest";
import { inspectDatabase } from "./sqlite-snapshot";
import { syncDirectory } from "./sync-directory";

/**
 * Restore in two steps, so the live database is never replaced under an open connection:
 * 1. stage — unpack and check an archive into `<DATA_DIR>/restore-pending.db` (the app keeps running);
 * 2. apply — at the next start, before Prisma or the migrations open the database
 *    (scripts/start.mjs runs `scripts/restore.ts --apply-pending`), keep the current file as
 *    `optimizarr.db.before-restore-<time>` and rename the staged one into place. `prisma migrate
 *    deploy` then brings a backup from an older version up to date.
 * No `server-only`: the restore CLI runs this without Next.
 */

/** Tables every Optimizarr database has had since its first migration. */
const OPTIMIZARR_TABLES = ["_prisma_migrations", "User", "Setting", "QueueItem"];

/** Largest database a restore unpacks (the archive itself is capped by the upload). */
export const MAX_RESTORED_DATABASE_BYTES = 8 * 1024 ** 3;

export interface RestorePaths {
  /** `<DATA_DIR>/restore-pending.db` */
  pendingDatabase: string;
  /** `<DATA_DIR>/restore-pending.json` */
  pendingManifest: string;
}

/** Throws a BackupError unless the file is an intact Optimizarr database this version can run (after migrating). */
export function checkRestorableDatabase(databasePath: string, knownMigrations: readonly string[]): void {
  let facts;
  try {
    facts = inspectDatabase(databasePath);
  } catch {
    throw new BackupError("not_optimizarr", "The archive's database is not a readable SQLite database");
  }
  if (!facts.intact) throw new BackupError("not_optimizarr", "The archive's database fails SQLite's integrity check");
  if (!OPTIMIZARR_TABLES.every((table) => facts.tables.includes(table)) || facts.appliedMigrations.length === 0) {
    throw new BackupError("not_optimizarr", "The archive's database is not an Optimizarr database");
  }
  const known = new Set(knownMigrations);
  const unknown = facts.appliedMigrations.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BackupError("newer_version", `This backup comes from a newer Optimizarr (${unknown.length} unknown migration(s), newest ${unknown.at(-1)}): update Optimizarr, then restore it`);
  }
}

/** Unpacks, checks and stages an archive; a previously staged restore is replaced. Returns the backup's manifest. */
export async function stageRestore(archivePath: string, paths: RestorePaths, knownMigrations: readonly string[]): Promise<BackupManifest> {
  const directory = path.dirname(paths.pendingDatabase);
  fs.mkdirSync(directory, { recursive: true });
  const unpacked = path.join(directory, `.restore-${crypto.randomBytes(6).toString("hex")}.db`);
  try {
    const manifest = await readBackupArchive(archivePath, unpacked, MAX_RESTORED_DATABASE_BYTES);
    checkRestorableDatabase(unpacked, knownMigrations);
    fs.writeFileSync(`${paths.pendingManifest}.partial`, JSON.stringify(manifest, null, 2), { mode: 0o600 });
    // The manifest first: a database staged without one is still applied; a lone manifest is ignored.
    fs.renameSync(`${paths.pendingManifest}.partial`, paths.pendingManifest);
    fs.renameSync(unpacked, paths.pendingDatabase);
    syncDirectory(directory);
    return manifest;
  } finally {
    fs.rmSync(unpacked, { force: true });
    fs.rmSync(`${paths.pendingManifest}.partial`, { force: true });
  }
}

/** The staged backup's manifest, or null when no restore is waiting. */
export function pendingRestore(paths: RestorePaths): { manifest: BackupManifest | null } | null {
  if (!fs.existsSync(paths.pendingDatabase)) return null;
  try {
    const parsed = backupManifestSchema.safeParse(JSON.parse(fs.readFileSync(paths.pendingManifest, "utf8")));
    return { manifest: parsed.success ? parsed.data : null };
  } catch {
    return { manifest: null };
  }
}

export function cancelPendingRestore(paths: RestorePaths): boolean {
  const wasPending = fs.existsSync(paths.pendingDatabase);
  fs.rmSync(paths.pendingDatabase, { force: true });
  fs.rmSync(paths.pendingManifest, { force: true });
  return wasPending;
}

/** Does this database hold an admin account, i.e. is replacing it more than replacing a fresh install? */
export function databaseHoldsData(databasePath: string): boolean {
  if (!fs.existsSync(databasePath)) return false;
  const sqlite = new BetterSqlite3(databasePath, { readonly: true, fileMustExist: true });
  try {
    const hasUsers = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'User'").get() !== undefined;
    return hasUsers && sqlite.prepare("SELECT 1 FROM User LIMIT 1").get() !== undefined;
  } finally {
    sqlite.close();
  }
}

function timestampForFileName(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/**
 * Puts a staged restore in place; Optimizarr must not be running. Returns where the replaced
 * database was kept (null when there was none), or null overall when nothing was staged.
 * Safe to re-run after a crash at any point: the staged file is only ever renamed, never copied.
 */
export function applyPendingRestore(paths: RestorePaths, databasePath: string, now = new Date()): { keptAs: string | null } | null {
  if (!fs.existsSync(paths.pendingDatabase)) return null;
  let keptAs: string | null = null;
  // An empty file is what a first start creates before migrating (src/server/database-url.ts): nothing to keep.
  if (fs.existsSync(databasePath) && fs.statSync(databasePath).size === 0) fs.rmSync(databasePath);
  if (fs.existsSync(databasePath)) {
    // Fold the WAL into the main file first: renaming the file alone would leave the latest
    // committed writes behind in `-wal`, and that `-wal` would then be replayed onto the restored file.
    // Leaving WAL mode needs the only connection, so this also refuses while Optimizarr is running.
    const current = new BetterSqlite3(databasePath, { fileMustExist: true, timeout: 2_000 });
    try {
      current.pragma("wal_checkpoint(TRUNCATE)");
      current.pragma("journal_mode = DELETE");
    } finally {
      current.close();
    }
    keptAs = `${databasePath}.before-restore-${timestampForFileName(now)}`;
    fs.renameSync(databasePath, keptAs);
  }
  for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(`${databasePath}${suffix}`, { force: true });
  fs.renameSync(paths.pendingDatabase, databasePath);
  fs.rmSync(paths.pendingManifest, { force: true });
  syncDirectory(path.dirname(databasePath));
  return { keptAs };
}
