import "server-only";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { createIntervalScheduler } from "~/server/scheduling/interval-scheduler";
import { createBackup, listBackups, pruneScheduledBackups } from "./backup-service";
import { BACKUP_INTERVAL_MINUTES, getBackupSettings } from "./backup-settings";

/**
 * Scheduled backups (System → Backup), on the same interval scheduler as syncs and rescans: one
 * item, timed from the newest scheduled backup on disk, so the cadence survives restarts without
 * a "last run" column — the archives are the record.
 */
const log = createLogger("backup.scheduler");

/** The scheduler is per item; backups are one item. */
export const BACKUP_TASK_ID = 1;

// A failed run leaves no archive; remembering the attempt keeps it from retrying every minute.
let lastAttemptAt: Date | null = null;

function lastScheduledBackupAt(): Date | null {
  const newestOnDisk = listBackups().find((backup) => backup.kind === "scheduled")?.createdAt ?? null;
  if (!lastAttemptAt || (newestOnDisk && newestOnDisk > lastAttemptAt)) return newestOnDisk;
  return lastAttemptAt;
}

/** One scheduled run: an archive, then the oldest scheduled ones beyond "keep" go. */
export async function runScheduledBackup(db: Database): Promise<void> {
  lastAttemptAt = new Date();
  const settings = await getBackupSettings(db);
  const backup = await createBackup("scheduled");
  const pruned = pruneScheduledBackups(settings.keep);
  log.info({ name: backup.name, pruned: pruned.length, keep: settings.keep }, "scheduled backup done");
}

const backupScheduler = createIntervalScheduler({
  name: "backup",
  async scheduledIds() {
    return [BACKUP_TASK_ID];
  },
  async scheduleOf(db) {
    const intervalMinutes = BACKUP_INTERVAL_MINUTES[(await getBackupSettings(db)).interval];
    return intervalMinutes === null ? null : { intervalMinutes, lastStartedAt: lastScheduledBackupAt() };
  },
  run: (db) => runScheduledBackup(db),
});

export const startBackupScheduler = backupScheduler.start;
export const stopBackupScheduler = backupScheduler.stop;
/** Call after the settings change, so a new interval takes effect now rather than after the next run. */
export const rescheduleBackups = () => backupScheduler.reschedule(BACKUP_TASK_ID);
export const nextScheduledBackupAt = () => backupScheduler.nextRunAt(BACKUP_TASK_ID);
export const lastScheduledBackupStartedAt = lastScheduledBackupAt;
