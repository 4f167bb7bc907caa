import "server-only";
import type BetterSqlite3 from "better-sqlite3";
import { Prisma, type QueueItem } from "~/generated/prisma/client";
import type { Codec, QueueSource, QueueStatus } from "~/lib/queue-enums";
import { connectionInTransaction, type Database } from "~/server/db";
import type { MediaFacts } from "~/server/media/media-facts";
import { isPrivateSql, pathsInSql } from "~/server/privacy/item-privacy";
import { sqlDate } from "~/server/sql-date";
import { registerPrivateFiles } from "~/server/privacy/private-paths";
import type { TargetCodec } from "~/server/settings/general-settings";
import { estimateSavingsBytes, isAlreadyEfficient } from "./savings";
import {
  storedBigInt, storedBoolean, storedDateOrNull, storedRow, storedInteger, storedIntegerOrNull, storedNumberOrNull, storedText, storedTextOrNull,
} from "./stored-values";

/**
 * The one way files enter the queue (scans, syncs, webhooks): batched add-or-update keyed by path,
 * and — for a connection's files — by the file's id in that app, so a renamed file moves its row
 * (counted `updated`) instead of leaving the old name queued beside a new row.
 * One transaction per call, a few multi-row statements per 2,000 files; never one INSERT per row.
 * Privacy is not the caller's to say: it is derived from every source that knows the file, by the
 * statement that writes the row (src/server/privacy/item-privacy.ts).
 */
export interface QueueItemInput extends MediaFacts {
  filePath: string;
  sizeBytes: bigint;
  qualitySource: string | null;
  source: QueueSource;
  connectionId: number | null;
  externalId: string | null;
  /** The series, movie or scene holding the file in its app (see LibraryFile); null for scans. */
  externalParentId: string | null;
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
 * Rows per statement. Each statement binds ONE parameter for its rows — a JSON array unpacked by
 * SQLite's json_each — and runs on the connection itself (connectionInTransaction()), prepared
 * once: through Prisma, binding thousands of parameters cost far more than the write itself
 * (100k rows: ~20 s), and even one big parameter cost about as much in Prisma's pipeline as in SQLite.
 */
const STATEMENT_ROWS = 2_000;
/** Statuses a changed file may be moved out of; encoding/done/failed belong to the encoder. */
const RECOMPUTABLE_STATUSES: readonly string[] = ["queued", "skipped", "removed"] satisfies QueueStatus[];

/** Why a row lost its file id to the row at the file's new name (which a scan had already found). */
export const RENAMED_REASON = "Renamed in its app (queued under the new name)";

const EXISTING_COLUMNS = [
  "id", "filePath", "sizeBytes", "codec", "codecRaw", "width", "height", "bitrate", "durationSeconds", "qualitySource",
  "status", "source", "connectionId", "externalId", "externalParentId", "private", "fileModifiedAt",
] as const;
export type ExistingRow = Pick<QueueItem, (typeof EXISTING_COLUMNS)[number]>;

interface Row extends QueueItemInput {
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
  /**
   * A sync's listing: once the transaction commits, the id of every row now holding one of these
   * files (written or unchanged) is appended here. The run keeps them in memory and, after a
   * complete listing, finds the connection's unlisted rows in one statement (connections/sync.ts).
   * Nothing is written per listed row, so an unchanged re-sync writes nothing at all.
   */
  listedRowIds?: number[];
}

/** Moves and releases decided for one chunk before its rows are written. */
interface IdentityChanges {
  /** Rows renamed in their app: [id, new path]. */
  moves: [number, string][];
  /** Rows whose file id now belongs to another row; true = the old name is gone, mark it removed. */
  releases: [number, boolean][];
}

export async function upsertQueueItems(db: Database, inputs: readonly QueueItemInput[], options: UpsertOptions): Promise<UpsertCounts> {
  const counts = emptyCounts();
  if (inputs.length === 0) return counts;
  const byPath = new Map(withoutRepeatedIds(inputs).map((input) => [input.filePath, input]));
  const paths = [...byPath.keys()];
  const privateFiles: string[] = [];
  const listedRowIds: number[] = [];

  // The callback holds the connection's turn from BEGIN to COMMIT; its statements run on the
  // connection directly and synchronously, so nothing else can come between them.
  await db.$transaction(
    async () => {
      const statements = writerStatements(connectionInTransaction());
      for (let start = 0; start < paths.length; start += STATEMENT_ROWS) {
        const chunk = paths.slice(start, start + STATEMENT_ROWS);
        const chunkInputs = chunk.map((path) => byPath.get(path)!);
        const existing = existingByPath(statements, chunk);
        // An input whose path row already holds its id can be no rename: only the others are looked up.
        const holders = existingByIdentity(
          statements,
          chunkInputs.filter((input) => !sameIdentity(existing.get(input.filePath), input)),
        );
        const changes: IdentityChanges = { moves: [], releases: [] };
        const rows: Row[] = [];
        for (const input of chunkInputs) {
          const renamedFrom = resolveIdentity(input, existing, holders, changes);
          const before = existing.get(input.filePath);
          if (options.keepOtherConnectionsItems && before?.connectionId != null && before.connectionId !== input.connectionId) {
            counts.unchanged += 1;
            continue;
          }
          const row = before ? mergeIntoExisting(before, input, options.targetCodec) : newRow(input, options.targetCodec);
          if (before && before.externalId !== null && !sameIdentity(before, row)) {
            // Its old id is free from here on (another input may claim it in this same statement).
            changes.releases.push([before.id, false]);
            holders.delete(identityKey(before)!);
          }
          if (!before) {
            if (row.status === "skipped") counts.skipped += 1;
            else counts.added += 1;
            rows.push(row);
          } else if (renamedFrom !== null || differs(before, row)) {
            counts.updated += 1;
            rows.push(row);
          } else {
            counts.unchanged += 1;
            listedRowIds.push(before.id);
          }
        }
        applyIdentityChanges(statements, changes);
        if (rows.length === 0) continue;
        // Privacy follows a file's path and connection, so only rows written here can have a new
        // value, set by the write itself: a row left alone keeps the one its sources' own changes
        // maintain (and its folder was registered when it became private, or at startup).
        for (const written of statements.upsert.all({ rows: upsertPayload(rows), now: sqlDate(new Date()) })) {
          const [id, privatePath] = storedRow(written, 2);
          listedRowIds.push(storedInteger(id));
          if (privatePath !== null) privateFiles.push(storedText(privatePath));
        }
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  // After the commit: log lines and outputs from now on hide these files' folders.
  registerPrivateFiles(privateFiles);
  // A loop, not push(...ids): a call with a whole library in it would overflow the argument stack.
  if (options.listedRowIds) for (const id of listedRowIds) options.listedRowIds.push(id);
  return counts;
}

/** `connectionId:externalId`, or null for a file no app has an id for. */
function identityKey(row: { connectionId: number | null; externalId: string | null }): string | null {
  return row.connectionId !== null && row.externalId !== null ? `${row.connectionId}:${row.externalId}` : null;
}

type Identified = { connectionId: number | null; externalId: string | null };

/** identityKey(a) === identityKey(b) without building the strings (called per file of a sync). */
function sameIdentity(a: Identified | undefined, b: Identified): boolean {
  const bKeyed = b.connectionId !== null && b.externalId !== null;
  if (!a) return !bKeyed;
  const aKeyed = a.connectionId !== null && a.externalId !== null;
  return aKeyed === bKeyed && (!aKeyed || (a.connectionId === b.connectionId && a.externalId === b.externalId));
}

/** An app listing one file id under two paths keeps the last one: a row holds one id. */
function withoutRepeatedIds(inputs: readonly QueueItemInput[]): readonly QueueItemInput[] {
  const keys = inputs.map(identityKey);
  const lastIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key !== null) lastIndex.set(key, index);
  });
  if (lastIndex.size === keys.filter((key) => key !== null).length) return inputs;
  return inputs.filter((_, index) => {
    const key = keys[index] ?? null;
    return key === null || lastIndex.get(key) === index;
  });
}

/**
 * A connection's file already known under another path was renamed in its app. Its row moves to
 * the new path (status and history kept) when nothing is there yet; when a row already holds the
 * new path (a scan found the renamed file first) that row takes the id and the old one is released:
 * marked removed unless the encoder owns it (encoding/done/failed keep their status). Updates
 * `existing` and `holders` as the statements will, so later inputs of the chunk see the result.
 * Returns the path the row moved from, or null.
 */
function resolveIdentity(input: QueueItemInput, existing: Map<string, ExistingRow>, holders: Map<string, ExistingRow>, changes: IdentityChanges): string | null {
  if (holders.size === 0) return null;
  const key = identityKey(input);
  const holder = key === null ? undefined : holders.get(key);
  if (!key || !holder || holder.filePath === input.filePath) return null;
  holders.delete(key);
  if (existing.has(input.filePath)) {
    changes.releases.push([holder.id, true]);
    return null;
  }
  const from = holder.filePath;
  changes.moves.push([holder.id, input.filePath]);
  if (existing.get(from)?.id === holder.id) existing.delete(from);
  const moved = { ...holder, filePath: input.filePath };
  existing.set(input.filePath, moved);
  holders.set(key, moved);
  return from;
}

function statusFor(codec: Codec, target: TargetCodec): { status: QueueStatus; statusReason: string | null } {
  return isAlreadyEfficient(codec, target) ? { status: "skipped", statusReason: `Already ${codec}` } : { status: "queued", statusReason: null };
}

function newRow(input: QueueItemInput, target: TargetCodec): Row {
  const { status, statusReason } = statusFor(input.codec, target);
  // One literal, no spreads: this runs for every file of a first sync.
  return {
    filePath: input.filePath,
    sizeBytes: input.sizeBytes,
    codec: input.codec,
    codecRaw: input.codecRaw,
    width: input.width,
    height: input.height,
    bitrate: input.bitrate,
    durationSeconds: input.durationSeconds,
    qualitySource: input.qualitySource,
    source: input.source,
    connectionId: input.connectionId,
    externalId: input.externalId,
    externalParentId: input.externalParentId,
    fileModifiedAt: input.fileModifiedAt,
    status,
    statusReason,
    estimatedSavingsBytes: estimateSavingsBytes(input.sizeBytes, input.codec, target),
  };
}

/**
 * What a known file becomes: fresh facts win, but missing ones (a scan without ffprobe, a webhook
 * without bitrate) never erase what a richer source already told us; a connection's ownership
 * (source, id) is kept when a plain scan finds the same file.
 */
function mergeIntoExisting(before: ExistingRow, input: QueueItemInput, target: TargetCodec): Row {
  const codec = input.codec === "unknown" ? (before.codec as Codec) : input.codec;
  const ownedByConnection = before.connectionId !== null && input.connectionId === null;
  const { status, statusReason } = RECOMPUTABLE_STATUSES.includes(before.status)
    ? statusFor(codec, target)
    : { status: before.status as QueueStatus, statusReason: null };
  // One literal, no spreads: this runs for every file of every sync, changed or not.
  return {
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
    externalParentId: ownedByConnection ? before.externalParentId : (input.externalParentId ?? before.externalParentId),
    fileModifiedAt: input.fileModifiedAt ?? before.fileModifiedAt,
    status,
    statusReason,
    estimatedSavingsBytes: estimateSavingsBytes(input.sizeBytes, codec, target),
  };
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
    before.externalParentId !== after.externalParentId ||
    before.fileModifiedAt?.getTime() !== after.fileModifiedAt?.getTime()
  );
}

/**
 * The queue's rows for these paths (at most a few thousand), keyed by path. One JSON parameter
 * for the lot, for the same reason as the writes. For readers outside the writer's transaction
 * (scans, webhooks); the writer itself reads through its own statements below.
 */
export async function findQueueItemsByPath(db: Pick<Database, "$queryRaw">, paths: readonly string[]): Promise<Map<string, ExistingRow>> {
  const columns = Prisma.raw(EXISTING_COLUMNS.map((column) => `"${column}"`).join(", "));
  const rows = await db.$queryRaw<ExistingRow[]>`SELECT ${columns} FROM "QueueItem" WHERE ${pathsInSql(paths)}`;
  return new Map(rows.map((row) => [row.filePath, row]));
}

/** Column → how a Row's value travels in the JSON parameter. `private` is not among them: the write derives it. */
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
  externalParentId: (row: Row) => row.externalParentId,
  estimatedSavingsBytes: (row: Row) => Number(row.estimatedSavingsBytes),
  fileModifiedAt: (row: Row) => (row.fileModifiedAt ? sqlDate(row.fileModifiedAt) : null),
} satisfies Record<string, (row: Row) => string | number | null>;
const WRITE_COLUMN_NAMES = Object.keys(WRITE_COLUMNS) as (keyof typeof WRITE_COLUMNS)[];

function upsertPayload(rows: readonly Row[]): string {
  return JSON.stringify(rows.map((row) => WRITE_COLUMN_NAMES.map((column) => WRITE_COLUMNS[column](row))));
}

/** A fragment with no bound values, as text for a statement prepared on the connection. */
function plainSql(fragment: Prisma.Sql): string {
  if (fragment.values.length > 0) throw new Error("plainSql() takes SQL without parameters");
  return fragment.sql;
}

/**
 * Add-or-update by path in one statement. The rows arrive as `input` (json_each unpacked, one
 * named column per WRITE_COLUMNS entry); each row's privacy is derived from its own path and
 * connection as it is written, exactly as a recompute of the written rows would (so a private
 * source's rows never pass through public, and its paths never enter the path search index).
 * RETURNING gives every written row's id, and its path when private (for the logger's redaction),
 * as [id, path or null].
 */
function upsertSql(): string {
  const quoted = WRITE_COLUMN_NAMES.map((column) => `"${column}"`);
  const unpacked = WRITE_COLUMN_NAMES.map((column, index) => `value ->> ${index} AS "${column}"`).join(", ");
  const isPrivate = plainSql(isPrivateSql(Prisma.sql`input."filePath"`, Prisma.sql`input."connectionId"`));
  const updates = [...quoted.filter((column) => column !== `"filePath"`), `"private"`, `"updatedAt"`].map((column) => `${column} = excluded.${column}`).join(", ");
  // `WHERE true` keeps ON CONFLICT unambiguous after a SELECT.
  return `
    INSERT INTO "QueueItem" (${quoted.join(", ")}, "private", "createdAt", "updatedAt")
    SELECT ${quoted.map((column) => `input.${column}`).join(", ")}, ${isPrivate}, @now, @now
    FROM (SELECT ${unpacked} FROM json_each(@rows)) AS input WHERE true
    ON CONFLICT ("filePath") DO UPDATE SET ${updates}
    RETURNING "id", CASE WHEN "private" THEN "filePath" END`;
}

interface WriterStatements {
  byPath: BetterSqlite3.Statement<[string]>;
  byIdentity: BetterSqlite3.Statement<[string]>;
  release: BetterSqlite3.Statement<[{ releases: string; reason: string; now: string }]>;
  moveAside: BetterSqlite3.Statement<[string]>;
  moveTo: BetterSqlite3.Statement<[string]>;
  upsert: BetterSqlite3.Statement<[{ rows: string; now: string }]>;
}

/** Prepared once per connection (the app has one), not once per statement as Prisma's adapter does. */
const preparedByConnection = new WeakMap<BetterSqlite3.Database, WriterStatements>();

function writerStatements(sqlite: BetterSqlite3.Database): WriterStatements {
  const prepared = preparedByConnection.get(sqlite);
  if (prepared) return prepared;
  const columns = (table: string) => EXISTING_COLUMNS.map((column) => `${table}."${column}"`).join(", ");
  const removable = RECOMPUTABLE_STATUSES.map((status) => `'${status}'`).join(", ");
  // Rows come back as arrays of plain numbers: a sync reads or writes every row it lists, and an
  // object with a bigint per integer column costs more than the lookup (sizes stay exact below
  // 8 PiB, as when written).
  const returningArrays = (sql: string) => sqlite.prepare(sql).raw().safeIntegers(false);
  const statements: WriterStatements = {
    byPath: returningArrays(`SELECT ${columns(`"QueueItem"`)} FROM "QueueItem" WHERE "filePath" IN (SELECT value FROM json_each(?))`),
    byIdentity: returningArrays(`
      SELECT ${columns("q")} FROM json_each(?) AS pair
      JOIN "QueueItem" AS q ON q."connectionId" = pair.value ->> 0 AND q."externalId" = pair.value ->> 1`),
    release: sqlite.prepare(`
      UPDATE "QueueItem" SET
        "status" = CASE WHEN released.value ->> 1 AND "status" IN (${removable}) THEN 'removed' ELSE "status" END,
        "statusReason" = CASE WHEN released.value ->> 1 AND "status" IN (${removable}) THEN @reason ELSE "statusReason" END,
        "externalId" = NULL, "updatedAt" = @now
      FROM json_each(@releases) AS released WHERE "QueueItem"."id" = released.value ->> 0`),
    moveAside: sqlite.prepare(`UPDATE "QueueItem" SET "filePath" = char(0) || 'moving:' || "id" WHERE "id" IN (SELECT value ->> 0 FROM json_each(?))`),
    moveTo: sqlite.prepare(`UPDATE "QueueItem" SET "filePath" = moved.value ->> 1 FROM json_each(?) AS moved WHERE "QueueItem"."id" = moved.value ->> 0`),
    upsert: returningArrays(upsertSql()),
  };
  preparedByConnection.set(sqlite, statements);
  return statements;
}

/** Each column's place in a row the writer's SELECTs return: looked up per row of every sync, so not searched for. */
const EXISTING_COLUMN_INDEX = new Map(EXISTING_COLUMNS.map((column, index) => [column, index]));

/** A stored row as the writer's SELECTs return it (values in EXISTING_COLUMNS' order, as SQLite stores them). */
function existingRowOf(stored: unknown): ExistingRow {
  const values = storedRow(stored, EXISTING_COLUMNS.length);
  const value = (column: (typeof EXISTING_COLUMNS)[number]) => values[EXISTING_COLUMN_INDEX.get(column)!];
  return {
    id: storedInteger(value("id")),
    filePath: storedText(value("filePath")),
    sizeBytes: storedBigInt(value("sizeBytes")),
    codec: storedText(value("codec")),
    codecRaw: storedTextOrNull(value("codecRaw")),
    width: storedIntegerOrNull(value("width")),
    height: storedIntegerOrNull(value("height")),
    bitrate: storedIntegerOrNull(value("bitrate")),
    durationSeconds: storedNumberOrNull(value("durationSeconds")),
    qualitySource: storedTextOrNull(value("qualitySource")),
    status: storedText(value("status")),
    source: storedText(value("source")),
    connectionId: storedIntegerOrNull(value("connectionId")),
    externalId: storedTextOrNull(value("externalId")),
    externalParentId: storedTextOrNull(value("externalParentId")),
    private: storedBoolean(value("private")),
    fileModifiedAt: storedDateOrNull(value("fileModifiedAt")),
  };
}

function existingByPath(statements: WriterStatements, paths: readonly string[]): Map<string, ExistingRow> {
  const rows = statements.byPath.all(JSON.stringify(paths)).map(existingRowOf);
  return new Map(rows.map((row) => [row.filePath, row]));
}

/** The rows holding these inputs' (connection, file id) pairs, keyed by identityKey. */
function existingByIdentity(statements: WriterStatements, inputs: readonly QueueItemInput[]): Map<string, ExistingRow> {
  const pairs = inputs.flatMap((input) => (input.connectionId !== null && input.externalId !== null ? [[input.connectionId, input.externalId]] : []));
  if (pairs.length === 0) return new Map();
  const rows = statements.byIdentity.all(JSON.stringify(pairs)).map(existingRowOf);
  return new Map(rows.map((row) => [identityKey(row)!, row]));
}

/**
 * Releases first (ids freed), then moves in two steps through a placeholder path, so a chain of
 * renames inside one chunk never collides with a path another row is just leaving.
 */
function applyIdentityChanges(statements: WriterStatements, { moves, releases }: IdentityChanges): void {
  if (releases.length > 0) statements.release.run({ releases: JSON.stringify(releases), reason: RENAMED_REASON, now: sqlDate(new Date()) });
  if (moves.length === 0) return;
  const payload = JSON.stringify(moves);
  statements.moveAside.run(payload);
  statements.moveTo.run(payload);
}
