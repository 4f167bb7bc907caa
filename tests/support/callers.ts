import { createCaller } from "~/server/api/root";
import { createInnerTRPCContext } from "~/server/api/trpc";

/** A tRPC caller as a signed-in admin, against the test DB. */
export function signedInCaller() {
  return createCaller(
    createInnerTRPCContext({
      caller: { kind: "session", session: { user: { id: "1", name: "admin" }, expires: new Date(Date.now() + 3_600_000).toISOString() } },
    }),
  );
}

export function anonymousCaller() {
  return createCaller(createInnerTRPCContext({ caller: null }));
}
