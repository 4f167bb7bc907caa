import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "~/generated/prisma/client";
import { resolveDatabaseUrl } from "~/server/database-url";

function createPrismaClient() {
  const url = resolveDatabaseUrl();
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 10_000 }) });
  if (url.startsWith("file:")) {
    // WAL lets the UI read while a sync writes; NORMAL sync is safe with WAL and much faster.
    void client.$queryRawUnsafe("PRAGMA journal_mode = WAL").then(() => client.$queryRawUnsafe("PRAGMA synchronous = NORMAL"));
  }
  return client;
}

export type Database = ReturnType<typeof createPrismaClient>;

// Cached on globalThis so dev reloads reuse one connection.
const globalForPrisma = globalThis as unknown as { prisma?: Database };
export const db: Database = (globalForPrisma.prisma ??= createPrismaClient());
