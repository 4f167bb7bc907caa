import "server-only";
import fs from "node:fs/promises";
import { QUEUE_STATUSES, type QueueStatus } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { resolveDatabaseUrl, resolveDataDir } from "~/server/database-url";
import { logDirectory } from "~/server/logger";
import packageJson from "../../../package.json";
import type { HealthResult } from "./health-check";
import { runHealthChecks } from "./health-checks";
import { listScheduledTasks, type ScheduledTask } from "./scheduled-tasks";
import { serverClock, type ServerClock } from "./server-clock";

const ONE_GIB = 1024 ** 3;

export interface SystemStatus {
  version: string;
  nodeVersion: string;
  platform: string;
  dataDir: string;
  databasePath: string | null;
  /** The SQLite file plus its write-ahead log (recent writes live there until a checkpoint). */
  databaseSizeBytes: number | null;
  logDirectory: string;
  startedAt: Date;
  uptimeSeconds: number;
  clock: ServerClock;
  queue: { total: number; byStatus: Record<QueueStatus, number> };
  health: HealthResult[];
  scheduledTasks: ScheduledTask[];
}

export async function getSystemStatus(db: Database): Promise<SystemStatus> {
  const dataDir = resolveDataDir();
  const databasePath = databaseFilePath();
  const [databaseSizeBytes, queue, health, scheduledTasks] = await Promise.all([
    databasePath ? databaseSize(databasePath) : Promise.resolve(null),
    queueCounts(db),
    runHealthChecks({ db, dataDir, minFreeBytes: ONE_GIB }),
    listScheduledTasks(db),
  ]);
  const uptimeSeconds = Math.round(process.uptime());
  return {
    version: packageJson.version,
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    dataDir,
    databasePath,
    databaseSizeBytes,
    logDirectory: logDirectory(),
    startedAt: new Date(Date.now() - uptimeSeconds * 1000),
    uptimeSeconds,
    clock: serverClock(),
    queue,
    health,
    scheduledTasks,
  };
}

function databaseFilePath(): string | null {
  const url = resolveDatabaseUrl();
  return url.startsWith("file:") ? url.slice("file:".length) : null;
}

async function databaseSize(filePath: string): Promise<number | null> {
  const sizes = await Promise.all([filePath, `${filePath}-wal`].map((file) => fs.stat(/*turbopackIgnore: true*/ file).then((stats) => stats.size, () => null)));
  if (sizes[0] === null) return null;
  return sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
}

async function queueCounts(db: Database): Promise<SystemStatus["queue"]> {
  const groups = await db.queueItem.groupBy({ by: ["status"], _count: { _all: true } });
  const byStatus = Object.fromEntries(QUEUE_STATUSES.map((status) => [status, 0])) as Record<QueueStatus, number>;
  let total = 0;
  for (const group of groups) {
    total += group._count._all;
    // Statuses outside the known set (written by a newer version) still count toward the total.
    if ((QUEUE_STATUSES as readonly string[]).includes(group.status)) byStatus[group.status as QueueStatus] += group._count._all;
  }
  return { total, byStatus };
}
