import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Records the migrations in `_prisma_migrations` the way `prisma migrate deploy` does (same table,
 * checksum of each migration.sql). test-database.ts applies the SQL directly for speed; backup and
 * restore read this table to know a database's version.
 */
export function recordAppliedMigrations(dbPath: string, names?: readonly string[]): void {
  const migrationsDir = path.resolve(__dirname, "../../prisma/migrations");
  const all = fs.readdirSync(migrationsDir).filter((entry) => /^\d+_/.test(entry)).sort();
  const sqlite = new Database(dbPath);
  try {
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
      "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const insert = sqlite.prepare("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)");
    for (const name of names ?? all) {
      const sqlPath = path.join(migrationsDir, name, "migration.sql");
      const checksum = crypto.createHash("sha256").update(fs.existsSync(sqlPath) ? fs.readFileSync(sqlPath) : name).digest("hex");
      insert.run(crypto.randomUUID(), checksum, name);
    }
  } finally {
    sqlite.close();
  }
}
