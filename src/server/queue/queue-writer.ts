import "server-only";
import { Prisma, type QueueItem } from "~/generated/prisma/client";
import type { Codec, QueueSource, QueueStatus } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import type { MediaFacts } from "~/server/media/media-facts";
import { pathsInSql, recomputeItemPrivacy } from "~/server/privacy/item-privacy";
import { registerPrivateFiles } from "~/server/privacy/private-paths";
import type { TargetCodec } from "~/server/settings/general-settings";
import { estimateSavingsBytes, isAlreadyEfficient } from "./savings";

/**
 * The one way files enter the queue (scans, syncs, webhooks): batched add-or-update keyed by path.
 * One transaction per call, a few multi-row statements per 2,000 files; never one INSERT per row.
 * Privacy is not the caller's to say: it is derived from every source that knows the file, in the
 * same transaction (src/server/privacy/item-privacy.ts).
 */
export interface QueueItemInput extends MediaFacts {
  filePath: string;
  sizeBytes: bigint;
  qualitySource: string | null;
  source: QueueSource;
  connectionId: number | null;
  externalId: string | null;
  fileModifiedAt: Date | null;
}

export interface UpsertCounts {
  /** New files now queued. */
  added: number;
  /** Known files whose details changed. */
  updated: number;
  /** Known files with nothing new. */
  unchanged: number;
  /** New files already in (or better than) the target codec: recorded, not queued. */
  skipped: number;
}

export const emptyCounts = (): UpsertCounts => ({ added: 0, updated: 0, unchanged: 0, skipped: 0 });

export function addCounts(into: UpsertCounts, more: UpsertCounts): UpsertCounts {
  into.added += more.added;
  into.updated += more.updated;
  into.unchanged += more.unchanged;
  into.skipped += more.skipped;
  return into;
}

/**
 * Rows per statement. Each statement binds ONE parameter — the rows as a JSON array unpacked by
 * SQLite's json_each — because binding thousands of parameters through Prisma costs far more than
 * the write itself (100k rows: ~20 s with one parameter per value, a few seconds like this).
 */
const STATEMENT_ROWS = 2_000;
/** Statuses a changed file may be moved out of; encoding/done/failed belong to the encoder. */
const RECOMPUTABLE_STATUSES: readonly string[] = ["queued", "skipped", "removed"] satisfies QueueStatus[];

const EXISTING_COLUMNS = [
  "filePath", "sizeBytes", "codec", "codecRaw", "width", "height", "bitrate", "durationSeconds", "qualitySource",
  "status", "source", "connectionId", "externalId", "private", "fileModifiedAt",
] as const;
export type ExistingRow = Pick<QueueItem, (typeof EXISTING_COLUMNS)[number]>;

interface Row extends QueueItemInput {
  /** Kept from the stored row; the derivation after the write decides the real value. */
  private: boolean;
  status: QueueStatus;
  statusReason: string | null;
  estimatedSavingsBytes: bigint;
}

export interface UpsertOptions {
  targetCodec: TargetCodec;
  /**
   * Leave rows another connection owns untouched (counted unchanged). Webhooks set it: checked in
   * the same transaction as the write, so a sync creating the path meanwhile cannot hand it over.
   */
  keepOtherConnectionsItems?: boolean;
}

export async function upsertQueueItems(db: Database, inputs: readonly QueueItemInput[], options: UpsertOptions): Promise<UpsertCounts> {
  const counts = emptyCounts();
  if (inputs.length === 0) return counts;
  const byPath = new Map(inputs.map((input) => [input.filePath, input]));
  const paths = [...byPath.keys()];
  const privateFiles: string[] = [];

  await db.$transaction(
    async (tx) => {
      for (let start = 0; start < paths.length; start += STATEMENT_ROWS) {
        const chunk = paths.slice(start, start + STATEMENT_ROWS);
        const existing = await findQueueItemsByPath(tx, chunk);
        const rows: Row[] = [];
        for (const path of chunk) {
          const input = byPath.get(path)!;
          const before = existing.get(path);
          if (options.keepOtherConnectionsItems && before?.connectionId != null && before.connectionId !== input.connectionId) {
            counts.unchanged += 1;
            continue;
          }
          const row = before ? mergeIntoExisting(before, input, options.targetCodec) : newRow(input, options.targetCodec);
          if (!before) {
            if (row.status === "skipped") counts.skipped += 1;
            else counts.added += 1;
            rows.push(row);
          } else if (differs(before, row)) {
            counts.updated += 1;
            rows.push(row);
          } else {
            counts.unchanged += 1;
          }
        }
        if (rows.length > 0) await tx.$executeRaw(upsertStatement(rows));
        await recomputeItemPrivacy(tx, pathsInSql(chunk));
        const privateRows = await tx.$queryRaw<{ filePath: string }[]>`SELECT "filePath" FROM "QueueItem" WHERE ${pathsInSql(chunk)} AND "private"`;
        privateFiles.push(...privateRows.map((row) => row.filePath));
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  // After the commit: log lines and outputs from now on hide these files' folders.
  registerPrivateFiles(privateFiles);
  return counts;
}

function statusFor(codec: Codec, target: TargetCodec): { status: QueueStatus; statusReason: string | null } {
  return isAlreadyEfficient(codec, target) ? { status: "skipped", statusReason: `Already ${codec}` } : { status: "queued", statusReason: null };
}

function newRow(input: QueueItemInput, target: TargetCodec): Row {
  return { ...input, private: false, ...statusFor(input.codec, target), estimatedSavingsBytes: estimateSavingsBytes(input.sizeBytes, input.codec, target) };
}

/**
 * What a known file becomes: fresh facts win, but missing ones (a scan without ffprobe, a webhook
 * without bitrate) never erase what a richer source already told us; a connection's ownership
 * (source, id) is kept when a plain scan finds the same file.
 */
function mergeIntoExisting(before: ExistingRow, input: QueueItemInput, target: TargetCodec): Row {
  const codec = input.codec === "unknown" ? (before.codec as Codec) : input.codec;
  const ownedByConnection = before.connectionId !== null && input.connectionId === null;
  const merged: QueueItemInput & { private: boolean } = {
    filePath: input.filePath,
    sizeBytes: input.sizeBytes,
    codec,
    codecRaw: input.codecRaw ?? before.codecRaw,
    width: input.width ?? before.width,
    height: input.height ?? before.height,
    bitrate: input.bitrate ?? before.bitrate,
    durationSeconds: input.durationSeconds ?? before.durationSeconds,
    qualitySource: input.qualitySource ?? before.qualitySource,
    // A webhook about a file a sync already brought in keeps its origin (no sonarr↔webhook flip-flop).
    source: ownedByConnection || (input.source === "webhook" && before.connectionId === input.connectionId) ? (before.source as QueueSource) : input.source,
    connectionId: ownedByConnection ? before.connectionId : input.connectionId,
    externalId: ownedByConnection ? before.externalId : (input.externalId ?? before.externalId),
    private: before.private,
    fileModifiedAt: input.fileModifiedAt ?? before.fileModifiedAt,
  };
  const status = RECOMPUTABLE_STATUSES.includes(before.status)
    ? statusFor(codec, target)
    : { status: before.status as QueueStatus, statusReason: null };
  return { ...merged, ...status, estimatedSavingsBytes: estimateSavingsBytes(merged.sizeBytes, codec, target) };
}

function differs(before: ExistingRow, after: Row): boolean {
  return (
    before.sizeBytes !== after.sizeBytes ||
    before.codec !== after.codec ||
    before.codecRaw !== after.codecRaw ||
    before.width !== after.width ||
    before.height !== after.height ||
    before.bitrate !== after.bitrate ||
    before.durationSeconds !== after.durationSeconds ||
    before.qualitySource !== after.qualitySource ||
    before.status !== after.status ||
    before.source !== after.source ||
    before.connectionId !== after.connectionId ||
    before.externalId !== after.externalId ||
    before.fileModifiedAt?.getTime() !== after.fileModifiedAt?.getTime()
  );
}

/** Dates in the exact text form Prisma's SQLite adapter writes, so raw and ORM writes sort alike. */
function sqlDate(date: Date | null): string | null {
  return date ? date.toISOString().replace("Z", "+00:00") : null;
}

/**
 * The queue's rows for these paths (at most a few thousand), keyed by path. One JSON parameter
 * for the lot, for the same reason as the writes.
 */
export async function findQueueItemsByPath(db: Pick<Database, "$queryRaw">, paths: readonly string[]): Promise<Map<string, ExistingRow>> {
  const columns = Prisma.raw(EXISTING_COLUMNS.map((column) => `"${column}"`).join(", "));
  const rows = await db.$queryRaw<ExistingRow[]>`SELECT ${columns} FROM "QueueItem" WHERE "filePath" IN (SELECT value FROM json_each(${JSON.stringify(paths)}))`;
  return new Map(rows.map((row) => [row.filePath, row]));
}

/** Column → how a Row's value travels in the JSON parameter. */
const WRITE_COLUMNS = {
  filePath: (row: Row) => row.filePath,
  sizeBytes: (row: Row) => Number(row.sizeBytes), // exact up to 8 PiB per file
  codec: (row: Row) => row.codec,
  codecRaw: (row: Row) => row.codecRaw,
  width: (row: Row) => row.width,
  height: (row: Row) => row.height,
  bitrate: (row: Row) => row.bitrate,
  durationSeconds: (row: Row) => row.durationSeconds,
  qualitySource: (row: Row) => row.qualitySource,
  status: (row: Row) => row.status,
  statusReason: (row: Row) => row.statusReason,
  source: (row: Row) => row.source,
  connectionId: (row: Row) => row.connectionId,
  externalId: (row: Row) => row.externalId,
  private: (row: Row) => (row.private ? 1 : 0),
  estimatedSavingsBytes: (row: Row) => Number(row.estimatedSavingsBytes),
  fileModifiedAt: (row: Row) => sqlDate(row.fileModifiedAt),
} satisfies Record<string, (row: Row) => string | number | null>;
const WRITE_COLUMN_NAMES = Object.keys(WRITE_COLUMNS) as (keyof typeof WRITE_COLUMNS)[];

function upsertStatement(rows: readonly Row[]): Prisma.Sql {
  const now = sqlDate(new Date());
  const payload = JSON.stringify(rows.map((row) => WRITE_COLUMN_NAMES.map((column) => WRITE_COLUMNS[column](row))));
  const columns = WRITE_COLUMN_NAMES.map((column) => `"${column}"`).join(", ");
  const extracted = WRITE_COLUMN_NAMES.map((_, index) => `value ->> ${index}`).join(", ");
  const updates = WRITE_COLUMN_NAMES.filter((column) => column !== "filePath").map((column) => `"${column}" = excluded."${column}"`).join(", ");
  // SQLite: json_each unpacks the rows; `WHERE true` keeps ON CONFLICT unambiguous after a SELECT.
  return Prisma.sql`
    INSERT INTO "QueueItem" (${Prisma.raw(columns)}, "createdAt", "updatedAt")
    SELECT ${Prisma.raw(extracted)}, ${now}, ${now} FROM json_each(${payload}) WHERE true
    ON CONFLICT ("filePath") DO UPDATE SET ${Prisma.raw(updates)}, "updatedAt" = excluded."updatedAt"`;
}
