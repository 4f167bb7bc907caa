/**
 * Where to go after signing in: only a path on this site, so `/login?callbackUrl=…` cannot send a
 * freshly signed-in admin to a look-alike page (an open redirect is a phishing aid). One function for
 * the login page and form, the proxy's redirect to /login and next-auth's `redirect` callback.
 *
 * The string is resolved the way a browser would resolve it (WHATWG URL: `\` counts as `/`, tabs and
 * newlines are dropped, `/./` is collapsed), so `/\evil.example`, `//evil.example`, `/\t/evil.example`,
 * `https://evil.example` and `javascript:…` all land somewhere else and fall back. What is returned is
 * the resolved path, never the raw input, so the browser cannot read it differently from us.
 */
export const DEFAULT_AFTER_SIGN_IN = "/queue";

// Any origin we own would do; `.invalid` can never be a real host (RFC 2606).
const PLACEHOLDER_ORIGIN = "http://optimizarr.invalid";

/**
 * `raw` as a same-origin path (`/queue?status=failed#top`), or `fallback`. `origin` is this site's
 * origin when `raw` may be an absolute URL of our own (next-auth passes those).
 */
export function safeCallbackPath(raw: string | null | undefined, options: { origin?: string; fallback?: string } = {}): string {
  const fallback = options.fallback ?? DEFAULT_AFTER_SIGN_IN;
  if (!raw) return fallback;
  const origin = options.origin ?? PLACEHOLDER_ORIGIN;
  let resolved: URL;
  try {
    resolved = new URL(raw, origin);
  } catch {
    return fallback;
  }
  if (resolved.origin !== new URL(origin).origin) return fallback;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as another host.
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
