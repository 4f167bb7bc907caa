import Link from "next/link";

/** The way out of an empty queue or empty statistics: both need files, and files come from these two. */
export function AddSourcesHint() {
  return (
    <>
      Add a{" "}
      <Link href="/settings/scan-roots" className="text-primary hover:underline">
        scan root
      </Link>{" "}
      or a{" "}
      <Link href="/settings/connections" className="text-primary hover:underline">
        connection
      </Link>
      .
    </>
  );
}
