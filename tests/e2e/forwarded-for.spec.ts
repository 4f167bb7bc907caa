import http from "node:http";
import { expect, test } from "@playwright/test";
import { FREE_ATTEMPTS } from "../../src/server/auth/login-throttle";
import { startNextServer, type NextServer } from "../support/next-server";

/**
 * X-Forwarded-For inside the real server: a `next start` of the production build (its
 * instrumentation installs forwarded-for-guard.ts), signed in to over real sockets from two
 * loopback addresses. 127.0.0.2 is configured as a trusted proxy (TRUSTED_PROXIES); 127.0.0.1 is
 * not, so whatever it claims in X-Forwarded-For, the throttle sees 127.0.0.1.
 *
 * A server of its own (started here, beside the shared e2e server): throttling 127.0.0.1 on the
 * shared one would lock out every other spec. No browser: the attacker here is a script.
 */
const OWNER = { username: "owner", password: "the owner's real password" };
let server: NextServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startNextServer({ TRUSTED_PROXIES: "127.0.0.2", ADMIN_USERNAME: OWNER.username, ADMIN_PASSWORD: OWNER.password });
});
test.afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request over a socket bound to `localAddress`, so the server sees that peer address. */
function request(localAddress: string, method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: "127.0.0.1", port: server.port, localAddress, method, path: pathname, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const cookiesOf = (answer: Answer) => (answer.headers["set-cookie"] ?? []).map((cookie) => cookie.split(";")[0]).join("; ");

/**
 * A sign-in as the login page sends it (CSRF token, then the credentials form) from `peer`,
 * claiming `forwardedFor`. Returns next-auth's verdict: "signed-in", or the error code it put
 * into the redirect ("invalid_credentials", "throttled_<seconds>").
 */
async function signIn(peer: string, forwardedFor: string, username: string, password: string): Promise<string> {
  const csrf = await request(peer, "GET", "/api/auth/csrf", { "x-forwarded-for": forwardedFor });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const answer = await request(
    peer,
    "POST",
    "/api/auth/callback/credentials",
    { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf), origin: server.origin, "x-forwarded-for": forwardedFor, "x-real-ip": forwardedFor },
    new URLSearchParams({ csrfToken, username, password }).toString(),
  );
  const location = new URL(String(answer.headers.location ?? "/"), server.origin);
  if (location.searchParams.has("error")) return location.searchParams.get("code") ?? "error";
  return cookiesOf(answer).includes("authjs.session-token=") ? "signed-in" : `unexpected ${answer.status}`;
}

test.describe("X-Forwarded-For in `next start`", () => {
  test("from a peer that is not a trusted proxy, a rotating forged X-Forwarded-For escapes nothing: its socket address is throttled", async () => {
    // Password spraying: a new username and a new forged address every time. Only a bucket keyed
    // by the real socket address can catch it; with the header believed, nothing would.
    const verdicts: string[] = [];
    for (let attempt = 0; attempt < FREE_ATTEMPTS + 4 && !verdicts.at(-1)?.startsWith("throttled"); attempt++) {
      verdicts.push(await signIn("127.0.0.1", `198.51.100.${attempt + 1}`, `guess-${attempt}`, "wrong password"));
    }
    expect(verdicts.slice(0, FREE_ATTEMPTS)).toEqual(Array(FREE_ATTEMPTS).fill("invalid_credentials"));
    expect(verdicts.at(-1)).toMatch(/^throttled_\d+$/);

    // Even the owner's right password waits, whatever address 127.0.0.1 now claims to be.
    expect(await signIn("127.0.0.1", "192.168.1.50", OWNER.username, OWNER.password)).toMatch(/^throttled_\d+$/);
  });

  test("from the trusted proxy, X-Forwarded-For names the client: each client has its own bucket and the owner signs in", async () => {
    const verdicts: string[] = [];
    for (let attempt = 0; attempt < FREE_ATTEMPTS + 3; attempt++) {
      verdicts.push(await signIn("127.0.0.2", `203.0.113.${attempt + 1}`, `guess-${attempt}`, "wrong password"));
    }
    expect(verdicts).toEqual(Array(FREE_ATTEMPTS + 3).fill("invalid_credentials"));

    expect(await signIn("127.0.0.2", "203.0.113.200", OWNER.username, OWNER.password)).toBe("signed-in");
  });
});
