import "server-only";
import { Prisma } from "~/generated/prisma/client";
import { resolutionBucketSql } from "~/server/queue/resolution-sql";
import { CODECS, QUEUE_SOURCES, QUEUE_STATUSES, RESOLUTION_BUCKETS, type Codec, type QueueSource, type QueueStatus, type ResolutionBucket } from "~/lib/queue-enums";
import { enumValueOr } from "~/lib/enum-value";
import type { Database } from "~/server/db";
import { pathIsInside } from "~/server/privacy/item-privacy";
import type { StatsSummaryInput } from "./stats-inputs";

/**
 * The statistics page's numbers, read from the running totals in QueueStatsGroup (kept by triggers,
 * see prisma/schema.prisma) rather than by grouping the queue: a few hundred groups instead of a
 * million rows (≈ 3 s at 1M). Scan roots hidden from statistics hide files by path, which the
 * totals can't know; the rows inside them are grouped live (an index range per root) and
 * subtracted. The groups are then folded into each breakdown here.
 *
 * Left out: removed files (gone from disk), items of connections and scan roots marked "don't show
 * in statistics", and private items unless the caller asks for them (then as counts and sizes only:
 * nothing here can carry a name).
 */
export interface StatsGroup {
  count: number;
  bytes: bigint;
  /** Expected savings of the group's queued items. */
  estimatedSavingsBytes: bigint;
}

export interface StatsSummary {
  totalItems: number;
  totalBytes: bigint;
  queuedItems: number;
  queuedBytes: bigint;
  /** What re-encoding every queued item is expected to free. */
  estimatedSavingsBytes: bigint;
  byCodec: (StatsGroup & { codec: Codec })[];
  byResolution: (StatsGroup & { resolution: ResolutionBucket })[];
  bySource: (StatsGroup & { source: QueueSource })[];
  byStatus: (StatsGroup & { status: QueueStatus })[];
  /** Private items in scope, whether or not they were included: the page offers the toggle only when there are some. */
  privateItemCount: number;
  includesPrivate: boolean;
}

interface AggregateRow {
  connectionId: number | bigint;
  codec: string;
  source: string;
  status: string;
  resolution: string;
  private: boolean | number | bigint;
  count: bigint | number;
  bytes: bigint | number | null;
  savings: bigint | number | null;
}

/** Queue items whose connection and scan root both allow statistics ("Show in stats"). */
export const shownInStatsSql = Prisma.sql`("QueueItem"."connectionId" IS NULL OR "QueueItem"."connectionId" NOT IN (SELECT "id" FROM "ExternalConnection" WHERE NOT "showInStats"))
      AND NOT EXISTS (SELECT 1 FROM "ScanRoot" AS r WHERE NOT r."showInStats" AND ${pathIsInside(Prisma.sql`r."path"`)})`;

/**
 * Ids of the rows inside a scan root hidden from statistics, as shownInStatsSql's NOT EXISTS decides
 * it, but driven from the (few) roots through the filePath index: "inside" is the path itself or a
 * path in [root + "/", root + "0"), "0" being the character after "/"; a root at "/" holds every
 * file. CROSS JOIN keeps the roots the outer loop, so no root means no row read. Nested roots are
 * deduplicated by the IN that consumes it.
 */
const inHiddenRootIdsSql = Prisma.sql`
  SELECT q."id" FROM "ScanRoot" AS r CROSS JOIN "QueueItem" AS q
    WHERE NOT r."showInStats" AND r."path" <> '/' AND q."filePath" >= r."path" || '/' AND q."filePath" < r."path" || '0'
  UNION ALL SELECT q."id" FROM "ScanRoot" AS r CROSS JOIN "QueueItem" AS q WHERE NOT r."showInStats" AND q."filePath" = r."path"
  UNION ALL SELECT q."id" FROM "ScanRoot" AS r CROSS JOIN "QueueItem" AS q WHERE NOT r."showInStats" AND r."path" = '/'`;

/**
 * shownInStatsSql for statements over many rows: the hidden roots' rows are collected once through
 * the path index instead of each row testing every root.
 */
export const shownInStatsByIdSql = Prisma.sql`("QueueItem"."connectionId" IS NULL OR "QueueItem"."connectionId" NOT IN (SELECT "id" FROM "ExternalConnection" WHERE NOT "showInStats"))
      AND "QueueItem"."id" NOT IN (${inHiddenRootIdsSql})`;

/** The totals less the hidden roots' rows, per group (same keys on both sides). */
function subtractGroups(totals: readonly AggregateRow[], hidden: readonly AggregateRow[]): AggregateRow[] {
  if (hidden.length === 0) return [...totals];
  const keyOf = (row: AggregateRow) => JSON.stringify([Number(row.connectionId), row.source, row.codec, row.status, row.resolution, Boolean(row.private)]);
  const byKey = new Map(totals.map((row) => [keyOf(row), { ...row }]));
  for (const row of hidden) {
    const total = byKey.get(keyOf(row));
    if (!total) continue; // cannot happen while the triggers hold; nothing to take from
    total.count = BigInt(total.count) - BigInt(row.count);
    total.bytes = BigInt(total.bytes ?? 0) - BigInt(row.bytes ?? 0);
    total.savings = BigInt(total.savings ?? 0) - BigInt(row.savings ?? 0);
  }
  return [...byKey.values()].filter((row) => BigInt(row.count) > 0n);
}

const RESOLUTION_KEYS: readonly ResolutionBucket[] = [...RESOLUTION_BUCKETS.map((bucket) => bucket.key), "unknown"];

export async function statsSummary(db: Database, input: StatsSummaryInput): Promise<StatsSummary> {
  // One batch transaction: the totals and the hidden roots' share are read from the same snapshot.
  const [totals, hidden] = await db.$transaction([
    db.$queryRaw<AggregateRow[]>`
      SELECT g."connectionId", g."source", g."codec", g."status", g."resolution", g."private", g."count", g."bytes", g."savingsBytes" AS "savings"
      FROM "QueueStatsGroup" AS g
      WHERE g."count" > 0 AND g."status" <> 'removed'
        AND g."connectionId" NOT IN (SELECT "id" FROM "ExternalConnection" WHERE NOT "showInStats")`,
    db.$queryRaw<AggregateRow[]>`
      SELECT coalesce("connectionId", 0) AS "connectionId", "source", "codec", "status", ${resolutionBucketSql()} AS "resolution", "private",
        COUNT(*) AS "count", SUM("sizeBytes") AS "bytes", SUM("estimatedSavingsBytes") AS "savings"
      FROM "QueueItem"
      WHERE "id" IN (${inHiddenRootIdsSql})
        AND "status" <> 'removed'
        AND ("QueueItem"."connectionId" IS NULL OR "QueueItem"."connectionId" NOT IN (SELECT "id" FROM "ExternalConnection" WHERE NOT "showInStats"))
      GROUP BY 1, 2, 3, 4, 5, 6`,
  ]);
  const rows = subtractGroups(totals, hidden);

  const total = emptyGroup();
  const queued = emptyGroup();
  const byCodec = new Map<Codec, StatsGroup>();
  const byResolution = new Map<ResolutionBucket, StatsGroup>();
  const bySource = new Map<QueueSource, StatsGroup>();
  const byStatus = new Map<QueueStatus, StatsGroup>();
  let privateItemCount = 0;

  for (const row of rows) {
    const count = Number(row.count);
    if (Boolean(row.private)) {
      privateItemCount += count;
      if (!input.includePrivate) continue;
    }
    const status = enumValueOr(QUEUE_STATUSES, row.status, "queued");
    const bytes = BigInt(row.bytes ?? 0);
    const savings = status === "queued" ? BigInt(row.savings ?? 0) : 0n;
    const groups = [
      total,
      ...(status === "queued" ? [queued] : []),
      groupOf(byCodec, enumValueOr(CODECS, row.codec, "other")),
      groupOf(byResolution, enumValueOr(RESOLUTION_KEYS, row.resolution, "unknown")),
      groupOf(bySource, enumValueOr(QUEUE_SOURCES, row.source, "scan")),
      groupOf(byStatus, status),
    ];
    for (const group of groups) {
      group.count += count;
      group.bytes += bytes;
      group.estimatedSavingsBytes += savings;
    }
  }

  return {
    totalItems: total.count,
    totalBytes: total.bytes,
    queuedItems: queued.count,
    queuedBytes: queued.bytes,
    estimatedSavingsBytes: queued.estimatedSavingsBytes,
    byCodec: [...byCodec].map(([codec, group]) => ({ codec, ...group })).sort(largestFirst),
    bySource: [...bySource].map(([source, group]) => ({ source, ...group })).sort(largestFirst),
    // Resolutions and statuses have a natural order; keep it so charts read left to right.
    byResolution: inOrder(RESOLUTION_KEYS, byResolution).map(([resolution, group]) => ({ resolution, ...group })),
    byStatus: inOrder(QUEUE_STATUSES, byStatus).map(([status, group]) => ({ status, ...group })),
    privateItemCount,
    includesPrivate: input.includePrivate,
  };
}

function emptyGroup(): StatsGroup {
  return { count: 0, bytes: 0n, estimatedSavingsBytes: 0n };
}

function groupOf<K>(groups: Map<K, StatsGroup>, key: K): StatsGroup {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = emptyGroup()));
  return group;
}

function inOrder<K>(order: readonly K[], groups: Map<K, StatsGroup>): [K, StatsGroup][] {
  return order.flatMap((key) => {
    const group = groups.get(key);
    return group ? [[key, group] as [K, StatsGroup]] : [];
  });
}

function largestFirst(a: StatsGroup, b: StatsGroup): number {
  if (a.bytes !== b.bytes) return a.bytes > b.bytes ? -1 : 1;
  return b.count - a.count;
}
