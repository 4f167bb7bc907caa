import "server-only";
import { Prisma } from "~/generated/prisma/client";
import type { Database } from "~/server/db";
import { sqlDate } from "~/server/sql-date";

/**
 * Whether a queue item is private, derived in ONE place: true when any source that knows the file
 * is private — its connection, a scan root whose folder holds it, or a root linked to a private
 * connection. Written as SQL so the same rule serves a batch of freshly written rows and a source's
 * whole library when its privacy changes, inside the statement that writes them.
 *
 * The flag is sticky on deletion (a deleted private connection's items stay hidden): only writes
 * that know the file and privacy changes of a source that knows it recompute it.
 */

const QUEUE_ITEM_PATH = Prisma.sql`"QueueItem"."filePath"`;

/** `file` (by default `"QueueItem"."filePath"`) is `folder` or inside it ("/tv/Show" never matches "/tv/Show 2"). */
export function pathIsInside(folder: Prisma.Sql, file: Prisma.Sql = QUEUE_ITEM_PATH): Prisma.Sql {
  return Prisma.sql`(${folder} = '/' OR ${file} = ${folder} OR substr(${file}, 1, length(${folder}) + 1) = ${folder} || '/')`;
}

/**
 * The rule itself, over any two SQL expressions for a file's path and connection: the queue
 * writer evaluates it on the rows it is about to write, the recompute below on stored rows.
 */
export function isPrivateSql(filePath: Prisma.Sql, connectionId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(
  EXISTS (SELECT 1 FROM "ExternalConnection" AS c WHERE c."id" = ${connectionId} AND c."private")
  OR EXISTS (
    SELECT 1 FROM "ScanRoot" AS r LEFT JOIN "ExternalConnection" AS rc ON rc."id" = r."externalConnectionId"
    WHERE (r."private" OR coalesce(rc."private", 0)) AND ${pathIsInside(Prisma.sql`r."path"`, filePath)}
  )
)`;
}

const itemIsPrivateSql = isPrivateSql(QUEUE_ITEM_PATH, Prisma.sql`"QueueItem"."connectionId"`);

/** One UPDATE: sets the derived flag on the rows matching `where`, touching only rows that change. */
export function recomputePrivacySql(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`UPDATE "QueueItem" SET "private" = ${itemIsPrivateSql}, "updatedAt" = ${sqlDate(new Date())}
    WHERE (${where}) AND "private" IS NOT ${itemIsPrivateSql}`;
}

/** The rows of these exact paths (a JSON array, one parameter however many). */
export function pathsInSql(paths: readonly string[]): Prisma.Sql {
  return Prisma.sql`"QueueItem"."filePath" IN (SELECT value FROM json_each(${JSON.stringify(paths)}))`;
}

/** Rows a connection knows: its own items and every file under a scan root linked to it. */
export function knownByConnectionSql(connectionId: number): Prisma.Sql {
  return Prisma.sql`"QueueItem"."connectionId" = ${connectionId} OR EXISTS (
    SELECT 1 FROM "ScanRoot" AS r WHERE r."externalConnectionId" = ${connectionId} AND ${pathIsInside(Prisma.sql`r."path"`)})`;
}

/** Rows inside any of these folders (a root's old and new path when it moves). */
export function insideFoldersSql(folders: readonly string[]): Prisma.Sql {
  if (folders.length === 0) return Prisma.sql`0`;
  return Prisma.join(
    folders.map((folder) => pathIsInside(Prisma.sql`${folder}`)),
    " OR ",
  );
}

/**
 * Recomputes the flag for the rows `where` selects. Callers that change a source run it in the
 * same batch transaction as the change (`db.$transaction([update, recompute])`), so no reader ever
 * sees a private source whose items are still public.
 */
export function recomputeItemPrivacy(db: Pick<Database, "$executeRaw">, where: Prisma.Sql) {
  return db.$executeRaw(recomputePrivacySql(where));
}
