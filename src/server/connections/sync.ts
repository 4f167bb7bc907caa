import "server-only";
import { errorSummary } from "~/server/error-code";
import type { ExternalConnection, SyncRun } from "~/generated/prisma/client";
import type { AppType, QueueStatus } from "~/lib/queue-enums";
import { connectionInTransaction, type Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { pickMediaFacts } from "~/server/media/media-facts";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { getGeneralSettings } from "~/server/settings/settings-service";
import { refuseWorkWhenShuttingDown } from "~/server/shutdown-state";
import { sqlDate } from "~/server/sql-date";
import { openApiKey } from "./api-key";
import { appDefinition, createConnectionClient } from "./apps";
import type { LibraryFile, ParentListing } from "./connection-client";
import { clearedConnectionFailure, recordConnectionFailure } from "./connection-health";
import { parseStoredTagFilter } from "./connection-schemas";
import type { ConnectionError } from "./errors";
import { createPathMapper, parseStoredPathMappings, type PathMapper } from "./path-mapping";
import { hasUsableSnapshots, loadParentSnapshots, QUICK_SYNC_APPS, replaceParentSnapshots } from "./parent-snapshots";

/**
 * Library sync: stream the app's library, map paths, write the queue in batches, record the run.
 *
 * One run per connection at a time (a second start returns the running one, which is also how the
 * scheduler never overlaps a manual run). A run that could not read the whole library FAILS with
 * the category of the request that broke — it never "succeeds" with files missing. Files are known
 * by their id in the app, so a rename updates the row. Only a complete listing (succeeded, nothing
 * left out as malformed) may say a file is gone: this connection's queued/skipped items it did not
 * list are then marked `removed` (never deleted; the writer queues them again if they come back).
 *
 * A quick sync (Sonarr, Stash; the default once a complete run exists) doesn't re-read a series or
 * scene that matches the last complete sync: its items count as listed (./parent-snapshots.ts). A
 * full sync re-reads everything: on demand, when no complete run exists, and on the schedule's say.
 *
 * Progress lives in memory for fast polling and is written to the SyncRun row after every batch,
 * so a restart finds the run (and marks it interrupted) rather than losing it.
 */
const log = createLogger("connections.sync");

const BATCH_SIZE = 2_000;
const KEPT_RUNS_PER_CONNECTION = 50;

export const SYNC_RUN_STATUSES = ["running", "succeeded", "failed", "interrupted"] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];
export type SyncTrigger = "manual" | "schedule";

interface Progress {
  total: number;
  /** False while the app hasn't said how many files to expect (Radarr never does up front). */
  totalKnown: boolean;
  processed: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  invalid: number;
  /** Items the app no longer lists, marked removed once the listing proved complete. */
  removed: number;
  /** Series (Sonarr) or scenes (Stash) listed so far, and how many of them were skipped as unchanged. */
  parentsTotal: number;
  parentsSkipped: number;
}

interface ActiveRun {
  connectionId: number;
  appType: string;
  runId: number;
  trigger: SyncTrigger;
  startedAt: Date;
  progress: Progress;
  controller: AbortController;
  done: Promise<void>;
  /**
   * The queue rows this run's listing has covered so far, in memory only (about 12 MiB for a million
   * files): a crash or a failed run leaves no trace of them, and no other run ever sees them.
   */
  listedRowIds: number[];
  /** False: a quick sync, given what the last complete sync saw of each series or scene. */
  full: boolean;
  knownParents: ReadonlyMap<string, string> | null;
  /** Parents this run listed completely or skipped, with their fingerprints: the snapshots after a complete run. */
  covered: Map<string, string>;
  /** Parents skipped as unchanged: their items count as listed. */
  skippedParents: Set<string>;
}

export interface SyncRunDto extends Progress {
  runId: number;
  connectionId: number;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  full: boolean;
  errorCategory: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Why a run could not even start. */
export class SyncStartError extends Error {
  constructor(
    readonly reason: "not_found" | "disabled",
    message: string,
  ) {
    super(message);
    this.name = "SyncStartError";
  }
}

// On globalThis so a dev-server module reload doesn't forget runs in flight (and start a second one).
const registry = ((globalThis as unknown as { optimizarrSyncRuns?: { byConnection: Map<number, Promise<ActiveRun>>; byRunId: Map<number, ActiveRun> } })
  .optimizarrSyncRuns ??= { byConnection: new Map(), byRunId: new Map() });

const emptyProgress = (): Progress => ({
  total: 0, totalKnown: false, processed: 0, added: 0, updated: 0, unchanged: 0, skipped: 0, invalid: 0, removed: 0, parentsTotal: 0, parentsSkipped: 0,
});

export interface SyncOptions {
  /** Re-read every series or scene. Default: quick when the app allows it and a complete run left snapshots. */
  full?: boolean;
}

/**
 * Starts a background sync, or returns the one already running for this connection.
 * Rejects with SyncStartError when the connection is missing or disabled.
 */
export async function startSync(
  db: Database,
  connectionId: number,
  trigger: SyncTrigger = "manual",
  options: SyncOptions = {},
): Promise<{ runId: number; alreadyRunning: boolean }> {
  const running = registry.byConnection.get(connectionId);
  if (running) return { runId: (await running).runId, alreadyRunning: true };
  refuseWorkWhenShuttingDown();
  // Registered before the first await, so concurrent calls find it.
  const starting = launch(db, connectionId, trigger, options);
  registry.byConnection.set(connectionId, starting);
  try {
    const run = await starting;
    return { runId: run.runId, alreadyRunning: false };
  } catch (error) {
    registry.byConnection.delete(connectionId);
    throw error;
  }
}

async function launch(db: Database, connectionId: number, trigger: SyncTrigger, options: SyncOptions): Promise<ActiveRun> {
  const connection = await db.externalConnection.findUnique({ where: { id: connectionId } });
  if (!connection) throw new SyncStartError("not_found", "This connection no longer exists");
  if (!connection.enabled) throw new SyncStartError("disabled", "This connection is disabled: enable it to sync");

  const quickable = QUICK_SYNC_APPS.has(connection.appType) && options.full !== true;
  const snapshots = quickable ? await loadParentSnapshots(db, connectionId) : null;
  // No snapshots: no complete run to compare with, so this one reads everything anyway.
  const knownParents = snapshots && hasUsableSnapshots(snapshots) ? snapshots : null;
  const full = knownParents === null;
  const row = await db.syncRun.create({ data: { connectionId, trigger, status: "running", full } });
  const run: ActiveRun = {
    connectionId,
    appType: connection.appType,
    runId: row.id,
    trigger,
    startedAt: row.startedAt,
    progress: emptyProgress(),
    controller: new AbortController(),
    done: Promise.resolve(),
    listedRowIds: [],
    full,
    knownParents,
    covered: new Map(),
    skippedParents: new Set(),
  };
  registry.byRunId.set(run.runId, run);
  log.info({ connectionId, runId: run.runId, trigger, full }, "sync started");
  run.done = execute(db, run, connection)
    .catch((error: unknown) => log.error({ connectionId, runId: run.runId, err: errorSummary(error) }, "sync bookkeeping failed"))
    .finally(() => {
      registry.byConnection.delete(connectionId);
      registry.byRunId.delete(run.runId);
    });
  return run;
}


function toQueueInput(file: LibraryFile, connection: ExternalConnection, mapPath: PathMapper): QueueItemInput {
  return {
    filePath: mapPath(file.remotePath),
    sizeBytes: file.sizeBytes,
    ...pickMediaFacts(file),
    qualitySource: file.qualitySource,
    source: appDefinition(connection.appType as AppType).queueSource,
    connectionId: connection.id,
    externalId: file.externalId,
    externalParentId: file.externalParentId,
    // The apps only know when a file was imported, not its modification time; a scan's mtime is kept.
    fileModifiedAt: null,
  };
}

async function execute(db: Database, run: ActiveRun, connection: ExternalConnection): Promise<void> {
  const opened = openApiKey(connection);
  if (!opened.ok) return finish(db, run, opened.error);

  const client = createConnectionClient(connection.appType as AppType, {
    baseUrl: connection.baseUrl,
    apiKey: opened.apiKey,
    trustedCertSha256: connection.trustedCertSha256,
    signal: run.controller.signal,
    tagFilter: parseStoredTagFilter(connection.tagFilter),
  });
  const mapPath = createPathMapper(parseStoredPathMappings(connection.pathMappings));
  const { progress } = run;
  let failure: ConnectionError | null = null;
  try {
    const { targetCodec } = await getGeneralSettings(db);
    let batch: QueueItemInput[] = [];
    const flush = async () => {
      const counts = await upsertQueueItems(db, batch, { targetCodec, listedRowIds: run.listedRowIds });
      progress.processed += batch.length;
      progress.added += counts.added;
      progress.updated += counts.updated;
      progress.unchanged += counts.unchanged;
      progress.skipped += counts.skipped;
      if (!progress.totalKnown) progress.total = progress.processed + progress.invalid;
      batch = [];
      await db.syncRun.update({ where: { id: run.runId }, data: progressColumns(progress) });
    };
    for await (const event of client.library({ knownParents: run.knownParents ?? undefined })) {
      if (event.type === "total") {
        progress.total = event.total;
        progress.totalKnown = true;
      } else if (event.type === "files") {
        progress.invalid += event.invalid;
        if (event.parents) noteParents(run, event.parents);
        for (const file of event.files) batch.push(toQueueInput(file, connection, mapPath));
        if (batch.length >= BATCH_SIZE) await flush();
      } else {
        failure = event.error;
        break;
      }
    }
    if (!failure && batch.length > 0) await flush();
  } catch (error) {
    log.error({ connectionId: run.connectionId, runId: run.runId, err: errorSummary(error) }, "sync failed inside Optimizarr");
    return finishInternalFailure(db, run);
  } finally {
    await client.close();
  }
  return finish(db, run, failure);
}

function noteParents(run: ActiveRun, parents: readonly ParentListing[]): void {
  for (const parent of parents) {
    run.covered.set(parent.parentId, parent.fingerprint);
    run.progress.parentsTotal += 1;
    if (parent.skipped) {
      run.skippedParents.add(parent.parentId);
      run.progress.parentsSkipped += 1;
    }
  }
}

function progressColumns(progress: Progress) {
  const { total, processed, added, updated, unchanged, skipped, invalid, removed, parentsTotal, parentsSkipped } = progress;
  return { total, processed, added, updated, unchanged, skipped, invalid, removed, parentsTotal, parentsSkipped };
}

async function finish(db: Database, run: ActiveRun, failure: ConnectionError | null): Promise<void> {
  const { progress } = run;
  const finishedAt = new Date();
  // The exact count is known now, whatever the app announced.
  progress.total = progress.processed + progress.invalid;
  progress.totalKnown = true;
  const stillExists = (await db.externalConnection.count({ where: { id: run.connectionId } })) > 0;
  if (!stillExists) return; // Deleted mid-run: its runs went with it.
  if (run.controller.signal.aborted) {
    // Cancelled on purpose (connection disabled): not the app's fault, so its health is untouched.
    await db.syncRun.update({
      where: { id: run.runId },
      data: { ...progressColumns(progress), status: "interrupted", error: "Cancelled before it finished", finishedAt },
    });
  } else if (failure) {
    await db.syncRun.update({
      where: { id: run.runId },
      data: { ...progressColumns(progress), status: "failed", errorCategory: failure.category, error: failure.message, finishedAt },
    });
    await recordConnectionFailure(db, run.connectionId, failure);
    log.warn({ connectionId: run.connectionId, runId: run.runId, category: failure.category, processed: progress.processed }, "sync failed");
  } else {
    await db.$transaction(async (tx) => {
      // A malformed entry may be a file still there: only a listing without any may prove absence.
      if (progress.invalid === 0) progress.removed = await markUnlistedRemoved(tx, run);
      // Only a complete run replaces them: after a failed one, whatever changed since is read again.
      if (QUICK_SYNC_APPS.has(run.appType)) await replaceParentSnapshots(tx, run.connectionId, run.covered, { startedAt: run.startedAt, finishedAt, previous: run.knownParents });
      await tx.syncRun.update({ where: { id: run.runId }, data: { ...progressColumns(progress), status: "succeeded", finishedAt } });
      await tx.externalConnection.update({ where: { id: run.connectionId }, data: { lastSyncedAt: finishedAt, ...clearedConnectionFailure() } });
    });
    log.info({ connectionId: run.connectionId, runId: run.runId, ...progressColumns(progress), ms: finishedAt.getTime() - run.startedAt.getTime() }, "sync finished");
  }
  await pruneSyncRuns(db, run.connectionId);
}

export const UNLISTED_REASON = "No longer listed by its app (a complete sync did not return it)";
/** encoding/done/failed belong to the encoder and keep their history. */
const UNLISTED_STATUSES = ["queued", "skipped"] satisfies QueueStatus[];

/**
 * The connection's rows this run did not list, marked removed. Nothing is written for a listed row
 * (marking each one "seen" wrote every row of an unchanged library: ~4 s per 100,000 files), and a
 * million listed ids never travel as one parameter (a 7 MB JSON string plus SQLite's copy, ≈ 40 MB
 * at the very end of a run): the connection's candidate rows are read on the connection itself and
 * looked up in the sorted ids, and only the unlisted ones — usually none — are written.
 * A row written since the run started (a webhook's import arriving after the app's list was read)
 * is not judged by a listing older than itself. A quick sync's skipped series or scenes count as
 * listed, and it leaves rows without one alone (it can't tell whose they are); a full sync judges them.
 */
async function markUnlistedRemoved(tx: Pick<Database, "$executeRaw">, run: ActiveRun): Promise<number> {
  // Inside the caller's transaction, so the rows read here are the rows the UPDATE finds.
  const candidates = connectionInTransaction()
    .prepare<[number, string], [number, string | null]>(
      `SELECT "id", "externalParentId" FROM "QueueItem"
       WHERE "connectionId" = ? AND "status" IN (${UNLISTED_STATUSES.map((status) => `'${status}'`).join(", ")}) AND "updatedAt" < ?`,
    )
    .raw()
    .safeIntegers(false);
  const listed = Float64Array.from(run.listedRowIds).sort();
  const unlisted: number[] = [];
  for (const [id, parentId] of candidates.iterate(run.connectionId, sqlDate(run.startedAt))) {
    if (!run.full && (parentId === null || run.skippedParents.has(parentId))) continue;
    if (!containsSorted(listed, id)) unlisted.push(id);
  }
  let removed = 0;
  for (let start = 0; start < unlisted.length; start += REMOVED_IDS_PER_STATEMENT) {
    const ids = JSON.stringify(unlisted.slice(start, start + REMOVED_IDS_PER_STATEMENT));
    removed += await tx.$executeRaw`
      UPDATE "QueueItem" SET "status" = 'removed', "statusReason" = ${UNLISTED_REASON}, "updatedAt" = ${sqlDate(new Date())}
      WHERE "id" IN (SELECT value FROM json_each(${ids}))`;
  }
  return removed;
}

/** A whole library may be gone (its folder unmounted in the app): its removal goes in slices too. */
const REMOVED_IDS_PER_STATEMENT = 50_000;

function containsSorted(sorted: Float64Array, value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted[middle]!;
    if (found === value) return true;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

async function finishInternalFailure(db: Database, run: ActiveRun): Promise<void> {
  await db.syncRun.updateMany({
    where: { id: run.runId },
    data: {
      ...progressColumns(run.progress),
      status: "failed",
      errorCategory: null,
      error: "Optimizarr could not save the files it received (details in System → Logs)",
      finishedAt: new Date(),
    },
  });
}

/** Keeps the newest runs per connection; history is for "what happened lately", not an archive. */
export async function pruneSyncRuns(db: Database, connectionId: number, keep = KEPT_RUNS_PER_CONNECTION): Promise<number> {
  const old = await db.syncRun.findMany({
    where: { connectionId },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    skip: keep,
    select: { id: true },
  });
  if (old.length === 0) return 0;
  const { count } = await db.syncRun.deleteMany({ where: { id: { in: old.map((row) => row.id) } } });
  return count;
}

/** At startup: runs a previous process left "running" can't be running any more. */
export async function markInterruptedSyncRuns(db: Database): Promise<number> {
  const activeIds = [...registry.byRunId.keys()];
  const { count } = await db.syncRun.updateMany({
    where: { status: "running", id: { notIn: activeIds } },
    data: { status: "interrupted", error: "Optimizarr stopped before this sync finished", finishedAt: new Date() },
  });
  if (count > 0) log.warn({ count }, "marked unfinished sync runs as interrupted");
  return count;
}

/** Stops a running sync (connection deleted or disabled); resolves when it has wound down. */
export async function cancelSync(connectionId: number): Promise<void> {
  const starting = registry.byConnection.get(connectionId);
  if (!starting) return;
  const run = await starting.catch(() => null);
  if (!run) return;
  run.controller.abort();
  await run.done;
}

/** Shutdown: stops every running sync; each ends `interrupted`, never `succeeded` with files missing. */
export async function cancelAllSyncs(): Promise<void> {
  await Promise.all([...registry.byConnection.keys()].map(cancelSync));
}

export function activeSyncRunId(connectionId: number): number | null {
  for (const run of registry.byRunId.values()) if (run.connectionId === connectionId) return run.runId;
  return null;
}

/** Resolves when the run is no longer running (immediately for a finished or unknown run). */
export function waitForSyncRun(runId: number): Promise<void> {
  return registry.byRunId.get(runId)?.done ?? Promise.resolve();
}

export function toSyncRunDto(row: SyncRun): SyncRunDto {
  const live = registry.byRunId.get(row.id);
  const progress = live?.progress;
  return {
    runId: row.id,
    connectionId: row.connectionId,
    status: live ? "running" : (row.status as SyncRunStatus),
    trigger: row.trigger as SyncTrigger,
    full: row.full,
    total: progress?.total ?? row.total,
    totalKnown: progress?.totalKnown ?? row.status !== "running",
    processed: progress?.processed ?? row.processed,
    added: progress?.added ?? row.added,
    updated: progress?.updated ?? row.updated,
    unchanged: progress?.unchanged ?? row.unchanged,
    skipped: progress?.skipped ?? row.skipped,
    invalid: progress?.invalid ?? row.invalid,
    removed: progress?.removed ?? row.removed,
    parentsTotal: progress?.parentsTotal ?? row.parentsTotal,
    parentsSkipped: progress?.parentsSkipped ?? row.parentsSkipped,
    errorCategory: row.errorCategory,
    error: row.error,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export async function getSyncRun(db: Database, runId: number): Promise<SyncRunDto | null> {
  const row = await db.syncRun.findUnique({ where: { id: runId } });
  return row ? toSyncRunDto(row) : null;
}

export async function listSyncRuns(db: Database, connectionId: number, limit: number): Promise<SyncRunDto[]> {
  const rows = await db.syncRun.findMany({ where: { connectionId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: limit });
  return rows.map(toSyncRunDto);
}
