import "server-only";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";

/**
 * Jobs repeated at a per-item interval (connection syncs, folder rescans): one timer per item, due
 * an interval after its latest run started (manual or scheduled), so the cadence survives restarts
 * — the timers are re-armed from the database at startup — and a manual run pushes the next one
 * back. A due run that finds one in progress just follows it (the job's start returns the running
 * one), so runs never overlap.
 *
 * Plain timers rather than cron patterns: intervals up to a week aren't expressible as cron, and
 * the next run depends on when the last one happened, which cron can't know.
 */
export interface Schedule {
  intervalMinutes: number;
  lastStartedAt: Date | null;
}

export interface IntervalJob {
  /** Names the logger (`<name>.scheduler`) and the process-wide state. */
  name: string;
  /** Items to arm at startup. */
  scheduledIds(db: Database): Promise<number[]>;
  /** The item's schedule, or null when it should not run (gone, disabled, no interval). */
  scheduleOf(db: Database, id: number): Promise<Schedule | null>;
  /** One run, resolving when it has finished. Expected refusals are the job's to log. */
  run(db: Database, id: number): Promise<void>;
}

export interface IntervalScheduler {
  /** Arms every scheduled item. Called once at startup (src/server/startup.ts). */
  start(db: Database, options?: { startupDelayMs?: number }): Promise<void>;
  stop(): void;
  /** Re-reads the item and (re-)arms or drops its timer; a no-op before start. */
  reschedule(id: number): Promise<void>;
  unschedule(id: number): void;
  nextRunAt(id: number): Date | null;
}

const DEFAULT_STARTUP_DELAY_MS = 60_000;

/** When the next run is due: an interval after the last one started, but never sooner than `minDelayMs` from now. */
export function nextRunDueAt(intervalMinutes: number, lastStartedAt: Date | null, now: Date, minDelayMs: number): Date {
  const earliest = now.getTime() + minDelayMs;
  if (!lastStartedAt) return new Date(earliest);
  return new Date(Math.max(lastStartedAt.getTime() + intervalMinutes * 60_000, earliest));
}

interface SchedulerState {
  db: Database | null;
  /** Shortest wait after startup, so a restart doesn't fire every overdue run at once. */
  startupDelayMs: number;
  timers: Map<number, { timer: NodeJS.Timeout; dueAt: Date }>;
}

export function createIntervalScheduler(job: IntervalJob): IntervalScheduler {
  const log = createLogger(`${job.name}.scheduler`);
  // On globalThis so a dev-server module reload doesn't arm a second set of timers.
  const schedulers = ((globalThis as unknown as { optimizarrSchedulers?: Map<string, SchedulerState> }).optimizarrSchedulers ??= new Map());
  const state = schedulers.get(job.name) ?? { db: null, startupDelayMs: DEFAULT_STARTUP_DELAY_MS, timers: new Map() };
  schedulers.set(job.name, state);

  const unschedule = (id: number) => {
    const entry = state.timers.get(id);
    if (entry) clearTimeout(entry.timer);
    state.timers.delete(id);
  };

  const reschedule = async (id: number) => {
    const db = state.db;
    if (!db) return;
    unschedule(id);
    const schedule = await job.scheduleOf(db, id);
    if (!schedule) return;
    const dueAt = nextRunDueAt(schedule.intervalMinutes, schedule.lastStartedAt, new Date(), state.startupDelayMs);
    const timer = setTimeout(() => void fire(id), Math.max(0, dueAt.getTime() - Date.now()));
    // A pending run must not keep a stopping process alive.
    timer.unref();
    state.timers.set(id, { timer, dueAt });
  };

  const fire = async (id: number) => {
    state.timers.delete(id);
    const db = state.db;
    if (!db) return;
    try {
      await job.run(db, id);
    } catch (error) {
      log.error({ id, err: { name: error instanceof Error ? error.name : typeof error } }, "scheduled run could not start");
    }
    await reschedule(id).catch(() => undefined);
  };

  return {
    async start(db, options = {}) {
      if (state.db) return;
      state.db = db;
      state.startupDelayMs = options.startupDelayMs ?? DEFAULT_STARTUP_DELAY_MS;
      for (const id of await job.scheduledIds(db)) await reschedule(id);
      log.info({ scheduled: state.timers.size }, "scheduler started");
    },
    stop() {
      for (const { timer } of state.timers.values()) clearTimeout(timer);
      state.timers.clear();
      state.db = null;
    },
    reschedule,
    unschedule,
    nextRunAt: (id) => state.timers.get(id)?.dueAt ?? null,
  };
}
