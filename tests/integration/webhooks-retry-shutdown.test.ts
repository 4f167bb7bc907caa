import { describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { recordDelivery } from "~/server/webhooks/delivery-log";
import { stopAcceptingWork } from "~/server/shutdown-state";
import { signedInCaller } from "../support/callers";
import { openFingerprintReader } from "../support/database-fingerprint";
import { trpcErrorOf } from "../support/trpc-calls";
import { createWebhookConnection, fixture } from "../support/webhook-delivery";

/**
 * "Retry" on a stored delivery while the server is stopping (SIGTERM received, database about to
 * close). Stopping is for good in a process, so this file holds only this case.
 */
const api = signedInCaller();

describe("retrying a stored delivery while the server shuts down", () => {
  it("is refused as SERVICE_UNAVAILABLE with a message saying why, and the delivery stays as it was, retryable later", async () => {
    const hook = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/stopping/tv" }] });
    const body = JSON.stringify(fixture("sonarr-download"));
    const deliveryId = await recordDelivery(db, { connectionId: hook.id, appType: "sonarr", eventType: "Download", outcome: "failed", error: "database is locked", itemsAffected: 0, payload: body });
    const reader = openFingerprintReader();
    const before = reader.fingerprint();

    stopAcceptingWork();
    const error = await trpcErrorOf(api.connections.retryWebhookDelivery({ deliveryId }));

    expect([error.code, error.message]).toEqual(["SERVICE_UNAVAILABLE", "Optimizarr is shutting down: retry this delivery once it has restarted"]);
    expect(reader.fingerprint()).toEqual(before);
    reader.close();
    expect(await api.connections.webhookDeliveries({ id: hook.id, limit: 5 })).toMatchObject([{ id: deliveryId, outcome: "failed", retryable: true }]);
  });
});
