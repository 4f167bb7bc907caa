import { db } from "~/server/db";
import { isShuttingDown, trackRequestWork } from "~/server/shutdown-state";
import { handleWebhookRequest } from "~/server/webhooks/receive-webhook";

// Deliveries write to SQLite and read the raw body stream: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Sonarr/Radarr webhook deliveries (public contract: ../shared/specs/api-contract.md, "HTTP
 * routes"). Unauthenticated by session: each delivery carries its connection's webhook secret.
 */
export async function POST(request: Request, context: { params: Promise<{ appType: string }> }): Promise<Response> {
  // Stopping: a 5xx is what makes the app deliver again, and a delivery begun now could not finish.
  if (isShuttingDown()) return Response.json({ error: "Optimizarr is shutting down: deliver again shortly" }, { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "30" } });
  const { appType } = await context.params;
  // Shutdown waits for a delivery in progress before it closes the database.
  return trackRequestWork(handleWebhookRequest(db, request, appType));
}
