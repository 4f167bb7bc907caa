/**
 * Child process for tests/integration/scan-killed.test.ts: starts a scan of an existing root with
 * the given ffprobe, prints `probing` once the scan is inside ffprobe (its start recorded, nothing
 * of it written yet), then waits to be killed. Runs the server modules outside Next:
 *   node --import tsx --conditions=react-server tests/support/scan-until-killed.ts <rootId> <ffprobe>
 * with DATABASE_URL and DATA_DIR pointing at the test's database.
 */
import { db } from "~/server/db";
import { getScanProgress, scanTargetOf, startScan } from "~/server/scan/scan-jobs";

async function main(): Promise<void> {
  const [rootId, ffprobeCommand] = [Number(process.argv[2]), process.argv[3]];
  const root = await db.scanRoot.findUniqueOrThrow({ where: { id: rootId }, include: { externalConnection: { select: { private: true, displayAlias: true } } } });
  startScan(db, scanTargetOf(root), { ffprobeCommand, probeTimeoutMs: 600_000 });
  const poll = setInterval(() => {
    if (getScanProgress(rootId)?.phase !== "probing") return;
    clearInterval(poll);
    process.stdout.write("probing\n");
  }, 20);
}

void main();
