import { z } from "zod";

export const statsSummaryInput = z.object({ includePrivate: z.boolean().default(false) }).default({ includePrivate: false });
export type StatsSummaryInput = z.output<typeof statsSummaryInput>;

export const savingsStatsInput = z
  .object({ includePrivate: z.boolean().default(false), days: z.number().int().min(1).max(366).default(30) })
  .default({ includePrivate: false, days: 30 });
