import "server-only";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { applyWebhookEvent, type ApplyResult, type WebhookTarget } from "./apply-webhook-event";
import { recordDelivery, updateDelivery } from "./delivery-log";
import { readJsonBody } from "./read-body";
import { redactDeliveryText } from "./redact-delivery";
import { pendingConnectionFor } from "./pending-secrets";
import { parseWebhookEvent, type WebhookEvent } from "./webhook-event";
import { hashesMatch, hashWebhookSecret, presentedWebhookToken } from "./webhook-secret";
import { buildWebhookTarget, findWebhookConnection, isWebhookAppType, WEBHOOK_APP_LABELS, type WebhookConnection } from "./webhook-target";

/**
 * `POST /api/webhooks/<appType>`: authenticate (the secret also says which connection sent it),
 * read a bounded body, validate it, act on it, record the delivery. Status codes are what
 * Sonarr/Radarr see: 2xx for anything handled or deliberately ignored, 4xx for our caller's
 * mistakes, 500 only when our own processing failed (the delivery is kept for a retry).
 */
const log = createLogger("webhooks");

export async function handleWebhookRequest(db: Database, request: Request, appTypeParam: string): Promise<Response> {
  if (!isWebhookAppType(appTypeParam)) return reply(404, { error: "Unknown webhook type: use /api/webhooks/sonarr or /api/webhooks/radarr" });
  const pathAppType = appTypeParam;

  // Authenticate before reading the body: an anonymous caller never makes us buffer anything.
  const connection = await authenticate(db, request);
  if (!connection) {
    log.warn({ appType: pathAppType }, "webhook delivery with a missing or unknown token");
    return reply(401, { error: "Missing or wrong webhook token" }, { "WWW-Authenticate": 'Basic realm="Optimizarr webhooks"' });
  }
  const base = { connectionId: connection.id, appType: pathAppType };

  if (connection.appType !== pathAppType) {
    const owner = isWebhookAppType(connection.appType) ? WEBHOOK_APP_LABELS[connection.appType] : connection.appType;
    const reason = `This token belongs to a ${owner} connection: send it to /api/webhooks/${connection.appType}`;
    await recordDelivery(db, { ...base, eventType: "(unknown)", outcome: "rejected", error: reason, itemsAffected: 0, payload: null });
    return reply(400, { error: reason });
  }

  const body = await readJsonBody(request);
  if (!body.ok) {
    await recordDelivery(db, { ...base, eventType: "(unreadable)", outcome: "rejected", error: body.reason, itemsAffected: 0, payload: null });
    return reply(body.status, { error: body.reason });
  }

  const parsed = parseWebhookEvent(pathAppType, body.json);
  if (!parsed.ok) {
    await recordDelivery(db, { ...base, eventType: parsed.eventType ?? "(invalid)", outcome: "rejected", error: parsed.reason, itemsAffected: 0, payload: null });
    return reply(400, { error: parsed.reason });
  }

  // A disabled connection is switched off in Optimizarr, not broken: answering 2xx keeps the app's
  // notification healthy (and its registration test passing) while nothing changes here.
  if (!connection.enabled && parsed.event.kind !== "test") {
    await recordDelivery(db, { ...base, eventType: parsed.eventType, outcome: "ignored", error: "Connection is disabled in Optimizarr", itemsAffected: 0, payload: null });
    return reply(200, { outcome: "ignored", reason: "Connection is disabled" });
  }

  return runDelivery(db, connection, { eventType: parsed.eventType, event: parsed.event, text: body.text, json: body.json });
}

interface ParsedDelivery {
  eventType: string;
  event: WebhookEvent;
  text: string;
  json: unknown;
}

async function runDelivery(db: Database, connection: WebhookConnection, delivery: ParsedDelivery): Promise<Response> {
  const target = await buildWebhookTarget(db, connection);
  // Recorded with its body before any work: if the process dies mid-way (a slow lookup, then
  // SIGKILL), this row is what the next start finds and offers to retry (see delivery-log.ts).
  const deliveryId = await recordDelivery(db, {
    connectionId: connection.id,
    appType: connection.appType,
    eventType: delivery.eventType,
    outcome: "processing",
    error: null,
    itemsAffected: 0,
    payload: delivery.text,
  });
  const result = await applySafely(db, connection, target, delivery);
  if (!result.ok) {
    await updateDelivery(db, deliveryId, { outcome: "failed", error: result.error, itemsAffected: 0 });
    return reply(500, { error: "Processing failed; the delivery was recorded and can be retried from Optimizarr" });
  }
  const { outcome, itemsAffected, note } = result.data;
  const error = note && redactDeliveryText(note, connection, target, delivery.json);
  // The body stays only on a failure (updateDelivery drops it otherwise).
  await updateDelivery(db, deliveryId, { outcome, error, itemsAffected });
  if (outcome === "failed") {
    // The app's webhook worked; it was our question back to the app that went unanswered. A 5xx
    // would mark the app's notification as failing, so: 202, and the body is kept for a retry.
    return reply(202, { outcome, itemsAffected, retryable: true });
  }
  return reply(200, { outcome, itemsAffected });
}

/**
 * Runs a delivery; a thrown error becomes a recorded (and, for private connections, redacted) message.
 * What the delivery did is scoped to `connection` (see apply-webhook-event.ts); the parts it left
 * alone are logged here, for new deliveries and retries alike.
 */
export async function applySafely(
  db: Database,
  connection: WebhookConnection,
  target: WebhookTarget,
  delivery: Pick<ParsedDelivery, "eventType" | "event" | "json">,
): Promise<{ ok: true; data: ApplyResult } | { ok: false; error: string }> {
  try {
    const data = await applyWebhookEvent(db, target, delivery.event);
    // Counts and reasons only: the payload's paths and titles are someone's claim, maybe private.
    for (const { reason, count } of data.outOfScope) {
      log.warn({ connectionId: connection.id, eventType: delivery.eventType, reason, count }, "webhook delivery: part outside its connection ignored");
    }
    return { ok: true, data };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const safe = redactDeliveryText(message, connection, target, delivery.json);
    log.error({ connectionId: connection.id, eventType: delivery.eventType, err: { name: error instanceof Error ? error.name : "Error", message: safe } }, "webhook processing failed");
    return { ok: false, error: safe };
  }
}

async function authenticate(db: Database, request: Request): Promise<WebhookConnection | null> {
  const token = presentedWebhookToken(request);
  if (!token) return null;
  const hash = hashWebhookSecret(token);
  const connection = await findWebhookConnection(db, { secretHash: hash });
  if (connection?.webhookSecretHash && hashesMatch(connection.webhookSecretHash, hash)) return connection;
  // A registration in progress: the app's live Test arrives before the new secret is stored.
  const pendingId = pendingConnectionFor(hash);
  return pendingId === null ? null : findWebhookConnection(db, { id: pendingId });
}

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}
