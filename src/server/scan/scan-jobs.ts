import "server-only";
import crypto from "node:crypto";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { privateLabel } from "~/server/privacy/redact";
import { refuseWorkWhenShuttingDown } from "~/server/shutdown-state";
import { pathForMessage } from "./root-path";
import { createScanProgress, type ScanProgress } from "./scan-progress";
import { runScan, type ScanRunOptions, type ScanTarget } from "./scan-runner";
import { errorCodeOf } from "~/server/error-code";

const log = createLogger("scan");

/**
 * Background scans: at most one per root, tracked in memory so the UI can poll progress. Cached on
 * globalThis so a dev-server reload does not lose track of (and then duplicate) a running scan.
 */
interface ScanJob {
  progress: ScanProgress;
  controller: AbortController;
  done: Promise<void>;
  /** Stopped because the server is stopping, not by a user: its result is not recorded (see `execute`). */
  interrupted: boolean;
}

const globalForScans = globalThis as unknown as { optimizarrScans?: Map<number, ScanJob> };
const jobs: Map<number, ScanJob> = (globalForScans.optimizarrScans ??= new Map());

/** A copy, so callers (and superjson) never see the object mid-update. */
function snapshot(progress: ScanProgress): ScanProgress {
  return { ...progress, problems: progress.problems.map((problem) => ({ ...problem })) };
}

/** The running scan of a root, else the last one since the server started, else null. */
export function getScanProgress(rootId: number): ScanProgress | null {
  const job = jobs.get(rootId);
  return job ? snapshot(job.progress) : null;
}

export function isScanRunning(rootId: number): boolean {
  return jobs.get(rootId)?.progress.state === "running";
}

export interface StartedScan {
  /** false when a scan of this root was already running and is returned instead. */
  started: boolean;
  progress: ScanProgress;
}

export type ScanTargetWithHistory = ScanTarget & { lastScanFound: number | null };

/** What a scan of this root needs to know; a private root (or one linked to a private connection) keeps its paths out of logs and the UI. */
export function scanTargetOf(root: {
  id: number;
  path: string;
  private: boolean;
  lastScanFound: number | null;
  externalConnection: { private: boolean; displayAlias: string | null } | null;
}): ScanTargetWithHistory {
  return {
    id: root.id,
    path: root.path,
    private: root.private || root.externalConnection?.private === true,
    displayAlias: root.externalConnection?.displayAlias ?? null,
    lastScanFound: root.lastScanFound,
  };
}

/** Returns at once; the scan carries on in the background. Throws ShuttingDownError while the server is stopping. */
export function startScan(db: Database, target: ScanTargetWithHistory, options: Partial<Omit<ScanRunOptions, "signal">> = {}): StartedScan {
  // No await before the registry is updated: two simultaneous calls cannot both start a scan.
  const running = jobs.get(target.id);
  if (running?.progress.state === "running") return { started: false, progress: snapshot(running.progress) };
  refuseWorkWhenShuttingDown();

  const progress = createScanProgress(target.id, crypto.randomUUID(), target.lastScanFound);
  const controller = new AbortController();
  const job: ScanJob = { progress, controller, done: Promise.resolve(), interrupted: false };
  jobs.set(target.id, job);
  job.done = execute(db, target, job, options).catch((error: unknown) => log.error({ rootId: target.id, err: errorSummary(error) }, "scan bookkeeping failed"));
  return { started: true, progress: snapshot(progress) };
}

/** Stops a running scan (root deleted or path changed) and waits until it has let go. */
export async function cancelScan(rootId: number): Promise<void> {
  const job = jobs.get(rootId);
  if (!job) return;
  if (job.progress.state === "running") job.controller.abort();
  await job.done;
}

/** Shutdown: stops every running scan and waits until each has let go. Each shows as interrupted, its root's previous result kept. */
export async function interruptAllScans(): Promise<void> {
  const running = [...jobs.values()].filter((job) => job.progress.state === "running");
  for (const job of running) {
    job.interrupted = true;
    job.controller.abort();
  }
  await Promise.all(running.map((job) => job.done));
}

/**
 * At startup: a root whose last scan started but never finished was scanning when a previous
 * process died. Nothing to repair — each batch was its own transaction, files gone from disk are
 * only looked for after a complete walk and each one marked was checked on disk — and its DTO
 * already says `interrupted`; this says so in the log, once.
 */
export async function reportInterruptedScans(db: Database): Promise<number> {
  const roots = await db.scanRoot.findMany({ where: { lastScanStartedAt: { not: null } }, select: { id: true, lastScanStartedAt: true, lastScanFinishedAt: true } });
  const interrupted = roots.filter((root) => !isScanRunning(root.id) && wasInterrupted(root));
  if (interrupted.length > 0) log.warn({ rootIds: interrupted.map((root) => root.id) }, "scans a previous process left unfinished show as interrupted");
  return interrupted.length;
}

/** Started but never finished (or finished before the latest start): the server stopped mid-scan. */
function wasInterrupted(root: { lastScanStartedAt: Date | null; lastScanFinishedAt: Date | null }): boolean {
  if (!root.lastScanStartedAt) return false;
  return !root.lastScanFinishedAt || root.lastScanFinishedAt < root.lastScanStartedAt;
}

/** Forget a deleted root's last scan. */
export function forgetScan(rootId: number): void {
  if (jobs.get(rootId)?.progress.state !== "running") jobs.delete(rootId);
}

/** For tests and shutdown: resolves when the root's current scan (if any) has ended. */
export async function waitForScan(rootId: number): Promise<ScanProgress | null> {
  await jobs.get(rootId)?.done;
  return getScanProgress(rootId);
}

async function execute(db: Database, target: ScanTargetWithHistory, job: ScanJob, options: Partial<Omit<ScanRunOptions, "signal">>): Promise<void> {
  const { progress, controller } = job;
  const shownPath = target.private ? privateLabel(target.displayAlias) : target.path;
  log.info({ rootId: target.id, scanId: progress.scanId, path: shownPath }, "scan started");
  // Only the start: the last result (error included) stays until this scan has one of its own, so
  // a process killed mid-scan leaves the root "interrupted" with its previous outcome readable.
  await db.scanRoot
    .updateMany({ where: { id: target.id }, data: { lastScanStartedAt: progress.startedAt } })
    .catch((error: unknown) => log.error({ rootId: target.id, err: errorSummary(error) }, "could not record scan start"));

  try {
    await runScan(db, target, progress, { ...options, signal: controller.signal });
    progress.state = "succeeded";
  } catch (error) {
    if (controller.signal.aborted) {
      progress.state = "cancelled";
      progress.error = job.interrupted ? "Optimizarr stopped before this scan finished" : "The scan was cancelled";
    } else {
      progress.state = "failed";
      progress.error = describeScanFailure(error, target);
      log.error({ rootId: target.id, scanId: progress.scanId, error: progress.error }, "scan failed");
    }
  } finally {
    progress.phase = "finished";
    progress.finishedAt = new Date();
  }

  log.info(
    {
      rootId: target.id, scanId: progress.scanId, state: progress.state, found: progress.found, added: progress.added, updated: progress.updated,
      skipped: progress.skipped, removed: progress.removed, probed: progress.probed, errors: progress.errors, skippedFolders: progress.skippedFolders,
      durationMs: progress.finishedAt.getTime() - progress.startedAt.getTime(),
    },
    "scan finished",
  );
  // A partial count is no result: leaving the finish unwritten keeps the root "interrupted" (as a
  // killed process would) and the previous scan's figures as the progress bar's expected total.
  if (job.interrupted) return;
  await db.scanRoot
    .updateMany({
      where: { id: target.id },
      data: {
        lastScanFinishedAt: progress.finishedAt,
        lastScanError: progress.error,
        lastScanFound: progress.found,
        lastScanAdded: progress.added,
        lastScanUpdated: progress.updated,
        lastScanRemoved: progress.removed,
      },
    })
    .catch((error: unknown) => log.error({ rootId: target.id, err: errorSummary(error) }, "could not record scan result"));
}

/** A message a user can act on, never containing a private root's path. */
function describeScanFailure(error: unknown, target: ScanTarget): string {
  const label = target.private ? privateLabel(target.displayAlias) : pathForMessage(target.path);
  switch (errorCodeOf(error)) {
    case "ENOENT":
    case "ENOTDIR":
      return `${label} no longer exists (is the drive or share mounted?)`;
    case "EACCES":
    case "EPERM":
      return `${label} is not readable by the user Optimizarr runs as`;
    case "EIO":
    case "ESTALE":
    case "EHOSTDOWN":
      return `${label} could not be read (${errorCodeOf(error)}); check the drive or network share`;
    default: {
      const message = error instanceof Error ? error.message : String(error);
      // Whatever else failed (the database, most likely) may have quoted a path in its message.
      return `Scan failed: ${target.private ? "internal error (details hidden for a private root)" : message.slice(0, 300)}`;
    }
  }
}

function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : { name: "Error", message: String(error).slice(0, 300) };
}
