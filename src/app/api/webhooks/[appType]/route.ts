import { db } from "~/server/db";
import { handleWebhookRequest } from "~/server/webhooks/receive-webhook";

// Deliveries write to SQLite and read the raw body stream: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Sonarr/Radarr webhook deliveries (public contract: ../shared/specs/api-contract.md, "HTTP
 * routes"). Unauthenticated by session: each delivery carries its connection's webhook secret.
 */
export async function POST(request: Request, context: { params: Promise<{ appType: string }> }): Promise<Response> {
  const { appType } = await context.params;
  return handleWebhookRequest(db, request, appType);
}
