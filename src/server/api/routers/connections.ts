import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import {
  connectionIdSchema,
  createConnectionInputSchema,
  syncInputSchema,
  syncRunInputSchema,
  syncRunsInputSchema,
  testConnectionInputSchema,
  updateConnectionInputSchema,
} from "~/server/connections/connection-schemas";
import {
  createConnection,
  deleteConnection,
  enrichQueue,
  getConnection,
  getSyncRunHistory,
  getSyncRunProgress,
  listConnections,
  syncConnection,
  testConnection,
  updateConnection,
} from "~/server/connections/connection-service";
import {
  registerWebhookInputSchema,
  retryWebhookDeliveryInputSchema,
  unregisterWebhookInputSchema,
  webhookDeliveriesInputSchema,
} from "~/server/webhooks/webhook-schemas";
import {
  listWebhookDeliveries,
  registerConnectionWebhook,
  retryWebhookDelivery,
  unregisterConnectionWebhook,
} from "~/server/webhooks/webhook-service";

/**
 * Sonarr/Radarr (later Stash) connections. Names and shapes are a public contract
 * (../shared/specs/api-contract.md). Everything that carries an API key is a mutation, so a key
 * never sits in a URL or a request log.
 */
const byId = z.object({ id: connectionIdSchema });

export const connectionsRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listConnections(ctx.db)),

  byId: protectedProcedure.input(byId).query(({ ctx, input }) => getConnection(ctx.db, input.id)),

  /** Never throws for a remote failure: `{ok: false, category, message}`. */
  test: protectedProcedure.input(testConnectionInputSchema).mutation(({ ctx, input }) => testConnection(ctx.db, input)),

  create: protectedProcedure.input(createConnectionInputSchema).mutation(({ ctx, input }) => createConnection(ctx.db, input)),

  update: protectedProcedure.input(updateConnectionInputSchema).mutation(({ ctx, input }) => updateConnection(ctx.db, input)),

  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteConnection(ctx.db, input.id)),

  sync: protectedProcedure.input(syncInputSchema).mutation(({ ctx, input }) => syncConnection(ctx.db, input.id, input.full)),

  syncRun: protectedProcedure.input(syncRunInputSchema).query(({ ctx, input }) => getSyncRunProgress(ctx.db, input.runId)),

  syncRuns: protectedProcedure.input(syncRunsInputSchema).query(({ ctx, input }) => getSyncRunHistory(ctx.db, input.id, input.limit)),

  enrichQueue: protectedProcedure.input(byId).mutation(({ ctx, input }) => enrichQueue(ctx.db, input.id)),

  /** Adds (or updates) Optimizarr as a webhook in Sonarr/Radarr, which tests `callbackUrl` live first. */
  registerWebhook: protectedProcedure
    .input(registerWebhookInputSchema)
    .mutation(({ ctx, input }) => registerConnectionWebhook(ctx.db, input.id, input.callbackUrl)),

  unregisterWebhook: protectedProcedure
    .input(unregisterWebhookInputSchema)
    .mutation(({ ctx, input }) => unregisterConnectionWebhook(ctx.db, input.id, input.force)),

  /** Newest first; failed ones are `retryable`. */
  webhookDeliveries: protectedProcedure
    .input(webhookDeliveriesInputSchema)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.db, input.id, input.limit)),

  /** Re-runs a failed delivery's stored body. */
  retryWebhookDelivery: protectedProcedure
    .input(retryWebhookDeliveryInputSchema)
    .mutation(({ ctx, input }) => retryWebhookDelivery(ctx.db, input.deliveryId)),
});
