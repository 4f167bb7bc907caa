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

/**
 * The input as the tRPC client sends it. superjson refuses to serialise an own `__proto__` key, but
 * a hand-written client can still send one, so such inputs go out as a plain `{json}` envelope.
 */
function encodeInput(input: unknown): string {
  try {
    return JSON.stringify(SuperJSON.serialize(input));
  } catch {
    return JSON.stringify({ json: input }, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
  }
}

/** One unbatched tRPC call over the fetch adapter the app serves, authenticated by X-Api-Key. */
export async function postOverHttp(procedure: string, input: unknown, apiKey: string): Promise<{ status: number; body: unknown }> {
  const req = new Request(`http://localhost/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: encodeInput(input),
  });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => createTRPCContext({ headers: req.headers }) });
  return { status: res.status, body: await res.json() };
}

/**
 * One unbatched tRPC query over the fetch adapter, as the browser sends it: GET with the
 * superjson-encoded input in `?input=`, authenticated by X-Api-Key.
 */
export async function getOverHttp(procedure: string, input: unknown, apiKey: string): Promise<{ status: number; body: unknown }> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(encodeInput(input))}`;
  return sendOverHttp(new Request(`http://localhost/api/trpc/${procedure}${query}`, { headers: { "x-api-key": apiKey } }));
}

/**
 * Sends bytes exactly as given, skipping superjson: for callers that get the envelope
 * (`{json, meta}`) or the JSON itself wrong. `raw` is the POST body, or the `?input=` text for a GET.
 */
export async function sendRawOverHttp(
  procedure: string,
  method: "GET" | "POST",
  raw: string,
  apiKey: string,
  contentType = "application/json",
): Promise<{ status: number; body: unknown }> {
  const url = `http://localhost/api/trpc/${procedure}`;
  const request =
    method === "GET"
      ? new Request(`${url}?input=${encodeURIComponent(raw)}`, { headers: { "x-api-key": apiKey } })
      : new Request(url, { method: "POST", headers: { "content-type": contentType, "x-api-key": apiKey }, body: raw });
  return sendOverHttp(request);
}

async function sendOverHttp(req: Request): Promise<{ status: number; body: unknown }> {
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => createTRPCContext({ headers: req.headers }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}
