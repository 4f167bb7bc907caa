import fs from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { zipSync, strToU8 } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as authGet, POST as authPost } from "~/app/api/auth/[...nextauth]/route";
import { POST as restoreRoute } from "~/app/api/setup/restore/route";
import { createAdminAccount } from "~/server/auth/admin-account";
import { backupsDirectory, databaseFilePath } from "~/server/backup/backup-files";
import { createBackup } from "~/server/backup/backup-service";
import { openApiKey } from "~/server/connections/api-key";
import { nextScheduledSyncAt, startConnectionScheduler, stopConnectionScheduler } from "~/server/connections/scheduler";
import { openSecret, sealSecret } from "~/server/crypto/secret-box";
import { db } from "~/server/db";
import { getSecretKey } from "~/server/secrets";
import { getInstanceApiKey } from "~/server/settings/settings-service";
import { signedInCaller } from "../support/callers";
import { openFingerprintReader } from "../support/database-fingerprint";
import { recordAppliedMigrations } from "../support/prisma-migrations-table";

/**
 * "Restore from a backup" on the first-run page, through its route handler: a backup of an
 * install with an admin and connections (keys sealed with that install's own secret key), restored
 * onto a fresh database, then signed in with through next-auth's own routes.
 */
const ORIGIN = "http://localhost";
const OWNER = { username: "restored-owner", password: "the old install's password" };
/** The old install's SECRET_KEY: this install never had it. */
const OLD_KEY = "the-old-install-secret-key-0123456789abcdef";
const SONARR_KEY = "0123456789abcdef0123456789abcdef";
const databasePath = databaseFilePath()!;
let archive: Uint8Array;

function form(fields: { archive?: Uint8Array | string; secretKey?: string }): FormData {
  const body = new FormData();
  if (fields.archive !== undefined) body.set("archive", new Blob([typeof fields.archive === "string" ? fields.archive : new Uint8Array(fields.archive)]), "optimizarr_backup.zip");
  if (fields.secretKey !== undefined) body.set("secretKey", fields.secretKey);
  return body;
}

async function restore(body: FormData, headers: Record<string, string> = { origin: ORIGIN }): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await restoreRoute(new Request(`${ORIGIN}/api/setup/restore`, { method: "POST", headers, body }));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function signIn(username: string, password: string): Promise<string | null> {
  const csrf = await authGet(new NextRequest(`${ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
  const response = await authPost(
    new NextRequest(`${ORIGIN}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: ORIGIN },
      body: new URLSearchParams({ csrfToken, username, password }),
    }),
  );
  const location = response.headers.get("location") ?? "";
  if (location.includes("error=")) return null;
  return response.headers.getSetCookie().find((header) => header.startsWith("authjs.session-token=")) ?? null;
}

beforeAll(async () => {
  // The old install: migrations recorded (backups name them), an admin, a Sonarr with a key sealed
  // under the old key, a keyless Stash and a queue item; then its backup.
  recordAppliedMigrations(databasePath);
  await createAdminAccount(db, OWNER);
  await db.externalConnection.create({
    data: { name: "Sonarr", appType: "sonarr", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: sealSecret(SONARR_KEY, OLD_KEY), apiKeyLast4: "cdef", syncIntervalMinutes: 60 },
  });
  await db.externalConnection.create({ data: { name: "Stash", appType: "stash", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "", apiKeyLast4: "" } });
  const backup = await createBackup("manual");
  archive = fs.readFileSync(path.join(backupsDirectory(), backup.name));
});

describe("restore from the first-run page", () => {
  it("is refused while an admin exists, before reading the upload, and changes nothing", async () => {
    const reader = openFingerprintReader();
    const before = reader.fingerprint();

    const answer = await restore(form({ archive }));

    expect(answer).toMatchObject({ status: 409, json: { error: { kind: "already_set_up" } } });
    expect(reader.fingerprint()).toEqual(before);
    reader.close();
  });

  it("on a fresh install: refuses a bad archive, a wrong key and a cross-origin form with a clear error, changing nothing", async () => {
    // A fresh install: nobody has set it up.
    await db.externalConnection.deleteMany();
    await db.user.deleteMany();
    const reader = openFingerprintReader();
    const fresh = reader.fingerprint();

    expect(await restore(form({ archive: "not a zip at all" }))).toMatchObject({ status: 400, json: { error: { kind: "invalid_archive", message: expect.stringContaining("not an Optimizarr backup") } } });
    const noManifest = zipSync({ "optimizarr.db": strToU8("x") });
    expect(await restore(form({ archive: noManifest }))).toMatchObject({ status: 400, json: { error: { message: expect.stringContaining("manifest.json or optimizarr.db is missing") } } });
    expect(await restore(form({}))).toMatchObject({ status: 400, json: { error: { message: "Choose a backup archive (.zip) to restore" } } });
    expect(await restore(form({ archive, secretKey: "a-different-key-0123456789abcdefghijkl" }))).toMatchObject({
      status: 422,
      json: { error: { kind: "wrong_secret_key", message: expect.stringContaining("opens none of the backup's connection keys") } },
    });
    expect(await restore(form({ archive, secretKey: "short" }))).toMatchObject({ status: 422, json: { error: { kind: "wrong_secret_key" } } });
    expect((await restore(form({ archive }), { origin: "http://localhost:8989" })).status).toBe(403);
    const notMultipart = await restoreRoute(new Request(`${ORIGIN}/api/setup/restore`, { method: "POST", headers: { origin: ORIGIN, "content-type": "application/zip" }, body: Buffer.from(archive) }));
    expect(notMultipart.status).toBe(415);

    expect(reader.fingerprint()).toEqual(fresh);
    reader.close();
    expect(fs.readdirSync(path.dirname(databasePath)).filter((name) => name.startsWith(".setup-upload-") || name.startsWith(".first-run-restore-"))).toEqual([]);
  });

  it("restores the backup live with the old secret key: the restored admin signs in, connection keys open, then it is refused", async () => {
    expect(await signIn(OWNER.username, OWNER.password)).toBeNull();
    const instanceKey = await getInstanceApiKey(db);
    // The fresh install's scheduler started with nothing to schedule.
    await startConnectionScheduler(db, { startupDelayMs: 3_600_000 });

    const answer = await restore(form({ archive, secretKey: OLD_KEY }));

    expect(answer).toEqual({
      status: 200,
      json: { restored: true, username: OWNER.username, live: true, connections: { total: 2, keysKept: 1, keysToReenter: 0 } },
    });
    expect(await signIn(OWNER.username, OWNER.password)).toMatch(/^authjs\.session-token=/);
    const sonarr = await db.externalConnection.findFirstOrThrow({ where: { name: "Sonarr" } });
    expect(openApiKey(sonarr)).toEqual({ ok: true, apiKey: SONARR_KEY });
    // Its scheduled sync runs without a restart.
    expect(nextScheduledSyncAt(sonarr.id)).toBeInstanceOf(Date);
    stopConnectionScheduler();
    expect((await signedInCaller().connections.list()).map((connection) => connection.name).sort()).toEqual(["Sonarr", "Stash"]);
    // The old key is not kept anywhere: this install's own key seals the restored keys.
    expect(fs.readFileSync(path.join(path.dirname(databasePath), "secret.key"), "utf8").trim()).toBe(getSecretKey());
    // The running server's instance API key (cached in memory) is the one the restored database holds.
    const stored = await db.setting.findUniqueOrThrow({ where: { key: "instanceApiKey" } });
    expect(typeof stored.value === "string" && openSecret(stored.value, getSecretKey())).toBe(instanceKey);

    expect(await restore(form({ archive, secretKey: OLD_KEY }))).toMatchObject({ status: 409, json: { error: { kind: "already_set_up" } } });
  });

  it("without the old secret key: restores, and the connection asks for its API key again", async () => {
    await db.user.deleteMany();

    const answer = await restore(form({ archive }));

    expect(answer).toMatchObject({ status: 200, json: { live: true, connections: { total: 2, keysKept: 0, keysToReenter: 1 } } });
    const sonarr = await db.externalConnection.findFirstOrThrow({ where: { name: "Sonarr" } });
    expect(openApiKey(sonarr)).toMatchObject({ ok: false, error: { needsApiKey: true } });
    expect(await signIn(OWNER.username, OWNER.password)).toMatch(/^authjs\.session-token=/);
  });
});
