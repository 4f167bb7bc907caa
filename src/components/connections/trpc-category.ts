import { TRPCClientError } from "@trpc/client";

/** The failure category a connections mutation attached (`data.category`: unauthorized, tls…), if any. */
export function categoryOf(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (!data || typeof data !== "object" || !("category" in data)) return null;
  return typeof data.category === "string" ? data.category : null;
}
