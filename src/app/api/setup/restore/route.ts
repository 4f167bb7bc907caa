import { env } from "~/env";
import { restoreFromFirstRun } from "~/server/backup/backup-http";
import { db } from "~/server/db";
import { refuseCrossSiteRequest } from "~/server/security/cross-site-guard";

// Writes the upload to the data dir and replaces the database: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** First-run "Restore from a backup" (multipart form); refused once an admin exists. */
export async function POST(request: Request): Promise<Response> {
  // Unauthenticated, and it replaces the database: never from another origin (CSRF).
  return refuseCrossSiteRequest(request, { requireJson: false, publicUrl: env.PUBLIC_URL }) ?? restoreFromFirstRun(db, request);
}
