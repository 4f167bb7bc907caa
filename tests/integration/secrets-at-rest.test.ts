import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { sealSecret } from "~/server/crypto/secret-box";
import { resolveDatabaseUrl } from "~/server/database-url";
import { loadOrCreateSecret, WeakSecretError } from "~/server/secrets";

// Only what this file imports statically runs at load: the logger is imported inside its test, so
// that test sees the logger start on a data dir an older version left open.

const modeOf = (filePath: string) => fs.statSync(filePath).mode & 0o777;
const original = { dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL };

/** A data dir that doesn't exist yet, and no DATABASE_URL: the defaults a fresh install gets. */
function freshDataDir(): string {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-modes-")), "data");
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  return dataDir;
}

afterEach(() => {
  process.env.DATA_DIR = original.dataDir;
  process.env.DATABASE_URL = original.databaseUrl;
});

describe("file modes", () => {
  it("creates the data dir 0700, secret.key 0600 and the database with its -wal and -shm 0600", () => {
    const dataDir = freshDataDir();
    const previousUmask = process.umask(0o022);
    try {
      loadOrCreateSecret("secret.key", undefined, "SECRET_KEY");
      const url = resolveDatabaseUrl();
      const sqlite = new Database(url.slice("file:".length));
      sqlite.pragma("journal_mode = WAL");
      sqlite.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");

      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(path.join(dataDir, "secret.key"))).toBe(0o600);
      for (const suffix of ["", "-wal", "-shm"]) expect(modeOf(path.join(dataDir, `optimizarr.db${suffix}`))).toBe(0o600);
      sqlite.close();
    } finally {
      process.umask(previousUmask);
    }
  });

  it("tightens a data dir, secret.key and database an older version left readable by others", () => {
    const dataDir = freshDataDir();
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, "secret.key"), `${"k".repeat(43)}\n`, { mode: 0o644 });
    for (const suffix of ["", "-wal", "-shm"]) fs.writeFileSync(path.join(dataDir, `optimizarr.db${suffix}`), "", { mode: 0o644 });
    fs.chmodSync(dataDir, 0o755);

    expect(loadOrCreateSecret("secret.key", undefined, "SECRET_KEY")).toBe("k".repeat(43));
    resolveDatabaseUrl();

    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, "secret.key"))).toBe(0o600);
    for (const suffix of ["", "-wal", "-shm"]) expect(modeOf(path.join(dataDir, `optimizarr.db${suffix}`))).toBe(0o600);
  });

  it("has `prisma migrate deploy` (what npm start runs first) create the database 0600 in a 0700 data dir", () => {
    const dataDir = freshDataDir();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
    delete env.DATABASE_URL;

    // umask 022, as on most systems: modes come from the config's own database-url.ts, not from luck.
    const run = spawnSync("sh", ["-c", `umask 022 && "${path.resolve("node_modules/.bin/prisma")}" migrate deploy`], { env, encoding: "utf8", timeout: 60_000 });

    expect(run.status, run.stderr).toBe(0);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, "optimizarr.db"))).toBe(0o600);
  });

  it("writes log files 0600 in a 0700 folder, and tightens the logs already there", async () => {
    const logs = path.join(process.env.DATA_DIR!, "logs");
    fs.mkdirSync(logs, { mode: 0o755 });
    fs.chmodSync(logs, 0o755);
    fs.writeFileSync(path.join(logs, "previous-run.log"), "an older line\n", { mode: 0o644 });
    const previousUmask = process.umask(0o022);
    try {
      const { flushLogFile } = await import("../support/log-file");
      await flushLogFile();
    } finally {
      process.umask(previousUmask);
    }

    const files = fs.readdirSync(logs).filter((name) => name.endsWith(".log") && name !== "current.log");
    expect(files.length).toBeGreaterThan(1);
    expect(modeOf(logs)).toBe(0o700);
    for (const name of files) expect(modeOf(path.join(logs, name)), name).toBe(0o600);
  });
});

describe("weak secrets", () => {
  it.each([
    ["an empty file", ""],
    ["whitespace", "   \n\t\n"],
    ["a short value", "short-secret\n"],
  ])("refuses %s in secret.key instead of sealing under it", (_label, content) => {
    const dataDir = freshDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "secret.key"), content);

    expect(() => loadOrCreateSecret("secret.key", undefined, "SECRET_KEY")).toThrow(WeakSecretError);
    expect(() => loadOrCreateSecret("secret.key", undefined, "SECRET_KEY")).toThrow(`${path.join(dataDir, "secret.key")} is empty or shorter than 32 characters`);
    // Left as it was: the user may still put the original key back.
    expect(fs.readFileSync(path.join(dataDir, "secret.key"), "utf8")).toBe(content);
  });

  it("refuses a blank SECRET_KEY from the environment, naming it", () => {
    freshDataDir();
    expect(() => loadOrCreateSecret("secret.key", " ".repeat(40), "SECRET_KEY")).toThrow("SECRET_KEY is empty or shorter than 32 characters");
  });

  it("never seals under an empty or short key", () => {
    expect(() => sealSecret("0123456789abcdef0123456789abcdef", "")).toThrow("Refusing to encrypt");
    expect(() => sealSecret("0123456789abcdef0123456789abcdef", " ".repeat(40))).toThrow("Refusing to encrypt");
  });
});
