import "server-only";
import type { Database } from "~/server/db";
import { isShuttingDown, trackRequestWork } from "~/server/shutdown-state";
import { INTERRUPTED_DELIVERY_ERROR, updateDelivery, type DeliveryOutcome } from "./delivery-log";
import { applySafely, deliveryResultOf } from "./apply-safely";
import { parseWebhookEvent } from "./webhook-event";
import { buildWebhookTarget, isWebhookAppType, webhookConnectionSelect } from "./webhook-target";

export type RetryResult =
  | { ok: true; outcome: DeliveryOutcome; itemsAffected: number; error: string | null }
  | { ok: false; code: "NOT_FOUND" | "BAD_REQUEST" | "SERVICE_UNAVAILABLE"; message: string };

export const RETRY_WHILE_STOPPING_MESSAGE = "Optimizarr is shutting down: retry this delivery once it has restarted";

/**
 * Re-runs a failed delivery's stored body (e.g. after the database was locked or full, or the
 * process was killed mid-delivery). The record is updated in place, so the card shows what finally
 * happened; the body is dropped on success.
 *
 * Refused while the server is stopping, like new deliveries and syncs: shutdown is about to close
 * the database under it. One already running is tracked, so shutdown lets it finish first.
 */
export function retryDelivery(db: Database, deliveryId: number): Promise<RetryResult> {
  if (isShuttingDown()) return Promise.resolve({ ok: false, code: "SERVICE_UNAVAILABLE", message: RETRY_WHILE_STOPPING_MESSAGE });
  return trackRequestWork(runRetry(db, deliveryId));
}

/**
 * At startup, after markInterruptedDeliveries: every delivery a killed process cut off is applied
 * again, one after another. Applying a delivery twice is safe (imports upsert, removals and moves
 * find their work done), so a delivery half-applied before the kill ends complete either way.
 */
export async function retryInterruptedDeliveries(db: Database): Promise<number> {
  const interrupted = await db.webhookDelivery.findMany({ where: { outcome: "failed", error: INTERRUPTED_DELIVERY_ERROR, payload: { not: null } }, select: { id: true }, orderBy: { id: "asc" } });
  for (const { id } of interrupted) await retryDelivery(db, id);
  return interrupted.length;
}

async function runRetry(db: Database, deliveryId: number): Promise<RetryResult> {
  const delivery = await db.webhookDelivery.findUnique({ where: { id: deliveryId } });
  if (!delivery?.connectionId) return { ok: false, code: "NOT_FOUND", message: "No such webhook delivery" };
  if (delivery.outcome !== "failed" || delivery.payload === null) {
    return { ok: false, code: "BAD_REQUEST", message: "Only failed deliveries can be retried" };
  }
  const connection = await db.externalConnection.findUnique({ where: { id: delivery.connectionId }, select: webhookConnectionSelect });
  if (!connection || !isWebhookAppType(connection.appType)) return { ok: false, code: "NOT_FOUND", message: "The delivery's connection no longer exists" };

  let json: unknown;
  try {
    json = JSON.parse(delivery.payload);
  } catch {
    return { ok: false, code: "BAD_REQUEST", message: "The stored delivery body is not valid JSON" };
  }
  const parsed = parseWebhookEvent(connection.appType, json);
  if (!parsed.ok) return { ok: false, code: "BAD_REQUEST", message: parsed.reason };

  const target = await buildWebhookTarget(db, connection);
  const context = { connection, target, eventType: parsed.eventType, json };
  const result = deliveryResultOf(await applySafely(db, { ...context, event: parsed.event }), context);
  await updateDelivery(db, delivery.id, result);
  return { ok: true, ...result };
}
