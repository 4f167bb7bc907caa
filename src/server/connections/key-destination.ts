/**
 * Where a stored API key may travel. A saved key goes to its saved origin (scheme, host and port)
 * and nowhere else: otherwise anyone who may call `connections.test` or `update` could point a
 * saved connection at a server of their own and read the key from its request headers. A new URL
 * base on the same origin is fine (the same app, moved under /sonarr); another origin needs the
 * key typed again. Pure, so the service and the connection form share it.
 */
export const RETYPE_KEY_MESSAGE = "Type the API key again: the address moved to another server";

function originOf(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return null;
  }
}

/** True when a key saved for `savedBaseUrl` may be sent to `nextBaseUrl`. */
export function storedKeyMayGoTo(savedBaseUrl: string, nextBaseUrl: string): boolean {
  const saved = originOf(savedBaseUrl);
  return saved !== null && saved === originOf(nextBaseUrl);
}
