import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { reportInterruptedScans, startScan, waitForScan } from "~/server/scan/scan-jobs";
import { signedInCaller } from "../support/callers";
import { videoFixture } from "../support/video-fixtures";

/**
 * A server killed outright (SIGKILL, OOM killer, power cut) in the middle of a scan: no handler
 * runs, so what the database holds at that instant is what the next start finds. The scan runs in
 * a real child process, which is really killed.
 */
const REPO = path.resolve(__dirname, "../..");
const CHILD = path.join(REPO, "tests/support/scan-until-killed.ts");
const api = signedInCaller();
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-scan-killed-"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * Starts the child's scan and resolves once it is inside ffprobe; then SIGKILL goes to the child's
 * whole process group (its ffprobe children too), as a container stop that runs out of time does.
 */
async function scanThenKill(rootId: number, ffprobeCommand: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", CHILD, String(rootId), ffprobeCommand], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: "warn", LOG_TO_FILE: "false" },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the child's scan never reached ffprobe")), 20_000);
      readline.createInterface({ input: child.stdout }).on("line", (line) => {
        if (line !== "probing") return;
        clearTimeout(timer);
        resolve();
      });
      child.once("exit", (code) => reject(new Error(`the child exited early (${code})`)));
    });
  } finally {
    process.kill(-child.pid!, "SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
}

describe("a scan killed with the server", () => {
  it("shows as interrupted with the previous result kept, wrote nothing half-way, and the next scan completes", async () => {
    const folder = path.join(scratch, "library");
    fs.mkdirSync(folder);
    for (const name of ["a.mkv", "b.mkv", "c.mkv"]) fs.copyFileSync(videoFixture("h264").sourcePath, path.join(folder, name));
    // Answers -version like ffprobe, then hangs on every file, as ffprobe can on a stalled share.
    const hangingProbe = path.join(scratch, "hanging-ffprobe");
    fs.writeFileSync(hangingProbe, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo "ffprobe version 9.9-test"; exit 0; fi\nexec sleep 600\n`, { mode: 0o755 });
    const previousScan = { lastScanStartedAt: new Date(Date.now() - 3_600_000), lastScanFinishedAt: new Date(Date.now() - 3_590_000), lastScanError: "The folder could not be read (EIO)", lastScanFound: 2 };
    const root = await db.scanRoot.create({ data: { name: "Library", path: folder, ...previousScan } });

    await scanThenKill(root.id, hangingProbe);

    // What a restart finds: the scan's start, its previous outcome, and none of its files.
    const [listed] = (await api.scanRoots.list()).filter((candidate) => candidate.id === root.id);
    expect(listed!.lastScan).toMatchObject({ status: "interrupted", finishedAt: previousScan.lastScanFinishedAt, error: previousScan.lastScanError, found: 2 });
    expect(listed!.lastScan.startedAt!.getTime()).toBeGreaterThan(previousScan.lastScanStartedAt.getTime());
    expect(await db.queueItem.count({ where: { filePath: { startsWith: `${folder}/` } } })).toBe(0);
    expect(await reportInterruptedScans(db)).toBe(1);

    // The next scan runs to the end (without ffprobe, to stay quick) and replaces the old outcome.
    startScan(db, { id: root.id, path: folder, private: false, displayAlias: null, lastScanFound: 2 }, { ffprobeCommand: path.join(scratch, "no-ffprobe") });
    expect(await waitForScan(root.id)).toMatchObject({ state: "succeeded", found: 3, added: 3 });
    const [after] = (await api.scanRoots.list()).filter((candidate) => candidate.id === root.id);
    expect(after!.lastScan).toMatchObject({ status: "succeeded", error: null, found: 3, added: 3 });
    expect(await db.queueItem.count({ where: { filePath: { startsWith: `${folder}/` } } })).toBe(3);
    expect(await reportInterruptedScans(db)).toBe(0);
  });
});
