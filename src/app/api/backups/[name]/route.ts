import { downloadBackup } from "~/server/backup/backup-http";

// Streams a file from the data dir: Node runtime, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Downloads one backup archive listed in System → Backup (session or X-Api-Key, like tRPC). */
export async function GET(request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const { name } = await context.params;
  return downloadBackup(request, name);
}
