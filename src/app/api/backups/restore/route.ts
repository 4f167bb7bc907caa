import { uploadRestore } from "~/server/backup/backup-http";

// Writes the upload to the data dir: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Stages an uploaded backup archive; it replaces the database at the next start (session or X-Api-Key). */
export async function POST(request: Request): Promise<Response> {
  return uploadRestore(request);
}
