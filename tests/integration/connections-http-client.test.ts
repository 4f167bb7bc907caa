import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createConnectionClient } from "~/server/connections/apps";
import { createHttpClient, setHttpClientDefaults } from "~/server/connections/http-client";
import type { LibraryEvent } from "~/server/connections/connection-client";
import { startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeMovie, generateRadarrLibrary } from "../fakes/arr-library";
import { selfSignedCertificate } from "../fakes/certificates";
import type { StreamEvent } from "~/server/connections/http-client";

const API_KEY = "0123456789abcdef0123456789abcdef";
const servers: FakeArrServer[] = [];

async function fake(options: Omit<Parameters<typeof startFakeArr>[0], "apiKey"> & { apiKey?: string }): Promise<FakeArrServer> {
  const server = await startFakeArr({ apiKey: API_KEY, ...options });
  servers.push(server);
  return server;
}

async function collect(events: AsyncGenerator<LibraryEvent>) {
  const files = [];
  let invalid = 0;
  let failed = null;
  let total: number | null = null;
  for await (const event of events) {
    if (event.type === "files") {
      files.push(...event.files);
      invalid += event.invalid;
    } else if (event.type === "total") total = event.total;
    else failed = event.error;
  }
  return { files, invalid, failed, total };
}

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 400, bodyIdleMs: 400, retryDelaysMs: [20, 20] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("connection test against a fake app", () => {
  it("reads the app name and version, sending the key only as X-Api-Key", async () => {
    const sonarr = await fake({ app: "sonarr", urlBase: "/sonarr" });
    const client = createConnectionClient("sonarr", { baseUrl: sonarr.url, apiKey: API_KEY });

    const result = await client.testConnection();
    await client.close();

    expect(result).toEqual({ ok: true, data: { appName: "Sonarr", version: "4.0.19.2979", instanceName: "Sonarr", urlBase: "/sonarr" } });
    expect(sonarr.requests).toHaveLength(1);
    expect(sonarr.requests[0]!.url).toBe("/sonarr/api/v3/system/status");
    expect(sonarr.requests[0]!.headers["x-api-key"]).toBe(API_KEY);
    expect(sonarr.requests.every((request) => !request.url.includes(API_KEY))).toBe(true);
  });

  it.each([
    ["wrong key", { apiKey: "wrong-key-wrong-key" }, {}, "unauthorized", "Sonarr answered 401: check the API key in Sonarr → Settings → General"],
    ["HTML login page", {}, { respondWith: "html-login" }, "bad_response", "Got an HTML page instead of Sonarr's API — is a login proxy"],
    ["HTML sent as JSON", {}, { respondWith: "html-as-json" }, "bad_response", "Got an HTML page"],
    ["a login proxy's redirect", {}, { respondWith: "redirect-to-login" }, "bad_response", "redirected to auth.example.test"],
    ["no answer", {}, { respondWith: "hang" }, "timeout", "accepted the connection but didn't answer in time"],
    ["a 500", {}, { respondWith: "server-error" }, "bad_response", "Sonarr answered 500"],
    ["not JSON", {}, { respondWith: "not-json" }, "bad_response", "not JSON"],
    ["a Radarr", {}, { appName: "Radarr" }, "bad_response", "is Radarr, not Sonarr: choose Radarr as the app type"],
  ] as const)("categorises %s", async (_label, clientPatch, behaviour, category, fragment) => {
    const sonarr = await fake({ app: "sonarr", behaviour });
    const client = createConnectionClient("sonarr", { baseUrl: sonarr.url, apiKey: API_KEY, ...clientPatch });

    const result = await client.testConnection();
    await client.close();

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe(category);
    expect(result.error.message).toContain(fragment);
    expect(result.error.message).not.toContain(API_KEY);
  });

  it("points at the URL base when it was left out (the app's 307)", async () => {
    const radarr = await fake({ app: "radarr", urlBase: "/radarr" });
    const client = createConnectionClient("radarr", { baseUrl: radarr.origin, apiKey: API_KEY });

    const result = await client.testConnection();
    await client.close();

    expect(result).toMatchObject({ ok: false, error: { category: "not_found", status: 307 } });
    if (!result.ok) expect(result.error.message).toBe(`Radarr runs under the URL base /radarr: use ${radarr.origin}/radarr as the address`);
    // Never followed: the key went to one URL only.
    expect(radarr.requests).toHaveLength(1);
  });

  it("never follows a redirect to another server, so the key stays where it was configured", async () => {
    const sonarr = await fake({ app: "sonarr" });
    const elsewhere = await fake({ app: "sonarr" });
    sonarr.route("GET", "/api/v3/system/status", () => ({ status: 302, headers: { Location: `${elsewhere.url}/api/v3/system/status` } }));
    const client = createConnectionClient("sonarr", { baseUrl: sonarr.url, apiKey: API_KEY });

    const result = await client.testConnection();
    await client.close();

    expect(result).toMatchObject({ ok: false, error: { category: "bad_response", status: 302 } });
    expect(sonarr.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("reports a wrong URL base as not_found", async () => {
    const radarr = await fake({ app: "radarr" });
    const client = createConnectionClient("radarr", { baseUrl: `${radarr.origin}/radarr`, apiKey: API_KEY });
    const result = await client.testConnection();
    await client.close();
    // The apps serve their web page for unknown paths: recognised by its title.
    expect(result).toMatchObject({ ok: false, error: { category: "not_found" } });
    if (!result.ok) expect(result.error.message).toContain("shows Radarr's web page instead of its API: check the URL base (e.g. /radarr)");
  });

  it("reports an unknown API path (404) as not_found", async () => {
    const radarr = await fake({ app: "radarr" });
    const client = createHttpClient({ app: "Radarr", baseUrl: radarr.url, apiKey: API_KEY, apiKeyHeader: "X-Api-Key" });
    const result = await client.getJson("/api/v3/nothing-here", z.unknown(), { retry: false });
    await client.close();
    expect(result).toMatchObject({ ok: false, error: { category: "not_found", status: 404 } });
  });

  it("reports a closed port as unreachable and an unknown host as unreachable", async () => {
    const closed = await fake({ app: "sonarr" });
    await closed.stop();
    servers.splice(servers.indexOf(closed), 1);

    const refused = createConnectionClient("sonarr", { baseUrl: closed.url, apiKey: API_KEY });
    const unknownHost = createConnectionClient("sonarr", { baseUrl: "http://no-such-host.invalid:8989", apiKey: API_KEY });
    const [refusedResult, unknownResult] = await Promise.all([refused.testConnection(), unknownHost.testConnection()]);
    await Promise.all([refused.close(), unknownHost.close()]);

    expect(refusedResult).toMatchObject({ ok: false, error: { category: "unreachable" } });
    if (!refusedResult.ok) expect(refusedResult.error.message).toBe(`Nothing answered at ${closed.url}: is Sonarr running and the port right?`);
    expect(unknownResult).toMatchObject({ ok: false, error: { category: "unreachable" } });
    if (!unknownResult.ok) expect(unknownResult.error.message).toContain('"no-such-host.invalid:8989" could not be found');
  });
});

describe("HTTPS", () => {
  const certificate = selfSignedCertificate();

  it("refuses a self-signed certificate as tls, and accepts it once its fingerprint is trusted", async () => {
    const radarr = await fake({ app: "radarr", tls: certificate });

    const untrusted = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY });
    const refused = await untrusted.testConnection();
    await untrusted.close();
    const trusted = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY, trustedCertSha256: certificate.fingerprint256.replace(/:/g, "").toLowerCase() });
    const accepted = await trusted.testConnection();
    await trusted.close();

    expect(refused).toMatchObject({ ok: false, error: { category: "tls", untrustedCertificate: true } });
    if (!refused.ok) expect(refused.error.message).toContain("self-signed certificate");
    expect(accepted).toMatchObject({ ok: true, data: { appName: "Radarr" } });
    // The refused handshake never got as far as a request carrying the key.
    expect(radarr.requests).toHaveLength(1);
  });

  it("refuses a different certificate than the trusted one", async () => {
    const other = selfSignedCertificate("other.local", ["DNS:other.local", "IP:127.0.0.1"]);
    const radarr = await fake({ app: "radarr", tls: other });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY, trustedCertSha256: certificate.fingerprint256 });

    const result = await client.testConnection();
    await client.close();

    expect(result).toMatchObject({ ok: false, error: { category: "tls" } });
    if (!result.ok) expect(result.error.message).toContain("changed since you trusted it");
    expect(radarr.requests).toHaveLength(0);
  });

  it("says so when https:// meets a plain HTTP port", async () => {
    const radarr = await fake({ app: "radarr" });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url.replace("http://", "https://"), apiKey: API_KEY });
    const result = await client.testConnection();
    await client.close();
    expect(result).toMatchObject({ ok: false, error: { category: "tls" } });
    if (!result.ok) expect(result.error.message).toContain("doesn't speak HTTPS");
  });
});

describe("streaming lists", () => {
  it("streams a large list in batches, skipping and counting malformed items", async () => {
    const movies = generateRadarrLibrary(3_000);
    const radarr = await fake({
      app: "radarr",
      library: {
        movies: {
          length: movies.length,
          at: (index) => (index === 10 ? { id: "not-a-number" } : index === 11 ? fakeMovie(12, { path: "/m/x.mkv", size: -5 }) : movies.at(index)),
        },
      },
    });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY });

    let batches = 0;
    const files = [];
    let invalid = 0;
    for await (const event of client.library()) {
      if (event.type === "files") {
        batches += 1;
        files.push(...event.files);
        invalid += event.invalid;
      }
    }
    await client.close();

    expect(invalid).toBe(2);
    expect(files).toHaveLength(2_998);
    expect(batches).toBeGreaterThan(1);
    expect(new Set(files.map((file) => file.externalId)).size).toBe(2_998);
  });

  it("fails a list whose body stalls partway (inactivity timeout), after what it already yielded", async () => {
    const radarr = await fake({ app: "radarr", library: { movies: generateRadarrLibrary(2_000) }, behaviour: { stallListAfterBytes: 200_000 } });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY });

    const result = await collect(client.library());
    await client.close();

    expect(result.files.length).toBeGreaterThan(0);
    expect(result.files.length).toBeLessThan(2_000);
    expect(result.failed).toMatchObject({ category: "timeout" });
    expect(result.failed?.message).toContain("stopped sending data");
  });

  it("fails a list that isn't one, and an HTML page as a list", async () => {
    const http = await fake({ app: "radarr" });
    http.route("GET", "/api/v3/movie", () => ({ status: 200, body: { records: [] } }));
    const client = createHttpClient({ app: "Radarr", baseUrl: http.url, apiKey: API_KEY, apiKeyHeader: "X-Api-Key" });
    const events = [];
    for await (const event of client.streamArray("/api/v3/movie", z.unknown())) events.push(event);
    http.setBehaviour({ respondWith: "html-as-json" });
    const html = await client.getArray("/api/v3/movie", z.unknown(), { retry: false });
    await client.close();

    expect(events).toEqual([{ type: "failed", error: expect.objectContaining({ category: "bad_response", message: expect.stringContaining("expected a list") }) }]);
    expect(html).toMatchObject({ ok: false, error: { category: "bad_response", message: expect.stringContaining("HTML page") } });
  });

  it("stops reading a JSON answer past 16 MB (a list read whole past 64 MB), whether its size was announced or not", async () => {
    let movieCount = 300;
    const radarr = await fake({ app: "radarr", library: { movies: { get length() { return movieCount; }, at: (index) => ({ id: index, padding: "x".repeat(60_000) }) } } });
    radarr.route("GET", "/api/v3/big", () => ({ status: 200, body: ["y".repeat(17 * 1024 * 1024)] }));
    const client = createHttpClient({ app: "Radarr", baseUrl: radarr.url, apiKey: API_KEY, apiKeyHeader: "X-Api-Key" });

    const announced = await client.getJson("/api/v3/big", z.unknown(), { retry: false });
    // The list route sends no Content-Length: the cap holds while reading.
    const chunked = await client.getJson("/api/v3/movie", z.unknown(), { retry: false });
    const listUnderItsCap = await client.getArray("/api/v3/movie", z.unknown(), { retry: false });
    movieCount = 1_150;
    const listOverItsCap = await client.getArray("/api/v3/movie", z.unknown(), { retry: false });
    await client.close();

    for (const result of [announced, chunked]) {
      expect(result).toMatchObject({ ok: false, error: { category: "bad_response" } });
      if (!result.ok) expect(result.error.message).toBe(`Radarr at ${radarr.url} sent an answer larger than 16 MB (answer too large): Optimizarr stopped reading it`);
    }
    expect(listUnderItsCap).toMatchObject({ ok: true, data: { invalid: 0 } });
    expect(listOverItsCap).toMatchObject({ ok: false, error: { category: "bad_response" } });
    if (!listOverItsCap.ok) expect(listOverItsCap.error.message).toContain("an answer larger than 64 MB (answer too large)");
  });

  it("fails a streamed list at an entry larger than 1 MB, after the entries before it", async () => {
    const movies = generateRadarrLibrary(50);
    const radarr = await fake({
      app: "radarr",
      library: { movies: { length: 60, at: (index) => (index === 50 ? { id: 51, overview: "z".repeat(2 * 1024 * 1024) } : movies.at(index % 50)) } },
    });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY });

    const result = await collect(client.library());
    await client.close();

    expect(result.files.length).toBeGreaterThan(0);
    expect(result.files.length).toBeLessThanOrEqual(50);
    expect(result.failed).toEqual({ category: "bad_response", message: `Radarr at ${radarr.url} sent one list entry larger than 1 MB: Optimizarr stopped reading it` });
  });

  it("retries transient failures of GETs and gets through", async () => {
    const radarr = await fake({ app: "radarr", library: { movies: [fakeMovie(1, { path: "/m/a.mkv" })] }, behaviour: { transientFailures: 2 } });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY });

    const result = await collect(client.library());
    await client.close();

    expect(result.failed).toBeNull();
    expect(result.files).toHaveLength(1);
    expect(radarr.requests).toHaveLength(3);
  });

  it("gives up after the retries with the category of the last failure", async () => {
    const radarr = await fake({ app: "radarr", behaviour: { transientFailures: 10 } });
    const client = createConnectionClient("radarr", { baseUrl: radarr.url, apiKey: API_KEY });
    const result = await collect(client.library());
    await client.close();
    expect(result.failed).toMatchObject({ category: "unreachable", status: 503 });
    expect(radarr.requests).toHaveLength(3);
  });
});

/** A bare server on 127.0.0.1 that answers the list with exactly these pieces, each written on its own after a pause. */
async function pieceServer(pieces: readonly (string | Buffer)[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "application/json" });
    void (async () => {
      for (const piece of pieces) {
        response.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      response.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function streamAll(url: string, schema: z.ZodType = z.unknown()) {
  const client = createHttpClient({ app: "Radarr", baseUrl: url, apiKey: API_KEY, apiKeyHeader: "X-Api-Key" });
  const events: StreamEvent<unknown>[] = [];
  for await (const event of client.streamArray("/api/v3/movie", schema, { retry: false })) events.push(event);
  await client.close();
  return {
    items: events.flatMap((event) => (event.type === "items" ? event.items : [])),
    invalid: events.reduce((sum, event) => sum + (event.type === "items" ? event.invalid : 0), 0),
    failed: events.find((event) => event.type === "failed")?.error ?? null,
  };
}

describe("streamed lists: the parser at the network edge", () => {
  it("reads back exactly what was sent: strings with quotes, escapes, brackets, commas and multi-byte characters, over many chunks", async () => {
    const tricky = ['Amélie "[1]" {x}, \\ ', "日本語 🎬", "\u2028\u0000 ,]", "€".repeat(700)];
    const items = Array.from({ length: 4_000 }, (_, index) => ({
      id: index,
      title: `${tricky[index % tricky.length]} ${index}`,
      nested: [[index, { "a,b": ["]", "}"] }], []],
      size: index * 1.5,
      missing: null,
    }));
    const radarr = await fake({ app: "radarr", library: { movies: items } });

    const result = await streamAll(radarr.url);

    expect(result.failed).toBeNull();
    expect(result.items).toEqual(items);
  });

  it("decodes a character whose bytes arrive in two network chunks", async () => {
    const text = Buffer.from('[{"title":"Amélie 🎬"},"€"]');
    const emoji = text.indexOf(Buffer.from("🎬"));
    const euro = text.indexOf(Buffer.from("€"));
    const server = await pieceServer([text.subarray(0, emoji + 2), text.subarray(emoji + 2, euro + 1), text.subarray(euro + 1)]);

    const result = await streamAll(server.url);
    await server.stop();

    expect(result).toEqual({ items: [{ title: "Amélie 🎬" }, "€"], invalid: 0, failed: null });
  });

  it.each([
    ["ends early", ['[{"id":1},', '{"id":2},{"id":'], [{ id: 1 }, { id: 2 }]],
    ["has a broken entry", ['[{"id":1},', '{"id":2,}]'], [{ id: 1 }]],
    ["goes on after the list", ['[{"id":1}]', ' {"id":2}'], [{ id: 1 }]],
    ["is empty", [], []],
  ])("fails a list that %s as bad_response, after the entries before it", async (_name, pieces, before) => {
    const server = await pieceServer(pieces);

    const result = await streamAll(server.url, z.object({ id: z.number() }));
    await server.stop();

    expect(result.failed).toMatchObject({ category: "bad_response", message: expect.stringContaining("the list ended early or is not valid JSON") });
    expect(result.items).toEqual(before);
  });

  it("takes an empty list, whitespace and a byte order mark", async () => {
    const empty = await pieceServer(["\uFEFF  [ \n", " ]\r\n"]);
    const result = await streamAll(empty.url);
    await empty.stop();
    expect(result).toEqual({ items: [], invalid: 0, failed: null });
  });

  it("reads the answer only as fast as the consumer takes it (memory follows the consumer's pace)", async () => {
    // 200,000 entries of 1 kB (200 MB) generated on demand: what the fake had to produce shows
    // how far ahead of the consumer the client read.
    let highestServed = 0;
    const radarr = await fake({
      app: "radarr",
      library: {
        movies: {
          length: 200_000,
          at: (index) => {
            highestServed = Math.max(highestServed, index);
            return { id: index, padding: "p".repeat(1_000) };
          },
        },
      },
    });
    const client = createHttpClient({ app: "Radarr", baseUrl: radarr.url, apiKey: API_KEY, apiKeyHeader: "X-Api-Key" });

    let taken = 0;
    for await (const event of client.streamArray("/api/v3/movie", z.object({ id: z.number() }), { retry: false })) {
      if (event.type !== "items") break;
      taken += event.items.length;
      if (taken >= 1_000) {
        // A slow consumer (the queue writer): the client must not read on meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 300));
        break;
      }
    }
    const servedWhilePaused = highestServed;
    await client.close();

    expect(taken).toBeGreaterThanOrEqual(1_000);
    // Socket buffers on both sides hold a few MB (about 6 here): far from the 200 MB answer.
    expect(servedWhilePaused * 1_000).toBeLessThan(16 * 1024 * 1024);
  });
});

