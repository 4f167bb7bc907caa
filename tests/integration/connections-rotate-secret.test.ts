import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { INSTANCE_API_KEY_SETTING, rotateSecrets } from "~/server/connections/secret-rotation";
import { isSealedWith, openSecret, sealSecret } from "~/server/crypto/secret-box";
import { db } from "~/server/db";
import { createTestDataDir } from "../support/test-database";

const OLD = "old-secret-key-old-secret-key-0123456789";
const NEW = "new-secret-key-new-secret-key-9876543210";
const STRANGER = "someone-elses-secret-key-000000000000000";

async function connectionSealedWith(name: string, apiKey: string, secretKey: string) {
  return db.externalConnection.create({
    data: { name, appType: "radarr", baseUrl: "http://radarr:7878", apiKeyEncrypted: sealSecret(apiKey, secretKey), apiKeyLast4: apiKey.slice(-4) },
  });
}

describe("rotateSecrets", () => {
  it("re-encrypts every connection key and the instance key, reports unreadable ones and leaves them intact", async () => {
    const a = await connectionSealedWith("A", "apikey-a-0000000000000000000000aa", OLD);
    const b = await connectionSealedWith("B", "apikey-b-0000000000000000000000bb", OLD);
    const foreign = await connectionSealedWith("Foreign", "apikey-c-0000000000000000000000cc", STRANGER);
    await db.setting.upsert({
      where: { key: INSTANCE_API_KEY_SETTING },
      create: { key: INSTANCE_API_KEY_SETTING, value: sealSecret("instance-key-0123456789abcdef", OLD) },
      update: { value: sealSecret("instance-key-0123456789abcdef", OLD) },
    });

    const dryRun = await rotateSecrets(db, OLD, NEW, { dryRun: true });
    const untouched = await db.externalConnection.findUniqueOrThrow({ where: { id: a.id } });
    const report = await rotateSecrets(db, OLD, NEW);
    const again = await rotateSecrets(db, OLD, NEW);

    const rows = await db.externalConnection.findMany({ where: { id: { in: [a.id, b.id, foreign.id] } }, orderBy: { id: "asc" } });
    const setting = await db.setting.findUniqueOrThrow({ where: { key: INSTANCE_API_KEY_SETTING } });
    expect(dryRun.connections.rotated).toBe(2);
    expect(untouched.apiKeyEncrypted).toBe(a.apiKeyEncrypted);
    expect(report.connections).toMatchObject({ rotated: 2, alreadyCurrent: 0, unreadable: [{ id: foreign.id, name: "Foreign", reason: "wrong_key" }] });
    expect(report.instanceApiKey).toBe("rotated");
    expect(again.connections).toMatchObject({ rotated: 0, alreadyCurrent: 2 });
    expect(again.instanceApiKey).toBe("already_current");
    expect(openSecret(rows[0]!.apiKeyEncrypted, NEW)).toBe("apikey-a-0000000000000000000000aa");
    expect(openSecret(rows[1]!.apiKeyEncrypted, NEW)).toBe("apikey-b-0000000000000000000000bb");
    expect(rows[2]!.apiKeyEncrypted).toBe(foreign.apiKeyEncrypted);
    expect(openSecret(setting.value as string, NEW)).toBe("instance-key-0123456789abcdef");
  });

  it("refuses to rotate to the same key", async () => {
    await expect(rotateSecrets(db, OLD, OLD)).rejects.toThrow("same");
  });
});

describe("npm run rotate-secret", () => {
  it("replaces the generated secret.key and re-encrypts the database under it", () => {
    const { dataDir, databaseUrl } = createTestDataDir("optimizarr-rotate-");
    fs.writeFileSync(path.join(dataDir, "secret.key"), `${OLD}\n`, { mode: 0o600 });
    const sqlite = new Database(databaseUrl.replace(/^file:/, ""));
    const now = new Date().toISOString();
    sqlite
      // JSON columns written explicitly: the init migration's SQLite DEFAULT [] yields an empty string.
      .prepare(
        `INSERT INTO "ExternalConnection" ("name", "appType", "baseUrl", "apiKeyEncrypted", "apiKeyLast4", "tagFilter", "pathMappings", "updatedAt") VALUES (?, ?, ?, ?, ?, '[]', '[]', ?)`,
      )
      .run("Sonarr", "sonarr", "http://sonarr:8989", sealSecret("cli-api-key-0000000000000000000", OLD), "0000", now);
    sqlite.close();

    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, SECRET_KEY: "", OLD_SECRET_KEY: "" };
    const run = spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/rotate-secret.ts"], { env, encoding: "utf8", timeout: 60_000 });

    const newKey = fs.readFileSync(path.join(dataDir, "secret.key"), "utf8").trim();
    const check = new Database(databaseUrl.replace(/^file:/, ""), { readonly: true });
    const { apiKeyEncrypted } = check.prepare(`SELECT "apiKeyEncrypted" FROM "ExternalConnection"`).get() as { apiKeyEncrypted: string };
    check.close();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("re-encrypted 1 connection API key(s)");
    expect(newKey).not.toBe(OLD);
    expect(newKey.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dataDir, "secret.key.new"))).toBe(false);
    expect(isSealedWith(apiKeyEncrypted, newKey)).toBe(true);
    expect(openSecret(apiKeyEncrypted, newKey)).toBe("cli-api-key-0000000000000000000");
  });
});
