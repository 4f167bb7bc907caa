import "server-only";
import { Prisma } from "~/generated/prisma/client";
import { resolutionBucketSql } from "~/server/queue/resolution-sql";
import { CODECS, QUEUE_SOURCES, QUEUE_STATUSES, RESOLUTION_BUCKETS, type Codec, type QueueSource, type QueueStatus, type ResolutionBucket } from "~/lib/queue-enums";
import { enumValueOr } from "~/lib/enum-value";
import type { Database } from "~/server/db";
import { pathIsInside } from "~/server/privacy/item-privacy";
import type { StatsSummaryInput } from "./stats-inputs";

/**
 * The statistics page's numbers. One aggregate statement over the queue (never the rows
 * themselves): grouped by codec, source, status, resolution bucket and privacy, a few hundred
 * groups at most, which are then folded into each breakdown here.
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

const RESOLUTION_KEYS: readonly ResolutionBucket[] = [...RESOLUTION_BUCKETS.map((bucket) => bucket.key), "unknown"];

export async function statsSummary(db: Database, input: StatsSummaryInput): Promise<StatsSummary> {
  const rows = await db.$queryRaw<AggregateRow[]>`
    SELECT "codec", "source", "status", ${resolutionBucketSql()} AS "resolution", "private",
      COUNT(*) AS "count", SUM("sizeBytes") AS "bytes", SUM("estimatedSavingsBytes") AS "savings"
    FROM "QueueItem"
    WHERE "status" <> 'removed' AND ${shownInStatsSql}
    GROUP BY 1, 2, 3, 4, 5`;

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
