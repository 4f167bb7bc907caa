import "server-only";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { applyWebhookEvent, type ApplyResult, type WebhookTarget } from "./apply-webhook-event";
import type { DeliveryResult } from "./delivery-log";
import { redactDeliveryText } from "./redact-delivery";
import type { WebhookEvent } from "./webhook-event";
import type { WebhookConnection } from "./webhook-target";

/**
 * Running a delivery's work so that whatever it throws becomes a recorded (and, for private
 * connections, redacted) message, for new deliveries, grouped ones and retries alike.
 */
const log = createLogger("webhooks");

export type Guarded<T> = { ok: true; data: T } | { ok: false; error: string };

/** What is needed to run a delivery and to redact what it says. */
export interface DeliveryContext {
  connection: WebhookConnection;
  target: WebhookTarget;
  eventType: string;
  /** The body as parsed: every path and title in it is removed from error texts. */
  json: unknown;
}

export async function guarded<T>(context: DeliveryContext, work: () => Promise<T>): Promise<Guarded<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const safe = redactDeliveryText(message, context.connection, context.target, context.json);
    log.error(
      { connectionId: context.connection.id, eventType: context.eventType, err: { name: error instanceof Error ? error.name : "Error", message: safe } },
      "webhook processing failed",
    );
    return { ok: false, error: safe };
  }
}

/**
 * What the delivery did is scoped to its connection (see apply-webhook-event.ts); the parts it left
 * alone are logged here. Counts and reasons only: the payload's paths and titles are someone's
 * claim, maybe private.
 */
export function logOutOfScope(context: Pick<DeliveryContext, "connection" | "eventType">, result: ApplyResult): void {
  for (const { reason, count } of result.outOfScope) {
    log.warn({ connectionId: context.connection.id, eventType: context.eventType, reason, count }, "webhook delivery: part outside its connection ignored");
  }
}

export async function applySafely(db: Database, context: DeliveryContext & { event: WebhookEvent }): Promise<Guarded<ApplyResult>> {
  const applied = await guarded(context, () => applyWebhookEvent(db, context.target, context.event));
  if (applied.ok) logOutOfScope(context, applied.data);
  return applied;
}

/** What the delivery's record says: the outcome with its note (redacted), or the failure. */
export function deliveryResultOf(applied: Guarded<ApplyResult>, context: DeliveryContext): DeliveryResult {
  if (!applied.ok) return { outcome: "failed", error: applied.error, itemsAffected: 0 };
  const { outcome, itemsAffected, note } = applied.data;
  return { outcome, itemsAffected, error: note && redactDeliveryText(note, context.connection, context.target, context.json) };
}
