import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "~/env";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { limitRequestBody } from "~/server/security/body-limit";
import { refuseCrossSiteRequest } from "~/server/security/cross-site-guard";
import { MAX_TRPC_BATCH_SIZE, MAX_TRPC_BODY_BYTES } from "~/server/security/request-limits";

export const dynamic = "force-dynamic";

/**
 * Cheap refusals first, before the session lookup and before tRPC reads the body: cross-site
 * requests (CSRF), oversized bodies, oversized batches.
 */
async function handler(req: Request): Promise<Response> {
  const crossSite = refuseCrossSiteRequest(req, { requireJson: true, publicUrl: env.PUBLIC_URL });
  if (crossSite) return crossSite;
  const limited = await limitRequestBody(req, MAX_TRPC_BODY_BYTES);
  if (!limited.ok) return limited.response;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limited.request,
    router: appRouter,
    maxBatchSize: MAX_TRPC_BATCH_SIZE,
    createContext: () => createTRPCContext({ headers: req.headers }),
  });
}

export { handler as GET, handler as POST };
