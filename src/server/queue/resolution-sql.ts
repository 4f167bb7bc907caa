import { Prisma } from "~/generated/prisma/client";
import { RESOLUTION_BUCKETS, type ResolutionBucket } from "~/lib/queue-enums";

/** effectiveHeight() in SQL (portable CASE, no GREATEST/MAX differences between SQLite and Postgres). */
const EFFECTIVE_HEIGHT = Prisma.sql`(CASE WHEN "height" > 0 AND "width" * 9 > "height" * 16 THEN "width" * 9 / 16 ELSE "height" END)`;

/** resolutionBucketOf() in SQL, so grouping happens in the database. */
export function resolutionBucketSql(): Prisma.Sql {
  const branches = RESOLUTION_BUCKETS.map((bucket) => Prisma.sql`WHEN ${EFFECTIVE_HEIGHT} >= ${bucket.minHeight} THEN ${bucket.key}`);
  return Prisma.sql`CASE WHEN "height" IS NULL OR "height" <= 0 THEN 'unknown' ${Prisma.join(branches, " ")} ELSE 'unknown' END`;
}

/**
 * Rows in one resolution bucket, matching resolutionBucketOf() exactly. `useIndex: false` writes
 * the column as `+"height"`, which keeps SQLite off the (height, id) index: the queue's listing
 * does that when it has chosen to walk the sort order's index instead (see queue-service.ts).
 */
export function resolutionCondition(bucket: ResolutionBucket, useIndex = true): Prisma.Sql {
  const height = useIndex ? Prisma.sql`"height"` : Prisma.sql`+"height"`;
  if (bucket === "unknown") return Prisma.sql`(${height} IS NULL OR ${height} <= 0)`;
  const index = RESOLUTION_BUCKETS.findIndex((candidate) => candidate.key === bucket);
  const min = RESOLUTION_BUCKETS[index]!.minHeight;
  const upper = index > 0 ? RESOLUTION_BUCKETS[index - 1]!.minHeight : null;
  const atLeast = Prisma.sql`${height} > 0 AND ${EFFECTIVE_HEIGHT} >= ${min}`;
  return upper === null ? atLeast : Prisma.sql`${atLeast} AND ${EFFECTIVE_HEIGHT} < ${upper}`;
}
