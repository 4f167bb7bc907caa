/**
 * Child process for tests/integration/process-signals.test.ts: hooks the server's signal handling
 * as startup does, starts a sync of an existing connection, prints `syncing <runId>`, then runs
 * until a signal stops it. Runs the server modules outside Next:
 *   node --import tsx --conditions=react-server tests/support/sync-until-signalled.ts <connectionId>
 * with DATABASE_URL, DATA_DIR and SECRET_KEY pointing at the test's.
 */
import { startSync } from "~/server/connections/sync";
import { db } from "~/server/db";
import { shutDownOnSignals } from "~/server/shutdown";

async function main(): Promise<void> {
  shutDownOnSignals(db);
  const { runId } = await startSync(db, Number(process.argv[2]), "manual");
  process.stdout.write(`syncing ${runId}\n`);
  // Stands in for the HTTP server, which keeps a real server's process alive.
  setInterval(() => undefined, 60_000);
}

void main();
