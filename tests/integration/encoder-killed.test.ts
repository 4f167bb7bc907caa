import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { startEncoder, stopEncoder } from "~/server/encoder/worker";
import { upsertQueueItems } from "~/server/queue/queue-writer";
import { updateEncoderSettings } from "~/server/settings/settings-service";
import { makeClip } from "../support/test-clips";

/**
 * SIGKILL (or a power cut) in the middle of an encode: a real child process runs the worker and
 * is really killed while ffmpeg writes. What a restart must find: the original untouched, the
 * item taken back from the dead process and encoded again, the half-written file gone.
 */
const REPO = path.resolve(__dirname, "../..");
const CHILD = path.join(REPO, "tests/support/encode-until-killed.ts");
let library: string;

beforeAll(() => {
  library = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-encode-killed-"));
});
afterAll(async () => {
  await stopEncoder();
  fs.rmSync(library, { recursive: true, force: true });
});

const sha256 = (filePath: string) => crypto.createHash("sha256").update(fs.readFileSync(filePath)).digest("hex");

/** Starts the child's worker; once ffmpeg has written part of the output, SIGKILL goes to its whole process group (ffmpeg too). */
async function encodeThenKill(): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", CHILD], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: "warn", LOG_TO_FILE: "false" },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  let temporaryPath: string;
  try {
    temporaryPath = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the child's encode never started writing")), 60_000);
      readline.createInterface({ input: child.stdout }).on("line", (line) => {
        if (!line.startsWith("encoding ")) return;
        clearTimeout(timer);
        resolve(line.slice("encoding ".length));
      });
      child.once("exit", (code) => reject(new Error(`the child exited early (${code})`)));
    });
  } finally {
    process.kill(-child.pid!, "SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
  return temporaryPath;
}

describe("an encode killed with the server", () => {
  it("leaves the original untouched; the next start takes the item back, deletes the half-written file and encodes it", async () => {
    await updateEncoderSettings(db, { paused: false, minSavingsPercent: 0, minQualitySsim: 0.8, profiles: { h265: { quality: 28, preset: "slow" } } });
    const filePath = path.join(library, "Long Film.mkv");
    fs.copyFileSync(makeClip({ seconds: 10 }), filePath);
    const originalHash = sha256(filePath);
    await upsertQueueItems(
      db,
      [{ filePath, sizeBytes: BigInt(fs.statSync(filePath).size), codec: "h264", codecRaw: "h264", width: 320, height: 240, bitrate: null, durationSeconds: 10, qualitySource: null, source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null }],
      { targetCodec: "h265" },
    );

    const temporaryPath = await encodeThenKill();

    // What the restart finds: the item still held by the dead process, its partial output beside the untouched original.
    expect(path.dirname(temporaryPath)).toBe(library);
    expect(fs.existsSync(temporaryPath)).toBe(true);
    expect(sha256(filePath)).toBe(originalHash);
    const held = await db.queueItem.findUniqueOrThrow({ where: { filePath } });
    expect(held.status).toBe("encoding");
    expect(held.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now()); // not expired yet: the dead pid is what frees it

    // The restart: this process's worker, on the same host.
    await updateEncoderSettings(db, { profiles: { h265: { quality: 28, preset: "ultrafast" } } });
    const worker = startEncoder(db, { tickMs: 3_600_000, leaseRenewMs: 500, handBackRetryDelaysMs: [] });
    await worker.tick();
    await worker.idle();

    expect(fs.existsSync(temporaryPath)).toBe(false);
    const item = await db.queueItem.findUniqueOrThrow({ where: { filePath } });
    expect(item.status).toBe("done");
    const jobs = await db.encodeJob.findMany({ where: { queueItemId: item.id }, orderBy: { id: "asc" } });
    expect(jobs.map((job) => job.status)).toEqual(["interrupted", "done"]);
    expect(fs.readdirSync(library).filter((name) => name.startsWith(".optimizarr-"))).toEqual([]);
  }, 180_000);
});
