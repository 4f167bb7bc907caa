import "server-only";
import { resolutionCondition } from "./resolution-sql";
import { Prisma } from "~/generated/prisma/client";
import { QUEUE_STATUSES, type QueueStatus } from "~/lib/queue-enums";
import type { QueueSort } from "~/lib/queue-list-options";
import type { Database } from "~/server/db";
import { encodeCursor, type QueueCursor } from "./queue-cursor";
import { queueItemDtoInclude, toQueueItemDto, type QueueItemDto } from "./queue-dto";
import type { QueueListInput } from "./queue-inputs";

/**
 * The queue page's listing: filters, one of a fixed set of orders, keyset pagination.
 *
 * Two steps per page: a raw statement picks the page's ids (full control over the SQL, so every sort
 * walks an index instead of sorting 100k rows), then Prisma loads those rows typed, with their
 * connection, for the DTO. Every order ends in a unique column, so "after the last item" is exact.
 */
export interface QueuePage {
  items: QueueItemDto[];
  nextCursor: string | null;
}

interface KeyRow {
  id: number;
  key: bigint | number | string | null;
  private: boolean;
}

export async function listQueue(db: Database, input: QueueListInput): Promise<QueuePage> {
  const filters = await filterConditions(db, input);
  const take = input.limit + 1; // one extra row tells whether another page exists
  const keyRows = input.sort === "path" ? await pathPageKeys(db, filters, input.cursor ?? null, take, !input.search) : await pageKeys(db, input.sort, filters, input.cursor ?? null, take);

  const pageRows = keyRows.slice(0, input.limit);
  const rows = await db.queueItem.findMany({ where: { id: { in: pageRows.map((row) => row.id) } }, include: queueItemDtoInclude });
  const byId = new Map(rows.map((row) => [row.id, row]));
  // A row deleted between the two statements simply drops out of the page.
  const items = pageRows.flatMap((keyRow) => {
    const row = byId.get(keyRow.id);
    return row ? [toQueueItemDto(row)] : [];
  });
  const last = pageRows.at(-1);
  return { items, nextCursor: keyRows.length > input.limit && last ? encodeCursor(cursorAfter(input.sort, last)) : null };
}

export type QueueCounts = Record<QueueStatus, number> & { total: number };

/**
 * Items per status for the page's tabs; `total` leaves out removed files, like the default listing.
 * Read from the trigger-kept totals (QueueStatsGroup): counting a million rows per page load would
 * cost more than the page itself.
 */
export async function countQueueByStatus(db: Database): Promise<QueueCounts> {
  const groups = await db.queueStatsGroup.groupBy({ by: ["status"], _sum: { count: true } });
  const counts = Object.fromEntries(QUEUE_STATUSES.map((status) => [status, 0])) as Record<QueueStatus, number>;
  for (const group of groups) {
    if ((QUEUE_STATUSES as readonly string[]).includes(group.status)) counts[group.status as QueueStatus] += group._sum.count ?? 0;
  }
  const total = QUEUE_STATUSES.filter((status) => status !== "removed").reduce((sum, status) => sum + counts[status], 0);
  return { ...counts, total };
}

/**
 * Above this many matching rows a filtered page walks its sort order's index and tests each row
 * (about limit × total / matches rows: a few thousand at most); at or below it, SQLite reads the
 * matches through a filter's index and sorts them (a few thousand rows at most). Left to itself,
 * SQLite often sorts a broad filter's matches (codec=vc1 or one connection at a million items:
 * 100k–200k rows, 0.3–0.5 s), knowing the filter's selectivity only on average.
 */
const SORTED_FILTER_MAX_MATCHES = 5000;
const STATUS_INDEXED_SORTS = ["newest", "oldest", "size-desc", "size-asc"] as const satisfies readonly QueueSort[];

async function filterConditions(db: Database, input: QueueListInput): Promise<Prisma.Sql[]> {
  // Exact match counts come from the trigger-kept totals, which hold every filter but the search.
  // Status leads the (status, id) and (status, sizeBytes, id) indexes, which serve those sorts
  // filtered by status alone without a sort step; for the other sorts it is a filter like the rest.
  const statusIndexed = (STATUS_INDEXED_SORTS as readonly QueueSort[]).includes(input.sort);
  const filtered = input.codec !== undefined || input.source !== undefined || input.connectionId !== undefined || input.resolution !== undefined || (input.status !== undefined && !statusIndexed);
  const walkSortIndex = filtered && (await countMatches(db, input)) > SORTED_FILTER_MAX_MATCHES;
  // `+"column"` is the same value, but keeps SQLite off that column's indexes.
  const column = (name: string) => Prisma.raw(walkSortIndex ? `+"${name}"` : `"${name}"`);
  const status = walkSortIndex && !statusIndexed ? Prisma.raw(`+"status"`) : Prisma.raw(`"status"`);
  // Files that vanished from disk stay in the table (so a re-appearing file keeps its history) but
  // are only listed when asked for by status.
  const conditions = [input.status ? Prisma.sql`${status} = ${input.status}` : Prisma.sql`${status} <> 'removed'`];
  if (input.codec) conditions.push(Prisma.sql`${column("codec")} = ${input.codec}`);
  if (input.source) conditions.push(Prisma.sql`${column("source")} = ${input.source}`);
  if (input.connectionId !== undefined) conditions.push(Prisma.sql`${column("connectionId")} = ${input.connectionId}`);
  if (input.resolution) conditions.push(resolutionCondition(input.resolution, !walkSortIndex));
  if (input.search) {
    // A private item must not be findable by its real path: a match alone would confirm what it is.
    // `NOT "private"` (rather than `= false`) also keeps SQLite off the two-valued private index.
    conditions.push(Prisma.sql`NOT "private"`, await searchCondition(db, input.search));
  }
  return conditions;
}

/** Rows matching the listing's filters, the search aside, from QueueStatsGroup (a few hundred rows). */
async function countMatches(db: Database, input: QueueListInput): Promise<number> {
  const conditions = [input.status ? Prisma.sql`"status" = ${input.status}` : Prisma.sql`"status" <> 'removed'`];
  if (input.codec) conditions.push(Prisma.sql`"codec" = ${input.codec}`);
  if (input.source) conditions.push(Prisma.sql`"source" = ${input.source}`);
  if (input.connectionId !== undefined) conditions.push(Prisma.sql`"connectionId" = ${input.connectionId}`);
  if (input.resolution) conditions.push(Prisma.sql`"resolution" = ${input.resolution}`);
  const [row] = await db.$queryRaw<{ matches: bigint | number | null }[]>`SELECT SUM("count") AS "matches" FROM "QueueStatsGroup" WHERE ${Prisma.join(conditions, " AND ")}`;
  return Number(row?.matches ?? 0);
}

/** Below this many matches a search is "selective" (a title, an episode) rather than broad ("/tv/"). */
const SELECTIVE_SEARCH_MATCHES = 1000;

/**
 * A substring search can use no ordinary index, and SQLite cannot guess how many rows match. A
 * broad search is cheapest tested row by row while walking the sort's index (a page fills after a
 * few hundred rows). A selective one (a title) would walk the whole sort index for a handful of
 * matches, and even collecting them from the path index alone reads every path (≈ 0.3 s at a
 * million). So its matches come from the trigram index QueueItemPathSearch (public items only,
 * kept by triggers): the probe below walks the candidates sharing every trigram of the search,
 * keeps those that really contain it (the same LIKE), and stops at the threshold. Under the
 * threshold the page is drawn from exactly those ids; at it, the search is broad.
 * Searches shorter than a trigram have no index to use and probe the path index as before.
 * SQLite's LIKE ignores ASCII case, which is what a path search wants; the trigram index folds
 * case too (all of Unicode's, so it finds a superset, which the LIKE narrows).
 */
async function searchCondition(db: Database, search: string): Promise<Prisma.Sql> {
  const pattern = `%${escapeLike(search)}%`;
  const broad = Prisma.sql`"filePath" LIKE ${pattern} ESCAPE '!'`;
  const trigrams = trigramQuery(search);
  if (trigrams === null) {
    const [probe] = await db.$queryRaw<{ matches: bigint | number }[]>`
      SELECT COUNT(*) AS "matches" FROM (SELECT 1 FROM "QueueItem" WHERE "filePath" LIKE ${pattern} ESCAPE '!' LIMIT ${SELECTIVE_SEARCH_MATCHES}) AS "probe"`;
    return Number(probe?.matches ?? 0) < SELECTIVE_SEARCH_MATCHES ? Prisma.sql`"id" IN (SELECT "id" FROM "QueueItem" WHERE ${broad})` : broad;
  }
  const matches = await db.$queryRaw<{ id: number }[]>`
    SELECT q."id" FROM "QueueItemPathSearch" AS s CROSS JOIN "QueueItem" AS q ON q."id" = s.rowid
    WHERE s."QueueItemPathSearch" MATCH ${trigrams} AND q."filePath" LIKE ${pattern} ESCAPE '!'
    LIMIT ${SELECTIVE_SEARCH_MATCHES}`;
  return matches.length < SELECTIVE_SEARCH_MATCHES ? Prisma.sql`"id" IN (SELECT value FROM json_each(${JSON.stringify(matches.map((row) => row.id))}))` : broad;
}

/**
 * The search as an FTS5 query: every distinct trigram (3 characters, by code point, as the
 * tokenizer counts them), each a quoted string, ANDed; null when there is none to use.
 */
function trigramQuery(search: string): string | null {
  const characters = Array.from(search);
  // FTS5 reads its query as a C string: a NUL would cut it short. Such a search takes the LIKE path.
  if (characters.length < 3 || search.includes("\u0000")) return null;
  const trigrams = new Set<string>();
  for (let start = 0; start + 3 <= characters.length; start += 1) trigrams.add(characters.slice(start, start + 3).join(""));
  return [...trigrams].map((trigram) => `"${trigram.replaceAll('"', '""')}"`).join(" AND ");
}

function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `!${char}`);
}

type KeysetSort = Exclude<QueueSort, "path">;

/**
 * Per sort: the key column, the order, and "strictly after the cursor" in that order. Row-value
 * comparisons let SQLite seek straight into the matching (key, id) index. "newest"/"oldest" use the
 * id alone: ids grow with insertion, so they order exactly like createdAt, and the status, codec and
 * source indexes (all ending in id) then serve a filtered listing without a sort step.
 */
const KEYSET: Record<KeysetSort, { key: Prisma.Sql; orderBy: Prisma.Sql; after: (cursor: QueueCursor) => Prisma.Sql }> = {
  newest: { key: Prisma.sql`NULL`, orderBy: Prisma.sql`"id" DESC`, after: (cursor) => Prisma.sql`"id" < ${cursor.id}` },
  oldest: { key: Prisma.sql`NULL`, orderBy: Prisma.sql`"id" ASC`, after: (cursor) => Prisma.sql`"id" > ${cursor.id}` },
  "size-desc": { key: Prisma.sql`"sizeBytes"`, orderBy: Prisma.sql`"sizeBytes" DESC, "id" DESC`, after: (cursor) => Prisma.sql`("sizeBytes", "id") < (${keyOf(cursor)}, ${cursor.id})` },
  "size-asc": { key: Prisma.sql`"sizeBytes"`, orderBy: Prisma.sql`"sizeBytes" ASC, "id" ASC`, after: (cursor) => Prisma.sql`("sizeBytes", "id") > (${keyOf(cursor)}, ${cursor.id})` },
  savings: {
    key: Prisma.sql`"estimatedSavingsBytes"`,
    orderBy: Prisma.sql`"estimatedSavingsBytes" DESC, "id" DESC`,
    after: (cursor) => Prisma.sql`("estimatedSavingsBytes", "id") < (${keyOf(cursor)}, ${cursor.id})`,
  },
  // Highest priority first, then oldest first: the order the encoder works in. Mixed directions
  // rule out a row value; the leading "<=" still lets the (priority DESC, id) index seek.
  priority: {
    key: Prisma.sql`"priority"`,
    orderBy: Prisma.sql`"priority" DESC, "id" ASC`,
    after: (cursor) => Prisma.sql`"priority" <= ${keyOf(cursor)} AND ("priority" < ${keyOf(cursor)} OR "id" > ${cursor.id})`,
  },
};

function keyOf(cursor: QueueCursor): bigint | number | string | null {
  return "key" in cursor ? cursor.key : null;
}

async function pageKeys(db: Database, sort: KeysetSort, filters: Prisma.Sql[], cursor: QueueCursor | null, take: number): Promise<KeyRow[]> {
  const spec = KEYSET[sort];
  const conditions = cursor ? [...filters, spec.after(cursor)] : filters;
  return db.$queryRaw<KeyRow[]>`SELECT "id", ${spec.key} AS "key", "private" FROM "QueueItem" WHERE ${Prisma.join(conditions, " AND ")} ORDER BY ${spec.orderBy} LIMIT ${take}`;
}

/**
 * Path order lists public items by path, then private items by id. Sorting private items by their
 * real paths would slot them between public ones and hint at their folder and name; the cursor would
 * carry the path too. `includePrivate` is false while searching (private items never match).
 */
async function pathPageKeys(db: Database, filters: Prisma.Sql[], cursor: QueueCursor | null, take: number, includePrivate: boolean): Promise<KeyRow[]> {
  const pathKey = cursor?.sort === "path" ? cursor.key : undefined;
  const rows: KeyRow[] = [];
  if (pathKey !== null) {
    // filePath is unique, so it alone orders the public items totally.
    const conditions = [...filters, Prisma.sql`NOT "private"`];
    if (pathKey !== undefined) conditions.push(Prisma.sql`"filePath" > ${pathKey}`);
    rows.push(...(await db.$queryRaw<KeyRow[]>`SELECT "id", "filePath" AS "key", "private" FROM "QueueItem" WHERE ${Prisma.join(conditions, " AND ")} ORDER BY "filePath" ASC LIMIT ${take}`));
  }
  if (rows.length < take && includePrivate) {
    const conditions = [...filters, Prisma.sql`"private"`];
    if (pathKey === null && cursor) conditions.push(Prisma.sql`"id" > ${cursor.id}`);
    rows.push(...(await db.$queryRaw<KeyRow[]>`SELECT "id", NULL AS "key", "private" FROM "QueueItem" WHERE ${Prisma.join(conditions, " AND ")} ORDER BY "id" ASC LIMIT ${take - rows.length}`));
  }
  return rows;
}

function cursorAfter(sort: QueueSort, last: KeyRow): QueueCursor {
  switch (sort) {
    case "newest":
    case "oldest":
      return { sort, id: last.id };
    case "size-desc":
    case "size-asc":
    case "savings":
      return { sort, id: last.id, key: BigInt(last.key ?? 0) };
    case "priority":
      return { sort, id: last.id, key: Number(last.key ?? 0) };
    case "path":
      return { sort, id: last.id, key: last.private ? null : String(last.key) };
  }
}
