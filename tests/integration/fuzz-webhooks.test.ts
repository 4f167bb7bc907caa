import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "~/app/api/webhooks/[appType]/route";
import { db } from "~/server/db";
import { changedTables, openFingerprintReader } from "../support/database-fingerprint";
import { nastyValue, PROTOTYPE_POLLUTION_OBJECTS } from "../support/fuzz-inputs";
import { createWebhookConnection, fixture, webhookRequest, type Json, type TestConnection, type Transport } from "../support/webhook-delivery";

/**
 * Both webhook routes, fed bodies, content types and sizes nobody should send, with and without a
 * valid secret. What must hold (see receive-webhook.ts and delivery-log.ts for the intent):
 * - never 5xx, and no polluted prototype;
 * - without a valid secret: 401/404 and nothing stored at all, not even a delivery record;
 * - with one, a refused delivery (4xx) adds exactly one `rejected` record without its body, and
 *   nothing else changes; one the app could not be asked about is kept for a retry (202, `failed`,
 *   with its body) and changes nothing else; an accepted one is recorded as accepted or ignored,
 *   without its body.
 *
 * Reproduce a failure with the seed fast-check prints: FUZZ_SEED=<seed> npx vitest run <this file>.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const MAX_BODY_BYTES = 1024 * 1024;
/** Per property; generous because the two cores are shared with the rest of the suite. */
const PROPERTY_TIMEOUT_MS = 60_000;

const FIXTURE_NAMES = fs
  .readdirSync(path.resolve(__dirname, "../fixtures/webhooks"))
  .filter((name) => name.endsWith(".json"))
  .map((name) => name.replace(/\.json$/, ""));

const reader = openFingerprintReader();
const connections: Record<"sonarr" | "radarr", TestConnection> = { sonarr: { id: 0, secret: "" }, radarr: { id: 0, secret: "" } };

beforeAll(async () => {
  connections.sonarr = await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: "/mnt/media/tv" }] });
  connections.radarr = await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: "/mnt/media/movies" }] });
});

afterAll(() => reader.close());

/** Every path to a value inside a JSON document, e.g. ["episodeFile", "mediaInfo", "width"]. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (value !== null && typeof value === "object") return [prefix, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return [prefix];
}

function replaceAt(document: unknown, at: readonly (string | number)[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const [head, ...rest] = at;
  if (Array.isArray(document)) return document.map((item, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  if (document !== null && typeof document === "object") {
    return Object.fromEntries(Object.entries(document).map(([key, item]) => [key, key === head ? replaceAt(item, rest, replacement) : item]));
  }
  return document;
}

/** A real Sonarr/Radarr body with one to three values swapped for odd ones (or odd keys added). */
const mutatedFixture: fc.Arbitrary<string> = fc.constantFrom(...FIXTURE_NAMES).chain((name) => {
  const original: Json = fixture(name);
  const paths = pathsOf(original);
  const oneChange = fc.tuple(fc.constantFrom(...paths), fc.oneof(nastyValue, fc.jsonValue({ maxDepth: 2 })));
  return fc.tuple(fc.array(oneChange, { minLength: 1, maxLength: 3 }), fc.constantFrom<object | null>(null, ...PROTOTYPE_POLLUTION_OBJECTS)).map(([changes, extra]) => {
    const mutated = changes.reduce<unknown>((document, [at, value]) => replaceAt(document, at, value), original);
    const withExtra = extra !== null && mutated !== null && typeof mutated === "object" && !Array.isArray(mutated) ? { ...mutated, ...extra } : mutated;
    // BigInt has no JSON form; an app would send the digits.
    return JSON.stringify(withExtra, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)) ?? "";
  });
});

const bodyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: mutatedFixture, weight: 4 },
  { arbitrary: fc.string({ maxLength: 300 }), weight: 1 },
  { arbitrary: fc.json({ maxDepth: 3 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      "",
      "{}",
      "[]",
      "null",
      '{"eventType":"Test"}',
      '{"eventType":"Download"}',
      '{"eventType":{"$gt":""}}',
      `{"eventType":"${"x".repeat(10_000)}"}`,
      '{"__proto__":{"polluted":"yes"},"eventType":"Test"}',
      `${"[".repeat(50_000)}${"]".repeat(50_000)}`,
      `{"eventType":"Test","pad":"${"x".repeat(MAX_BODY_BYTES)}"}`,
      `{"eventType":"Test","pad":"${"x".repeat(MAX_BODY_BYTES - 40)}"}`,
    ),
    weight: 1,
  },
);

type Body = { kind: "text"; text: string } | { kind: "bytes"; bytes: Uint8Array } | { kind: "stream"; text: string };

const body: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: bodyText.map((text): Body => ({ kind: "text", text })), weight: 6 },
  // Not UTF-8, or UTF-8 cut mid-character (sent as a stream, like the chunked kind).
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Body => ({ kind: "bytes", bytes })), weight: 1 },
  // Chunked, no Content-Length: the size cap must hold while streaming.
  { arbitrary: bodyText.map((text): Body => ({ kind: "stream", text })), weight: 1 },
);

function requestBody(sent: Body): string | ReadableStream<Uint8Array> {
  if (sent.kind === "text") return sent.text;
  const bytes = sent.kind === "bytes" ? sent.bytes : new TextEncoder().encode(sent.text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
      controller.close();
    },
  });
}

const contentType = fc.constantFrom("application/json", "application/json; charset=utf-16", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "");

/** Extra headers a proxy or attacker might add, including a Content-Length that lies. */
const extraHeaders = fc.constantFrom<Record<string, string>>({}, { "content-length": "5" }, { "content-length": String(MAX_BODY_BYTES + 1) }, { "content-length": "-1" }, { "content-length": "NaN" });

async function post(appType: string, sent: Body, options: { token?: string; via?: Transport; contentType: string; headers: Record<string, string> }): Promise<{ status: number; text: string }> {
  const headers = { ...options.headers, "Content-Type": options.contentType };
  const request = webhookRequest(appType, requestBody(sent), { token: options.token, via: options.via, headers });
  const response = await POST(request, { params: Promise.resolve({ appType }) });
  return { status: response.status, text: await response.text() };
}

async function latestDelivery() {
  return db.webhookDelivery.findFirst({ orderBy: { id: "desc" }, select: { id: true, connectionId: true, outcome: true, payload: true } });
}

describe("webhook routes under fuzzing", () => {
  it("without a valid secret: never 5xx, answers 401 or 404, and stores nothing at all", async () => {
    const appType = fc.oneof(fc.constantFrom("sonarr", "radarr"), fc.string({ maxLength: 20 }));
    const token = fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(" ", "x".repeat(10_000), connections.sonarr.secret.slice(0, -1))), { nil: undefined });
    const via = fc.constantFrom<Transport>("basic", "header", "query", "none");

    await fc.assert(
      fc.asyncProperty(appType, body, token, via, contentType, extraHeaders, async (type, sent, presented, transport, content, headers) => {
        const before = reader.fingerprint();

        const answer = await post(type, sent, { token: presented, via: transport, contentType: content, headers });

        expect([401, 404], `answered ${answer.status}: ${answer.text.slice(0, 300)}`).toContain(answer.status);
        expect("polluted" in {}).toBe(false);
        expect(changedTables(before, reader.fingerprint())).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("with a valid secret: never 5xx; a refused delivery adds one rejected record and changes nothing else", async () => {
    const sender = fc.constantFrom<"sonarr" | "radarr">("sonarr", "radarr");
    const pathType = fc.constantFrom("sonarr", "radarr");
    const via = fc.constantFrom<Transport>("basic", "header", "query");

    await fc.assert(
      fc.asyncProperty(sender, pathType, body, via, contentType, extraHeaders, async (owner, type, sent, transport, content, headers) => {
        const connection = connections[owner];
        const before = reader.fingerprint();
        const previous = await latestDelivery();

        const answer = await post(type, sent, { token: connection.secret, via: transport, contentType: content, headers });

        expect(answer.status, `answered ${answer.status}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
        expect("polluted" in {}).toBe(false);
        const recorded = await latestDelivery();
        expect(recorded?.id, "every authenticated delivery is recorded once").toBe((previous?.id ?? 0) + 1);
        expect(recorded?.connectionId).toBe(connection.id);
        if (answer.status >= 400) {
          expect(recorded).toMatchObject({ outcome: "rejected", payload: null });
          expect(changedTables(before, reader.fingerprint())).toEqual(["WebhookDelivery"]);
        } else if (answer.status === 202) {
          // Our question back to the (unreachable) app went unanswered: kept for a retry, nothing applied to the
          // queue. The series' quick-sync mark may be set (it only makes the next quick sync re-read that series).
          expect(recorded).toMatchObject({ outcome: "failed", payload: sent.kind === "bytes" ? expect.any(String) : sent.text });
          expect(changedTables(before, reader.fingerprint()).filter((table) => table !== "SyncParentSnapshot")).toEqual(["WebhookDelivery"]);
        } else {
          expect(recorded).toMatchObject({ outcome: expect.stringMatching(/^(accepted|ignored)$/), payload: null });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, PROPERTY_TIMEOUT_MS);
});
