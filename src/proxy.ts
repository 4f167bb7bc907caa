import { NextResponse, type NextRequest } from "next/server";
import { BASELINE_SECURITY_HEADERS, createNonce, pageContentSecurityPolicy } from "~/server/security/security-headers";
import { safeCallbackPath } from "~/lib/safe-callback-path";

/**
 * Two jobs for every page and public file:
 * 1. security headers, with a fresh script nonce for the page's Content-Security-Policy
 *    (src/server/security/security-headers.ts; API routes and /_next get theirs from next.config.mjs);
 * 2. the signed-out redirect, from the presence of the session cookie. Not an auth boundary: pages
 *    check the session (and first-run state) on the server, API routes authorise per call.
 */
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/** Reachable signed out: sign-in, first run, and the public folder's files. */
const SIGNED_OUT_PATHS = /^\/(?:login|setup|favicon\.ico|icon\.svg)|\.(?:png|svg|ico|css|js)$/;

export function proxy(request: NextRequest) {
  const policy = pageContentSecurityPolicy(createNonce(), { development: process.env.NODE_ENV === "development" });
  const response = needsSignIn(request) ? redirectToSignIn(request) : continueWithPolicy(request, policy);
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

function needsSignIn(request: NextRequest): boolean {
  if (SIGNED_OUT_PATHS.test(request.nextUrl.pathname)) return false;
  return !SESSION_COOKIES.some((name) => request.cookies.has(name));
}

/** Next takes the nonce from the request's policy header and puts it on the scripts it renders. */
function continueWithPolicy(request: NextRequest, policy: string): NextResponse {
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  return NextResponse.next({ request: { headers } });
}

function redirectToSignIn(request: NextRequest): NextResponse {
  const url = request.nextUrl.clone();
  url.pathname = "/login";
  url.search = request.nextUrl.pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(safeCallbackPath(request.nextUrl.pathname + request.nextUrl.search))}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except APIs (they answer 401 themselves, and a matched request's body would be buffered
  // before the route's own size cap sees it) and Next's build output.
  matcher: ["/((?!api/|_next/).*)"],
};
