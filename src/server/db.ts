import "server-only";
import BetterSqlite3 from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "~/generated/prisma/client";
import { resolveDatabaseUrl } from "~/server/database-url";

function createPrismaClient() {
  const url = resolveDatabaseUrl();
  if (url.startsWith("file:")) enableWriteAheadLog(url.slice("file:".length));
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 10_000 }) });
}

/**
 * WAL lets the UI read while a sync writes. The mode is stored in the database file, so setting it
 * once, synchronously, before Prisma opens the file, covers every later connection.
 */
function enableWriteAheadLog(filePath: string): void {
  const sqlite = new BetterSqlite3(filePath);
  try {
    sqlite.pragma("journal_mode = WAL");
  } finally {
    sqlite.close();
  }
}

export type Database = ReturnType<typeof createPrismaClient>;

// Cached on globalThis so dev reloads reuse one connection.
const globalForPrisma = globalThis as unknown as { prisma?: Database };
export const db: Database = (globalForPrisma.prisma ??= createPrismaClient());
