import fs from "node:fs";
import path from "node:path";

/**
 * The migrations this version of Optimizarr ships (prisma/migrations), oldest first: a backup
 * made by a newer version has some this one doesn't know, and restoring it would leave a schema
 * the code can't read.
 */
export function knownMigrations(migrationsDirectory = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations")): string[] {
  return fs
    .readdirSync(migrationsDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+_/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}
