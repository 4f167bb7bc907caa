import "server-only";
import { Prisma } from "~/generated/prisma/client";
import { QUEUE_SOURCES, type QueueSource } from "~/lib/queue-enums";
import { enumValueOr } from "~/lib/enum-value";
import type { Database } from "~/server/db";
import { PRIVATE_PLACEHOLDER } from "~/server/privacy/redact";
import type { StatsSummaryInput } from "./stats-inputs";
import { shownInStatsSql } from "./stats-service";

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

interface JobRow {
  finishedAt: Date | string | number;
  savedBytes: bigint | number;
  source: string;
  connectionId: number | bigint | null;
  private: boolean | number | bigint;
  connectionName: string | null;
  connectionAlias: string | null;
  connectionPrivate: boolean | number | bigint | null;
}

export async function savingsStats(db: Database, input: StatsSummaryInput & { days?: number }, now = new Date()): Promise<SavingsStats> {
  const days = input.days ?? 30;
  const rows = await db.$queryRaw<JobRow[]>`
    SELECT j."finishedAt", j."savedBytes", "QueueItem"."source", "QueueItem"."connectionId", "QueueItem"."private",
      c."name" AS "connectionName", c."displayAlias" AS "connectionAlias", c."private" AS "connectionPrivate"
    FROM "EncodeJob" AS j
    JOIN "QueueItem" ON "QueueItem"."id" = j."queueItemId"
    LEFT JOIN "ExternalConnection" AS c ON c."id" = "QueueItem"."connectionId"
    WHERE j."status" = 'done' AND j."savedBytes" > 0 AND ${shownInStatsSql}
      ${input.includePrivate ? Prisma.empty : Prisma.sql`AND NOT "QueueItem"."private"`}`;

  const byDay = new Map<string, SavingsPoint>();
  for (let offset = days - 1; offset >= 0; offset -= 1) {
    // Calendar arithmetic, not 24-hour steps: a daylight-saving day has 23 or 25 hours.
    const key = dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - offset));
    byDay.set(key, { day: key, savedBytes: 0n, items: 0 });
  }
  const bySource = new Map<string, SavingsBySource>();
  let savedBytes = 0n;
  for (const row of rows) {
    const saved = BigInt(row.savedBytes);
    savedBytes += saved;
    const point = byDay.get(dayKey(new Date(row.finishedAt)));
    if (point) {
      point.savedBytes += saved;
      point.items += 1;
    }
    const connectionId = row.connectionId === null ? null : Number(row.connectionId);
    const key = connectionId === null ? `source:${row.source}` : `connection:${connectionId}`;
    const group = bySource.get(key) ?? { source: enumValueOr(QUEUE_SOURCES, row.source, "scan"), connectionId, label: sourceLabel(row), savedBytes: 0n, items: 0 };
    group.savedBytes += saved;
    group.items += 1;
    bySource.set(key, group);
  }
  return {
    savedBytes,
    encodedItems: rows.length,
    byDay: [...byDay.values()],
    bySource: [...bySource.values()].sort((a, b) => (a.savedBytes === b.savedBytes ? 0 : a.savedBytes > b.savedBytes ? -1 : 1)),
    days,
    includesPrivate: input.includePrivate,
  };
}

function sourceLabel(row: JobRow): string {
  if (row.connectionName === null) return row.source === "scan" ? "Folder scans" : "Removed connection";
  return Boolean(row.connectionPrivate) ? (row.connectionAlias ?? PRIVATE_PLACEHOLDER) : row.connectionName;
}

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}
