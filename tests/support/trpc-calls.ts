import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import SuperJSON from "superjson";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";

/** The TRPCError a call rejects with; fails the test when the call succeeds or throws anything else. */
export async function trpcErrorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected a TRPCError, but the call succeeded");
}

/** One unbatched tRPC call over the fetch adapter the app serves, authenticated by X-Api-Key. */
export async function postOverHttp(procedure: string, input: unknown, apiKey: string): Promise<{ status: number; body: unknown }> {
  const req = new Request(`http://localhost/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify(SuperJSON.serialize(input)),
  });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => createTRPCContext({ headers: req.headers }) });
  return { status: res.status, body: await res.json() };
}
