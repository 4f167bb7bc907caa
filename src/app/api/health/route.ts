import { db } from "~/server/db";

export const dynamic = "force-dynamic";

/** For container health checks: unauthenticated, so it says nothing but "up" or "down". */
export async function GET() {
  try {
    await db.$queryRawUnsafe("SELECT 1");
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "error" }, { status: 503 });
  }
}
