import BetterSqlite3 from "better-sqlite3";

/**
 * A consistent copy of the live database through SQLite's online backup API, on a connection of
 * its own (the app's Prisma client keeps its one connection and goes on writing).
 *
 * Why one step: the backup API restarts a copy whenever another connection writes between two
 * steps, so a steady stream of writes (a sync) could keep a chunked copy from ever finishing. The
 * database is in WAL mode (src/server/db.ts), where a reader never blocks writers: copying every
 * page in a single step reads one snapshot, the app's writes carry on into the WAL meanwhile, and
 * the copy holds exactly the transactions committed before it started. The cost is that the step
 * runs synchronously (about a second per few hundred MB on this kind of machine).
 * @see https://www.sqlite.org/backup.html
 */
export async function snapshotDatabase(sourcePath: string, targetPath: string): Promise<void> {
  const source = new BetterSqlite3(sourcePath, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    // The first step only opens the backup; the callback's return value is the next step's page count.
    await source.backup(targetPath, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  // The copy keeps the WAL flag of its source; a backup must be one self-contained file.
  const copy = new BetterSqlite3(targetPath, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
}

export interface DatabaseFacts {
  /** `PRAGMA quick_check` said "ok". */
  intact: boolean;
  tables: string[];
  /** Migrations Prisma finished applying, oldest first (empty without a `_prisma_migrations` table). */
  appliedMigrations: string[];
}

/** What a database file is, read without changing it (it may be a stranger's upload). */
export function inspectDatabase(filePath: string): DatabaseFacts {
  const sqlite = new BetterSqlite3(filePath, { readonly: true, fileMustExist: true });
  try {
    const quickCheck = sqlite.pragma("quick_check", { simple: true });
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all()
      .filter((name): name is string => typeof name === "string");
    const appliedMigrations = tables.includes("_prisma_migrations")
      ? sqlite
          .prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name")
          .pluck()
          .all()
          .filter((name): name is string => typeof name === "string")
      : [];
    return { intact: quickCheck === "ok", tables, appliedMigrations };
  } finally {
    sqlite.close();
  }
}
