import "server-only";
import { stopBackupScheduler } from "~/server/backup/backup-schedule";
import { stopConnectionScheduler } from "~/server/connections/scheduler";
import { cancelAllSyncs } from "~/server/connections/sync";
import type { Database } from "~/server/db";
import { stopEncoder } from "~/server/encoder/worker";
import { createLogger } from "~/server/logger";
import { interruptAllScans } from "~/server/scan/scan-jobs";
import { stopScanScheduler } from "~/server/scan/scan-schedule";
import { requestWorkFinished, stopAcceptingWork } from "~/server/shutdown-state";

/**
 * Stopping without losing anything: on SIGTERM/SIGINT refuse new work (syncs, scans, webhook
 * deliveries answer 503 so the app delivers again later), stop the schedulers, interrupt running
 * syncs and scans — they record themselves as interrupted, never as succeeded with files missing —
 * stop running encodes (back to the queue, temporary files deleted, originals untouched),
 * let webhook deliveries in progress finish, close the database, exit.
 *
 * Next.js's own handler (`next start`) closes the HTTP server and exits as soon as no request is
 * open, which would cut all of this short; scripts/start.mjs sets NEXT_MANUAL_SIG_HANDLE so Next
 * leaves the signals to us. A process killed outright (SIGKILL, power loss) gets none of this: the
 * next start marks its syncs interrupted, and its scans show so (see startup.ts).
 *
 * @see node_modules/next/dist/server/lib/start-server.js (search NEXT_MANUAL_SIG_HANDLE)
 */
const log = createLogger("shutdown");

/** Docker and systemd send SIGKILL 10 s after SIGTERM: stop within 8 to leave time to close the database and the log. */
export const SHUTDOWN_GRACE_MS = 8_000;
/** The log file is written asynchronously; its last lines need a moment before the process exits. */
const LOG_FLUSH_MS = 200;
/** If closing the database itself hangs, exit anyway rather than wait for SIGKILL. */
const BACKSTOP_MS = 1_500;

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

export interface ShutdownResult {
  /** Everything running had wound down within the grace period. */
  clean: boolean;
  durationMs: number;
}

// Once per process, whichever signal (or how many: a terminal's Ctrl+C reaches us twice) came first.
const globalForShutdown = globalThis as unknown as { optimizarrShutdown?: Promise<ShutdownResult>; optimizarrSignalsHooked?: boolean };

/** Winds the server down (without exiting). A second call returns the first one's outcome. */
export function shutDown(db: Database, options: { graceMs?: number } = {}): Promise<ShutdownResult> {
  return (globalForShutdown.optimizarrShutdown ??= windDown(db, options.graceMs ?? SHUTDOWN_GRACE_MS));
}

async function windDown(db: Database, graceMs: number): Promise<ShutdownResult> {
  const startedAt = Date.now();
  stopAcceptingWork();
  stopConnectionScheduler();
  stopScanScheduler();
  stopBackupScheduler();
  const clean = await settlesWithin(Promise.all([cancelAllSyncs(), interruptAllScans(), stopEncoder(), requestWorkFinished()]), graceMs);
  // Whatever is still running writes no more: the next start marks its sync runs interrupted, and a scan shows so by itself.
  if (!clean) log.warn({ graceMs }, "work still running when the grace period ended; the next start shows it as interrupted");
  await db.$disconnect();
  return { clean, durationMs: Date.now() - startedAt };
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Called once at startup (src/server/startup.ts): SIGTERM and SIGINT wind the server down, then exit. */
export function shutDownOnSignals(db: Database): void {
  if (globalForShutdown.optimizarrSignalsHooked) return;
  globalForShutdown.optimizarrSignalsHooked = true;
  if (SIGNALS.some((signal) => process.listenerCount(signal) > 0)) {
    // Someone else (Next.js, when started without scripts/start.mjs) will exit the process on the same signal, maybe first.
    log.warn("NEXT_MANUAL_SIG_HANDLE is not set (start with `npm start`): a stop may not wait for running syncs and scans, which then show as interrupted");
  }
  for (const signal of SIGNALS) process.on(signal, () => void exitAfterShutdown(db, signal));
}

async function exitAfterShutdown(db: Database, signal: (typeof SIGNALS)[number]): Promise<void> {
  if (globalForShutdown.optimizarrShutdown) return;
  log.info({ signal }, "stopping: refusing new work, interrupting running syncs and scans");
  setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + BACKSTOP_MS).unref();
  const result = await shutDown(db).catch((error: unknown) => {
    log.error({ err: { name: error instanceof Error ? error.name : typeof error } }, "shutdown failed");
    return { clean: false, durationMs: 0 };
  });
  log.info({ signal, ...result }, "Optimizarr stopped");
  await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS));
  process.exit(result.clean ? 0 : 1);
}
