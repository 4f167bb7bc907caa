import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { statsSummaryInput } from "~/server/stats/stats-inputs";
import { statsSummary } from "~/server/stats/stats-service";

/** Public contract: ../shared/specs/api-contract.md (`stats` router). */
export const statsRouter = createTRPCRouter({
  summary: protectedProcedure.input(statsSummaryInput).query(({ ctx, input }) => statsSummary(ctx.db, input)),
});
