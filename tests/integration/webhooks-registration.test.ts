import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import type { JsonObject } from "../fakes/arr-library";
import { downloadPayload, installFakeNotifications, type FakeNotifications } from "../fakes/arr-notifications";
import { signedInCaller } from "../support/callers";
import { startCallbackServer, type CallbackServer } from "../support/webhook-callback-server";
import { deliver, fixture } from "../support/webhook-delivery";

const API_KEY = "a".repeat(32);
const caller = signedInCaller();

function field(notification: JsonObject, name: string): unknown {
  return (notification.fields as JsonObject[]).find((entry) => entry.name === name)?.value;
}

async function addConnection(fake: FakeArrServer, pathMappings = [{ remote: "/tv", local: "/reg/tv" }]) {
  const { connection } = await caller.connections.create({ name: `${fake.app} ${fake.port}`, appType: fake.app, baseUrl: fake.url, apiKey: API_KEY, pathMappings });
  return connection.id;
}

function writes(fake: FakeArrServer) {
  return fake.requests.filter((request) => request.method !== "GET" && request.url.includes("/api/v3/notification")).map((request) => `${request.method} ${request.url}`);
}

describe("webhook registration against a fake Sonarr that tests the callback live", () => {
  let sonarr: FakeArrServer;
  let notifications: FakeNotifications;
  let callback: CallbackServer;

  beforeAll(async () => {
    sonarr = await startFakeArr({ app: "sonarr", apiKey: API_KEY });
    notifications = installFakeNotifications(sonarr, { initial: [{ name: "optimizarr", implementation: "Discord", configContract: "DiscordSettings", fields: [], onGrab: true }] });
    callback = await startCallbackServer();
  });
  afterAll(async () => {
    await sonarr.stop();
    await callback.stop();
  });

  it("registers, receives the live Test, and a download fired by the app lands in the queue", async () => {
    const id = await addConnection(sonarr);

    const { notificationId } = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/` });

    const saved = notifications.list().find((notification) => notification.id === notificationId)!;
    // The user's own "optimizarr" (any case) keeps its name; ours gets the next free one.
    expect(saved).toMatchObject({ name: "Optimizarr (2)", implementation: "Webhook", configContract: "WebhookSettings", onDownload: true, onUpgrade: true, onRename: true, onSeriesDelete: true, onEpisodeFileDelete: true, onImportComplete: true, onGrab: false });
    expect(field(saved, "url")).toBe(`${callback.url}/api/webhooks/sonarr`);
    expect([field(saved, "method"), field(saved, "username")]).toEqual([1, "optimizarr"]);
    expect(saved.fields as JsonObject[]).not.toContainEqual(expect.objectContaining({ name: "headers" }));
    expect(notifications.testDeliveries.at(-1)?.status).toBe(200);
    expect(await db.webhookDelivery.findFirst({ where: { connectionId: id } })).toMatchObject({ eventType: "Test", outcome: "accepted" });
    expect(await caller.connections.byId({ id })).toMatchObject({ webhookRegistered: true });
    const row = await db.externalConnection.findUniqueOrThrow({ where: { id } });
    expect(row.webhookSecretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.webhookSecretHash).not.toContain(String(field(saved, "password")));

    const [delivery] = await notifications.deliver(downloadPayload("sonarr", { fileId: 501, path: "/tv/Show/Season 01/Show - S01E01.mkv" }), "onDownload");
    // The same over HTTP, as a Playwright test driving a fake in another process would.
    const fired = await fetch(`${sonarr.url}/api/__fake/webhooks/download`, {
      method: "POST",
      headers: { "X-Api-Key": API_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ fileId: 502, path: "/tv/Show/Season 01/Show - S01E02.mkv", videoCodec: "AVC" }),
    });

    expect(delivery?.status).toBe(200);
    expect(await fired.json()).toEqual([{ notificationId, url: `${callback.url}/api/webhooks/sonarr`, status: 200 }]);
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/reg/tv/Show/Season 01/Show - S01E01.mkv" } })).toMatchObject({ codec: "h264", source: "webhook", connectionId: id, externalId: "episodeFile:501" });
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/reg/tv/Show/Season 01/Show - S01E02.mkv" } })).toMatchObject({ codec: "h264", codecRaw: "AVC" });
  });

  it("updates its notification on re-registration (PUT, no duplicate) with a new secret that replaces the old one", async () => {
    const id = await addConnection(sonarr, []);
    const first = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/again` });
    const oldSecret = String(field(notifications.list().find((notification) => notification.id === first.notificationId)!, "password"));
    const before = writes(sonarr).length;

    const second = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/again` });

    expect(second.notificationId).toBe(first.notificationId);
    expect(writes(sonarr).slice(before)).toEqual([`PUT /api/v3/notification/${first.notificationId}`]);
    expect(notifications.list().filter((notification) => field(notification, "url") === `${callback.url}/again/api/webhooks/sonarr`)).toHaveLength(1);
    const newSecret = String(field(notifications.list().find((notification) => notification.id === first.notificationId)!, "password"));
    expect(newSecret).not.toBe(oldSecret);
    expect((await deliver("sonarr", fixture("sonarr-test"), { token: oldSecret })).status).toBe(401);
    expect((await deliver("sonarr", fixture("sonarr-test"), { token: newSecret })).status).toBe(200);
  });

  it("adopts a notification already pointing at our URL, but never one another connection registered", async () => {
    const first = await addConnection(sonarr, []);
    const second = await addConnection(sonarr, []);
    const mine = await caller.connections.registerWebhook({ id: first, callbackUrl: `${callback.url}/shared` });

    const theirs = await caller.connections.registerWebhook({ id: second, callbackUrl: `${callback.url}/shared` });
    await db.externalConnection.update({ where: { id: first }, data: { webhookNotificationId: null } });
    const adopted = await caller.connections.registerWebhook({ id: first, callbackUrl: `${callback.url}/shared` });

    expect(theirs.notificationId).not.toBe(mine.notificationId);
    expect(adopted.notificationId).toBe(mine.notificationId);
  });

  it("serialises concurrent registrations of one connection: a double click makes one notification", async () => {
    const id = await addConnection(sonarr, []);

    const [first, second] = await Promise.all([
      caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/twice` }),
      caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/twice` }),
    ]);

    expect(first.notificationId).toBe(second.notificationId);
    expect(notifications.list().filter((notification) => String(field(notification, "url")).startsWith(`${callback.url}/twice/`))).toHaveLength(1);
  });

  it("registers anew when the user deleted the notification in the app", async () => {
    const id = await addConnection(sonarr, []);
    const first = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/optimizarr-gone` });
    notifications.remove(first.notificationId);

    const second = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/optimizarr-gone` });

    expect(second.notificationId).not.toBe(first.notificationId);
    expect(notifications.list().some((notification) => notification.id === second.notificationId)).toBe(true);
  });

  it("explains an unreachable callback (their message plus the usual localhost cause) and changes nothing", async () => {
    const id = await addConnection(sonarr, []);
    const count = notifications.list().length;

    const error = await caller.connections.registerWebhook({ id, callbackUrl: "http://localhost:1" }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "BAD_REQUEST", cause: { category: "unreachable" } });
    const message = (error as Error).message;
    expect(message).toContain("Sonarr could not deliver its test message to http://localhost:1/api/webhooks/sonarr");
    expect(message).toContain('Sonarr said: "Url: Unable to send test message');
    expect(message).toContain("To Sonarr, localhost means its own machine or container, not Optimizarr's");
    expect(message).toContain("Public URL in Settings → General");
    expect(notifications.list()).toHaveLength(count);
    expect(await db.externalConnection.findUniqueOrThrow({ where: { id } })).toMatchObject({ webhookSecretHash: null, webhookNotificationId: null });

    const elsewhere = await caller.connections.registerWebhook({ id, callbackUrl: "http://optimizarr.invalid:3000" }).catch((caught: unknown) => caught);
    expect((elsewhere as Error).message).toContain("Check that Sonarr can reach http://optimizarr.invalid:3000 (same Docker network");
  });

  it("keeps the old secret working when a re-registration fails", async () => {
    const id = await addConnection(sonarr, []);
    const { notificationId } = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/keep` });
    const secret = String(field(notifications.list().find((notification) => notification.id === notificationId)!, "password"));

    const failure = await caller.connections.registerWebhook({ id, callbackUrl: "http://127.0.0.2:1" }).catch((caught: unknown) => caught);

    expect(failure).toMatchObject({ code: "BAD_REQUEST", cause: { category: "unreachable" } });
    expect((failure as Error).message).toContain("127.0.0.2 means its own machine");

    expect((await deliver("sonarr", fixture("sonarr-test"), { token: secret })).status).toBe(200);
  });

  it("unregisters (DELETE), after which the secret is refused; a notification already gone is fine", async () => {
    const id = await addConnection(sonarr, []);
    const { notificationId } = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/bye` });
    const secret = String(field(notifications.list().find((notification) => notification.id === notificationId)!, "password"));

    expect(await caller.connections.unregisterWebhook({ id })).toEqual({ ok: true });

    expect(writes(sonarr)).toContain(`DELETE /api/v3/notification/${notificationId}`);
    expect(notifications.list().some((notification) => notification.id === notificationId)).toBe(false);
    expect(await caller.connections.byId({ id })).toMatchObject({ webhookRegistered: false });
    expect((await deliver("sonarr", fixture("sonarr-test"), { token: secret })).status).toBe(401);

    const again = await caller.connections.registerWebhook({ id, callbackUrl: `${callback.url}/bye2` });
    notifications.remove(again.notificationId);
    expect(await caller.connections.unregisterWebhook({ id })).toEqual({ ok: true });
  });

  it("validates the callback URL", async () => {
    const id = await addConnection(sonarr, []);

    for (const callbackUrl of ["ftp://optimizarr:21", "not a url", "http://user:pw@optimizarr:3000", "http://optimizarr:3000/?x=1", `http://o.test/${"a".repeat(2100)}`]) {
      await expect(caller.connections.registerWebhook({ id, callbackUrl })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(caller.connections.registerWebhook({ id: 999_999, callbackUrl: callback.url })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("webhook registration: Radarr, older Sonarr, and an app that is down", () => {
  it("registers Radarr with movie events and no onImportComplete", async () => {
    const radarr = await startFakeArr({ app: "radarr", apiKey: API_KEY });
    const notifications = installFakeNotifications(radarr);
    const callback = await startCallbackServer();
    try {
      const id = await addConnection(radarr, [{ remote: "/movies", local: "/reg/movies" }]);

      const { notificationId } = await caller.connections.registerWebhook({ id, callbackUrl: callback.url });

      const body = JSON.parse(radarr.requests.find((request) => request.method === "POST" && request.url === "/api/v3/notification")!.body) as JsonObject;
      expect(body).toMatchObject({ name: "Optimizarr", onDownload: true, onUpgrade: true, onRename: true, onMovieDelete: true, onMovieFileDelete: true, onMovieAdded: false });
      expect(body).not.toHaveProperty("onImportComplete");
      expect(field(body, "url")).toBe(`${callback.url}/api/webhooks/radarr`);
      await notifications.deliver(downloadPayload("radarr", { fileId: 77, path: "/movies/Film (2020)/Film.mkv", videoCodec: "x265" }));
      expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: "/reg/movies/Film (2020)/Film.mkv" } })).toMatchObject({ codec: "h265", status: "skipped", connectionId: id });
      expect(notificationId).toBeGreaterThan(0);
    } finally {
      await radarr.stop();
      await callback.stop();
    }
  });

  it("leaves onImportComplete off for a Sonarr build without it", async () => {
    const sonarr = await startFakeArr({ app: "sonarr", apiKey: API_KEY, version: "4.0.0.700" });
    const notifications = installFakeNotifications(sonarr, { supportsOnImportComplete: false });
    const callback = await startCallbackServer();
    try {
      const id = await addConnection(sonarr, []);

      await caller.connections.registerWebhook({ id, callbackUrl: callback.url });

      expect(notifications.list()[0]).toMatchObject({ onDownload: true, onImportComplete: false });
    } finally {
      await sonarr.stop();
      await callback.stop();
    }
  });

  it("fails with the connection's category when the app itself is down, and unregister needs force then", async () => {
    const sonarr = await startFakeArr({ app: "sonarr", apiKey: API_KEY });
    installFakeNotifications(sonarr);
    const callback = await startCallbackServer();
    const id = await addConnection(sonarr, []);
    await caller.connections.registerWebhook({ id, callbackUrl: callback.url });
    await sonarr.stop();
    try {
      await expect(caller.connections.registerWebhook({ id, callbackUrl: callback.url })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { category: "unreachable" } });
      await expect(caller.connections.unregisterWebhook({ id })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { category: "unreachable" } });
      expect(await caller.connections.byId({ id })).toMatchObject({ webhookRegistered: true });

      expect(await caller.connections.unregisterWebhook({ id, force: true })).toEqual({ ok: true });

      expect(await caller.connections.byId({ id })).toMatchObject({ webhookRegistered: false });
    } finally {
      await callback.stop();
    }
  });
});
