/**
 * CSRF defence for requests a browser could send from another site with our session cookie
 * attached. `SameSite=Lax` is not enough on a home server: another app on another port of the same
 * host is "same-site", so its pages' form posts carry our cookie.
 *
 * A request authenticated by `X-Api-Key` is exempt: a page cannot add that header to a cross-origin
 * request without a CORS preflight, which Optimizarr never answers.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#verifying-origin-with-standard-headers
 */

/** Why a state-changing request was refused; each reason has its own message. */
export type CrossSiteRefusal = "cross_site" | "foreign_origin" | "no_origin" | "not_json";

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

const REFUSAL_MESSAGES = {
  cross_site: "Cross-site request refused",
  foreign_origin: "Request from another origin refused: send it from Optimizarr's own pages, or authenticate with the X-Api-Key header",
  no_origin: "Request without an Origin or Referer header refused: authenticate scripts with the X-Api-Key header",
  not_json: "Only application/json requests are accepted here",
} satisfies Record<CrossSiteRefusal, string>;

export interface CrossSiteCheckOptions {
  /** tRPC takes JSON only; a form post (multipart, urlencoded, text/plain) needs no preflight, so refuse it. */
  requireJson: boolean;
  /** Optimizarr's public address (PUBLIC_URL), accepted as an origin besides the request's own host. */
  publicUrl?: string;
}

export function crossSiteRefusalOf(request: Request, options: CrossSiteCheckOptions): CrossSiteRefusal | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const headers = request.headers;
  if (headers.has("x-api-key")) return null;
  if (headers.get("sec-fetch-site") === "cross-site") return "cross_site";
  if (options.requireJson && mimeTypeOf(headers.get("content-type")) !== "application/json") return "not_json";
  const origin = claimedOriginOf(headers);
  if (origin === null) return "no_origin";
  return isOwnOrigin(origin, request, options.publicUrl) ? null : "foreign_origin";
}

/** 403 with a JSON message when the request must be refused; null when it may go on. */
export function refuseCrossSiteRequest(request: Request, options: CrossSiteCheckOptions): Response | null {
  const refusal = crossSiteRefusalOf(request, options);
  if (refusal === null) return null;
  return Response.json({ error: { code: "FORBIDDEN", reason: refusal, message: REFUSAL_MESSAGES[refusal] } }, { status: 403 });
}

function mimeTypeOf(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** `Origin`, else the origin of `Referer` (older browsers omit Origin on some requests); `null` for none. */
function claimedOriginOf(headers: Headers): URL | null {
  for (const value of [headers.get("origin"), headers.get("referer")]) {
    // "null" is the opaque origin of sandboxed frames and file: pages: never ours.
    if (!value || value === "null") continue;
    try {
      return new URL(value);
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The request's own host (as the browser addressed it: Host, or X-Forwarded-Host behind a reverse
 * proxy; a cross-site page cannot set either) or PUBLIC_URL. Hosts include the port, so another app
 * on the same machine is foreign.
 */
function isOwnOrigin(origin: URL, request: Request, publicUrl: string | undefined): boolean {
  if (publicUrl !== undefined && new URL(publicUrl).origin === origin.origin) return true;
  const ownHosts = [request.headers.get("x-forwarded-host"), request.headers.get("host"), new URL(request.url).host];
  return ownHosts.some((host) => host !== null && host.toLowerCase() === origin.host);
}
