import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { getEncoderOptions, getEncoderStatus, pauseEncoder, resumeEncoder, setEncodePaused } from "~/server/encoder/encoder-service";
import { listEncodeJobs } from "~/server/encoder/encode-history";

const itemInput = z.object({ id: z.number().int().positive() });

/** Public contract: ../shared/specs/api-contract.md (`encoder` router). `queue.cancel` stops encodes. */
export const encoderRouter = createTRPCRouter({
  status: protectedProcedure.query(({ ctx }) => getEncoderStatus(ctx.db)),

  pause: protectedProcedure.mutation(({ ctx }) => pauseEncoder(ctx.db)),

  resume: protectedProcedure.mutation(({ ctx }) => resumeEncoder(ctx.db)),

  pauseItem: protectedProcedure.input(itemInput).mutation(({ input }) => ({ ok: requireRunning(setEncodePaused(input.id, true)) })),

  resumeItem: protectedProcedure.input(itemInput).mutation(({ input }) => ({ ok: requireRunning(setEncodePaused(input.id, false)) })),

  /** The encoders ffmpeg can run here (a real test encode each); `refresh` tests them again. */
  encoders: protectedProcedure.input(z.object({ refresh: z.boolean().optional() }).optional()).query(({ input }) => getEncoderOptions(input ?? {})),

  /** One item's encode attempts, newest first. */
  jobs: protectedProcedure.input(z.object({ itemId: z.number().int().positive() })).query(({ ctx, input }) => listEncodeJobs(ctx.db, input.itemId)),
});

function requireRunning(found: boolean): true {
  if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "That item is not being encoded right now" });
  return true;
}
