import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { cancelEncodes } from "~/server/encoder/encoder-service";
import { clearRemovedQueueItems, removeQueueItems, requeueQueueItems, setQueueItemsPriority, skipQueueItems } from "~/server/queue/queue-actions";
import { queueIdsInput, queueListInput, queueSetPriorityInput } from "~/server/queue/queue-inputs";
import { countQueueByStatus, listQueue } from "~/server/queue/queue-service";

/** Public contract: ../shared/specs/api-contract.md (`queue` router). */
export const queueRouter = createTRPCRouter({
  list: protectedProcedure.input(queueListInput).query(({ ctx, input }) => listQueue(ctx.db, input)),

  counts: protectedProcedure.query(({ ctx }) => countQueueByStatus(ctx.db)),

  remove: protectedProcedure.input(queueIdsInput).mutation(({ ctx, input }) => removeQueueItems(ctx.db, input.ids)),

  /** Deletes every item whose status is `removed`. */
  clearRemoved: protectedProcedure.mutation(({ ctx }) => clearRemovedQueueItems(ctx.db)),

  skip: protectedProcedure.input(queueIdsInput).mutation(({ ctx, input }) => skipQueueItems(ctx.db, input.ids)),

  requeue: protectedProcedure.input(queueIdsInput).mutation(({ ctx, input }) => requeueQueueItems(ctx.db, input.ids)),

  /** Stops running encodes (originals untouched); the items are skipped until re-queued. */
  cancel: protectedProcedure.input(queueIdsInput).mutation(({ input }) => cancelEncodes(input.ids)),

  setPriority: protectedProcedure.input(queueSetPriorityInput).mutation(({ ctx, input }) => setQueueItemsPriority(ctx.db, input.ids, input.priority)),
});
