import fs from "node:fs";
import path from "node:path";

/** Directory for the SQLite DB, generated secrets and logs. */
export function resolveDataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR ?? "data");
}

/**
 * `DATABASE_URL`, defaulting to the SQLite file in the data dir. Relative `file:` paths are made
 * absolute against the working directory, because the driver adapter (unlike Prisma's engine)
 * would resolve them against whatever directory the process happens to run in.
 */
export function resolveDatabaseUrl(): string {
  const raw = process.env.DATABASE_URL ?? `file:${path.join(resolveDataDir(), "optimizarr.db")}`;
  if (!raw.startsWith("file:")) return raw;
  const filePath = path.resolve(/*turbopackIgnore: true*/ raw.slice("file:".length));
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  return `file:${filePath}`;
}
