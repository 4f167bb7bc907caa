import { describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { listDeliveries, pruneDeliveries, recordDelivery } from "~/server/webhooks/delivery-log";
import { createWebhookConnection } from "../support/webhook-delivery";
import { signedInCaller } from "../support/callers";

const record = (connectionId: number, overrides: Partial<Parameters<typeof recordDelivery>[1]> = {}) =>
  recordDelivery(db, { connectionId, appType: "sonarr", eventType: "Download", outcome: "accepted", error: null, itemsAffected: 1, payload: "{}", ...overrides });

describe("webhook delivery log", () => {
  it("keeps a body only for failed deliveries and lists newest first", async () => {
    const { id } = await createWebhookConnection({ appType: "sonarr" });
    await record(id);
    await record(id, { outcome: "failed", error: "database is locked" });

    const rows = await db.webhookDelivery.findMany({ where: { connectionId: id }, orderBy: { id: "asc" } });
    const listed = await listDeliveries(db, id, 10);

    expect(rows.map((row) => row.payload)).toEqual([null, "{}"]);
    expect(listed.map((row) => [row.outcome, row.retryable])).toEqual([["failed", true], ["accepted", false]]);
  });

  it("prunes records past the retention period and beyond the newest N of a connection", async () => {
    const first = await createWebhookConnection({ appType: "sonarr" });
    const second = await createWebhookConnection({ appType: "radarr" });
    for (let index = 0; index < 12; index += 1) await record(first.id);
    await record(second.id);
    await db.webhookDelivery.create({ data: { connectionId: second.id, appType: "radarr", eventType: "Download", outcome: "accepted", receivedAt: new Date(Date.now() - 40 * 86_400_000) } });

    const removed = await pruneDeliveries(db, { connectionId: first.id, keepPerConnection: 5 });

    expect(removed).toBe(8);
    expect(await db.webhookDelivery.count({ where: { connectionId: first.id } })).toBe(5);
    expect(await db.webhookDelivery.count({ where: { connectionId: second.id } })).toBe(1);
    const kept = await listDeliveries(db, first.id, 100);
    expect(kept.map((row) => row.id)).toEqual([...kept.map((row) => row.id)].sort((a, b) => b - a));
  });

  it("is reachable through the connections router, which checks the connection and the input", async () => {
    const { id } = await createWebhookConnection({ appType: "sonarr" });
    await record(id, { eventType: "Test" });
    const caller = signedInCaller();

    expect(await caller.connections.webhookDeliveries({ id, limit: 5 })).toMatchObject([{ eventType: "Test", outcome: "accepted", retryable: false }]);
    await expect(caller.connections.webhookDeliveries({ id: 999_999, limit: 5 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.connections.webhookDeliveries({ id, limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.connections.retryWebhookDelivery({ deliveryId: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
