import "server-only";
import { z } from "zod";
import { formatBytes } from "~/lib/format";
import { APP_TYPES, CODEC_LABELS, type Codec } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { openApiKey } from "./api-key";
import { appDefinition, createConnectionClient } from "./apps";
import type { AppFileState, ConnectionClient } from "./connection-client";
import { fail, ok, type Result } from "./errors";
import { DEFAULT_HAND_BACK_WAIT } from "./hand-back-poll";
import { createPathMapper, createRemotePathMapper, parseStoredPathMappings, type PathMapper } from "./path-mapping";

/**
 * The encoder's two questions to the app that owns a file (issue #15):
 * - `readAppFile`, the race guard just before the swap: does the app still have this file, and
 *   at what size? (An upgrade downloaded meanwhile must not be overwritten by our encode.)
 * - `handBackToApp`, after the swap: make the app rescan, wait for it, and check that it now
 *   reports the new size and codec — so Sonarr/Radarr don't see a "changed" file to re-download
 *   and Stash doesn't show stale facts.
 *
 * Both load the connection row, refuse a deleted or disabled one, open its key and build the
 * client for its saved address (the key never goes anywhere else), and translate paths between
 * Optimizarr's view and the app's with the connection's mappings. Messages and logs carry ids and
 * categories only: never a file path or title (a private Stash's must never leave the server).
 */
const log = createLogger("hand-back");

export interface OwnedFile {
  connectionId: number;
  /** "episodeFile:12", "movieFile:5", "sceneFile:42" */
  externalId: string;
  /** "series:7", "movie:3", "scene:9" */
  externalParentId: string | null;
  /** Local, after path mapping. */
  filePath: string;
}

export interface AppFileFacts {
  sizeBytes: bigint;
  /** Local (mapped). */
  filePath: string;
  codec: Codec;
}

export interface HandBackChange {
  /** Local. */
  previousPath: string;
  /** Local; differs when the extension changed. */
  newPath: string;
  sizeBytes: bigint;
  /** What we encoded to. */
  codec: Codec;
}

export type HandBackOutcome = {
  status: "confirmed" | "warning";
  /** Shown on the item: "Radarr updated: reports 1.2 GB H.265". No file paths, no titles. */
  message: string;
  /** The file's id in the app now (a rescan may give a new one); null if unknown. */
  externalId: string | null;
};

export interface HandBackOptions {
  signal?: AbortSignal;
  /** First wait between polls of the app's job (grows to 5 s). */
  pollIntervalMs?: number;
  /** How long the app's rescan may take in all. */
  timeoutMs?: number;
}

const appTypeSchema = z.enum(APP_TYPES);

interface OpenedConnection {
  app: string;
  client: ConnectionClient;
  toLocal: PathMapper;
  toRemote: PathMapper;
}

/** The connection's client, or why there is none. The caller closes the client. */
async function openConnection(db: Database, connectionId: number, signal: AbortSignal | undefined): Promise<Result<OpenedConnection>> {
  const connection = await db.externalConnection.findUnique({ where: { id: connectionId } });
  if (!connection) return fail({ category: "not_found", message: "This item's connection no longer exists: the app was not told about the new file" });
  const appType = appTypeSchema.safeParse(connection.appType);
  if (!appType.success) return fail({ category: "bad_response", message: "This item's connection has an unknown app type" });
  const app = appDefinition(appType.data).label;
  if (!connection.enabled) return fail({ category: "not_found", message: `This ${app} connection is disabled: enable it so ${app} hears about replaced files` });
  const opened = openApiKey(connection);
  if (!opened.ok) return fail(opened.error);
  const client = createConnectionClient(appType.data, {
    baseUrl: connection.baseUrl,
    apiKey: opened.apiKey,
    trustedCertSha256: connection.trustedCertSha256,
    signal,
  });
  const mappings = parseStoredPathMappings(connection.pathMappings);
  return ok({ app, client, toLocal: createPathMapper(mappings), toRemote: createRemotePathMapper(mappings) });
}

/** Race guard, just before the swap: what the app says about this file id now. null = the app no longer has this id (deleted or upgraded). */
export async function readAppFile(db: Database, file: OwnedFile, options: { signal?: AbortSignal } = {}): Promise<Result<AppFileFacts | null>> {
  const opened = await openConnection(db, file.connectionId, options.signal);
  if (!opened.ok) return opened;
  const { client, toLocal } = opened.data;
  try {
    const current = await client.currentFile({ externalId: file.externalId, externalParentId: file.externalParentId });
    if (!current.ok) {
      log.warn({ connectionId: file.connectionId, externalId: file.externalId, category: current.error.category }, "reading the app's file failed");
      return current;
    }
    if (current.data === null) return ok(null);
    return ok({ sizeBytes: current.data.sizeBytes, filePath: toLocal(current.data.remotePath), codec: current.data.codec });
  } finally {
    await client.close();
  }
}

function describeFile(file: AppFileState): string {
  return `${formatBytes(file.sizeBytes)} ${CODEC_LABELS[file.codec]}`;
}

/** After the swap: the app rescans, and is checked to report the new size and codec. */
export async function handBackToApp(db: Database, file: OwnedFile, change: HandBackChange, options: HandBackOptions = {}): Promise<Result<HandBackOutcome>> {
  const opened = await openConnection(db, file.connectionId, options.signal);
  if (!opened.ok) return opened;
  const { app, client, toRemote } = opened.data;
  const logContext = { connectionId: file.connectionId, externalId: file.externalId };
  try {
    const report = await client.handBack({
      file: { externalId: file.externalId, externalParentId: file.externalParentId },
      previousRemotePath: toRemote(change.previousPath),
      newRemotePath: toRemote(change.newPath),
      signal: options.signal,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_HAND_BACK_WAIT.pollIntervalMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_HAND_BACK_WAIT.timeoutMs,
    });
    if (!report.ok) {
      log.warn({ ...logContext, category: report.error.category }, "hand-back failed");
      return report;
    }
    const { file: now, notes } = report.data;
    const matches = now !== null && now.sizeBytes === change.sizeBytes && now.codec === change.codec;
    const headline =
      now === null
        ? `${app} finished the rescan but no longer lists this file`
        : matches
          ? `${app} updated: reports ${describeFile(now)}`
          : `${app} finished the rescan but still reports ${describeFile(now)}`;
    const status = matches && !notes.some((note) => note.warning) ? "confirmed" : "warning";
    const message = [headline, ...notes.map((note) => note.text)].join("; ");
    log.info({ ...logContext, newExternalId: now?.externalId ?? null, status, sizeMatches: now?.sizeBytes === change.sizeBytes, codecMatches: now?.codec === change.codec }, "hand-back done");
    return ok({ status, message, externalId: now?.externalId ?? null });
  } finally {
    await client.close();
  }
}
