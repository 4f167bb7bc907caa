/**
 * All tRPC wiring in one place:
 * 1. context (db, session, how the caller authenticated)
 * 2. initialisation (superjson, error formatting)
 * 3. procedures (public, protected)
 *
 * @see https://trpc.io/docs/server/context
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Session } from "next-auth";
import { auth } from "~/server/auth";
import { db, type Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { reloadPrivatePaths } from "~/server/privacy/load-private-paths";
import { privateFoldersLoaded, scrubPrivateText, scrubPrivateValues } from "~/server/privacy/private-paths";
import { hasSessionCookie } from "~/server/security/session-cookie";
import { SummarisedLogLine } from "~/server/security/summarised-log-line";
import { isValidInstanceApiKey } from "~/server/settings/settings-service";
import { ShuttingDownError } from "~/server/shutdown-state";

const log = createLogger("trpc");

// 1. CONTEXT

export type Caller = { kind: "session"; session: Session } | { kind: "apiKey" } | null;

interface InnerContext {
  db: Database;
  caller: Caller;
  headers: Headers;
}

/** Context without Next: integration tests build it directly with a fake caller. */
export function createInnerTRPCContext(options: { caller: Caller; headers?: Headers; database?: Database }): InnerContext {
  return { db: options.database ?? db, caller: options.caller, headers: options.headers ?? new Headers() };
}

/**
 * Per request: an `X-Api-Key` header (automation, like Sonarr's) decides alone — a wrong key is 401
 * even beside a session cookie; otherwise the signed-in session, if any.
 */
export async function createTRPCContext(options: { headers: Headers }): Promise<InnerContext> {
  const presentedKey = options.headers.get("x-api-key");
  let caller: Caller = null;
  if (presentedKey !== null) {
    if (await isValidInstanceApiKey(db, presentedKey)) caller = { kind: "apiKey" };
  } else if (hasSessionCookie(options.headers)) {
    // No cookie, no session: anonymous requests skip next-auth's token decryption entirely.
    const session = await auth();
    if (session?.user) caller = { kind: "session", session };
  }
  return createInnerTRPCContext({ caller, headers: options.headers });
}

// 2. INITIALISATION

/** Extra data a service attaches to an error, e.g. the category of a failed connection test. */
export interface ErrorCauseWithCategory {
  category: string;
}

function categoryOf(cause: unknown): string | undefined {
  if (cause && typeof cause === "object" && "category" in cause && typeof cause.category === "string") return cause.category;
  return undefined;
}

/** Shown instead of an unexpected error's own message, which may quote a path or a SQL statement. */
export const INTERNAL_ERROR_MESSAGE = "Something went wrong inside Optimizarr (details in System → Logs)";

const t = initTRPC.context<typeof createTRPCContext>().create({
  transformer: superjson,
  // The error half of the privacy boundary: no message or field error leaves with a private path in it.
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? scrubPrivateValues(z.flattenError(error.cause)) : null;
    const message = error.code === "INTERNAL_SERVER_ERROR" ? INTERNAL_ERROR_MESSAGE : zodError ? summariseZodError(error.cause as ZodError) : shape.message;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      // A failing input names its fields: "name: Too small" beats "Bad Request".
      message: scrubPrivateText(message),
      data: { ...data, zodError, category: categoryOf(error.cause) ?? null },
    };
  },
});

function summariseZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

// 3. PROCEDURES

/** Anyone can send requests without a session: one line, then a count per minute, not a line each. */
const unauthenticatedRefusals = new SummarisedLogLine((count) => log.warn({ count }, "requests refused without a session or valid API key"));

const timingMiddleware = t.middleware(async ({ next, path, type }) => {
  const start = performance.now();
  const result = await next();
  const durationMs = Math.round(performance.now() - start);
  if (!result.ok && result.error.code === "UNAUTHORIZED") {
    unauthenticatedRefusals.record();
  } else if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    log.error({ path, type, durationMs, err: { name: result.error.name, message: result.error.message } }, "procedure failed");
  } else {
    log.debug({ path, type, durationMs, ok: result.ok }, "procedure");
  }
  return result;
});

/**
 * Fields a configuration form shows and saves back exactly as the admin typed them (a connection's
 * address and path mappings): scrubbing them would write the placeholder over the real value.
 */
const ADMIN_CONFIGURATION_FIELDS: ReadonlySet<string> = new Set(["baseUrl", "pathMappings"]);

/**
 * The output half of the privacy boundary: every procedure's result passes through here, so a new
 * procedure cannot forget it. DTO mappers already label private items (`[Private]` or the alias);
 * this catches every other string that quotes a private path (errors, health, logs, problems).
 */
const privacyBoundary = t.middleware(async ({ ctx, next }) => {
  if (!privateFoldersLoaded()) await reloadPrivatePaths(ctx.db);
  const result = await next();
  return result.ok ? { ...result, data: scrubPrivateValues(result.data, ADMIN_CONFIGURATION_FIELDS) } : result;
});

/** Work refused because the server is stopping (src/server/shutdown.ts) is a 503 to retry, not an internal error. */
const refusedWhileStopping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ShuttingDownError) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: result.error.cause.message });
  return result;
});

export const publicProcedure = t.procedure.use(timingMiddleware).use(privacyBoundary).use(refusedWhileStopping);

/** Signed-in session or instance API key; anything else is 401 UNAUTHORIZED. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or send a valid X-Api-Key header" });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});
