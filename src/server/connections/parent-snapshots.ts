import "server-only";
import { connectionInTransaction, type Database } from "~/server/db";
import { sqlDate } from "~/server/sql-date";
import { QUICK_SYNC_APPS } from "./connection-schemas";

/**
 * Quick syncs (issue #16). A parent — a Sonarr series, a Stash scene — whose fingerprint matches the
 * one it had at the connection's last COMPLETE sync is not re-read, and its queue items count as
 * listed. Sonarr's fingerprint is the statistics GET /api/v3/series carries (file count, size on
 * disk, per season; sonarr.ts); Stash's is its files' ids and `updated_at` (stash-library.ts). What
 * each parent looked like is kept here, one row per connection and parent ("series:7", "scene:42",
 * as QueueItem.externalParentId spells them).
 *
 * Why this stays correct:
 * - snapshots are replaced only after a complete run, so a failed or interrupted run leaves the last
 *   complete sync's snapshots, and the next run re-reads every parent that changed since then;
 * - a webhook that changed a series' files marks its snapshot (`invalidateParentSnapshot`): the next
 *   quick sync re-reads it even when its statistics look the same (a rename);
 * - a full sync re-reads everything on a schedule (`fullSyncEveryHours`, default daily) and on demand,
 *   which catches what a fingerprint can't show: a Sonarr file renamed or replaced by one of the same
 *   size, a Stash folder renamed (its files' records, and so their fingerprints, stay as they were).
 */

export { QUICK_SYNC_APPS };

export const DEFAULT_FULL_SYNC_EVERY_HOURS = 24;

/** Rows per statement: one json_each parameter each, so a 100k-scene library costs a handful of statements. */
const WRITE_BATCH = 5_000;

/**
 * parentId → fingerprint, as the last complete sync of this connection saw them. Read on the
 * connection itself: a 100k-scene library's snapshots cost ≈ 0.4 s of Prisma's row mapping (and
 * its garbage), ≈ 30 ms this way; the transaction only holds the connection's turn for the read.
 */
export async function loadParentSnapshots(db: Database, connectionId: number): Promise<Map<string, string>> {
  return db.$transaction(async () => {
    const rows = connectionInTransaction()
      .prepare<[number], [string, string]>(`SELECT "parentId", "fingerprint" FROM "SyncParentSnapshot" WHERE "connectionId" = ?`)
      .raw()
      .all(connectionId);
    return new Map(rows);
  });
}

/** The fingerprint of a parent a webhook changed: matches no statistics, so the next quick sync reads it. */
const INVALIDATED = "";

/** True when some snapshot can spare a request (not only webhook marks): a quick sync is worth calling one. */
export function hasUsableSnapshots(snapshots: ReadonlyMap<string, string>): boolean {
  for (const fingerprint of snapshots.values()) if (fingerprint !== INVALIDATED) return true;
  return false;
}

/**
 * Makes the connection's snapshots `covered` (the parents a complete run listed or skipped). Only
 * changed fingerprints are written, so an unchanged re-sync writes nothing here either. A mark a
 * webhook left since the run started stays: the run's fingerprint predates that change.
 * `previous`: the snapshots the run started from (a quick run has them), so only what differs from
 * them is sent to SQLite — for an unchanged 100k-scene library, nothing instead of 100k lookups.
 */
export async function replaceParentSnapshots(
  tx: Pick<Database, "$executeRaw">,
  connectionId: number,
  covered: ReadonlyMap<string, string>,
  run: { startedAt: Date; finishedAt: Date; previous: ReadonlyMap<string, string> | null },
): Promise<void> {
  const { previous } = run;
  const entries = previous ? [...covered].filter(([parentId, fingerprint]) => previous.get(parentId) !== fingerprint) : [...covered];
  if (previous) {
    const gone = [...previous.keys()].filter((parentId) => !covered.has(parentId));
    if (gone.length > 0) {
      await tx.$executeRaw`
        DELETE FROM "SyncParentSnapshot" WHERE "connectionId" = ${connectionId} AND "parentId" IN (SELECT value FROM json_each(${JSON.stringify(gone)}))`;
    }
  } else {
    await tx.$executeRaw`
      DELETE FROM "SyncParentSnapshot" WHERE "connectionId" = ${connectionId}
        AND "parentId" NOT IN (SELECT value FROM json_each(${JSON.stringify([...covered.keys()])}))`;
  }
  for (let start = 0; start < entries.length; start += WRITE_BATCH) {
    const batch = JSON.stringify(entries.slice(start, start + WRITE_BATCH));
    await tx.$executeRaw`
      INSERT INTO "SyncParentSnapshot" ("connectionId", "parentId", "fingerprint", "updatedAt")
      SELECT ${connectionId}, entry.value ->> 0, entry.value ->> 1, ${sqlDate(run.finishedAt)} FROM json_each(${batch}) AS entry WHERE true
      ON CONFLICT ("connectionId", "parentId") DO UPDATE SET "fingerprint" = excluded."fingerprint", "updatedAt" = excluded."updatedAt"
        WHERE "SyncParentSnapshot"."fingerprint" <> excluded."fingerprint"
          AND NOT ("SyncParentSnapshot"."fingerprint" = ${INVALIDATED} AND "SyncParentSnapshot"."updatedAt" >= ${sqlDate(run.startedAt)})`;
  }
}

/**
 * A webhook changed this parent's files: the next quick sync re-reads it whatever its statistics say.
 * A mark rather than a deletion, so a sync running meanwhile (whose fingerprint is older) can't undo it.
 */
export async function invalidateParentSnapshot(db: Pick<Database, "$executeRaw">, connectionId: number, parentId: string | null): Promise<void> {
  if (parentId === null) return;
  // Raw: it runs for every Sonarr delivery, and an ORM upsert costs several times one statement.
  const now = sqlDate(new Date());
  await db.$executeRaw`
    INSERT INTO "SyncParentSnapshot" ("connectionId", "parentId", "fingerprint", "updatedAt") VALUES (${connectionId}, ${parentId}, ${INVALIDATED}, ${now})
    ON CONFLICT ("connectionId", "parentId") DO UPDATE SET "fingerprint" = excluded."fingerprint", "updatedAt" = excluded."updatedAt"`;
}

/**
 * Whether a scheduled sync should re-read everything: no successful full sync yet, or the latest one
 * started `fullSyncEveryHours` or more before `now`.
 */
export async function isFullSyncDue(db: Database, connectionId: number, now = new Date()): Promise<boolean> {
  const connection = await db.externalConnection.findUnique({ where: { id: connectionId }, select: { appType: true, fullSyncEveryHours: true } });
  if (!connection || !QUICK_SYNC_APPS.has(connection.appType)) return true;
  const lastFull = await db.syncRun.findFirst({
    where: { connectionId, full: true, status: "succeeded" },
    orderBy: { startedAt: "desc" },
    select: { startedAt: true },
  });
  if (!lastFull) return true;
  return now.getTime() - lastFull.startedAt.getTime() >= connection.fullSyncEveryHours * 3_600_000;
}
