import "server-only";
import { TRPCError } from "@trpc/server";
import type { Database } from "~/server/db";
import { listDeliveries, type DeliveryDto, type DeliveryOutcome } from "./delivery-log";
import { retryDelivery } from "./retry-delivery";

/** What the `connections` router's webhook procedures call: services that speak TRPCError. */
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
