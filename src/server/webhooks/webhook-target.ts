import "server-only";
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { APP_TYPES } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { appDefinition } from "~/server/connections/apps";
import { createPathMapper, parseStoredPathMappings } from "~/server/connections/path-mapping";
import { getGeneralSettings } from "~/server/settings/settings-service";
import type { WebhookTarget } from "./apply-webhook-event";
import { createFileFactsLookup } from "./file-facts-lookup";
import { committerPerDatabase } from "./group-commit";
import { createMediaFilesLookup } from "./media-files-lookup";
import type { WebhookAppType } from "./webhook-event";

/** The connection fields a delivery needs; the API key stays sealed until a lookup opens it. */
export const webhookConnectionSelect = {
  id: true,
  appType: true,
  baseUrl: true,
  apiKeyEncrypted: true,
  trustedCertSha256: true,
  enabled: true,
  private: true,
  displayAlias: true,
  pathMappings: true,
  webhookSecretHash: true,
} as const satisfies Prisma.ExternalConnectionSelect;

export type WebhookConnection = Prisma.ExternalConnectionGetPayload<{ select: typeof webhookConnectionSelect }>;

const webhookConnectionRowSchema = z.object({
  id: z.number().int(),
  appType: z.string(),
  baseUrl: z.string(),
  apiKeyEncrypted: z.string(),
  trustedCertSha256: z.string().nullable(),
  enabled: z.boolean(),
  private: z.boolean(),
  displayAlias: z.string().nullable(),
  pathMappings: z.json(),
  webhookSecretHash: z.string().nullable(),
}) satisfies z.ZodType<WebhookConnection>;

const webhookConnectionColumns = Prisma.raw(
  Object.keys(webhookConnectionSelect)
    .map((column) => `"${column}"`)
    .join(", "),
);

/** Deliveries arriving together (a burst) are authenticated with one statement; group-commit.ts. */
const GROUP_SIZE = 64;

/**
 * The connection a delivery's secret hash (or a pending registration's id) names. Raw SQL, not
 * `findFirst`: it runs on every delivery, and Prisma compiles each ORM query anew (about 2–3 ms of
 * CPU here, ten times the statement itself; bench/RESULTS.md, "Webhooks").
 */
export async function findWebhookConnection(db: Database, by: { secretHash: string } | { id: number }): Promise<WebhookConnection | null> {
  if ("secretHash" in by) return findBySecretHashTogether(db, by.secretHash);
  const rows: unknown[] = await db.$queryRaw`SELECT ${webhookConnectionColumns} FROM "ExternalConnection" WHERE "id" = ${by.id} LIMIT 1`;
  return rows.length === 0 ? null : webhookConnectionRowSchema.parse(rows[0]);
}

const findBySecretHashTogether = committerPerDatabase(
  (db: Database) => async (hashes: readonly string[]) => {
    const rows: unknown[] = await db.$queryRaw`
      SELECT ${webhookConnectionColumns} FROM "ExternalConnection"
      WHERE "webhookSecretHash" IN (SELECT value FROM json_each(${JSON.stringify([...new Set(hashes)])}))`;
    const byHash = new Map(rows.map((row) => webhookConnectionRowSchema.parse(row)).map((connection) => [connection.webhookSecretHash, connection]));
    return hashes.map((hash) => byHash.get(hash) ?? null);
  },
  GROUP_SIZE,
);

/** The general settings, read once for all the deliveries arriving together (never older than the request). */
const generalSettingsTogether = committerPerDatabase(
  (db: Database) => async (requests: readonly null[]) => {
    const settings = await getGeneralSettings(db);
    return requests.map(() => settings);
  },
  GROUP_SIZE,
);

export const WEBHOOK_APP_LABELS = { sonarr: "Sonarr", radarr: "Radarr" } as const satisfies Record<WebhookAppType, string>;

/** An app whose definition says it sends webhooks (apps.ts `capabilities.webhooks`). */
export function isWebhookAppType(value: string): value is WebhookAppType {
  const appType = APP_TYPES.find((type) => type === value);
  return appType !== undefined && appDefinition(appType).capabilities.webhooks;
}

export async function buildWebhookTarget(db: Database, connection: WebhookConnection): Promise<WebhookTarget> {
  if (!isWebhookAppType(connection.appType)) throw new Error(`Connection type ${connection.appType} does not receive Sonarr/Radarr webhooks`);
  const appType = connection.appType;
  const { targetCodec } = await generalSettingsTogether(db, null);
  return {
    connectionId: connection.id,
    appType,
    appLabel: WEBHOOK_APP_LABELS[appType],
    private: connection.private,
    targetCodec,
    mapPath: createPathMapper(parseStoredPathMappings(connection.pathMappings)),
    lookupFileFacts: createFileFactsLookup({ ...connection, appType }),
    lookupMediaFiles: createMediaFilesLookup({ ...connection, appType }),
  };
}
