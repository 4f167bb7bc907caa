import { TRPCClientError } from "@trpc/client";

/** The message to show for a failed call: the server's own words, or a fallback for network trouble. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message || "The request failed";
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
