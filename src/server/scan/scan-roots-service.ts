import "server-only";
import { Prisma } from "~/generated/prisma/client";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { insideFoldersSql, recomputeItemPrivacy } from "~/server/privacy/item-privacy";
import { reloadPrivatePaths } from "~/server/privacy/load-private-paths";
import { registerPrivateFolder } from "~/server/privacy/private-paths";
import { privateLabel } from "~/server/privacy/redact";
import { checkRootPath, normaliseRootPath, pathForMessage } from "./root-path";
import type { ScanRootCreateInput, ScanRootUpdateInput } from "./scan-root-input";
import { cancelScan, forgetScan, getScanProgress, isScanRunning, scanTargetOf, startScan } from "./scan-jobs";
import { nextScheduledScanAt, rescheduleScanRoot, unscheduleScanRoot } from "./scan-schedule";
import type { ScanProgress } from "./scan-progress";

const log = createLogger("scan");

/** Scan roots: the folders Optimizarr walks for video files. Routers call these and return the DTOs. */

export type ScanRootErrorKind = "bad_request" | "not_found" | "conflict" | "precondition_failed";
export type ScanRootField = "name" | "path" | "externalConnectionId";

export class ScanRootError extends Error {
  constructor(
    readonly kind: ScanRootErrorKind,
    message: string,
    /** The input field at fault, so the form can show the message beside it. */
    readonly field: ScanRootField | null = null,
  ) {
    super(message);
    this.name = "ScanRootError";
  }
}

export type LastScanStatus = "never" | "running" | "succeeded" | "failed" | "interrupted";

export interface ScanRootDto {
  id: number;
  name: string;
  /** The real path, or the private label when the root is private or linked to a private connection. */
  path: string;
  pathHidden: boolean;
  enabled: boolean;
  /** The root's own privacy switch (a linked private connection hides it too: see `pathHidden`). */
  private: boolean;
  /** Whether its files count in the statistics charts. */
  showInStats: boolean;
  externalConnectionId: number | null;
  externalConnection: { id: number; name: string; appType: string; private: boolean } | null;
  lastScan: {
    status: LastScanStatus;
    startedAt: Date | null;
    finishedAt: Date | null;
    error: string | null;
    found: number | null;
    added: number | null;
    updated: number | null;
    removed: number | null;
  };
  /** Automatic rescan interval; null = manual only. */
  scanIntervalMinutes: number | null;
  /** When the next automatic rescan is due (null when off or the root is disabled). */
  nextScanAt: Date | null;
  /** The running scan, or the last one since the server started. */
  scan: ScanProgress | null;
  createdAt: Date;
  updatedAt: Date;
}

const rootInclude = {
  externalConnection: { select: { id: true, name: true, appType: true, private: true, displayAlias: true } },
} as const satisfies Prisma.ScanRootInclude;
type RootRow = Prisma.ScanRootGetPayload<{ include: typeof rootInclude }>;

function lastScanStatusOf(row: RootRow): LastScanStatus {
  if (isScanRunning(row.id)) return "running";
  if (!row.lastScanStartedAt) return "never";
  // Started but never finished (or finished before the latest start): the server stopped mid-scan.
  if (!row.lastScanFinishedAt || row.lastScanFinishedAt < row.lastScanStartedAt) return "interrupted";
  return row.lastScanError ? "failed" : "succeeded";
}

function toDto(row: RootRow): ScanRootDto {
  const connection = row.externalConnection;
  const isPrivate = row.private || connection?.private === true;
  return {
    id: row.id,
    name: row.name,
    path: isPrivate ? privateLabel(connection?.displayAlias) : row.path,
    pathHidden: isPrivate,
    enabled: row.enabled,
    private: row.private,
    showInStats: row.showInStats,
    externalConnectionId: row.externalConnectionId,
    externalConnection: connection ? { id: connection.id, name: connection.name, appType: connection.appType, private: connection.private } : null,
    lastScan: {
      status: lastScanStatusOf(row),
      startedAt: row.lastScanStartedAt,
      finishedAt: row.lastScanFinishedAt,
      error: row.lastScanError,
      found: row.lastScanFound,
      added: row.lastScanAdded,
      updated: row.lastScanUpdated,
      removed: row.lastScanRemoved,
    },
    scanIntervalMinutes: row.scanIntervalMinutes,
    nextScanAt: nextScheduledScanAt(row.id),
    scan: getScanProgress(row.id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function findRoot(db: Database, id: number): Promise<RootRow> {
  const row = await db.scanRoot.findUnique({ where: { id }, include: rootInclude });
  if (!row) throw new ScanRootError("not_found", `Scan root ${id} does not exist`);
  return row;
}

export async function listScanRoots(db: Database): Promise<ScanRootDto[]> {
  const rows = await db.scanRoot.findMany({ include: rootInclude, orderBy: [{ name: "asc" }, { id: "asc" }] });
  return rows.map(toDto);
}

export async function getScanRoot(db: Database, id: number): Promise<ScanRootDto> {
  return toDto(await findRoot(db, id));
}

type Tx = Prisma.TransactionClient;

/** The connection to link, checked: it exists and no other root already claims it. */
async function checkConnection(tx: Tx, connectionId: number, exceptRootId: number | null): Promise<{ private: boolean }> {
  const connection = await tx.externalConnection.findUnique({ where: { id: connectionId }, select: { id: true, name: true, private: true } });
  if (!connection) throw new ScanRootError("bad_request", `Connection ${connectionId} does not exist`, "externalConnectionId");
  const claimedBy = await tx.scanRoot.findFirst({
    where: { externalConnectionId: connectionId, ...(exceptRootId === null ? {} : { id: { not: exceptRootId } }) },
    select: { name: true },
  });
  if (claimedBy) throw new ScanRootError("conflict", `Connection "${connection.name}" is already linked to scan root "${claimedBy.name}"`, "externalConnectionId");
  return { private: connection.private };
}

/** Whether a connection (if any) is private, read before the transaction so the path check knows how to word its messages. */
async function isPrivateConnection(db: Database, connectionId: number | null): Promise<boolean> {
  if (connectionId === null) return false;
  const connection = await db.externalConnection.findUnique({ where: { id: connectionId }, select: { private: true } });
  return connection?.private === true;
}

async function validPath(input: string, hideInMessages: boolean): Promise<string> {
  const checked = await checkRootPath(input, { label: hideInMessages ? "The folder" : undefined });
  if (!checked.ok) throw new ScanRootError("bad_request", checked.message, "path");
  return checked.path;
}

async function ensurePathIsFree(tx: Tx, normalisedPath: string, exceptRootId: number | null, hideInMessages: boolean): Promise<void> {
  const existing = await tx.scanRoot.findUnique({ where: { path: normalisedPath }, include: rootInclude });
  if (!existing || existing.id === exceptRootId) return;
  const label = hideInMessages || existing.externalConnection?.private ? "This folder" : `${pathForMessage(normalisedPath)}`;
  throw new ScanRootError("conflict", `${label} is already a scan root ("${existing.name}")`, "path");
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createScanRoot(db: Database, input: ScanRootCreateInput): Promise<ScanRootDto> {
  const hide = input.private || (await isPrivateConnection(db, input.externalConnectionId));
  const path = await validPath(input.path, hide);
  try {
    const id = await db.$transaction(async (tx) => {
      if (input.externalConnectionId !== null) await checkConnection(tx, input.externalConnectionId, null);
      await ensurePathIsFree(tx, path, null, hide);
      const created = await tx.scanRoot.create({ data: { ...input, path }, select: { id: true } });
      // Files already queued under the new root (from a sync or another root) are now known by it too.
      await recomputeItemPrivacy(tx, insideFoldersSql([path]));
      return created.id;
    });
    if (hide) registerPrivateFolder(path);
    await rescheduleScanRoot(id);
    log.info({ rootId: id, private: hide }, "scan root created");
    return getScanRoot(db, id);
  } catch (error) {
    // Lost a race with an identical create: same answer as the check above.
    if (isUniqueViolation(error)) throw new ScanRootError("conflict", `${hide ? "This folder" : pathForMessage(path)} is already a scan root`, "path");
    throw error;
  }
}

export async function updateScanRoot(db: Database, input: ScanRootUpdateInput): Promise<ScanRootDto> {
  const before = await findRoot(db, input.id);
  const connectionId = input.externalConnectionId === undefined ? before.externalConnectionId : input.externalConnectionId;
  const hide = before.private || input.private === true || before.externalConnection?.private === true || (await isPrivateConnection(db, connectionId));

  let path: string | undefined;
  if (input.path !== undefined && normaliseRootPath(input.path) !== before.path) {
    path = await validPath(input.path, hide);
    if (isScanRunning(before.id)) throw new ScanRootError("precondition_failed", "A scan of this root is running; change the path after it finishes", "path");
  }

  const privacyMayChange =
    path !== undefined ||
    (input.private !== undefined && input.private !== before.private) ||
    (input.externalConnectionId !== undefined && input.externalConnectionId !== before.externalConnectionId);
  try {
    await db.$transaction(async (tx) => {
      if (input.externalConnectionId !== undefined && input.externalConnectionId !== null) await checkConnection(tx, input.externalConnectionId, before.id);
      if (path !== undefined) await ensurePathIsFree(tx, path, before.id, hide);
      // `path` is the checked, normalised one (undefined when unchanged).
      const { id: _id, ...changes } = input;
      await tx.scanRoot.update({ where: { id: before.id }, data: { ...changes, path } });
      // Privacy follows the root: its files (at the old and the new path) are recomputed in the same transaction.
      if (privacyMayChange) await recomputeItemPrivacy(tx, insideFoldersSql(path === undefined ? [before.path] : [before.path, path]));
    });
    if (privacyMayChange) await reloadPrivatePaths(db);
    await rescheduleScanRoot(before.id);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ScanRootError("conflict", `${hide || !path ? "This folder" : pathForMessage(path)} is already a scan root`, "path");
    throw error;
  }
  log.info({ rootId: before.id, fields: Object.keys(input).filter((key) => key !== "id") }, "scan root updated");
  return getScanRoot(db, before.id);
}

/** Queue items found by the root stay in the queue; only the root goes. */
export async function deleteScanRoot(db: Database, id: number): Promise<{ ok: true }> {
  await findRoot(db, id);
  unscheduleScanRoot(id);
  await cancelScan(id);
  await db.scanRoot.deleteMany({ where: { id } });
  forgetScan(id);
  log.info({ rootId: id }, "scan root deleted");
  return { ok: true };
}

export interface ScanStarted {
  scanId: string;
  /** false when a scan of this root was already running; its progress is returned. */
  started: boolean;
  progress: ScanProgress;
}

export async function scanScanRoot(db: Database, id: number): Promise<ScanStarted> {
  const root = await findRoot(db, id);
  if (!root.enabled) throw new ScanRootError("precondition_failed", `Scan root "${root.name}" is disabled; enable it to scan`);
  const result = startScan(db, scanTargetOf(root));
  // A manual scan pushes the next automatic one back by a whole interval.
  if (result.started) await rescheduleScanRoot(root.id);
  return { scanId: result.progress.scanId, started: result.started, progress: result.progress };
}

export async function scanStatusOf(db: Database, id: number): Promise<ScanProgress | null> {
  await findRoot(db, id);
  return getScanProgress(id);
}
