/**
 * `npm run restore -- <backup.zip>` — puts an Optimizarr backup archive (System → Backup) in place
 * of the current database. STOP OPTIMIZARR FIRST: the database is replaced on disk, and this
 * refuses while another process has it open.
 *
 *   npm run restore -- optimizarr_backup_manual_2026.12.01_10.00.00.zip
 *       checks the archive (manifest, checksum, integrity, migrations this version knows) and
 *       replaces the database. A database that holds an admin account is replaced only with --yes.
 *   npm run restore -- --apply-pending
 *       applies a restore uploaded in System → Backup; `npm start` runs this by itself before the
 *       migrations whenever `<DATA_DIR>/restore-pending.db` exists.
 *
 * The replaced database is never deleted: it is kept beside it as
 * `optimizarr.db.before-restore-<time>`. The next `npm start` migrates a backup from an older version.
 *
 * Connection API keys inside the backup are sealed with the SECRET_KEY (or `<DATA_DIR>/secret.key`)
 * of the install that made it, which no backup contains. With the same key they work as before;
 * with another one each connection asks for its API key again (Settings → Connections).
 *
 * Exit codes: 0 restored (or nothing pending), 1 refused or failed (the current database is untouched).
 */
import path from "node:path";
import { BackupError } from "~/server/backup/backup-errors";
import { databaseFilePath, pendingRestoreManifestPath, pendingRestorePath } from "~/server/backup/backup-files";
import { knownMigrations } from "~/server/backup/known-migrations";
import { applyPendingRestore, databaseHoldsData, stageRestore } from "~/server/backup/restore";

const paths = { pendingDatabase: pendingRestorePath(), pendingManifest: pendingRestoreManifestPath() };

function fail(message: string): never {
  console.error(`restore: ${message}`);
  process.exit(1);
}

function apply(databasePath: string): void {
  const applied = applyPendingRestore(paths, databasePath);
  if (!applied) {
    console.log("restore: no restore is waiting.");
    return;
  }
  console.log(`restore: the backup is now the database (${databasePath}).`);
  if (applied.keptAs) console.log(`restore: the database it replaced is kept as ${applied.keptAs}.`);
  console.log(
    "restore: connection API keys open only with the SECRET_KEY (or secret.key) of the install that made the backup; with another key, re-enter each API key in Settings → Connections.",
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const databasePath = databaseFilePath();
  if (!databasePath) fail("DATABASE_URL is not a SQLite file: restore covers the built-in database only.");
  try {
    if (args.includes("--apply-pending")) return apply(databasePath);

    const archive = args.find((arg) => !arg.startsWith("--"));
    if (!archive) fail("name the backup archive: npm run restore -- <backup.zip> [--yes]");
    if (databaseHoldsData(databasePath) && !args.includes("--yes")) {
      fail(`${databasePath} holds an Optimizarr install (settings, connections, queue). Add --yes to replace it; it will be kept as a .before-restore file.`);
    }
    const manifest = await stageRestore(path.resolve(archive), paths, knownMigrations());
    console.log(`restore: backup from ${manifest.createdAt} (Optimizarr ${manifest.appVersion}, ${manifest.kind}) checked.`);
    apply(databasePath);
    console.log("restore: start Optimizarr (npm start); it migrates the database if the backup is from an older version.");
  } catch (error) {
    if (error instanceof BackupError) fail(`${error.message}. Nothing was changed.`);
    fail(`nothing was changed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void main();
