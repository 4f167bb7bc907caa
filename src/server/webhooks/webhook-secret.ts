import crypto from "node:crypto";

/**
 * Per-connection webhook secrets. Sonarr/Radarr have no request signing, so the secret travels with
 * each delivery; it is a 256-bit random token, which is why a fast SHA-256 (not a password hash) is
 * the right way to store it: the hash also serves as the lookup key that identifies the connection.
 */
export const WEBHOOK_USERNAME = "optimizarr";
const WEBHOOK_TOKEN_HEADER = "x-optimizarr-token";
/** Older app versions cannot send auth or headers; the token then rides in the URL. */
const WEBHOOK_TOKEN_QUERY = "token";
const MAX_TOKEN_LENGTH = 256;

export function generateWebhookSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function hashWebhookSecret(secret: string): string {
  return crypto.createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests (the DB lookup by hash is not the only check). */
export function hashesMatch(expectedHex: string, actualHex: string): boolean {
  const expected = Buffer.from(expectedHex, "hex");
  const actual = Buffer.from(actualHex, "hex");
  return expected.length === actual.length && expected.length > 0 && crypto.timingSafeEqual(expected, actual);
}

/**
 * The secret as the sender presented it: our header, the Basic auth password (what registration
 * configures), or `?token=`. The username is not checked: users may have typed their own.
 */
export function presentedWebhookToken(request: Request): string | null {
  const candidates = [request.headers.get(WEBHOOK_TOKEN_HEADER), basicAuthPassword(request.headers.get("authorization")), queryToken(request.url)];
  for (const candidate of candidates) {
    const token = candidate?.trim();
    if (token && token.length <= MAX_TOKEN_LENGTH) return token;
  }
  return null;
}

function basicAuthPassword(header: string | null): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]{1,1024})\s*$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? null : decoded.slice(colon + 1);
}

function queryToken(url: string): string | null {
  try {
    return new URL(url).searchParams.get(WEBHOOK_TOKEN_QUERY);
  } catch {
    return null;
  }
}
