import "server-only";
import { createLogger } from "~/server/logger";
import { createIntervalScheduler } from "~/server/scheduling/interval-scheduler";
import { isFullSyncDue } from "./parent-snapshots";
import { startSync, SyncStartError, waitForSyncRun } from "./sync";

/**
 * Scheduled syncs: every enabled connection with `syncIntervalMinutes`, timed from its latest run.
 * Quick (unchanged series skipped) unless the last full sync is `fullSyncEveryHours` old.
 */
const log = createLogger("connections.scheduler");

const syncScheduler = createIntervalScheduler({
  name: "connections",
  async scheduledIds(db) {
    const rows = await db.externalConnection.findMany({ where: { enabled: true, syncIntervalMinutes: { not: null } }, select: { id: true } });
    return rows.map((row) => row.id);
  },
  async scheduleOf(db, id) {
    const connection = await db.externalConnection.findUnique({
      where: { id },
      select: { enabled: true, appType: true, syncIntervalMinutes: true, syncRuns: { orderBy: { startedAt: "desc" }, take: 1, select: { startedAt: true } } },
    });
    if (!connection?.enabled || !connection.syncIntervalMinutes) return null;
    return { intervalMinutes: connection.syncIntervalMinutes, lastStartedAt: connection.syncRuns[0]?.startedAt ?? null };
  },
  async run(db, id) {
    try {
      const { runId } = await startSync(db, id, "schedule", { full: await isFullSyncDue(db, id) });
      await waitForSyncRun(runId);
    } catch (error) {
      if (!(error instanceof SyncStartError)) throw error;
      log.info({ connectionId: id, reason: error.reason }, "scheduled sync skipped");
    }
  },
});

export const startConnectionScheduler = syncScheduler.start;
export const stopConnectionScheduler = syncScheduler.stop;
export const rescheduleConnection = syncScheduler.reschedule;
export const unscheduleConnection = syncScheduler.unschedule;
/** When this connection's next scheduled sync is due, if it has one. */
export const nextScheduledSyncAt = syncScheduler.nextRunAt;
