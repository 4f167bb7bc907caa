import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { db } from "~/server/db";
import { upsertQueueItems } from "~/server/queue/queue-writer";
import { INTERRUPTED_DELIVERY_ERROR, markInterruptedDeliveries } from "~/server/webhooks/delivery-log";
import { retryInterruptedDeliveries } from "~/server/webhooks/retry-delivery";
import { sonarrLibrary, startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile } from "../fakes/arr-library";
import { signedInCaller } from "../support/callers";
import { openFingerprintReader } from "../support/database-fingerprint";
import { createWebhookConnection, fixture } from "../support/webhook-delivery";

/**
 * The server killed outright (SIGKILL, OOM killer, power cut) while a webhook delivery waits on a
 * slow lookup in the app: the delivery runs through the real route handler in a child process,
 * which is really killed; this process then plays the next start and the user's retry.
 */
const REPO = path.resolve(__dirname, "../..");
const CHILD = path.join(REPO, "tests/support/deliver-until-killed.ts");
// The key createWebhookConnection seals for every test connection.
const API_KEY = "0123456789abcdef0123456789abcdef";
const SERIES = "/tv/The Example Files";
const LOCAL = "/killed/tv/The Example Files";
const api = signedInCaller();
let scratch: string;
let sonarr: FakeArrServer;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-webhook-killed-"));
  sonarr = await startFakeArr({
    app: "sonarr",
    apiKey: API_KEY,
    library: sonarrLibrary([
      {
        id: 12,
        overrides: { path: SERIES },
        files: [fakeEpisodeFile(12, { id: 9876, path: `${SERIES}/Season 02/S02E05 renamed.mkv` }), fakeEpisodeFile(12, { id: 9875, path: `${SERIES}/Season 02/S02E04.mkv` })],
      },
    ]),
  });
});
afterAll(async () => {
  await sonarr.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Starts the child's delivery, waits until it has asked Sonarr and is waiting for the answer, then SIGKILLs it. */
async function deliverThenKill(token: string, body: unknown): Promise<void> {
  const bodyFile = path.join(scratch, "body.json");
  fs.writeFileSync(bodyFile, JSON.stringify(body));
  const requestsBefore = sonarr.requests.length;
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", CHILD, "sonarr", token, bodyFile], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: "warn", LOG_TO_FILE: "false" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
  try {
    const deadline = Date.now() + 20_000;
    while (sonarr.requests.length === requestsBefore) {
      if (Date.now() > deadline) throw new Error(`the child's delivery never reached Sonarr (${lines.join(" | ")})`);
      if (child.exitCode !== null) throw new Error(`the child exited early (${child.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    child.kill("SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
  expect(lines).toEqual(["delivering"]);
}

describe("a webhook delivery killed with the server", () => {
  it("is on record with its body, wrote nothing half-way, is marked interrupted at the next start, and a retry completes it", async () => {
    const hook = await createWebhookConnection({ appType: "sonarr", baseUrl: sonarr.url, pathMappings: [{ remote: "/tv", local: "/killed/tv" }] });
    const before = `${LOCAL}/Season 02/S02E05 before the rename.mkv`;
    await upsertQueueItems(db, [
      {
        filePath: before, sizeBytes: 2_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 8_000_000, durationSeconds: 2700,
        qualitySource: "webdl", source: "sonarr", connectionId: hook.id, externalId: null, externalParentId: null, fileModifiedAt: null,
      },
    ], { targetCodec: "h265" });
    const reader = openFingerprintReader();
    const queueBefore = reader.fingerprint().QueueItem;
    // The older Rename (series only) makes the delivery re-read the series from Sonarr: a lookup that now hangs.
    sonarr.setBehaviour({ delayMs: 60_000 });
    const body = fixture("sonarr-v3-rename-series-only");

    await deliverThenKill(hook.secret, body);

    // On record, with the body to retry from; the queue exactly as it was.
    const [cutOff] = await db.webhookDelivery.findMany({ where: { connectionId: hook.id } });
    expect(cutOff).toMatchObject({ eventType: "Rename", outcome: "processing", payload: JSON.stringify(body) });
    expect(reader.fingerprint().QueueItem).toBe(queueBefore);
    reader.close();

    // The next start (startup.ts) marks it interrupted; the card offers a retry.
    expect(await markInterruptedDeliveries(db)).toBe(1);
    const [listed] = await api.connections.webhookDeliveries({ id: hook.id, limit: 10 });
    expect(listed).toMatchObject({ id: cutOff!.id, outcome: "failed", error: INTERRUPTED_DELIVERY_ERROR, retryable: true });

    // Sonarr answers again: startup applies the delivery again, doing what it would have done.
    sonarr.setBehaviour({ delayMs: 0 });
    setHttpClientDefaults({ connectMs: 1_000, headersMs: 5_000, bodyIdleMs: 5_000, retryDelaysMs: [10, 10] });
    expect(await retryInterruptedDeliveries(db)).toBe(1);
    setHttpClientDefaults(null);

    const queue = await db.queueItem.findMany({ where: { connectionId: hook.id }, select: { filePath: true, status: true } });
    expect(queue.sort((a, b) => a.filePath.localeCompare(b.filePath))).toEqual([
      { filePath: `${LOCAL}/Season 02/S02E04.mkv`, status: "queued" },
      { filePath: before, status: "removed" },
      { filePath: `${LOCAL}/Season 02/S02E05 renamed.mkv`, status: "queued" },
    ]);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: cutOff!.id } })).toMatchObject({ outcome: "accepted", itemsAffected: 3, payload: null });
    expect(await db.webhookDelivery.count({ where: { connectionId: hook.id } })).toBe(1);
  });
});
