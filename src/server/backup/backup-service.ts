import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import packageJson from "../../../package.json";
import { createLogger } from "~/server/logger";
import { sha256OfFile, writeBackupArchive } from "./backup-archive";
import { BackupError } from "./backup-errors";
import { backupFileName, backupsDirectory, databaseFilePath, parseBackupFileName, type BackupKind } from "./backup-files";
import { DATABASE_ENTRY, type BackupManifest } from "./backup-manifest";
import { inspectDatabase, snapshotDatabase } from "./sqlite-snapshot";
import { syncDirectory } from "./sync-directory";

const log = createLogger("backup");

/** One archive in `<DATA_DIR>/backups/`, as System → Backup lists it: a name, a size, a date; never a path. */
export interface BackupFile {
  name: string;
  kind: BackupKind;
  createdAt: Date;
  bytes: number;
}

/** 0700: the archives hold the whole library's paths, private sources' included. */
function ensureBackupsDirectory(): string {
  const directory = backupsDirectory();
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  fs.chmodSync(directory, 0o700);
  return directory;
}

/** Newest first. Only files named like a backup count: a stray file or folder is never listed or served. */
export function listBackups(): BackupFile[] {
  const directory = backupsDirectory();
  if (!fs.existsSync(directory)) return [];
  const backups: BackupFile[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const parsed = entry.isFile() ? parseBackupFileName(entry.name) : null;
    if (!parsed) continue;
    backups.push({ name: entry.name, ...parsed, bytes: fs.statSync(path.join(directory, entry.name)).size });
  }
  return backups.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.name.localeCompare(a.name));
}

/** The file behind a listed name. The name must be one the listing shows, so `../x` or an absolute path never resolves. */
export function backupFilePath(name: string): string {
  const listed = listBackups().find((backup) => backup.name === name);
  if (!listed) throw new BackupError("not_found", "No backup by that name");
  return path.join(backupsDirectory(), listed.name);
}

export function deleteBackup(name: string): void {
  fs.rmSync(backupFilePath(name));
  log.info({ name }, "backup deleted");
}

/** Deletes the oldest scheduled backups beyond `keep`; manual ones stay until the admin deletes them (as in Sonarr). */
export function pruneScheduledBackups(keep: number): string[] {
  const surplus = listBackups()
    .filter((backup) => backup.kind === "scheduled")
    .slice(keep);
  for (const backup of surplus) deleteBackup(backup.name);
  return surplus.map((backup) => backup.name);
}

// One backup at a time: a scheduled run and "Back up now" together would copy the database twice at once.
let running: Promise<unknown> = Promise.resolve();

export function createBackup(kind: BackupKind): Promise<BackupFile> {
  const next = running.then(
    () => writeBackup(kind),
    () => writeBackup(kind),
  );
  running = next.catch(() => undefined);
  return next;
}

async function writeBackup(kind: BackupKind): Promise<BackupFile> {
  const databasePath = databaseFilePath();
  if (!databasePath) throw new BackupError("unsupported_database", "Backups cover the built-in SQLite database only; DATABASE_URL points elsewhere");
  const directory = ensureBackupsDirectory();
  // Names have one-second resolution: a second backup within the same second waits for the next one.
  let createdAt = new Date();
  while (fs.existsSync(path.join(directory, backupFileName(kind, createdAt)))) {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (createdAt.getTime() % 1000) + 1));
    createdAt = new Date();
  }
  const name = backupFileName(kind, createdAt);
  const archivePath = path.join(directory, name);
  // Dot-names and `.partial` never match the backup pattern, so a half-written file is never listed.
  const snapshotPath = path.join(directory, `.snapshot-${crypto.randomBytes(6).toString("hex")}.db`);
  const partialPath = `${archivePath}.partial`;
  const started = performance.now();
  try {
    await snapshotDatabase(databasePath, snapshotPath);
    fs.chmodSync(snapshotPath, 0o600);
    const facts = inspectDatabase(snapshotPath);
    const manifest: BackupManifest = {
      app: "optimizarr",
      formatVersion: 1,
      appVersion: packageJson.version,
      migration: facts.appliedMigrations.at(-1) ?? null,
      createdAt: createdAt.toISOString(),
      kind,
      database: { entry: DATABASE_ENTRY, bytes: fs.statSync(snapshotPath).size, sha256: await sha256OfFile(snapshotPath) },
      secretKeyIncluded: false,
    };
    await writeBackupArchive(partialPath, manifest, snapshotPath);
    fs.renameSync(partialPath, archivePath);
    syncDirectory(directory);
  } finally {
    fs.rmSync(snapshotPath, { force: true });
    fs.rmSync(`${snapshotPath}-journal`, { force: true });
    fs.rmSync(partialPath, { force: true });
  }
  const bytes = fs.statSync(archivePath).size;
  log.info({ name, kind, bytes, durationMs: Math.round(performance.now() - started) }, "backup written");
  return { name, kind, createdAt: parseBackupFileName(name)?.createdAt ?? createdAt, bytes };
}
