import { env } from "~/env";
import { uploadRestore } from "~/server/backup/backup-http";
import { refuseCrossSiteRequest } from "~/server/security/cross-site-guard";

// Writes the upload to the data dir: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Stages an uploaded backup archive; it replaces the database at the next start (session or X-Api-Key). */
export async function POST(request: Request): Promise<Response> {
  // A cookie-authenticated upload that replaces the database: never from another origin (CSRF).
  return refuseCrossSiteRequest(request, { requireJson: false, publicUrl: env.PUBLIC_URL }) ?? uploadRestore(request);
}
