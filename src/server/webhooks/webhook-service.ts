import "server-only";
import { TRPCError } from "@trpc/server";
import type { Database } from "~/server/db";
import { remoteFailureError } from "~/server/connections/connection-service";
import type { ConnectionError } from "~/server/connections/errors";
import { listDeliveries, type DeliveryDto, type DeliveryOutcome } from "./delivery-log";
import { registerWebhook as registerRemote, unregisterWebhook as unregisterRemote, type RegistrationConnection } from "./registration";
import { retryDelivery } from "./retry-delivery";
import { isWebhookAppType } from "./webhook-target";

/**
 * What the `connections` router's webhook procedures call. A failed remote call becomes
 * BAD_REQUEST whose cause carries the category (exposed as `data.category`), like `create`.
 */
export async function listWebhookDeliveries(db: Database, connectionId: number, limit: number): Promise<DeliveryDto[]> {
  const exists = await db.externalConnection.count({ where: { id: connectionId } });
  if (!exists) throw new TRPCError({ code: "NOT_FOUND", message: "No such connection" });
  return listDeliveries(db, connectionId, limit);
}

export async function retryWebhookDelivery(db: Database, deliveryId: number): Promise<{ outcome: DeliveryOutcome; itemsAffected: number; error: string | null }> {
  const result = await retryDelivery(db, deliveryId);
  if (!result.ok) throw new TRPCError({ code: result.code, message: result.message });
  return { outcome: result.outcome, itemsAffected: result.itemsAffected, error: result.error };
}

export async function registerConnectionWebhook(db: Database, id: number, callbackUrl: string): Promise<{ notificationId: number }> {
  const result = await registerRemote(db, await loadRegistrationConnection(db, id), callbackUrl);
  if (!result.ok) throw remoteFailure(result.error);
  return result.data;
}

export async function unregisterConnectionWebhook(db: Database, id: number, force: boolean): Promise<{ ok: true }> {
  const result = await unregisterRemote(db, await loadRegistrationConnection(db, id), { force });
  if (!result.ok) throw remoteFailure(result.error, " Nothing was changed; use force to forget the webhook here anyway.");
  return result.data;
}

async function loadRegistrationConnection(db: Database, id: number): Promise<RegistrationConnection> {
  const row = await db.externalConnection.findUnique({
    where: { id },
    select: { id: true, appType: true, baseUrl: true, apiKeyEncrypted: true, trustedCertSha256: true, webhookNotificationId: true },
  });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such connection" });
  if (!isWebhookAppType(row.appType)) throw new TRPCError({ code: "BAD_REQUEST", message: "Only Sonarr and Radarr connections send webhooks" });
  return { ...row, appType: row.appType };
}

function remoteFailure(error: ConnectionError & { needsApiKey?: boolean }, suffix = ""): TRPCError {
  return remoteFailureError({ ...error, message: `${error.message}${suffix}` });
}
