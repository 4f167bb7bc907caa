/**
 * Whether a request carries next-auth's session cookie at all: plain or `__Secure-` prefixed (https),
 * whole or chunked (`.0`, `.1`… for a large token). Without one there is no session to look up.
 */
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?authjs\.session-token(?:\.\d+)?=/;

export function hasSessionCookie(headers: Headers): boolean {
  return SESSION_COOKIE.test(headers.get("cookie") ?? "");
}
