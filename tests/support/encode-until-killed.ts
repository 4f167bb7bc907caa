/**
 * Child process for tests/integration/encoder-killed.test.ts: starts the encoder worker on the
 * test's database, prints `encoding <temporary path>` once ffmpeg is writing the temporary output
 * beside the original, then waits to be killed. Runs the server modules outside Next:
 *   node --import tsx --conditions=react-server tests/support/encode-until-killed.ts
 * with DATABASE_URL and DATA_DIR pointing at the test's database.
 */
import fs from "node:fs";
import { db } from "~/server/db";
import { startEncoder } from "~/server/encoder/worker";

const worker = startEncoder(db, { tickMs: 3_600_000, leaseRenewMs: 500 });
const poll = setInterval(() => {
  void (async () => {
    const [active] = worker.activeEncodes();
    if (active?.phase !== "encoding" || active.jobId === null) return;
    const job = await db.encodeJob.findUnique({ where: { id: active.jobId }, select: { tempPath: true } });
    if (!job?.tempPath || !fs.existsSync(job.tempPath) || fs.statSync(job.tempPath).size === 0) return;
    clearInterval(poll);
    process.stdout.write(`encoding ${job.tempPath}\n`);
  })();
}, 20);
