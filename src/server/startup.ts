import "server-only";
import { env } from "~/env";
import { db } from "~/server/db";
import { createLogger } from "~/server/logger";
import { createAdminAccount, needsSetup } from "~/server/auth/admin-account";
import { getInstanceApiKey } from "~/server/settings/settings-service";
import { getAuthSecret, getSecretKey } from "~/server/secrets";
import { startConnectionScheduler } from "~/server/connections/scheduler";
import { markInterruptedSyncRuns } from "~/server/connections/sync";
import { reloadPrivatePaths } from "~/server/privacy/load-private-paths";
import { reportInterruptedScans } from "~/server/scan/scan-jobs";
import { startScanScheduler } from "~/server/scan/scan-schedule";
import { startBackupScheduler } from "~/server/backup/backup-schedule";
import { markInterruptedDeliveries } from "~/server/webhooks/delivery-log";
import { retryInterruptedDeliveries } from "~/server/webhooks/retry-delivery";
import { errorSummary } from "~/server/error-code";
import { shutDownOnSignals } from "~/server/shutdown";
import { startEncoder } from "~/server/encoder/worker";

const log = createLogger("startup");

/** Everything a fresh or restarted server needs before it takes requests. */
export async function runStartupTasks(): Promise<void> {
  // First, so a stop that arrives while starting up still closes the database cleanly.
  shutDownOnSignals(db);
  // Generate the secret files now rather than on the first request that needs them.
  getSecretKey();
  getAuthSecret();
  await getInstanceApiKey(db);

  if (env.ADMIN_USERNAME && env.ADMIN_PASSWORD && (await needsSetup(db))) {
    await createAdminAccount(db, { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD });
    log.info({ username: env.ADMIN_USERNAME }, "admin account created from ADMIN_USERNAME/ADMIN_PASSWORD");
  }
  // Before anything logs a path: the logger and every output hide private folders from the first line.
  await reloadPrivatePaths(db);
  // Syncs and scans a previous process left running are over; scheduled syncs and rescans resume from the database.
  await markInterruptedSyncRuns(db);
  await reportInterruptedScans(db);
  await markInterruptedDeliveries(db);
  // In the background: a delivery may wait on its app, and the server must not wait for it.
  void retryInterruptedDeliveries(db).catch((error: unknown) => log.error({ err: errorSummary(error) }, "re-applying interrupted webhook deliveries failed"));
  await startConnectionScheduler(db);
  await startScanScheduler(db);
  await startBackupScheduler(db);
  // Encodes a previous process left running are taken back by the worker's first round.
  startEncoder(db);
  log.info({ port: env.PORT }, "Optimizarr started");
}
