import "server-only";
import type { Prisma, QueueItem } from "~/generated/prisma/client";
import type { Database } from "~/server/db";

/**
 * Who encodes what. An item is taken with one conditional UPDATE (`status = 'queued'` → `encoding`
 * plus a lease naming the node), so two workers — threads here, or encoder nodes sharing one
 * PostgreSQL database later — can never both win it. The worker renews the lease while it encodes;
 * a lease that expired means its process died (SIGKILL, power cut), and the item is taken back.
 * Plain Prisma queries only: nothing here may depend on SQLite.
 */

/** How long a claim holds without renewal; the worker renews it every third of this. */
export const LEASE_MS = 60_000;

/** Candidates looked at per claim attempt: another node may take the first ones meanwhile. */
const CANDIDATES = 5;

/** Items whose source is switched off are left in the queue, untouched, until it is switched on again. */
async function disabledSourceFilter(db: Database): Promise<Prisma.QueueItemWhereInput> {
  const disabledRoots = await db.scanRoot.findMany({ where: { enabled: false }, select: { path: true } });
  return {
    OR: [{ connectionId: null }, { connection: { enabled: true } }],
    NOT: { OR: disabledRoots.map((root) => ({ filePath: { startsWith: `${root.path.replace(/\/+$/, "")}/` } })) },
  };
}

/** Encoding order: the user's priority first, then the biggest expected saving, then the oldest. */
const ORDER: Prisma.QueueItemOrderByWithRelationInput[] = [{ priority: "desc" }, { estimatedSavingsBytes: "desc" }, { id: "asc" }];

/** Takes the next item for `workerId`, or null when nothing is queued. */
export async function claimNextItem(db: Database, workerId: string, now = new Date()): Promise<QueueItem | null> {
  const where: Prisma.QueueItemWhereInput = { status: "queued", ...(await disabledSourceFilter(db)) };
  const candidates = await db.queueItem.findMany({ where, orderBy: ORDER, take: CANDIDATES, select: { id: true } });
  for (const { id } of candidates) {
    const claimed = await claimItem(db, id, workerId, now);
    if (claimed) return claimed;
  }
  return null;
}

/** The conditional update itself: true only for the one caller that moved the row out of `queued`. */
export async function claimItem(db: Database, id: number, workerId: string, now = new Date()): Promise<QueueItem | null> {
  const { count } = await db.queueItem.updateMany({
    where: { id, status: "queued" },
    data: { status: "encoding", statusReason: null, leaseOwner: workerId, leaseExpiresAt: new Date(now.getTime() + LEASE_MS) },
  });
  return count === 1 ? db.queueItem.findUnique({ where: { id } }) : null;
}

/** Extends the lease; false when it was lost (expired and taken back), and the encode must stop. */
export async function renewLease(db: Database, id: number, workerId: string, now = new Date()): Promise<boolean> {
  const { count } = await db.queueItem.updateMany({
    where: { id, status: "encoding", leaseOwner: workerId },
    data: { leaseExpiresAt: new Date(now.getTime() + LEASE_MS) },
  });
  return count === 1;
}

/** Ends this worker's hold, moving the item to where the encode left it. No-op if the lease was lost. */
export async function releaseItem(
  db: Database,
  id: number,
  workerId: string,
  data: Omit<Prisma.QueueItemUpdateManyMutationInput, "leaseOwner" | "leaseExpiresAt">,
): Promise<boolean> {
  const { count } = await db.queueItem.updateMany({
    where: { id, status: "encoding", leaseOwner: workerId },
    data: { ...data, leaseOwner: null, leaseExpiresAt: null },
  });
  return count === 1;
}

export interface AbandonedEncode {
  itemId: number;
  /** Temporary outputs of the abandoned attempts, to delete. */
  tempPaths: string[];
}

/**
 * Items held by a lease that ran out (or by a worker of this host that is gone) go back to the
 * queue; their unfinished attempts are marked interrupted. Each item is taken back with its own
 * conditional update, so a worker renewing at that moment either keeps it or loses it cleanly.
 */
export async function takeBackAbandoned(db: Database, options: { now?: Date; deadWorkers?: readonly string[] } = {}): Promise<AbandonedEncode[]> {
  const now = options.now ?? new Date();
  const stale: Prisma.QueueItemWhereInput[] = [{ leaseExpiresAt: { lt: now } }, { leaseExpiresAt: null }];
  if (options.deadWorkers?.length) stale.push({ leaseOwner: { in: [...options.deadWorkers] } });
  const held = await db.queueItem.findMany({ where: { status: "encoding", OR: stale }, select: { id: true, leaseOwner: true, leaseExpiresAt: true } });
  const abandoned: AbandonedEncode[] = [];
  for (const item of held) {
    const tempPaths = await db.$transaction(async (tx) => {
      const { count } = await tx.queueItem.updateMany({
        where: { id: item.id, status: "encoding", leaseOwner: item.leaseOwner, leaseExpiresAt: item.leaseExpiresAt },
        data: { status: "queued", statusReason: "The encode was interrupted (the process stopped); queued again", leaseOwner: null, leaseExpiresAt: null },
      });
      if (count === 0) return null;
      const jobs = await tx.encodeJob.findMany({ where: { queueItemId: item.id, finishedAt: null }, select: { id: true, tempPath: true } });
      await tx.encodeJob.updateMany({
        where: { id: { in: jobs.map((job) => job.id) } },
        data: { status: "interrupted", reason: "The encoder process stopped before it finished", finishedAt: now, tempPath: null },
      });
      return jobs.flatMap((job) => (job.tempPath ? [job.tempPath] : []));
    });
    if (tempPaths) abandoned.push({ itemId: item.id, tempPaths });
  }
  return abandoned;
}
