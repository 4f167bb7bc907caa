import Link from "next/link";

export default function NotFound() {
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
