import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import { setupRouter } from "~/server/api/routers/setup";
import { settingsRouter } from "~/server/api/routers/settings";
import { scanRootsRouter } from "~/server/api/routers/scan-roots";
import { queueRouter } from "~/server/api/routers/queue";
import { statsRouter } from "~/server/api/routers/stats";
import { systemRouter } from "~/server/api/routers/system";
import { connectionsRouter } from "~/server/api/routers/connections";
import { accountRouter } from "~/server/api/routers/account";
import { backupRouter } from "~/server/api/routers/backup";
import { encoderRouter } from "~/server/api/routers/encoder";

/** The one router registry. Procedure names are a public contract: ../shared/specs/api-contract.md. */
export const appRouter = createTRPCRouter({
  setup: setupRouter,
  settings: settingsRouter,
  scanRoots: scanRootsRouter,
  queue: queueRouter,
  stats: statsRouter,
  system: systemRouter,
  connections: connectionsRouter,
  account: accountRouter,
  backup: backupRouter,
  encoder: encoderRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
