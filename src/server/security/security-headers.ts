/**
 * Response headers that keep pages from being framed, sniffed or made to run injected script.
 * Pages get them from src/proxy.ts (with a fresh script nonce per request); API routes and static
 * files from next.config.mjs, which keeps its own copy because it cannot import TypeScript.
 *
 * @see node_modules/next/dist/docs/01-app/02-guides/content-security-policy.md
 */

/** Headers every response carries, whatever it is. */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  // frame-ancestors in the CSP says the same to current browsers; this covers older ones.
  "X-Frame-Options": "DENY",
  // Queue URLs carry search terms (possibly a private file's name): never send them to another site.
  "Referrer-Policy": "same-origin",
};

/**
 * The policy for a page. Scripts run only with the request's nonce: Next reads it from this header
 * and puts it on its own inline and bundle scripts; 'strict-dynamic' lets those load their chunks.
 * Styles allow 'unsafe-inline' (no nonce there, or the browser would ignore 'unsafe-inline'): React
 * renders `style` attributes and toasts inject a <style> element, neither of which can carry a nonce.
 * No `upgrade-insecure-requests`: Optimizarr is usually served over plain http on a home network.
 */
export function pageContentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  const directives = [
    "default-src 'self'",
    // React uses eval in development only, to rebuild server error stacks in the browser.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    // Development's hot reload talks over a websocket to the same host.
    `connect-src 'self'${options.development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable, and fresh for every page request. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
