import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { savingsStatsInput, statsSummaryInput } from "~/server/stats/stats-inputs";
import { savingsStats } from "~/server/stats/savings-stats";
import { statsSummary } from "~/server/stats/stats-service";

/** Public contract: ../shared/specs/api-contract.md (`stats` router). */
export const statsRouter = createTRPCRouter({
  summary: protectedProcedure.input(statsSummaryInput).query(({ ctx, input }) => statsSummary(ctx.db, input)),

  /** Space saved by encoding: total, per day over `days`, per source. */
  savings: protectedProcedure.input(savingsStatsInput).query(({ ctx, input }) => savingsStats(ctx.db, input)),
});
