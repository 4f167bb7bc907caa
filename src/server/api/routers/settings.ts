import { fieldError } from "~/server/api/field-error";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { maskSecret, lastFourOf } from "~/server/crypto/secret-box";
import { runningEncoder } from "~/server/encoder/worker";
import { encoderSettingsUpdateSchema } from "~/server/settings/encoder-settings";
import { generalSettingsUpdateSchema } from "~/server/settings/general-settings";
import {
  getEncoderSettings,
  getGeneralSettings,
  updateEncoderSettings,
  getInstanceApiKey,
  isApiKeyFromEnvironment,
  regenerateInstanceApiKey,
  SettingsConflictError,
  updateGeneralSettings,
} from "~/server/settings/settings-service";
import { TRPCError } from "@trpc/server";

export const settingsRouter = createTRPCRouter({
  encoder: protectedProcedure.query(({ ctx }) => getEncoderSettings(ctx.db)),

  /** Settings → Encoding; the worker applies a change at its next round, which this starts. */
  updateEncoder: protectedProcedure.input(encoderSettingsUpdateSchema).mutation(async ({ ctx, input }) => {
    try {
      const settings = await updateEncoderSettings(ctx.db, input);
      void runningEncoder()?.tick();
      return settings;
    } catch (error) {
      if (!(error instanceof SettingsConflictError)) throw error;
      throw fieldError("BAD_REQUEST", error.message, error.field);
    }
  }),

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
