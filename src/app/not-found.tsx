import Link from "next/link";
import { connection } from "next/server";

/**
 * Rendered per request, not prerendered: every page's scripts carry the request's CSP nonce
 * (src/proxy.ts), and a static 404 would have none, so its scripts would be blocked.
 */
export default async function NotFound() {
  await connection();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-4 text-center">
      <p className="text-5xl font-semibold text-primary">404</p>
      <p className="text-muted">This page does not exist.</p>
      <Link href="/queue" className="text-primary hover:underline">
        Back to the queue
      </Link>
    </main>
  );
}
