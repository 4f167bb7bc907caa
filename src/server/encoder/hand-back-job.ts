import "server-only";
import { setTimeout as wait } from "node:timers/promises";
import { handBackToApp, type OwnedFile } from "~/server/connections/hand-back";
import type { Database } from "~/server/db";
import type { Codec } from "~/lib/queue-enums";
import { createLogger } from "~/server/logger";

const log = createLogger("hand-back");

/** Waits before each retry: an app that is restarting or busy gets a few minutes. */
export const HAND_BACK_RETRY_DELAYS_MS = [30_000, 120_000, 600_000] as const;

export interface HandBackTask {
  jobId: number;
  itemId: number;
  file: OwnedFile;
  previousPath: string;
  newPath: string;
  sizeBytes: bigint;
  codec: Codec;
}

/**
 * Tells the owning app about a replaced file, retrying, and records how it went on the encode job
 * ("Radarr updated", a warning, or the failure). Never throws: the encode itself is already done,
 * and nothing here can undo it.
 */
export async function handBack(db: Database, task: HandBackTask, options: { signal: AbortSignal; retryDelaysMs?: readonly number[] }): Promise<void> {
  const delays = options.retryDelaysMs ?? HAND_BACK_RETRY_DELAYS_MS;
  await db.encodeJob.update({ where: { id: task.jobId }, data: { handBackStatus: "pending", handBackMessage: "Telling the app about the new file…" } });
  for (let attempt = 0; ; attempt += 1) {
    const result = await handBackToApp(
      db,
      { ...task.file, filePath: task.newPath },
      { previousPath: task.previousPath, newPath: task.newPath, sizeBytes: task.sizeBytes, codec: task.codec },
      { signal: options.signal },
    );
    if (result.ok) {
      await db.encodeJob.update({ where: { id: task.jobId }, data: { handBackStatus: result.data.status, handBackMessage: result.data.message } });
      if (result.data.externalId && result.data.externalId !== task.file.externalId) await adoptNewId(db, task.itemId, result.data.externalId);
      log.info({ jobId: task.jobId, itemId: task.itemId, status: result.data.status }, "owning app told about the new file");
      return;
    }
    const delay = delays[attempt];
    const last = delay === undefined || options.signal.aborted;
    const message = `${result.error.message}${last ? "" : ` — retrying in ${Math.round(delay / 1000)} s`}`;
    await db.encodeJob.update({ where: { id: task.jobId }, data: { handBackStatus: last ? "failed" : "pending", handBackMessage: message } });
    log.warn({ jobId: task.jobId, itemId: task.itemId, category: result.error.category, attempt: attempt + 1 }, "telling the owning app failed");
    if (last) return;
    if (!(await sleep(delay, options.signal))) return;
  }
}

/** The app gave the re-read file a new id: the item follows it, so the next sync moves nothing. */
async function adoptNewId(db: Database, itemId: number, externalId: string): Promise<void> {
  try {
    await db.queueItem.update({ where: { id: itemId }, data: { externalId } });
  } catch {
    // Another row already holds that id (a sync got there first); the next sync settles it.
  }
}

/** False when aborted (shutdown) before the time was up. */
async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await wait(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
