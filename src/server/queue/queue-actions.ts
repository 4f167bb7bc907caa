import "server-only";
import type { QueueStatus } from "~/lib/queue-enums";
import type { Prisma } from "~/generated/prisma/client";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";

/**
 * The queue page's bulk actions. Each is one statement over the chosen ids and touches only the
 * items the action makes sense for; `count` says how many actually changed, so the page can tell
 * "3 of 5 skipped" instead of pretending all went through.
 */
const log = createLogger("queue-actions");

type Transaction = Prisma.TransactionClient;

export const SKIPPED_BY_USER = "Skipped by user";

/** A file being encoded belongs to the encoder until it finishes; nothing here pulls it away. */
const SKIPPABLE: QueueStatus[] = ["queued", "failed"];
const REQUEUEABLE: QueueStatus[] = ["skipped", "failed", "done"];
const REMOVABLE: QueueStatus[] = ["queued", "done", "failed", "skipped", "removed"];

export interface ActionResult {
  count: number;
}

/** The SQLite driver adapter binds at most 999 values per statement; a 1,000-id action is split. */
const IDS_PER_STATEMENT = 500;

/** One transaction, so an action either applies to every chosen item or to none. */
async function inChunks(db: Database, ids: readonly number[], work: (tx: Transaction, chunk: number[]) => Promise<{ count: number }>): Promise<number> {
  return db.$transaction(async (tx) => {
    let count = 0;
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) count += (await work(tx, ids.slice(start, start + IDS_PER_STATEMENT))).count;
    return count;
  });
}

/** Deletes the rows. A later scan or sync that still finds the file adds it again (Skip keeps it out). */
export async function removeQueueItems(db: Database, ids: readonly number[]): Promise<ActionResult> {
  const count = await inChunks(db, ids, (tx, chunk) => tx.queueItem.deleteMany({ where: { id: { in: chunk }, status: { in: REMOVABLE } } }));
  log.info({ action: "remove", requested: ids.length, count }, "queue items removed");
  return { count };
}

/** Forgets every removed file (gone from disk or from its app) at once: one statement, any number. */
export async function clearRemovedQueueItems(db: Database): Promise<ActionResult> {
  const { count } = await db.queueItem.deleteMany({ where: { status: "removed" } });
  log.info({ action: "clearRemoved", count }, "removed queue items cleared");
  return { count };
}

export async function skipQueueItems(db: Database, ids: readonly number[]): Promise<ActionResult> {
  const count = await inChunks(db, ids, (tx, chunk) =>
    tx.queueItem.updateMany({ where: { id: { in: chunk }, status: { in: SKIPPABLE } }, data: { status: "skipped", statusReason: SKIPPED_BY_USER } }),
  );
  log.info({ action: "skip", requested: ids.length, count }, "queue items skipped");
  return { count };
}

/** Back in line, whatever made them leave it; the user asked, so even files already in the target codec. */
export async function requeueQueueItems(db: Database, ids: readonly number[]): Promise<ActionResult> {
  const count = await inChunks(db, ids, (tx, chunk) =>
    tx.queueItem.updateMany({ where: { id: { in: chunk }, status: { in: REQUEUEABLE } }, data: { status: "queued", statusReason: null } }),
  );
  log.info({ action: "requeue", requested: ids.length, count }, "queue items re-queued");
  return { count };
}

export async function setQueueItemsPriority(db: Database, ids: readonly number[], priority: number): Promise<ActionResult> {
  const count = await inChunks(db, ids, (tx, chunk) => tx.queueItem.updateMany({ where: { id: { in: chunk } }, data: { priority } }));
  log.info({ action: "setPriority", requested: ids.length, count, priority }, "queue priority set");
  return { count };
}
