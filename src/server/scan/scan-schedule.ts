import "server-only";
import { createLogger } from "~/server/logger";
import { createIntervalScheduler } from "~/server/scheduling/interval-scheduler";
import { getScanProgress, scanTargetOf, startScan, waitForScan } from "./scan-jobs";

/**
 * Automatic rescans: every enabled root with `scanIntervalMinutes`, timed from its latest scan's
 * start, like Sonarr's periodic "Rescan Series Folder" but opt-in per root.
 */
const log = createLogger("scan.scheduler");

const scanScheduler = createIntervalScheduler({
  name: "scan",
  async scheduledIds(db) {
    const rows = await db.scanRoot.findMany({ where: { enabled: true, scanIntervalMinutes: { not: null } }, select: { id: true } });
    return rows.map((row) => row.id);
  },
  async scheduleOf(db, id) {
    const root = await db.scanRoot.findUnique({ where: { id }, select: { enabled: true, scanIntervalMinutes: true, lastScanStartedAt: true } });
    if (!root?.enabled || !root.scanIntervalMinutes) return null;
    // The latest scan since the server started is in memory before its start reaches the database.
    return { intervalMinutes: root.scanIntervalMinutes, lastStartedAt: getScanProgress(id)?.startedAt ?? root.lastScanStartedAt };
  },
  async run(db, id) {
    const root = await db.scanRoot.findUnique({ where: { id }, include: { externalConnection: { select: { private: true, displayAlias: true } } } });
    if (!root?.enabled) {
      log.info({ rootId: id }, "scheduled scan skipped: the root is gone or disabled");
      return;
    }
    startScan(db, scanTargetOf(root));
    await waitForScan(id);
  },
});

export const startScanScheduler = scanScheduler.start;
export const stopScanScheduler = scanScheduler.stop;
export const rescheduleScanRoot = scanScheduler.reschedule;
export const unscheduleScanRoot = scanScheduler.unschedule;
/** When this root's next automatic scan is due, if it has one. */
export const nextScheduledScanAt = scanScheduler.nextRunAt;
