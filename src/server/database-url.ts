import fs from "node:fs";
import path from "node:path";

/** Directory for the SQLite DB, generated secrets and logs. */
export function resolveDataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR ?? "data");
}

/**
 * Owner-only modes for everything in the data dir: the database holds sealed keys and private
 * paths, the logs may too, secret.key opens them all. Set at creation (mode, so nothing is ever
 * readable by others even briefly) and again at every start, for files an older version or a
 * loose umask left open.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** chmod, except for what isn't there (a -wal not created yet) or isn't ours (a volume another user owns). */
export function tightenMode(filePath: string, mode: number): void {
  try {
    fs.chmodSync(filePath, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "EPERM") throw error;
  }
}

/** The data dir, created (or tightened) owner-only. */
export function ensureDataDir(): string {
  const dataDir = resolveDataDir();
  fs.mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenMode(dataDir, PRIVATE_DIR_MODE);
  return dataDir;
}

/**
 * Creates the SQLite file empty (a valid, empty database) and owner-only before the driver or
 * `prisma migrate deploy` opens it; SQLite gives the -wal and -shm files the database's mode.
 */
function protectDatabaseFile(filePath: string): void {
  fs.closeSync(fs.openSync(filePath, "a", PRIVATE_FILE_MODE));
  for (const file of [filePath, `${filePath}-wal`, `${filePath}-shm`]) tightenMode(file, PRIVATE_FILE_MODE);
}

/**
 * `DATABASE_URL`, defaulting to the SQLite file in the data dir. Relative `file:` paths are made
 * absolute against the working directory, because the driver adapter (unlike Prisma's engine)
 * would resolve them against whatever directory the process happens to run in.
 */
export function resolveDatabaseUrl(): string {
  const raw = process.env.DATABASE_URL ?? `file:${path.join(ensureDataDir(), "optimizarr.db")}`;
  if (!raw.startsWith("file:")) return raw;
  const filePath = path.resolve(/*turbopackIgnore: true*/ raw.slice("file:".length));
  // A folder of the user's choosing is created private but, if it exists, left as they set it.
  fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: PRIVATE_DIR_MODE });
  protectDatabaseFile(filePath);
  return `file:${filePath}`;
}
