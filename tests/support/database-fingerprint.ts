import { createHash } from "node:crypto";
import Database from "better-sqlite3";

/**
 * What "nothing stored" means in a test: a hash of every row of every table, read through a second,
 * read-only connection to the test DB file (the app's own Prisma connection is left alone). Row
 * counts alone would miss an UPDATE.
 */
export type DatabaseFingerprint = Record<string, string>;

export function openFingerprintReader(databaseUrl = process.env.DATABASE_URL ?? ""): { fingerprint: () => DatabaseFingerprint; close: () => void } {
  if (!databaseUrl.startsWith("file:")) throw new Error(`Expected a file: DATABASE_URL, got ${databaseUrl}`);
  const sqlite = new Database(databaseUrl.slice("file:".length), { readonly: true, fileMustExist: true });
  const names = (sql: string) => sqlite.prepare(sql).pluck().all().filter((name): name is string => typeof name === "string");
  // Full-text indexes (virtual tables and their shadow tables) are derived by triggers from the real tables.
  const virtual = names("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'");
  const tables = names("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY name").filter(
    (name) => !virtual.some((index) => name === index || name.startsWith(`${index}_`)),
  );
  const readers = tables.map((table) => [table, sqlite.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw()] as const);

  return {
    fingerprint: () =>
      Object.fromEntries(
        readers.map(([table, statement]) => {
          const hash = createHash("sha256");
          // BigInt and Buffer columns: JSON.stringify can't take BigInt, String() is enough to compare.
          for (const row of statement.all()) hash.update(JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)));
          return [table, hash.digest("hex")];
        }),
      ),
    close: () => sqlite.close(),
  };
}

/** Names of the tables whose content differs between two fingerprints. */
export function changedTables(before: DatabaseFingerprint, after: DatabaseFingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
}
