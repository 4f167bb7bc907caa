import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { LOG_LEVELS } from "~/server/system/log-levels";
import { queryLogs } from "~/server/system/log-query";
import { serverClock } from "~/server/system/server-clock";
import { getSystemStatus } from "~/server/system/system-status";

const logsInput = z
  .object({
    /** Minimum level: `warn` returns warn, error and fatal. */
    level: z.enum(LOG_LEVELS).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    /** `nextBefore` of the previous page. */
    before: z
      .string()
      .max(32)
      .regex(/^\d{1,9}:\d{1,15}$/, "Use the nextBefore value of a previous page")
      .optional(),
  })
  .prefault({});

export const systemRouter = createTRPCRouter({
  status: protectedProcedure.query(({ ctx }) => getSystemStatus(ctx.db)),

  /** The server's time zone and time: rest hours are evaluated there, not in the browser's zone. */
  clock: protectedProcedure.query(() => serverClock()),

  logs: protectedProcedure.input(logsInput).query(({ input }) => queryLogs(input)),
});
