import type { NextRequest } from "next/server";
import { env } from "~/env";
import { GET, POST as nextAuthPost } from "~/server/auth/route-handlers";
import { refuseCrossSiteRequest } from "~/server/security/cross-site-guard";

export { GET };

/**
 * next-auth checks its own CSRF token on sign-in and sign-out; refusing other origins first also
 * stops a foreign page from signing the browser in to an account of its choosing.
 */
export async function POST(request: NextRequest): Promise<Response> {
  return refuseCrossSiteRequest(request, { requireJson: false, publicUrl: env.PUBLIC_URL }) ?? nextAuthPost(request);
}
