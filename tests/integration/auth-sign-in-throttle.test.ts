import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAdminAccount } from "~/server/auth/admin-account";
import { clientIpOf } from "~/server/auth/client-ip";
import { checkCredentials, type CredentialsCheck } from "~/server/auth/credentials-check";
import { guardForwardedFor } from "~/server/auth/forwarded-for-guard";
import { FAMILIAR_MAX_WAIT_MS, FREE_ATTEMPTS, LoginThrottle } from "~/server/auth/login-throttle";
import { db } from "~/server/db";
import { verifyPassword } from "~/server/auth/password";

const OWNER = { username: "owner", password: "the right password" };

beforeAll(async () => {
  await createAdminAccount(db, OWNER);
});

describe("checkCredentials", () => {
  it("checks at most FREE_ATTEMPTS of 200 parallel wrong passwords; the rest are refused unhashed", async () => {
    const throttle = new LoginThrottle();
    let hashed = 0;
    const countingVerify: typeof verifyPassword = (passwordHash, password) => {
      hashed += 1;
      return verifyPassword(passwordHash, password);
    };

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        checkCredentials(db, throttle, { username: OWNER.username, password: `guess ${index}`, clientIp: "203.0.113.10" }, countingVerify),
      ),
    );

    expect(hashed).toBe(FREE_ATTEMPTS);
    expect(results.filter((result) => !result.ok && result.reason === "invalid")).toHaveLength(FREE_ATTEMPTS);
    expect(results.filter((result) => !result.ok && result.reason === "throttled")).toHaveLength(200 - FREE_ATTEMPTS);
  });

  it("does not let a stranger's failures on the owner's username lock out the owner's address", async () => {
    let now = Date.now();
    const throttle = new LoginThrottle(() => now);
    const ownerAddress = "198.51.100.7";
    expect((await checkCredentials(db, throttle, { ...OWNER, clientIp: ownerAddress })).ok).toBe(true);

    // A stranger, from address after address, keeps failing on the owner's username for hours.
    for (let round = 0; round < 20; round++) {
      now += 15 * 60_000;
      await checkCredentials(db, throttle, { username: OWNER.username, password: "guess", clientIp: `203.0.113.${round}` });
    }
    const strangerAgain = await checkCredentials(db, throttle, { username: OWNER.username, password: "guess", clientIp: "203.0.113.99" });
    const ownerAgain = await checkCredentials(db, throttle, { ...OWNER, clientIp: ownerAddress });
    now += FAMILIAR_MAX_WAIT_MS;
    const ownerAfterShortWait = ownerAgain.ok ? ownerAgain : await checkCredentials(db, throttle, { ...OWNER, clientIp: ownerAddress });
    const fromHomeNetwork = await checkCredentials(db, throttle, { ...OWNER, clientIp: "192.168.1.23" });
    now += FAMILIAR_MAX_WAIT_MS;
    const homeAfterShortWait = fromHomeNetwork.ok ? fromHomeNetwork : await checkCredentials(db, throttle, { ...OWNER, clientIp: "192.168.1.23" });

    expect(strangerAgain).toMatchObject({ ok: false, reason: "throttled" });
    expect(ownerAfterShortWait.ok).toBe(true);
    expect(homeAfterShortWait.ok).toBe(true);
  });
});

describe("the client address behind the throttle", () => {
  let stopGuard: (() => void) | undefined;
  let server: http.Server | undefined;

  afterEach(async () => {
    stopGuard?.();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A real HTTP server that signs in like Optimizarr: address from the guarded headers, then the check. */
  async function startSignInServer(trustedProxies: string[]): Promise<{ signIn: (forwardedFor: string) => Promise<{ clientIp: string; result: CredentialsCheck }> }> {
    stopGuard = guardForwardedFor(trustedProxies);
    const throttle = new LoginThrottle();
    server = http.createServer((request, response) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
      const clientIp = clientIpOf(headers);
      void checkCredentials(db, throttle, { username: OWNER.username, password: "guess", clientIp }).then((result) => response.end(JSON.stringify({ clientIp, result })));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      async signIn(forwardedFor) {
        const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": forwardedFor, "x-real-ip": forwardedFor } });
        return (await response.json()) as { clientIp: string; result: CredentialsCheck };
      },
    };
  }

  it("ignores a forged X-Forwarded-For from a client that is not a trusted proxy, so rotating it escapes nothing", async () => {
    const { signIn } = await startSignInServer([]);

    const answers = [];
    for (let attempt = 0; attempt < 6; attempt++) answers.push(await signIn(`198.51.100.${attempt}`));

    expect(answers.map((answer) => answer.clientIp)).toEqual(Array(6).fill("127.0.0.1"));
    expect(answers.filter((answer) => !answer.result.ok && answer.result.reason === "invalid")).toHaveLength(FREE_ATTEMPTS);
  });

  it("believes X-Forwarded-For from a trusted proxy, up to the first address the proxy did not vouch for", async () => {
    const { signIn } = await startSignInServer(["127.0.0.0/8"]);

    expect((await signIn("198.51.100.4")).clientIp).toBe("198.51.100.4");
    expect((await signIn("10.9.9.9, 198.51.100.5")).clientIp).toBe("198.51.100.5");
    expect((await signIn("198.51.100.6, 127.0.0.2")).clientIp).toBe("198.51.100.6");
  });
});
