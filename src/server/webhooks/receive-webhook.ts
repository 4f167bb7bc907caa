import "server-only";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import type { ApplyResult } from "./apply-webhook-event";
import { applySafely, deliveryResultOf, type DeliveryContext, type Guarded } from "./apply-safely";
import { applyImportTogether, recordDeliveryTogether } from "./delivery-group";
import { recordDelivery, updateDelivery } from "./delivery-log";
import { readJsonBody } from "./read-body";
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
  const context = { connection, target, eventType: delivery.eventType, json: delivery.json };
  // Recorded with its body before any work: if the process dies mid-way (a slow lookup, then
  // SIGKILL), this row is what the next start finds and offers to retry (see delivery-log.ts).
  const deliveryId = await recordDeliveryTogether(db, {
    connectionId: connection.id,
    appType: connection.appType,
    eventType: delivery.eventType,
    outcome: "processing",
    error: null,
    itemsAffected: 0,
    payload: delivery.text,
  });
  const { event } = delivery;
  // Imports, the bulk of all deliveries, are applied with those arriving meanwhile (delivery-group.ts).
  const applied = event.kind === "import" ? await applyImportTogether(db, { ...context, deliveryId, event }) : await applyAndRecord(db, { ...context, event }, deliveryId);
  if (!applied.ok) return reply(500, { error: "Processing failed; the delivery was recorded and can be retried from Optimizarr" });
  const { outcome, itemsAffected } = applied.data;
  if (outcome === "failed") {
    // The app's webhook worked; it was our question back to the app that went unanswered. A 5xx
    // would mark the app's notification as failing, so: 202, and the body is kept for a retry.
    return reply(202, { outcome, itemsAffected, retryable: true });
  }
  return reply(200, { outcome, itemsAffected });
}

/** The body stays only on a failure (updateDelivery drops it otherwise). */
async function applyAndRecord(db: Database, context: DeliveryContext & { event: WebhookEvent }, deliveryId: number): Promise<Guarded<ApplyResult>> {
  const applied = await applySafely(db, context);
  await updateDelivery(db, deliveryId, deliveryResultOf(applied, context));
  return applied;
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
