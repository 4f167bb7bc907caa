import fs from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectionFailure } from "~/server/connections/connection-service";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { waitForSyncRun } from "~/server/connections/sync";
import { sealSecret } from "~/server/crypto/secret-box";
import { db } from "~/server/db";
import { anonymousCaller, signedInCaller } from "../support/callers";
import { trpcErrorOf } from "../support/trpc-calls";
import { flushLogFile, readAllLogText } from "../support/log-file";
import { startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { selfSignedCertificate } from "../fakes/certificates";

const SONARR_KEY = "5onarr5onarr5onarr5onarr5onarr00";
const RADARR_KEY = "radarrKEYradarrKEYradarrKEY12345";
const servers: FakeArrServer[] = [];
const api = signedInCaller();

async function fake(options: Parameters<typeof startFakeArr>[0]): Promise<FakeArrServer> {
  const server = await startFakeArr(options);
  servers.push(server);
  return server;
}

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 400, bodyIdleMs: 400, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("connections.test", () => {
  it("answers ok with the app name and version", async () => {
    const sonarr = await fake({ app: "sonarr", apiKey: SONARR_KEY, urlBase: "/sonarr" });

    const result = await api.connections.test({ appType: "sonarr", baseUrl: `${sonarr.url}/`, apiKey: SONARR_KEY });

    expect(result).toEqual({ ok: true, appName: "Sonarr", version: "4.0.19.2979", instanceName: "Sonarr" });
  });

  it("returns remote failures as values, never throws", async () => {
    const radarr = await fake({ app: "radarr", apiKey: RADARR_KEY });

    const wrongKey = await api.connections.test({ appType: "radarr", baseUrl: radarr.url, apiKey: "not-the-key" });
    radarr.setBehaviour({ respondWith: "hang" });
    const hang = await api.connections.test({ appType: "radarr", baseUrl: radarr.url, apiKey: RADARR_KEY });
    radarr.setBehaviour({ respondWith: "normal" });
    const wrongApp = await api.connections.test({ appType: "sonarr", baseUrl: radarr.url, apiKey: RADARR_KEY });
    const stopped = await startFakeArr({ app: "sonarr", apiKey: SONARR_KEY });
    await stopped.stop();
    const refused = await api.connections.test({ appType: "sonarr", baseUrl: stopped.url, apiKey: SONARR_KEY });

    expect(wrongKey).toEqual({ ok: false, category: "unauthorized", message: "Radarr answered 401: check the API key in Radarr → Settings → General" });
    expect(hang).toMatchObject({ ok: false, category: "timeout" });
    expect(wrongApp).toEqual({ ok: false, category: "bad_response", message: `${radarr.url} is Radarr, not Sonarr: choose Radarr as the app type, or check the port` });
    expect(refused).toEqual({ ok: false, category: "unreachable", message: `Nothing answered at ${stopped.url}: is Sonarr running and the port right?` });
  });

  it("offers the presented certificate for a self-signed HTTPS server", async () => {
    const certificate = selfSignedCertificate();
    const radarr = await fake({ app: "radarr", apiKey: RADARR_KEY, tls: certificate });

    const refused = await api.connections.test({ appType: "radarr", baseUrl: radarr.url, apiKey: RADARR_KEY });
    const trusted = await api.connections.test({ appType: "radarr", baseUrl: radarr.url, apiKey: RADARR_KEY, trustedCertSha256: certificate.fingerprint256 });

    expect(refused).toMatchObject({
      ok: false,
      category: "tls",
      certificate: { sha256: certificate.fingerprint256, subject: "localhost", issuer: "localhost", selfSigned: true },
    });
    expect(trusted).toMatchObject({ ok: true, appName: "Radarr" });
  });

  it("refuses an empty API key for an app that requires one (Stash alone may go without)", async () => {
    const error = await trpcErrorOf(api.connections.test({ appType: "sonarr", baseUrl: "http://127.0.0.1:8989", apiKey: "" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("Enter the API key (Sonarr → Settings → General)");
  });
});

describe("connections.create / list / byId", () => {
  it("saves only after a passing test, returns the key once and masks it everywhere else", async () => {
    const sonarr = await fake({ app: "sonarr", apiKey: SONARR_KEY });
    const before = await db.externalConnection.count();

    const failed = await trpcErrorOf(api.connections.create({ name: "TV", appType: "sonarr", baseUrl: sonarr.url, apiKey: "wrong-key-1234" }));
    const created = await api.connections.create({
      name: "TV",
      appType: "sonarr",
      baseUrl: `${sonarr.url}/`,
      apiKey: SONARR_KEY,
      pathMappings: [{ remote: "/tv", local: "/mnt/media/tv" }],
      syncIntervalMinutes: 60,
    });
    const listed = await api.connections.list();
    const byId = await api.connections.byId({ id: created.connection.id });

    expect(failed.code).toBe("BAD_REQUEST");
    expect(failed.cause).toBeInstanceOf(ConnectionFailure);
    expect((failed.cause as ConnectionFailure).category).toBe("unauthorized");
    expect(await db.externalConnection.count()).toBe(before + 1);
    expect(created.apiKey).toBe(SONARR_KEY);
    expect(created.connection).toMatchObject({
      name: "TV",
      appType: "sonarr",
      appLabel: "Sonarr",
      baseUrl: sonarr.url,
      apiKeyMasked: "****rr00",
      needsApiKey: false,
      enabled: true,
      showInStats: true,
      private: false,
      pathMappings: [{ remote: "/tv", local: "/mnt/media/tv" }],
      syncIntervalMinutes: 60,
      appName: "Sonarr",
      version: "4.0.19.2979",
      scanRootId: null,
      webhookRegistered: false,
      health: { failing: false, category: null, message: null, since: null },
      lastSyncRun: null,
      activeSyncRunId: null,
    });
    expect(created.connection.lastTestedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(SONARR_KEY);
    expect(JSON.stringify(byId)).not.toContain(SONARR_KEY);
    expect(byId.apiKeyMasked).toBe("****rr00");
  });

  it("keeps several connections of one app type apart", async () => {
    const hd = await fake({ app: "radarr", apiKey: RADARR_KEY });
    const uhd = await fake({ app: "radarr", apiKey: `${RADARR_KEY}4k` });

    const first = await api.connections.create({ name: "Radarr 1080p", appType: "radarr", baseUrl: hd.url, apiKey: RADARR_KEY });
    const second = await api.connections.create({ name: "Radarr 4K", appType: "radarr", baseUrl: uhd.url, apiKey: `${RADARR_KEY}4k` });
    const test1 = await api.connections.test({ id: first.connection.id });
    const test2 = await api.connections.test({ id: second.connection.id });

    expect(first.connection.id).not.toBe(second.connection.id);
    expect(test1).toMatchObject({ ok: true });
    expect(test2).toMatchObject({ ok: true });
    expect(hd.requests.every((request) => request.headers["x-api-key"] === RADARR_KEY)).toBe(true);
    expect(uhd.requests.every((request) => request.headers["x-api-key"] === `${RADARR_KEY}4k`)).toBe(true);
  });

  it("never stores or logs the plaintext key", async () => {
    const secretKey = "PLAINTEXTcanary0123456789abcdefX";
    const radarr = await fake({ app: "radarr", apiKey: secretKey });

    const { connection } = await api.connections.create({ name: "Canary", appType: "radarr", baseUrl: radarr.url, apiKey: secretKey });
    await api.connections.test({ id: connection.id });
    radarr.setBehaviour({ respondWith: "server-error" });
    await api.connections.test({ id: connection.id });
    await api.connections.update({ id: connection.id, name: "Canary renamed" });
    const { runId } = await api.connections.sync({ id: connection.id });
    await waitForSyncRun(runId);
    await db.$queryRawUnsafe("PRAGMA wal_checkpoint(PASSIVE)");
    await flushLogFile();

    const dbPath = process.env.DATABASE_URL!.replace(/^file:/, "");
    const files = [dbPath, `${dbPath}-wal`].filter((file) => fs.existsSync(file));
    const stored = await db.externalConnection.findUniqueOrThrow({ where: { id: connection.id } });
    const logs = readAllLogText();

    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(fs.readFileSync(file).includes(Buffer.from(secretKey))).toBe(false);
    expect(stored.apiKeyEncrypted).not.toContain(secretKey);
    expect(stored.apiKeyLast4).toBe("defX");
    // The flow did log (a warning survives any LOG_LEVEL the suite runs with), just never the key.
    expect(logs).toContain("sync failed");
    expect(logs).not.toContain(secretKey);
  });

  it("validates input and names the field", async () => {
    const badUrl = await trpcErrorOf(api.connections.create({ name: "x", appType: "sonarr", baseUrl: "ftp://host", apiKey: "k" }));
    const badMapping = await trpcErrorOf(
      api.connections.create({ name: "x", appType: "sonarr", baseUrl: "http://h:8989", apiKey: "k", pathMappings: [{ remote: "tv", local: "/x" }] }),
    );
    expect(badUrl.code).toBe("BAD_REQUEST");
    expect(badUrl.message).toContain("baseUrl");
    expect(badMapping.message).toContain("pathMappings");
  });

  it("requires a signed-in caller or the instance API key", async () => {
    const error = await trpcErrorOf(anonymousCaller().connections.list());
    expect(error.code).toBe("UNAUTHORIZED");
  });
});

describe("connections.update / test({id}) / delete", () => {
  it("re-tests a new address and saves nothing when it fails", async () => {
    const radarr = await fake({ app: "radarr", apiKey: RADARR_KEY });
    const other = await fake({ app: "sonarr", apiKey: RADARR_KEY });
    const { connection } = await api.connections.create({ name: "Movies", appType: "radarr", baseUrl: radarr.url, apiKey: RADARR_KEY });

    const error = await trpcErrorOf(api.connections.update({ id: connection.id, baseUrl: other.url, apiKey: RADARR_KEY, name: "Renamed" }));
    const unchanged = await api.connections.byId({ id: connection.id });
    const renamed = await api.connections.update({ id: connection.id, name: "Renamed", showInStats: false, syncIntervalMinutes: null });

    expect(error.code).toBe("BAD_REQUEST");
    expect((error.cause as ConnectionFailure).category).toBe("bad_response");
    expect(error.message).toContain("is Sonarr, not Radarr");
    expect(unchanged).toMatchObject({ name: "Movies", baseUrl: radarr.url });
    expect(renamed).toMatchObject({ name: "Renamed", showInStats: false, baseUrl: radarr.url });
    // No re-test for a rename.
    expect(radarr.requests).toHaveLength(1);
  });

  it("sends a stored key only to its saved origin: another server needs the key typed again", async () => {
    const sonarr = await fake({ app: "sonarr", apiKey: SONARR_KEY, urlBase: "/sonarr" });
    const listener = await fake({ app: "sonarr", apiKey: "the-listener-accepts-no-key-00000" });
    const { connection } = await api.connections.create({ name: "Kept", appType: "sonarr", baseUrl: sonarr.url, apiKey: SONARR_KEY });

    const test = await trpcErrorOf(api.connections.test({ id: connection.id, baseUrl: listener.url }));
    const update = await trpcErrorOf(api.connections.update({ id: connection.id, baseUrl: listener.url }));
    // Same scheme, host and port: a new URL base is the same app moving, so the saved key may go.
    const sameOrigin = await api.connections.test({ id: connection.id, baseUrl: sonarr.origin });
    const retyped = await api.connections.test({ id: connection.id, baseUrl: listener.url, apiKey: SONARR_KEY });

    for (const error of [test, update]) {
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toBe("apiKey: Type the API key again: the address moved to another server");
    }
    expect(await api.connections.byId({ id: connection.id })).toMatchObject({ baseUrl: sonarr.url });
    expect(sameOrigin).toMatchObject({ ok: false, category: "not_found" });
    expect(sonarr.requests.at(-1)!.headers["x-api-key"]).toBe(SONARR_KEY);
    expect(retyped).toMatchObject({ ok: false, category: "unauthorized" });
    // The listener only ever saw the key the caller typed, never the stored one by itself.
    expect(listener.requests).toHaveLength(1);
  });

  it("tracks health: a failing saved test marks the connection, a passing one clears it", async () => {
    const sonarr = await fake({ app: "sonarr", apiKey: SONARR_KEY });
    const { connection } = await api.connections.create({ name: "Health", appType: "sonarr", baseUrl: sonarr.url, apiKey: SONARR_KEY });

    sonarr.setBehaviour({ respondWith: "html-login" });
    const failing = await api.connections.test({ id: connection.id });
    const afterFailure = await api.connections.byId({ id: connection.id });
    const again = await api.connections.test({ id: connection.id });
    const stillFailing = await api.connections.byId({ id: connection.id });
    sonarr.setBehaviour({ respondWith: "normal" });
    const editTest = await api.connections.test({ id: connection.id, baseUrl: "http://127.0.0.1:1", apiKey: SONARR_KEY });
    const recovered = await api.connections.test({ id: connection.id });
    const healthy = await api.connections.byId({ id: connection.id });

    expect(failing).toMatchObject({ ok: false, category: "bad_response" });
    expect(afterFailure.health).toMatchObject({ failing: true, category: "bad_response" });
    expect(afterFailure.health.message).toContain("login proxy");
    expect(again.ok).toBe(false);
    expect(stillFailing.health.since).toEqual(afterFailure.health.since);
    // Testing an unsaved edit says nothing about the saved connection.
    expect(editTest).toMatchObject({ ok: false, category: "unreachable" });
    expect(recovered).toMatchObject({ ok: true });
    expect(healthy.health).toEqual({ failing: false, category: null, message: null, since: null });
  });

  it("asks for the key again when SECRET_KEY changed, without crashing, and a new key fixes it", async () => {
    const radarr = await fake({ app: "radarr", apiKey: RADARR_KEY });
    const row = await db.externalConnection.create({
      data: {
        name: "Sealed elsewhere",
        appType: "radarr",
        baseUrl: radarr.url,
        apiKeyEncrypted: sealSecret(RADARR_KEY, "an-old-secret-key-that-is-long-enough-000"),
        apiKeyLast4: RADARR_KEY.slice(-4),
      },
    });

    const listed = (await api.connections.list()).find((connection) => connection.id === row.id);
    const test = await api.connections.test({ id: row.id });
    const { runId } = await api.connections.sync({ id: row.id });
    let run = await api.connections.syncRun({ runId });
    for (let i = 0; i < 100 && run.status === "running"; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      run = await api.connections.syncRun({ runId });
    }
    const rename = await trpcErrorOf(api.connections.update({ id: row.id, baseUrl: `${radarr.url}/` === radarr.url ? radarr.url : `${radarr.url}/x` }));
    const fixed = await api.connections.update({ id: row.id, apiKey: RADARR_KEY });
    const retest = await api.connections.test({ id: row.id });

    expect(listed).toMatchObject({ needsApiKey: true, apiKeyMasked: "****2345" });
    expect(test).toMatchObject({ ok: false, category: "unauthorized", needsApiKey: true });
    if (!test.ok) expect(test.message).toContain("Re-enter the API key");
    expect(run).toMatchObject({ status: "failed", errorCategory: "unauthorized" });
    expect(rename.code).toBe("BAD_REQUEST");
    expect(fixed.needsApiKey).toBe(false);
    expect(retest).toMatchObject({ ok: true });
    expect(radarr.requests.filter((request) => request.url === "/api/v3/system/status")).toHaveLength(2);
  });

  it("delete unlinks scan roots, keeps queue items and their privacy", async () => {
    const sonarr = await fake({ app: "sonarr", apiKey: SONARR_KEY });
    const { connection } = await api.connections.create({ name: "Doomed", appType: "sonarr", baseUrl: sonarr.url, apiKey: SONARR_KEY, private: true });
    const root = await db.scanRoot.create({ data: { name: "TV", path: `/mnt/doomed-${connection.id}`, externalConnectionId: connection.id } });
    const item = await db.queueItem.create({
      data: { filePath: `/mnt/doomed-${connection.id}/a.mkv`, sizeBytes: 1n, source: "sonarr", connectionId: connection.id, externalId: "episodeFile:1", private: true },
    });

    const linked = await api.connections.byId({ id: connection.id });
    const result = await api.connections.delete({ id: connection.id });

    expect(linked.scanRootId).toBe(root.id);
    expect(result).toEqual({ ok: true });
    expect(await db.externalConnection.findUnique({ where: { id: connection.id } })).toBeNull();
    expect(await db.scanRoot.findUniqueOrThrow({ where: { id: root.id } })).toMatchObject({ externalConnectionId: null });
    expect(await db.queueItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ connectionId: null, private: true });
    expect((await trpcErrorOf(api.connections.byId({ id: connection.id }))).code).toBe("NOT_FOUND");
  });

  it("makes a connection's queue items private, and public again, with it", async () => {
    const radarr = await fake({ app: "radarr", apiKey: RADARR_KEY });
    const { connection } = await api.connections.create({ name: "Flip", appType: "radarr", baseUrl: radarr.url, apiKey: RADARR_KEY });
    await db.queueItem.create({ data: { filePath: `/flip/${connection.id}.mkv`, sizeBytes: 1n, source: "radarr", connectionId: connection.id } });

    await api.connections.update({ id: connection.id, private: true, displayAlias: "Vault" });
    const privateItem = await db.queueItem.findFirstOrThrow({ where: { connectionId: connection.id } });
    await api.connections.update({ id: connection.id, private: false });
    const publicItem = await db.queueItem.findFirstOrThrow({ where: { connectionId: connection.id } });

    expect(privateItem.private).toBe(true);
    expect(publicItem.private).toBe(false);
  });
});
