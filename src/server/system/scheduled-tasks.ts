import "server-only";
import type { AppType } from "~/lib/queue-enums";
import { lastScheduledBackupStartedAt, nextScheduledBackupAt } from "~/server/backup/backup-schedule";
import { BACKUP_INTERVAL_MINUTES, getBackupSettings } from "~/server/backup/backup-settings";
import { appDefinition } from "~/server/connections/apps";
import { nextScheduledSyncAt } from "~/server/connections/scheduler";
import type { Database } from "~/server/db";
import { nextScheduledScanAt } from "~/server/scan/scan-schedule";

/** One automatic job as System → Status lists it, the way Sonarr's System → Tasks does. */
export interface ScheduledTask {
  /** `sync:<connectionId>`, `rescan:<scanRootId>` or `backup`. */
  id: string;
  kind: "sync" | "rescan" | "backup";
  name: string;
  intervalMinutes: number;
  enabled: boolean;
  lastRunAt: Date | null;
  /** Null while disabled (or before the scheduler has started). */
  nextRunAt: Date | null;
}

export async function listScheduledTasks(db: Database): Promise<ScheduledTask[]> {
  const [connections, roots, backupSettings] = await Promise.all([
    db.externalConnection.findMany({
      where: { syncIntervalMinutes: { not: null } },
      select: { id: true, name: true, appType: true, enabled: true, syncIntervalMinutes: true, syncRuns: { orderBy: { startedAt: "desc" }, take: 1, select: { startedAt: true } } },
    }),
    db.scanRoot.findMany({ where: { scanIntervalMinutes: { not: null } }, select: { id: true, name: true, enabled: true, scanIntervalMinutes: true, lastScanStartedAt: true } }),
    getBackupSettings(db),
  ]);
  const backupIntervalMinutes = BACKUP_INTERVAL_MINUTES[backupSettings.interval];
  const tasks: ScheduledTask[] = [
    ...connections.map((connection) => ({
      id: `sync:${connection.id}`,
      kind: "sync" as const,
      name: `Sync ${appDefinition(connection.appType as AppType).label} "${connection.name}"`,
      intervalMinutes: connection.syncIntervalMinutes!,
      enabled: connection.enabled,
      lastRunAt: connection.syncRuns[0]?.startedAt ?? null,
      nextRunAt: nextScheduledSyncAt(connection.id),
    })),
    ...roots.map((root) => ({
      id: `rescan:${root.id}`,
      kind: "rescan" as const,
      name: `Rescan "${root.name}"`,
      intervalMinutes: root.scanIntervalMinutes!,
      enabled: root.enabled,
      lastRunAt: root.lastScanStartedAt,
      nextRunAt: nextScheduledScanAt(root.id),
    })),
    ...(backupIntervalMinutes === null
      ? []
      : [{ id: "backup", kind: "backup" as const, name: "Back up the database", intervalMinutes: backupIntervalMinutes, enabled: true, lastRunAt: lastScheduledBackupStartedAt(), nextRunAt: nextScheduledBackupAt() }]),
  ];
  // Soonest first; paused ones last, by name.
  return tasks.sort((a, b) => (a.nextRunAt?.getTime() ?? Infinity) - (b.nextRunAt?.getTime() ?? Infinity) || a.name.localeCompare(b.name));
}
