import { NextResponse, type NextRequest } from "next/server";

/**
 * Signed-out redirect only, from the presence of the session cookie; not an auth boundary.
 * Pages check the session (and first-run state) on the server, API routes authorise per call.
 */
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/login";
  url.search = request.nextUrl.pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except sign-in, first run, APIs (they answer 401 themselves) and static files.
  matcher: ["/((?!login|setup|api/|_next/|favicon.ico|icon.svg|.*\\.(?:png|svg|ico|css|js)$).*)"],
};
