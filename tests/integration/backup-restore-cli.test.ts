import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { signedInCaller } from "../support/callers";
import { recordAppliedMigrations } from "../support/prisma-migrations-table";
import { backupsDirectory, databaseFilePath } from "~/server/backup/backup-files";
import { db } from "~/server/db";

/** `npm run restore -- …` against another data dir, as an admin would run it with Optimizarr stopped. */
function runRestore(dataDir: string, args: string[]) {
  // The database is the default one in that data dir, not this test file's.
  // (child_process leaves out variables whose value is undefined.)
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined };
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/restore.ts", ...args], { env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function usernamesIn(databasePath: string): string[] {
  const sqlite = new Database(databasePath, { readonly: true });
  try {
    return sqlite.prepare("SELECT username FROM User ORDER BY username").pluck().all().map(String);
  } finally {
    sqlite.close();
  }
}

let archivePath: string;

beforeAll(async () => {
  recordAppliedMigrations(databaseFilePath()!);
  await db.user.create({ data: { username: "from-the-backup", passwordHash: "x" } });
  archivePath = path.join(backupsDirectory(), (await signedInCaller().backup.create()).name);
});

describe("npm run restore", () => {
  it("restores onto a fresh install, then replaces a used one only with --yes, keeping it aside", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-restore-cli-"));
    const databasePath = path.join(dataDir, "optimizarr.db");

    // A fresh install: nothing to lose, no confirmation needed.
    const fresh = runRestore(dataDir, [archivePath]);
    expect(fresh.status, fresh.output).toBe(0);
    expect(fresh.output).toContain("SECRET_KEY");
    expect(usernamesIn(databasePath)).toEqual(["from-the-backup"]);

    // Now it holds data: refused without --yes, and left exactly as it was.
    new Database(databasePath).prepare("INSERT INTO User (username, passwordHash, updatedAt) VALUES ('made-later', 'x', 0)").run();
    const refused = runRestore(dataDir, [archivePath]);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain("--yes");
    expect(usernamesIn(databasePath)).toEqual(["from-the-backup", "made-later"]);

    const confirmed = runRestore(dataDir, [archivePath, "--yes"]);
    expect(confirmed.status, confirmed.output).toBe(0);
    expect(usernamesIn(databasePath)).toEqual(["from-the-backup"]);
    const kept = fs.readdirSync(dataDir).filter((name) => name.startsWith("optimizarr.db.before-restore-"));
    expect(kept).toHaveLength(1);
    expect(usernamesIn(path.join(dataDir, kept[0]!))).toEqual(["from-the-backup", "made-later"]);
  });

  it("refuses a file that isn't a backup and changes nothing", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-restore-cli-"));
    const notABackup = path.join(dataDir, "holiday.zip");
    fs.writeFileSync(notABackup, "not a zip");

    const result = runRestore(dataDir, [notABackup]);

    expect(result.status).toBe(1);
    expect(result.output).toContain("Nothing was changed");
    // At most the empty database file any first start creates; nothing staged, nothing kept aside.
    expect(fs.readdirSync(dataDir).filter((name) => name !== "holiday.zip" && !(name === "optimizarr.db" && fs.statSync(path.join(dataDir, name)).size === 0))).toEqual([]);
  });

  it("--apply-pending (what npm start runs) is a no-op when nothing is staged", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-restore-cli-"));

    const result = runRestore(dataDir, ["--apply-pending"]);

    expect(result.status).toBe(0);
    expect(result.output).toContain("no restore is waiting");
  });
});
