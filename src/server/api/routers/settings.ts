import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { maskSecret, lastFourOf } from "~/server/crypto/secret-box";
import { generalSettingsUpdateSchema } from "~/server/settings/general-settings";
import {
  getGeneralSettings,
  getInstanceApiKey,
  isApiKeyFromEnvironment,
  regenerateInstanceApiKey,
  updateGeneralSettings,
} from "~/server/settings/settings-service";
import { TRPCError } from "@trpc/server";

export const settingsRouter = createTRPCRouter({
  general: protectedProcedure.query(({ ctx }) => getGeneralSettings(ctx.db)),

  updateGeneral: protectedProcedure.input(generalSettingsUpdateSchema).mutation(({ ctx, input }) => updateGeneralSettings(ctx.db, input)),

  apiKey: protectedProcedure.query(async ({ ctx }) => ({
    apiKeyMasked: maskSecret(lastFourOf(await getInstanceApiKey(ctx.db))),
    fromEnvironment: isApiKeyFromEnvironment(),
  })),

  /** A mutation, so the full key never sits in a URL or a cached query. */
  revealApiKey: protectedProcedure.mutation(async ({ ctx }) => ({ apiKey: await getInstanceApiKey(ctx.db) })),

  regenerateApiKey: protectedProcedure.mutation(async ({ ctx }) => {
    if (isApiKeyFromEnvironment()) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "The API key comes from OPTIMIZARR_API_KEY; change it there" });
    }
    return { apiKey: await regenerateInstanceApiKey(ctx.db) };
  }),
});
