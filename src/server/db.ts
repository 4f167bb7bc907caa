import "server-only";
import BetterSqlite3 from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "~/generated/prisma/client";
import { resolveDatabaseUrl } from "~/server/database-url";
import { serialisedAdapter } from "~/server/serialised-connection";

function createPrismaClient() {
  const url = resolveDatabaseUrl();
  if (url.startsWith("file:")) prepareDatabaseFile(url.slice("file:".length));
  // Serialised: nothing may run inside another request's open transaction (see the module).
  return new PrismaClient({ adapter: serialisedAdapter(new PrismaBetterSQLite3({ url, timeout: 10_000 }), configureConnection) });
}

/**
 * Settings that belong to the connection, not the file, so they are applied to the adapter's own.
 * temp_store: a write to QueueItem (which has AFTER triggers) opens a statement journal, by default
 * a temporary file; in memory, a one-row write costs ≈ 50 µs instead of ≈ 135 µs.
 */
function configureConnection(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma("temp_store = MEMORY");
  shared.connection = sqlite;
}

/**
 * The app's SQLite connection itself, for a hot path inside a transaction (the queue writer):
 * statements prepared once and run synchronously, without Prisma's per-statement pipeline, which
 * costs more than SQLite's own work for a batch of thousands of rows. Only inside a
 * `db.$transaction` callback, which holds the connection's turn (src/server/serialised-connection.ts),
 * so what runs here is part of that transaction and nothing else can interleave. Values come back
 * as SQLite stores them (integers as bigint, booleans as 0/1, dates as text).
 */
export function connectionInTransaction(): BetterSqlite3.Database {
  const { connection } = shared;
  if (!connection?.inTransaction) throw new Error("connectionInTransaction() is only for use inside a db.$transaction callback");
  return connection;
}

/**
 * Settings stored in the database file itself, applied synchronously before Prisma opens it:
 * WAL lets the UI read while a sync writes; `optimize` refreshes the planner's statistics, without
 * which filtered queue views at 100k rows pick poor indexes (≈ 150 ms once at that size).
 */
function prepareDatabaseFile(filePath: string): void {
  const sqlite = new BetterSqlite3(filePath);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("optimize = 0x10002");
  } finally {
    sqlite.close();
  }
}

export type Database = ReturnType<typeof createPrismaClient>;

/**
 * On globalThis, not in module variables: dev reloads reuse the one connection, and a production
 * build may load this module more than once (one copy per server bundle, e.g. instrumentation's
 * and the routes'), each of which must reach the client AND the connection the first one opened.
 */
interface SharedDatabase {
  prisma?: Database;
  /** The adapter's own connection, once Prisma has opened it (lazily, at the first query). */
  connection?: BetterSqlite3.Database;
}
const shared = ((globalThis as { optimizarrDatabase?: SharedDatabase }).optimizarrDatabase ??= {});
export const db: Database = (shared.prisma ??= createPrismaClient());
