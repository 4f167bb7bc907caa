import "server-only";
import { z } from "zod";
import type { Database } from "~/server/db";

/** System → Backup's schedule, stored in the Setting table under `backup`. */
export const BACKUP_INTERVALS = ["off", "daily", "weekly"] as const;
export type BackupInterval = (typeof BACKUP_INTERVALS)[number];

export const BACKUP_INTERVAL_MINUTES = { off: null, daily: 24 * 60, weekly: 7 * 24 * 60 } as const satisfies Record<BackupInterval, number | null>;

export const backupSettingsSchema = z.object({
  interval: z.enum(BACKUP_INTERVALS).default("weekly"),
  /** Scheduled backups to keep; older ones are deleted after each scheduled run. */
  keep: z.number().int().min(1).max(100).default(4),
});
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

export const backupSettingsUpdateSchema = z.object({
  interval: z.enum(BACKUP_INTERVALS).optional(),
  keep: z.number().int().min(1).max(100).optional(),
});
export type BackupSettingsUpdate = z.infer<typeof backupSettingsUpdateSchema>;

const BACKUP_SETTINGS_KEY = "backup";

export async function getBackupSettings(db: Database): Promise<BackupSettings> {
  const row = await db.setting.findUnique({ where: { key: BACKUP_SETTINGS_KEY } });
  const parsed = backupSettingsSchema.safeParse(row?.value ?? {});
  // A value an older or newer version wrote that doesn't validate falls back to the defaults.
  return parsed.success ? parsed.data : backupSettingsSchema.parse({});
}

export async function updateBackupSettings(db: Database, patch: BackupSettingsUpdate): Promise<BackupSettings> {
  const current = await getBackupSettings(db);
  const next = backupSettingsSchema.parse({ interval: patch.interval ?? current.interval, keep: patch.keep ?? current.keep });
  await db.setting.upsert({ where: { key: BACKUP_SETTINGS_KEY }, create: { key: BACKUP_SETTINGS_KEY, value: next }, update: { value: next } });
  return next;
}
