import { describe, expect, it } from "vitest";
import { generateWebhookSecret, hashesMatch, hashWebhookSecret, presentedWebhookToken } from "~/server/webhooks/webhook-secret";

const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { method: "POST", headers });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("webhook secrets", () => {
  it("generates distinct 256-bit tokens and stores them as SHA-256 hex", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();

    expect(a).not.toBe(b);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(hashWebhookSecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashesMatch(hashWebhookSecret(a), hashWebhookSecret(a))).toBe(true);
    expect(hashesMatch(hashWebhookSecret(a), hashWebhookSecret(b))).toBe(false);
    expect(hashesMatch(hashWebhookSecret(a), "")).toBe(false);
  });

  it("finds the token in our header, the Basic password (any user name, colons allowed) or ?token=", () => {
    expect(presentedWebhookToken(request("http://x/api/webhooks/sonarr", { "X-Optimizarr-Token": " abc " }))).toBe("abc");
    expect(presentedWebhookToken(request("http://x/", { Authorization: basic("optimizarr", "s3cr:et") }))).toBe("s3cr:et");
    expect(presentedWebhookToken(request("http://x/", { Authorization: basic("someone-else", "pw") }))).toBe("pw");
    expect(presentedWebhookToken(request("http://x/?token=q%2Bt"))).toBe("q+t");
  });

  it("finds nothing in absent, empty, malformed or absurdly long credentials", () => {
    expect(presentedWebhookToken(request("http://x/"))).toBeNull();
    expect(presentedWebhookToken(request("http://x/?token="))).toBeNull();
    expect(presentedWebhookToken(request("http://x/", { Authorization: "Bearer abc" }))).toBeNull();
    expect(presentedWebhookToken(request("http://x/", { Authorization: basic("only-user", "") }))).toBeNull();
    expect(presentedWebhookToken(request("http://x/", { Authorization: `Basic ${Buffer.from("no-colon").toString("base64")}` }))).toBeNull();
    expect(presentedWebhookToken(request("http://x/", { "X-Optimizarr-Token": "t".repeat(300) }))).toBeNull();
  });
});
