import "server-only";
import type { AppType } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { isAppSupported } from "./apps";
import { startSync, SyncStartError, waitForSyncRun } from "./sync";

/**
 * Scheduled syncs: each connection with `syncIntervalMinutes` gets one timer, due an interval
 * after its latest run started (manual or scheduled), so the cadence survives restarts — the
 * timers are re-armed from the database at startup — and a manual sync pushes the next one back.
 * Never overlaps: a due sync that finds one running just follows it (startSync returns it).
 *
 * Plain timers rather than cron patterns: intervals up to a week aren't expressible as cron, and
 * the next run depends on when the last one happened, which cron can't know.
 */
const log = createLogger("connections.scheduler");

const DEFAULT_STARTUP_DELAY_MS = 60_000;

interface SchedulerState {
  db: Database | null;
  /** Shortest wait after startup, so a restart doesn't fire every overdue sync at once. */
  startupDelayMs: number;
  timers: Map<number, { timer: NodeJS.Timeout; dueAt: Date }>;
}

const state = ((globalThis as unknown as { optimizarrSyncScheduler?: SchedulerState }).optimizarrSyncScheduler ??= {
  db: null,
  startupDelayMs: DEFAULT_STARTUP_DELAY_MS,
  timers: new Map(),
});

/** When the next sync is due: an interval after the last run started, but never sooner than `minDelayMs` from now. */
export function nextSyncDueAt(intervalMinutes: number, lastRunStartedAt: Date | null, now: Date, minDelayMs: number): Date {
  const earliest = now.getTime() + minDelayMs;
  if (!lastRunStartedAt) return new Date(earliest);
  return new Date(Math.max(lastRunStartedAt.getTime() + intervalMinutes * 60_000, earliest));
}

/** Arms every enabled connection's schedule. Called once at startup (src/server/startup.ts). */
export async function startConnectionScheduler(db: Database, options: { startupDelayMs?: number } = {}): Promise<void> {
  if (state.db) return;
  state.db = db;
  state.startupDelayMs = options.startupDelayMs ?? DEFAULT_STARTUP_DELAY_MS;
  const scheduled = await db.externalConnection.findMany({ where: { enabled: true, syncIntervalMinutes: { not: null } }, select: { id: true } });
  for (const { id } of scheduled) await rescheduleConnection(id);
  log.info({ connections: state.timers.size }, "sync scheduler started");
}

export function stopConnectionScheduler(): void {
  for (const { timer } of state.timers.values()) clearTimeout(timer);
  state.timers.clear();
  state.db = null;
}

export function unscheduleConnection(connectionId: number): void {
  const entry = state.timers.get(connectionId);
  if (entry) clearTimeout(entry.timer);
  state.timers.delete(connectionId);
}

/** Re-reads the connection and (re-)arms or drops its timer; a no-op before the scheduler starts. */
export async function rescheduleConnection(connectionId: number): Promise<void> {
  const db = state.db;
  if (!db) return;
  unscheduleConnection(connectionId);
  const connection = await db.externalConnection.findUnique({
    where: { id: connectionId },
    select: { enabled: true, appType: true, syncIntervalMinutes: true, syncRuns: { orderBy: { startedAt: "desc" }, take: 1, select: { startedAt: true } } },
  });
  if (!connection?.enabled || !connection.syncIntervalMinutes || !isAppSupported(connection.appType as AppType)) return;
  const dueAt = nextSyncDueAt(connection.syncIntervalMinutes, connection.syncRuns[0]?.startedAt ?? null, new Date(), state.startupDelayMs);
  const timer = setTimeout(() => void fire(connectionId), Math.max(0, dueAt.getTime() - Date.now()));
  // A pending sync must not keep a stopping process alive.
  timer.unref();
  state.timers.set(connectionId, { timer, dueAt });
}

async function fire(connectionId: number): Promise<void> {
  state.timers.delete(connectionId);
  const db = state.db;
  if (!db) return;
  try {
    const { runId } = await startSync(db, connectionId, "schedule");
    await waitForSyncRun(runId);
  } catch (error) {
    if (error instanceof SyncStartError) log.info({ connectionId, reason: error.reason }, "scheduled sync skipped");
    else log.error({ connectionId, err: { name: error instanceof Error ? error.name : typeof error } }, "scheduled sync could not start");
  }
  await rescheduleConnection(connectionId).catch(() => undefined);
}

/** When this connection's next scheduled sync is due, if it has one. */
export function nextScheduledSyncAt(connectionId: number): Date | null {
  return state.timers.get(connectionId)?.dueAt ?? null;
}
