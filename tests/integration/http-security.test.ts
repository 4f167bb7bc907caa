import { describe, expect, it } from "vitest";
import SuperJSON from "superjson";
import { POST as postRestore } from "~/app/api/backups/restore/route";
import { GET, POST } from "~/app/api/trpc/[trpc]/route";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";

/**
 * The guards in front of /api/trpc, over the route handler Next serves (not the bare tRPC adapter):
 * CSRF, the body cap, the batch cap. Requests are addressed to http://localhost, so that is the
 * app's own origin here.
 */
const OWN_ORIGIN = "http://localhost";
const SESSION_COOKIE = "authjs.session-token=looks-like-a-session";
const ADMIN = { username: "admin", password: "correct horse battery" };

function postTrpc(procedure: string, init: { headers: Record<string, string>; body?: BodyInit }): Promise<Response> {
  return POST(new Request(`${OWN_ORIGIN}/api/trpc/${procedure}`, { method: "POST", headers: init.headers, body: init.body ?? JSON.stringify(SuperJSON.serialize(ADMIN)) }));
}

async function reasonOf(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { reason: string } };
  return body.error.reason;
}

describe("CSRF: cookie or anonymous mutations come only as JSON from the app's own origin", () => {
  it("refuses a foreign Origin with a session cookie, before anything runs", async () => {
    const response = await postTrpc("setup.createAdmin", { headers: { "content-type": "application/json", cookie: SESSION_COOKIE, origin: "http://evil.example" } });

    expect(response.status).toBe(403);
    expect(await reasonOf(response)).toBe("foreign_origin");
    expect(await db.user.count()).toBe(0);
  });

  it("refuses another port of the same host (same-site for SameSite=Lax, not same-origin)", async () => {
    const response = await postTrpc("setup.createAdmin", { headers: { "content-type": "application/json", cookie: SESSION_COOKIE, origin: "http://localhost:8989" } });

    expect(response.status).toBe(403);
    expect(await db.user.count()).toBe(0);
  });

  it("refuses a multipart form post and a text/plain post even from its own origin", async () => {
    const form = new FormData();
    form.set("username", ADMIN.username);
    form.set("password", ADMIN.password);
    const multipart = await postTrpc("setup.createAdmin", { headers: { cookie: SESSION_COOKIE, origin: OWN_ORIGIN }, body: form });
    const plain = await postTrpc("setup.createAdmin", { headers: { "content-type": "text/plain", cookie: SESSION_COOKIE, origin: OWN_ORIGIN } });

    expect([multipart.status, plain.status]).toEqual([403, 403]);
    expect([await reasonOf(multipart), await reasonOf(plain)]).toEqual(["not_json", "not_json"]);
    expect(await db.user.count()).toBe(0);
  });

  it("refuses Sec-Fetch-Site: cross-site, and a request that names no origin at all", async () => {
    const crossSite = await postTrpc("setup.createAdmin", { headers: { "content-type": "application/json", origin: OWN_ORIGIN, "sec-fetch-site": "cross-site" } });
    const anonymousOrigin = await postTrpc("setup.createAdmin", { headers: { "content-type": "application/json", cookie: SESSION_COOKIE } });
    const opaqueOrigin = await postTrpc("setup.createAdmin", { headers: { "content-type": "application/json", origin: "null" } });

    expect([await reasonOf(crossSite), await reasonOf(anonymousOrigin), await reasonOf(opaqueOrigin)]).toEqual(["cross_site", "no_origin", "no_origin"]);
  });

  it("runs a same-origin JSON mutation (Origin, or Referer when Origin is missing)", async () => {
    const response = await postTrpc("setup.createAdmin", { headers: { "content-type": "application/json; charset=utf-8", referer: `${OWN_ORIGIN}/setup`, "sec-fetch-site": "same-origin" } });

    expect(response.status).toBe(200);
    expect(await db.user.count()).toBe(1);
  });

  it("runs X-Api-Key requests without Origin, and ignores a foreign Origin beside a key", async () => {
    const { apiKey } = await signedInCaller().settings.revealApiKey();

    const script = await postTrpc("settings.regenerateApiKey", { headers: { "content-type": "application/json", "x-api-key": apiKey }, body: JSON.stringify(SuperJSON.serialize(undefined)) });
    const { apiKey: freshKey } = await signedInCaller().settings.revealApiKey();
    const withForeignOrigin = await postTrpc("settings.regenerateApiKey", {
      headers: { "content-type": "application/json", "x-api-key": freshKey, origin: "http://evil.example", cookie: SESSION_COOKIE },
      body: JSON.stringify(SuperJSON.serialize(undefined)),
    });

    expect([script.status, withForeignOrigin.status]).toEqual([200, 200]);
  });
});

describe("CSRF: the backup restore upload", () => {
  it("refuses an upload from another origin before reading it, whatever its content type", async () => {
    for (const contentType of ["application/zip", "multipart/form-data; boundary=x", "text/plain"]) {
      const response = await postRestore(
        new Request(`${OWN_ORIGIN}/api/backups/restore?confirm=replace`, { method: "POST", headers: { "content-type": contentType, cookie: SESSION_COOKIE, origin: "http://localhost:8989" }, body: "PK" }),
      );

      expect(response.status).toBe(403);
      expect(await reasonOf(response)).toBe("foreign_origin");
    }
  });
});

describe("request caps on /api/trpc", () => {
  it("answers 413 to a 5 MB body without reading it whole, and cancels the upload", async () => {
    const { apiKey } = await signedInCaller().settings.revealApiKey();
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulledBytes = 0;
    let cancelled = false;
    const fiveMegabytes = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulledBytes >= 5 * 1024 * 1024) return controller.close();
        pulledBytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    // No Content-Length (chunked upload): the cap must hold while streaming. Node needs `duplex` for a
    // stream body; TypeScript's DOM types do not know it yet.
    const streamedUpload: RequestInit & { duplex: "half" } = {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: fiveMegabytes,
      duplex: "half",
    };
    const request = new Request(`${OWN_ORIGIN}/api/trpc/settings.regenerateApiKey`, streamedUpload);

    const response = await POST(request);

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "PAYLOAD_TOO_LARGE", message: "Request body over the 1 MB limit" } });
    expect(cancelled).toBe(true);
    expect(pulledBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it("answers 413 from an honest Content-Length before reading, and lets a body under the cap through", async () => {
    const { apiKey } = await signedInCaller().settings.revealApiKey();
    const declared = await POST(
      new Request(`${OWN_ORIGIN}/api/trpc/settings.regenerateApiKey`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": apiKey }, body: " ".repeat(2 * 1024 * 1024) }),
    );
    const small = await POST(
      new Request(`${OWN_ORIGIN}/api/trpc/settings.regenerateApiKey`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify({ json: null, padding: " ".repeat(900 * 1024) }),
      }),
    );

    expect(declared.status).toBe(413);
    expect(small.status).toBe(200);
  });

  it("refuses a batch of more than 20 calls, serves a batch of 20", async () => {
    const batchOf = (size: number) => GET(new Request(`${OWN_ORIGIN}/api/trpc/${Array.from({ length: size }, () => "setup.status").join(",")}?batch=1`));

    const tooMany = await batchOf(21);
    const twenty = await batchOf(20);

    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(await tooMany.json())).toContain("Batch call exceeds maximum size");
    expect(twenty.status).toBe(200);
    expect(await twenty.json()).toHaveLength(20);
  });
});
