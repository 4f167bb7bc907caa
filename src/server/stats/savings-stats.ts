import "server-only";
import { Prisma } from "~/generated/prisma/client";
import { QUEUE_SOURCES, type QueueSource } from "~/lib/queue-enums";
import { enumValueOr } from "~/lib/enum-value";
import type { Database } from "~/server/db";
import { sqlDate } from "~/server/sql-date";
import { PRIVATE_PLACEHOLDER } from "~/server/privacy/redact";
import type { StatsSummaryInput } from "./stats-inputs";
import { shownInStatsByIdSql } from "./stats-service";

/**
 * What encoding has saved: in total, per day, and per source. Counted from the encode jobs that
 * replaced an original (`savedBytes`), so a file encoded twice counts both savings. The same scope
 * as the summary: sources hidden from statistics are left out, private items too unless asked for,
 * and a private connection is named by its alias, never its name.
 */
export interface SavingsPoint {
  /** YYYY-MM-DD in the server's time zone. */
  day: string;
  savedBytes: bigint;
  items: number;
}

export interface SavingsBySource {
  source: QueueSource;
  connectionId: number | null;
  /** The connection's name (its alias, or "[Private]", when private); "Folder scans" for scanned files. */
  label: string;
  savedBytes: bigint;
  items: number;
}

export interface SavingsStats {
  savedBytes: bigint;
  encodedItems: number;
  /** Every day of the window, oldest first, zeros included, so a chart needs no gap logic. */
  byDay: SavingsPoint[];
  bySource: SavingsBySource[];
  days: number;
  includesPrivate: boolean;
}

interface SavingsRow {
  source: string;
  connectionId: number | bigint | null;
  connectionName: string | null;
  connectionAlias: string | null;
  connectionPrivate: boolean | number | bigint | null;
  /** The quarter hour (UTC) the jobs finished in, "YYYY-MM-DDTHH:MM:00Z"; null before the window. */
  bucket: string | null;
  savedBytes: bigint | number | null;
  items: bigint | number;
}

/**
 * Summed in SQL, in one pass over the jobs (a million-item queue can hold tens of thousands of
 * encodes, each joined to its item): per source and, inside the window, per quarter hour; older
 * jobs fold into one row per source. Days are the server's local calendar days; every time zone's
 * offset is a whole number of quarter hours, so each quarter hour (UTC) falls in exactly one local
 * day, which JavaScript's Date then names, daylight saving included.
 */
export async function savingsStats(db: Database, input: StatsSummaryInput & { days?: number }, now = new Date()): Promise<SavingsStats> {
  const days = input.days ?? 30;
  const firstDay = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  // A day early: the buckets' local days are sorted out below.
  const windowStart = sqlDate(new Date(firstDay.getTime() - DAY_MS));
  const rows = await db.$queryRaw<SavingsRow[]>`
    SELECT "QueueItem"."source", "QueueItem"."connectionId", c."name" AS "connectionName", c."displayAlias" AS "connectionAlias", c."private" AS "connectionPrivate",
      CASE WHEN j."finishedAt" >= ${windowStart}
        THEN strftime('%Y-%m-%dT%H:', j."finishedAt") || printf('%02d', CAST(strftime('%M', j."finishedAt") AS INTEGER) / 15 * 15) || ':00Z' END AS "bucket",
      SUM(j."savedBytes") AS "savedBytes", COUNT(*) AS "items"
    FROM "EncodeJob" AS j
    JOIN "QueueItem" ON "QueueItem"."id" = j."queueItemId"
    LEFT JOIN "ExternalConnection" AS c ON c."id" = "QueueItem"."connectionId"
    WHERE j."status" = 'done' AND j."savedBytes" > 0 AND ${shownInStatsByIdSql}
      ${input.includePrivate ? Prisma.empty : Prisma.sql`AND NOT "QueueItem"."private"`}
    GROUP BY "QueueItem"."source", "QueueItem"."connectionId", "bucket"`;

  const byDay = new Map<string, SavingsPoint>();
  for (let offset = days - 1; offset >= 0; offset -= 1) {
    // Calendar arithmetic, not 24-hour steps: a daylight-saving day has 23 or 25 hours.
    const key = dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - offset));
    byDay.set(key, { day: key, savedBytes: 0n, items: 0 });
  }
  // Scanned files have no connection: they group by source; a connection's by its id.
  const bySource = new Map<string, SavingsBySource>();
  let savedBytes = 0n;
  let encodedItems = 0;
  for (const row of rows) {
    const saved = BigInt(row.savedBytes ?? 0);
    const items = Number(row.items);
    savedBytes += saved;
    encodedItems += items;
    const point = row.bucket === null ? undefined : byDay.get(dayKey(new Date(row.bucket)));
    if (point) {
      point.savedBytes += saved;
      point.items += items;
    }
    const connectionId = row.connectionId === null ? null : Number(row.connectionId);
    const key = connectionId === null ? `source:${row.source}` : `connection:${connectionId}`;
    const group = bySource.get(key) ?? { source: enumValueOr(QUEUE_SOURCES, row.source, "scan"), connectionId, label: sourceLabel(row), savedBytes: 0n, items: 0 };
    group.savedBytes += saved;
    group.items += items;
    bySource.set(key, group);
  }
  return {
    savedBytes,
    encodedItems,
    byDay: [...byDay.values()],
    bySource: [...bySource.values()].sort((a, b) => (a.savedBytes === b.savedBytes ? 0 : a.savedBytes > b.savedBytes ? -1 : 1)),
    days,
    includesPrivate: input.includePrivate,
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

function sourceLabel(row: SavingsRow): string {
  if (row.connectionName === null) return row.source === "scan" ? "Folder scans" : "Removed connection";
  return Boolean(row.connectionPrivate) ? (row.connectionAlias ?? PRIVATE_PLACEHOLDER) : row.connectionName;
}

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}
