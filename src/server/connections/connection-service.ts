import "server-only";
import { TRPCError } from "@trpc/server";
import { ZodRealError } from "zod";
import type { ExternalConnection, Prisma } from "~/generated/prisma/client";
import type { AppType } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { createLogger, registerSecret } from "~/server/logger";
import { knownByConnectionSql, recomputeItemPrivacy } from "~/server/privacy/item-privacy";
import { reloadPrivatePaths } from "~/server/privacy/load-private-paths";
import { openApiKey, sealApiKey, type OpenedApiKey } from "./api-key";
import { appDefinition, createConnectionClient } from "./apps";
import { probeCertificate, type PresentedCertificate } from "./certificate";
import { clearedConnectionFailure, recordConnectionFailure } from "./connection-health";
import { connectionInclude, toConnectionDto, type ConnectionDto } from "./connection-dto";
import type { CreateConnectionInput, TestConnectionInput, UpdateConnectionInput } from "./connection-schemas";
import { enrichQueueFromConnection, type EnrichResult } from "./enrich";
import type { ConnectionError, ConnectionErrorCategory } from "./errors";
import { RETYPE_KEY_MESSAGE, storedKeyMayGoTo } from "./key-destination";
import { parseStoredPathMappings } from "./path-mapping";
import { rescheduleConnection, unscheduleConnection } from "./scheduler";
import { cancelSync, getSyncRun, listSyncRuns, startSync, SyncStartError, type SyncRunDto } from "./sync";

/**
 * Everything the `connections` router does, callable without tRPC (handlers take the db and the
 * validated input). Remote failures come back as values from `test`; where an action can't go
 * ahead because the other app failed (create, update, enrich) the TRPCError carries the category
 * in its cause, which the error formatter exposes as `data.category`.
 */
const log = createLogger("connections");

export type TestResult =
  | { ok: true; appName: string; version: string; instanceName: string | null }
  | {
      ok: false;
      category: ConnectionErrorCategory;
      message: string;
      /** The stored key can't be decrypted: ask the user for it again. */
      needsApiKey?: boolean;
      /** For an untrusted certificate: what the server presented, so the UI can offer to trust it. */
      certificate?: PresentedCertificate | null;
    };

/** The cause of a TRPCError for a failed remote call: `category` reaches the client as `data.category`. */
export class ConnectionFailure extends Error {
  readonly category: ConnectionErrorCategory;
  constructor(readonly result: Extract<TestResult, { ok: false }>) {
    super(result.message);
    this.name = "ConnectionFailure";
    this.category = result.category;
  }
}

/** BAD_REQUEST for an action the other app's failure stopped, with the category for the client. */
export function remoteFailureError(error: ConnectionError & { needsApiKey?: boolean }): TRPCError {
  return badRequest(failureOf(error));
}

function badRequest(result: Extract<TestResult, { ok: false }>): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", message: result.message, cause: new ConnectionFailure(result) });
}

function failureOf(error: ConnectionError & { needsApiKey?: boolean }): Extract<TestResult, { ok: false }> {
  return { ok: false, category: error.category, message: error.message, ...(error.needsApiKey ? { needsApiKey: true } : {}) };
}

async function loadRow(db: Database, id: number): Promise<ExternalConnection> {
  const row = await db.externalConnection.findUnique({ where: { id } });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such connection" });
  return row;
}

async function loadDto(db: Database, id: number): Promise<ConnectionDto> {
  const row = await db.externalConnection.findUnique({ where: { id }, include: connectionInclude });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such connection" });
  return toConnectionDto(row);
}

export async function listConnections(db: Database): Promise<ConnectionDto[]> {
  const rows = await db.externalConnection.findMany({ include: connectionInclude, orderBy: [{ appType: "asc" }, { name: "asc" }, { id: "asc" }] });
  return rows.map(toConnectionDto);
}

export function getConnection(db: Database, id: number): Promise<ConnectionDto> {
  return loadDto(db, id);
}

/**
 * The saved key, but only for the saved origin: sending it to an address the caller just typed
 * would hand it to whoever runs that address. A field error on `apiKey`, so the form asks for the
 * key right there. A connection without a key (Stash without a login) has nothing to give away.
 */
function storedKeyFor(row: ExternalConnection, baseUrl: string): OpenedApiKey {
  const opened = openApiKey(row);
  if (opened.ok && opened.apiKey !== "" && !storedKeyMayGoTo(row.baseUrl, baseUrl)) {
    const cause = new ZodRealError([{ code: "custom", path: ["apiKey"], message: RETYPE_KEY_MESSAGE, input: undefined }]);
    throw new TRPCError({ code: "BAD_REQUEST", message: `apiKey: ${RETYPE_KEY_MESSAGE}`, cause });
  }
  return opened;
}

/** One system/status request (never retried: a person is waiting); for an untrusted certificate, also what it is. */
async function runTest(appType: AppType, baseUrl: string, apiKey: string, trustedCertSha256: string | null): Promise<TestResult> {
  if (apiKey === "" && appDefinition(appType).apiKeyRequired) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `Enter the API key (${appDefinition(appType).apiKeyHint})` });
  }
  registerSecret(apiKey);
  const client = createConnectionClient(appType, { baseUrl, apiKey, trustedCertSha256 });
  try {
    const result = await client.testConnection();
    if (result.ok) return { ok: true, appName: result.data.appName, version: result.data.version, instanceName: result.data.instanceName };
    const failure = failureOf(result.error);
    if (result.error.untrustedCertificate) failure.certificate = await probeCertificate(baseUrl);
    return failure;
  } finally {
    await client.close();
  }
}

/**
 * Tests new details, a saved connection, or a saved connection with edits not saved yet. Only a
 * test of the saved configuration itself updates its health and "last tested".
 */
export async function testConnection(db: Database, input: TestConnectionInput): Promise<TestResult> {
  if (input.id === undefined) {
    // The schema guarantees all three without an id.
    return runTest(input.appType!, input.baseUrl!, input.apiKey!, input.trustedCertSha256 ?? null);
  }
  const row = await loadRow(db, input.id);
  const appType = row.appType as AppType;
  const baseUrl = input.baseUrl ?? row.baseUrl;
  const trustedCertSha256 = input.trustedCertSha256 !== undefined ? input.trustedCertSha256 : row.trustedCertSha256;
  const savedConfiguration = input.apiKey === undefined && baseUrl === row.baseUrl && trustedCertSha256 === row.trustedCertSha256;

  let result: TestResult;
  if (input.apiKey !== undefined) {
    result = await runTest(appType, baseUrl, input.apiKey, trustedCertSha256);
  } else {
    const opened = storedKeyFor(row, baseUrl);
    result = opened.ok ? await runTest(appType, baseUrl, opened.apiKey, trustedCertSha256) : failureOf(opened.error);
  }

  if (savedConfiguration) {
    const now = new Date();
    if (result.ok) {
      await db.externalConnection.update({
        where: { id: row.id },
        data: { lastTestedAt: now, appName: result.appName, version: result.version, ...clearedConnectionFailure() },
      });
    } else {
      await db.externalConnection.update({ where: { id: row.id }, data: { lastTestedAt: now } });
      await recordConnectionFailure(db, row.id, { category: result.category, message: result.message });
    }
  }
  return result;
}

/** A tag filter the app cannot apply would silently sync everything: refused, naming the field. */
function assertTagFilterAllowed(appType: AppType, tagFilter: readonly string[] | undefined): void {
  if (tagFilter && tagFilter.length > 0 && !appDefinition(appType).capabilities.tagFilter) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `tagFilter: ${appDefinition(appType).label} connections have no tag filter` });
  }
}

/** Tests first and saves only a connection that answered; the one response that carries the full key. */
export async function createConnection(db: Database, input: CreateConnectionInput): Promise<{ connection: ConnectionDto; apiKey: string }> {
  assertTagFilterAllowed(input.appType, input.tagFilter);
  const trustedCertSha256 = input.trustedCertSha256 ?? null;
  const result = await runTest(input.appType, input.baseUrl, input.apiKey, trustedCertSha256);
  if (!result.ok) throw badRequest(result);

  const app = appDefinition(input.appType);
  const row = await db.externalConnection.create({
    data: {
      name: input.name,
      appType: input.appType,
      baseUrl: input.baseUrl,
      ...sealApiKey(input.apiKey),
      enabled: input.enabled ?? true,
      // A private-by-default library (Stash) stays out of the charts until the admin says otherwise.
      showInStats: input.showInStats ?? !app.privateByDefault,
      private: input.private ?? app.privateByDefault,
      displayAlias: input.displayAlias ?? null,
      tagFilter: input.tagFilter ?? [],
      pathMappings: input.pathMappings ?? [],
      syncIntervalMinutes: input.syncIntervalMinutes ?? null,
      fullSyncEveryHours: input.fullSyncEveryHours,
      trustedCertSha256,
      appName: result.appName,
      version: result.version,
      lastTestedAt: new Date(),
    },
  });
  log.info({ connectionId: row.id, appType: row.appType, version: row.version }, "connection created");
  await rescheduleConnection(row.id);
  return { connection: await loadDto(db, row.id), apiKey: input.apiKey };
}

/**
 * Saves changes; a new address, key or trusted certificate is tested first and nothing is saved
 * if the test fails. A new key is sealed as is — the old one is never decrypted, so an update is
 * also how a connection whose key no longer opens gets fixed.
 */
export async function updateConnection(db: Database, input: UpdateConnectionInput): Promise<ConnectionDto> {
  const row = await loadRow(db, input.id);
  const appType = row.appType as AppType;
  assertTagFilterAllowed(appType, input.tagFilter);
  const baseUrl = input.baseUrl ?? row.baseUrl;
  const trustedCertSha256 = input.trustedCertSha256 !== undefined ? input.trustedCertSha256 : row.trustedCertSha256;
  const needsTest = baseUrl !== row.baseUrl || input.apiKey !== undefined || trustedCertSha256 !== row.trustedCertSha256;

  const data: Prisma.ExternalConnectionUpdateInput = {
    name: input.name,
    baseUrl,
    trustedCertSha256,
    enabled: input.enabled,
    showInStats: input.showInStats,
    private: input.private,
    displayAlias: input.displayAlias,
    tagFilter: input.tagFilter,
    pathMappings: input.pathMappings,
    syncIntervalMinutes: input.syncIntervalMinutes,
    fullSyncEveryHours: input.fullSyncEveryHours,
  };
  if (needsTest) {
    let apiKey = input.apiKey;
    if (apiKey === undefined) {
      const opened = storedKeyFor(row, baseUrl);
      if (!opened.ok) throw remoteFailureError(opened.error);
      apiKey = opened.apiKey;
    }
    const result = await runTest(appType, baseUrl, apiKey, trustedCertSha256);
    if (!result.ok) throw badRequest(result);
    Object.assign(data, { appName: result.appName, version: result.version, lastTestedAt: new Date(), ...clearedConnectionFailure() });
    if (input.apiKey !== undefined) Object.assign(data, sealApiKey(input.apiKey));
  }

  const privacyChanged = input.private !== undefined && input.private !== row.private;
  // Another app at the address, or paths mapped anew: what the last complete sync saw says nothing
  // about the queue's rows any more, so the next sync reads everything (a quick one would skip the
  // unchanged series and scenes and leave their rows under the old paths).
  const mappingsChanged =
    input.pathMappings !== undefined && JSON.stringify(input.pathMappings) !== JSON.stringify(parseStoredPathMappings(row.pathMappings));
  const snapshotsStale = baseUrl !== row.baseUrl || mappingsChanged;
  await db.$transaction([
    db.externalConnection.update({ where: { id: row.id }, data }),
    // Every item the connection knows (its own, and files under a linked scan root) follows, atomically.
    ...(privacyChanged ? [recomputeItemPrivacy(db, knownByConnectionSql(row.id))] : []),
    ...(snapshotsStale ? [db.syncParentSnapshot.deleteMany({ where: { connectionId: row.id } })] : []),
  ]);
  if (privacyChanged) await reloadPrivatePaths(db);
  if (input.enabled === false && row.enabled) await cancelSync(row.id);
  await rescheduleConnection(row.id);
  log.info({ connectionId: row.id, retested: needsTest, keyReplaced: input.apiKey !== undefined }, "connection updated");
  return loadDto(db, row.id);
}

/** Scan roots are unlinked and queue items kept (the schema's SetNull); its sync history goes with it. */
export async function deleteConnection(db: Database, id: number): Promise<{ ok: true }> {
  await loadRow(db, id);
  unscheduleConnection(id);
  await cancelSync(id);
  await db.externalConnection.delete({ where: { id } });
  log.info({ connectionId: id }, "connection deleted");
  return { ok: true };
}

export async function syncConnection(db: Database, id: number, full?: boolean): Promise<{ runId: number }> {
  try {
    const { runId, alreadyRunning } = await startSync(db, id, "manual", { full });
    // A manual sync pushes the next scheduled one back by a whole interval.
    if (!alreadyRunning) await rescheduleConnection(id);
    return { runId };
  } catch (error) {
    if (error instanceof SyncStartError) {
      throw new TRPCError({ code: error.reason === "not_found" ? "NOT_FOUND" : "BAD_REQUEST", message: error.message });
    }
    throw error;
  }
}

export async function getSyncRunProgress(db: Database, runId: number): Promise<SyncRunDto> {
  const run = await getSyncRun(db, runId);
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such sync run" });
  return run;
}

export async function getSyncRunHistory(db: Database, id: number, limit: number): Promise<SyncRunDto[]> {
  await loadRow(db, id);
  return listSyncRuns(db, id, limit);
}

export async function enrichQueue(db: Database, id: number): Promise<EnrichResult> {
  const row = await loadRow(db, id);
  const result = await enrichQueueFromConnection(db, row);
  if (!result.ok) {
    await recordConnectionFailure(db, row.id, result.error);
    throw remoteFailureError(result.error);
  }
  return result.data;
}
