import path from "node:path";
import { resolveDatabaseUrl, resolveDataDir } from "~/server/database-url";

/**
 * Where backups and a staged restore live, and how backup archives are named. No `server-only`:
 * the restore CLI (scripts/restore.ts) shares these names with the server.
 */
export const BACKUP_KINDS = ["manual", "scheduled"] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** `optimizarr_backup_<kind>_<UTC yyyy.MM.dd_HH.mm.ss>.zip`, like Sonarr's `sonarr_backup_…zip`. */
const BACKUP_NAME = /^optimizarr_backup_(manual|scheduled)_(\d{4})\.(\d{2})\.(\d{2})_(\d{2})\.(\d{2})\.(\d{2})\.zip$/;

export function backupsDirectory(): string {
  return path.join(resolveDataDir(), "backups");
}

/** The live SQLite file, or null when DATABASE_URL is not a `file:` URL (nothing to snapshot). */
export function databaseFilePath(): string | null {
  const url = resolveDatabaseUrl();
  return url.startsWith("file:") ? url.slice("file:".length) : null;
}

/** A restore waiting for the next start (scripts/start.mjs applies it before migrations run). */
export function pendingRestorePath(): string {
  return path.join(resolveDataDir(), "restore-pending.db");
}

/** The staged backup's manifest, so the UI can say which backup a restart will bring back. */
export function pendingRestoreManifestPath(): string {
  return path.join(resolveDataDir(), "restore-pending.json");
}

export function backupFileName(kind: BackupKind, createdAt: Date): string {
  const two = (value: number) => String(value).padStart(2, "0");
  const date = `${createdAt.getUTCFullYear()}.${two(createdAt.getUTCMonth() + 1)}.${two(createdAt.getUTCDate())}`;
  const time = `${two(createdAt.getUTCHours())}.${two(createdAt.getUTCMinutes())}.${two(createdAt.getUTCSeconds())}`;
  return `optimizarr_backup_${kind}_${date}_${time}.zip`;
}

/** Kind and creation time from a backup's name, or null for any other name (never a path). */
export function parseBackupFileName(name: string): { kind: BackupKind; createdAt: Date } | null {
  const match = BACKUP_NAME.exec(name);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(2).map(Number);
  const createdAt = new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!));
  const kind: BackupKind = match[1] === "scheduled" ? "scheduled" : "manual";
  return Number.isNaN(createdAt.getTime()) ? null : { kind, createdAt };
}
