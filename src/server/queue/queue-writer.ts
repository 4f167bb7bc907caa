import "server-only";
import { Prisma } from "~/generated/prisma/client";
import type { Codec, QueueSource, QueueStatus } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import type { TargetCodec } from "~/server/settings/general-settings";
import { estimateSavingsBytes, isAlreadyEfficient } from "./savings";

/**
 * The one way files enter the queue (scans, syncs, webhooks): batched add-or-update keyed by path.
 * One transaction per call, a few multi-row statements per 400 files; never one INSERT per row.
 */
export interface QueueItemInput {
  filePath: string;
  sizeBytes: bigint;
  codec: Codec;
  codecRaw: string | null;
  width: number | null;
  height: number | null;
  bitrate: number | null;
  durationSeconds: number | null;
  qualitySource: string | null;
  source: QueueSource;
  connectionId: number | null;
  externalId: string | null;
  private: boolean;
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

const STATEMENT_ROWS = 400; // 20 columns × 400 rows stays far below SQLite's 32,766 bound parameters.
/** Statuses a changed file may be moved out of; encoding/done/failed belong to the encoder. */
const RECOMPUTABLE_STATUSES: readonly string[] = ["queued", "skipped", "removed"] satisfies QueueStatus[];

type ExistingRow = Prisma.QueueItemGetPayload<{ select: typeof existingSelect }>;
const existingSelect = {
  filePath: true, sizeBytes: true, codec: true, codecRaw: true, width: true, height: true, bitrate: true,
  durationSeconds: true, qualitySource: true, status: true, source: true, connectionId: true, externalId: true,
  private: true, fileModifiedAt: true,
} as const;

interface Row extends QueueItemInput {
  status: QueueStatus;
  statusReason: string | null;
  estimatedSavingsBytes: bigint;
}

export async function upsertQueueItems(db: Database, inputs: readonly QueueItemInput[], options: { targetCodec: TargetCodec }): Promise<UpsertCounts> {
  const counts = emptyCounts();
  if (inputs.length === 0) return counts;
  const byPath = new Map(inputs.map((input) => [input.filePath, input]));
  const paths = [...byPath.keys()];

  await db.$transaction(
    async (tx) => {
      for (let start = 0; start < paths.length; start += STATEMENT_ROWS) {
        const chunk = paths.slice(start, start + STATEMENT_ROWS);
        const existing = new Map((await tx.queueItem.findMany({ where: { filePath: { in: chunk } }, select: existingSelect })).map((row) => [row.filePath, row]));
        const rows: Row[] = [];
        for (const path of chunk) {
          const input = byPath.get(path)!;
          const before = existing.get(path);
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
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return counts;
}

function statusFor(codec: Codec, target: TargetCodec): { status: QueueStatus; statusReason: string | null } {
  return isAlreadyEfficient(codec, target) ? { status: "skipped", statusReason: `Already ${codec}` } : { status: "queued", statusReason: null };
}

function newRow(input: QueueItemInput, target: TargetCodec): Row {
  return { ...input, ...statusFor(input.codec, target), estimatedSavingsBytes: estimateSavingsBytes(input.sizeBytes, input.codec, target) };
}

/**
 * What a known file becomes: fresh facts win, but missing ones (a scan without ffprobe, a webhook
 * without bitrate) never erase what a richer source already told us; a connection's ownership
 * (source, id, privacy) is kept when a plain scan finds the same file.
 */
function mergeIntoExisting(before: ExistingRow, input: QueueItemInput, target: TargetCodec): Row {
  const codec = input.codec === "unknown" ? (before.codec as Codec) : input.codec;
  const ownedByConnection = before.connectionId !== null && input.connectionId === null;
  const merged: QueueItemInput = {
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
    private: ownedByConnection ? before.private : input.private || (before.private && before.connectionId === input.connectionId),
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
    before.private !== after.private ||
    before.fileModifiedAt?.getTime() !== after.fileModifiedAt?.getTime()
  );
}

/** Dates in the exact text form Prisma's SQLite adapter writes, so raw and ORM writes sort alike. */
function sqlDate(date: Date | null): string | null {
  return date ? date.toISOString().replace("Z", "+00:00") : null;
}

function upsertStatement(rows: readonly Row[]): Prisma.Sql {
  const now = sqlDate(new Date());
  const values = rows.map(
    (row) => Prisma.sql`(${row.filePath}, ${row.sizeBytes}, ${row.codec}, ${row.codecRaw}, ${row.width}, ${row.height}, ${row.bitrate},
      ${row.durationSeconds}, ${row.qualitySource}, ${row.status}, ${row.statusReason}, ${row.source}, ${row.connectionId}, ${row.externalId},
      ${row.private}, ${row.estimatedSavingsBytes}, ${sqlDate(row.fileModifiedAt)}, ${now}, ${now})`,
  );
  // ON CONFLICT … DO UPDATE is valid in both SQLite and PostgreSQL.
  return Prisma.sql`
    INSERT INTO "QueueItem" ("filePath", "sizeBytes", "codec", "codecRaw", "width", "height", "bitrate",
      "durationSeconds", "qualitySource", "status", "statusReason", "source", "connectionId", "externalId",
      "private", "estimatedSavingsBytes", "fileModifiedAt", "createdAt", "updatedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("filePath") DO UPDATE SET
      "sizeBytes" = excluded."sizeBytes", "codec" = excluded."codec", "codecRaw" = excluded."codecRaw",
      "width" = excluded."width", "height" = excluded."height", "bitrate" = excluded."bitrate",
      "durationSeconds" = excluded."durationSeconds", "qualitySource" = excluded."qualitySource",
      "status" = excluded."status", "statusReason" = excluded."statusReason", "source" = excluded."source",
      "connectionId" = excluded."connectionId", "externalId" = excluded."externalId", "private" = excluded."private",
      "estimatedSavingsBytes" = excluded."estimatedSavingsBytes", "fileModifiedAt" = excluded."fileModifiedAt",
      "updatedAt" = excluded."updatedAt"`;
}
