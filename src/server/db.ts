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
  return new PrismaClient({ adapter: serialisedAdapter(new PrismaBetterSQLite3({ url, timeout: 10_000 })) });
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

// Cached on globalThis so dev reloads reuse one connection.
const globalForPrisma = globalThis as unknown as { prisma?: Database };
export const db: Database = (globalForPrisma.prisma ??= createPrismaClient());
