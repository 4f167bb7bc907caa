import { z } from "zod";

export const statsSummaryInput = z.object({ includePrivate: z.boolean().default(false) }).default({ includePrivate: false });
export type StatsSummaryInput = z.output<typeof statsSummaryInput>;
