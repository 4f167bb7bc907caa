import "server-only";
import type { Prisma } from "~/generated/prisma/client";
import type { AppType } from "~/lib/queue-enums";
import { maskedApiKey, needsApiKey } from "./api-key";
import { appDefinition, type AppDefinition } from "./apps";
import { healthOf, type ConnectionHealth } from "./connection-health";
import { parseStoredTagFilter } from "./connection-schemas";
import { parseStoredPathMappings, type PathMapping } from "./path-mapping";
import { nextScheduledSyncAt } from "./scheduler";
import { QUICK_SYNC_APPS } from "./parent-snapshots";
import { activeSyncRunId, toSyncRunDto, type SyncRunDto } from "./sync";

/**
 * `Connection` as the API shows it (../shared/specs/api-contract.md). Never the key: only
 * `apiKeyMasked`, and `needsApiKey` when the stored one no longer opens. Connection settings
 * (address, path mappings) are the admin's own configuration and are shown as they are; a private
 * connection's library paths never appear here.
 */
export const connectionInclude = {
  scanRoots: { select: { id: true }, orderBy: { id: "asc" } },
  syncRuns: { orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: 1 },
} satisfies Prisma.ExternalConnectionInclude;

export type ConnectionRow = Prisma.ExternalConnectionGetPayload<{ include: typeof connectionInclude }>;

export interface ConnectionDto {
  id: number;
  name: string;
  appType: AppType;
  /** "Sonarr", "Radarr", "Stash". */
  appLabel: string;
  /** What the app can do beyond test and sync (webhooks: Sonarr and Radarr only), from its definition. */
  capabilities: AppDefinition["capabilities"];
  baseUrl: string;
  apiKeyMasked: string;
  /** False for an app running without a login (Stash), saved with no key at all. */
  hasApiKey: boolean;
  /** The stored key can't be decrypted (SECRET_KEY changed): ask for it again. */
  needsApiKey: boolean;
  enabled: boolean;
  showInStats: boolean;
  private: boolean;
  displayAlias: string | null;
  tagFilter: string[];
  pathMappings: PathMapping[];
  syncIntervalMinutes: number | null;
  /** Hours between full syncs; the syncs between them skip unchanged series (Sonarr) or scenes (Stash). */
  fullSyncEveryHours: number;
  /** Whether this app's syncs can be quick (skip unchanged series or scenes), so "Full sync" means something. */
  quickSync: boolean;
  nextSyncAt: Date | null;
  trustedCertSha256: string | null;
  appName: string | null;
  version: string | null;
  lastTestedAt: Date | null;
  lastSyncedAt: Date | null;
  /** The first linked scan root (the contract's field); all of them in `scanRootIds`. */
  scanRootId: number | null;
  scanRootIds: number[];
  webhookRegistered: boolean;
  health: ConnectionHealth;
  lastSyncRun: SyncRunDto | null;
  /** Set while a sync runs: poll `syncRun({runId})` for its progress. */
  activeSyncRunId: number | null;
  createdAt: Date;
  updatedAt: Date;
}


export function toConnectionDto(row: ConnectionRow): ConnectionDto {
  const appType = row.appType as AppType;
  const latestRun = row.syncRuns[0];
  return {
    id: row.id,
    name: row.name,
    appType,
    appLabel: appDefinition(appType)?.label ?? row.appType,
    capabilities: appDefinition(appType).capabilities,
    baseUrl: row.baseUrl,
    apiKeyMasked: maskedApiKey(row.apiKeyLast4),
    hasApiKey: row.apiKeyLast4 !== "",
    needsApiKey: needsApiKey(row.apiKeyEncrypted),
    enabled: row.enabled,
    showInStats: row.showInStats,
    private: row.private,
    displayAlias: row.displayAlias,
    tagFilter: parseStoredTagFilter(row.tagFilter),
    pathMappings: parseStoredPathMappings(row.pathMappings),
    syncIntervalMinutes: row.syncIntervalMinutes,
    fullSyncEveryHours: row.fullSyncEveryHours,
    quickSync: QUICK_SYNC_APPS.has(row.appType),
    nextSyncAt: nextScheduledSyncAt(row.id),
    trustedCertSha256: row.trustedCertSha256,
    appName: row.appName,
    version: row.version,
    lastTestedAt: row.lastTestedAt,
    lastSyncedAt: row.lastSyncedAt,
    scanRootId: row.scanRoots[0]?.id ?? null,
    scanRootIds: row.scanRoots.map((root) => root.id),
    webhookRegistered: row.webhookNotificationId !== null,
    health: healthOf(row),
    lastSyncRun: latestRun ? toSyncRunDto(latestRun) : null,
    activeSyncRunId: activeSyncRunId(row.id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
