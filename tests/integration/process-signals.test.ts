import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { markInterruptedSyncRuns, waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";
import { sonarrLibrary, startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile } from "../fakes/arr-library";

/**
 * The server process itself, stopped mid-sync: by SIGTERM/SIGINT (a container stop, Ctrl+C) it
 * winds down and exits 0; by SIGKILL nothing runs, and the next start marks the run interrupted.
 * The sync runs in a real child process (tests/support/sync-until-signalled.ts) against a fake
 * Sonarr in this one, which answers slowly enough that the sync is always mid-request.
 */
const REPO = path.resolve(__dirname, "../..");
const CHILD = path.join(REPO, "tests/support/sync-until-signalled.ts");
const KEY = "signalKEYsignalKEYsignalKEY00000";
const api = signedInCaller();
let sonarr: FakeArrServer;
let connectionId: number;

beforeAll(async () => {
  sonarr = await startFakeArr({ app: "sonarr", apiKey: KEY, library: sonarrLibrary([{ id: 1, files: [fakeEpisodeFile(1, { id: 7, path: "/tv/Show/S01E01.mkv" })] }]) });
  ({ connection: { id: connectionId } } = await api.connections.create({ name: "Sonarr", appType: "sonarr", baseUrl: sonarr.url, apiKey: KEY }));
});
afterAll(() => sonarr.stop());

interface SyncingChild {
  child: ChildProcess;
  runId: number;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Resolves once the child's sync has sent Sonarr a request that is now waiting for its answer. */
async function startSyncingChild(): Promise<SyncingChild> {
  const requestsBefore = sonarr.requests.length;
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", CHILD, String(connectionId)], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: "info", LOG_TO_FILE: "false" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const runId = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the child never started its sync")), 20_000);
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      const started = /^syncing (\d+)$/.exec(line);
      if (!started) return;
      clearTimeout(timer);
      resolve(Number(started[1]));
    });
    child.once("exit", (code) => reject(new Error(`the child exited early (${code})`)));
  });
  const deadline = Date.now() + 10_000;
  while (sonarr.requests.length === requestsBefore) {
    if (Date.now() > deadline) throw new Error("the child's sync never reached Sonarr");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { child, runId, output, exited };
}

describe("the server process, stopped mid-sync", () => {
  beforeAll(() => sonarr.setBehaviour({ delayMs: 30_000 }));

  it("winds down on SIGTERM: the run ends interrupted and the process exits 0 within the grace period", async () => {
    const { child, runId, output, exited } = await startSyncingChild();

    const signalledAt = Date.now();
    child.kill("SIGTERM");
    const exit = await exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(8_000);
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "interrupted", finishedAt: expect.any(Date) });
    expect(output.filter((line) => line.includes('"Optimizarr stopped"'))).toHaveLength(1);
  });

  it("stops once when Ctrl+C reaches it twice (from the terminal and from scripts/start.mjs)", async () => {
    const { child, runId, output, exited } = await startSyncingChild();

    child.kill("SIGINT");
    child.kill("SIGINT");

    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output.filter((line) => line.includes('"stopping: refusing new work, interrupting running syncs and scans"'))).toHaveLength(1);
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("interrupted");
  });

  it("leaves the run 'running' when SIGKILLed; the next start marks it interrupted and the next sync completes", async () => {
    const { child, runId, exited } = await startSyncingChild();

    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");

    expect(await markInterruptedSyncRuns(db)).toBe(1);
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "interrupted", error: "Optimizarr stopped before this sync finished" });

    sonarr.setBehaviour({ delayMs: 0 });
    setHttpClientDefaults({ connectMs: 1_000, headersMs: 5_000, bodyIdleMs: 5_000, retryDelaysMs: [10, 10] });
    const { runId: nextRunId } = await api.connections.sync({ id: connectionId });
    await waitForSyncRun(nextRunId);
    setHttpClientDefaults(null);
    expect(await api.connections.syncRun({ runId: nextRunId })).toMatchObject({ status: "succeeded", processed: 1 });
  });
});
