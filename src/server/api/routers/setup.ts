import { TRPCError } from "@trpc/server";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { adminAccountSchema, createAdminAccount, needsSetup, SetupAlreadyDoneError } from "~/server/auth/admin-account";

/** First run: the only procedures reachable without signing in. */
export const setupRouter = createTRPCRouter({
  status: publicProcedure.query(async ({ ctx }) => ({ needsSetup: await needsSetup(ctx.db) })),

  createAdmin: publicProcedure.input(adminAccountSchema).mutation(async ({ ctx, input }) => {
    try {
      const user = await createAdminAccount(ctx.db, input);
      return { username: user.username };
    } catch (error) {
      if (error instanceof SetupAlreadyDoneError) throw new TRPCError({ code: "FORBIDDEN", message: error.message });
      throw error;
    }
  }),
});
