import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { ZodRealError } from "zod";
import { createTRPCRouter, protectedProcedure, type Caller } from "~/server/api/trpc";
import { clientIpOf } from "~/server/auth/client-ip";
import { loginThrottle } from "~/server/auth/login-throttle";
import { changePassword, PasswordChangeError, passwordChangeSchema, type PasswordChangeErrorKind } from "~/server/auth/password-change";
import { signOutEverywhere } from "~/server/auth/session-version";

const TRPC_CODES = {
  wrong_password: "BAD_REQUEST",
  no_such_user: "UNAUTHORIZED",
  throttled: "TOO_MANY_REQUESTS",
} as const satisfies Record<PasswordChangeErrorKind, TRPC_ERROR_CODE_KEY>;

/** The signed-in user's id. The instance API key belongs to no user, so it cannot manage one. */
function sessionUserIdOf(caller: NonNullable<Caller>): number {
  const userId = caller.kind === "session" ? Number(caller.session.user.id) : Number.NaN;
  if (!Number.isSafeInteger(userId)) throw new TRPCError({ code: "FORBIDDEN", message: "Sign in as the admin to manage the account; the API key cannot" });
  return userId;
}

/** A field error travels as a ZodError cause, so the form shows it under the field like input validation. */
function toTRPCError(error: unknown): unknown {
  if (!(error instanceof PasswordChangeError)) return error;
  const cause = error.field ? new ZodRealError([{ code: "custom", path: [error.field], message: error.message, input: undefined }]) : undefined;
  return new TRPCError({ code: TRPC_CODES[error.kind], message: error.message, cause });
}

export const accountRouter = createTRPCRouter({
  /** Also signs out every browser, this one included (see password-change.ts). */
  changePassword: protectedProcedure.input(passwordChangeSchema).mutation(async ({ ctx, input }) => {
    try {
      // The sign-in throttle, keyed like sign-in: the guarded X-Forwarded-For names the client.
      await changePassword(ctx.db, sessionUserIdOf(ctx.caller), input, { throttle: loginThrottle, clientIp: clientIpOf(ctx.headers) });
    } catch (error) {
      throw toTRPCError(error);
    }
    return { signedOut: true as const };
  }),

  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    await signOutEverywhere(ctx.db, sessionUserIdOf(ctx.caller));
    return { signedOut: true as const };
  }),
});
