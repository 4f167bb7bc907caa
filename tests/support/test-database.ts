import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

/** A fresh data dir with a migrated SQLite DB (the real migrations, applied in order). */
export function createTestDataDir(prefix = "optimizarr-test-"): { dataDir: string; databaseUrl: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dbPath = path.join(dataDir, "optimizarr.db");
  applyMigrations(dbPath);
  return { dataDir, databaseUrl: `file:${dbPath}` };
}

export function applyMigrations(dbPath: string): void {
  const migrationsDir = path.resolve(__dirname, "../../prisma/migrations");
  const sqlite = new Database(dbPath);
  try {
    for (const name of fs.readdirSync(migrationsDir).filter((entry) => /^\d+_/.test(entry)).sort()) {
      sqlite.exec(fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8"));
    }
  } finally {
    sqlite.close();
  }
}
