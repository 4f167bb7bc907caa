/**
 * `npm run rotate-secret` — re-encrypts every secret Optimizarr stores (connection API keys, the
 * instance API key) under a new SECRET_KEY, in one database transaction.
 *
 * STOP OPTIMIZARR FIRST: a running server keeps the old key in memory.
 *
 * Which keys:
 *   old key  OLD_SECRET_KEY if set, else <DATA_DIR>/secret.key (the key generated on first start).
 *   new key  SECRET_KEY if set; else a new random key, which this script writes to
 *            <DATA_DIR>/secret.key once the database is updated (the file is replaced atomically;
 *            the old key is not kept — a rotation is often done because the old one leaked).
 *
 * Typical uses:
 *   Replace the generated key:           npm run rotate-secret
 *   Move from the generated key to yours: SECRET_KEY=<new> npm run rotate-secret
 *                                         then always start Optimizarr with that SECRET_KEY
 *                                         (secret.key is no longer read; delete it)
 *   Change your own key:                 OLD_SECRET_KEY=<old> SECRET_KEY=<new> npm run rotate-secret
 *   See what would happen:               npm run rotate-secret -- --dry-run
 *
 * A value that doesn't decrypt under the old key is reported and left untouched; re-enter those
 * API keys in Settings → Connections afterwards. Running it twice is harmless: values already
 * under the new key are skipped.
 *
 * Exit codes: 0 all secrets rotated (or already were), 1 error (nothing changed),
 * 2 rotated but some values could not be read.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "~/generated/prisma/client";
import { rotateSecrets } from "~/server/connections/secret-rotation";
import { resolveDatabaseUrl, resolveDataDir } from "~/server/database-url";

const MIN_KEY_LENGTH = 32;

function fail(message: string): never {
  console.error(`rotate-secret: ${message}`);
  process.exit(1);
}

function readKeyFile(filePath: string): string | null {
  try {
    return fs.readFileSync(filePath, "utf8").trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function main(): Promise<void> {
  const dryRun = process.argv.includes("--dry-run");
  const keyFile = path.join(resolveDataDir(), "secret.key");
  const oldKey = process.env.OLD_SECRET_KEY || readKeyFile(keyFile);
  if (!oldKey) fail(`no old key: set OLD_SECRET_KEY (no ${keyFile} to read it from)`);

  const newKeyFromEnv = process.env.SECRET_KEY || null;
  if (newKeyFromEnv && newKeyFromEnv.length < MIN_KEY_LENGTH) fail(`SECRET_KEY must be at least ${MIN_KEY_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`);
  const newKey = newKeyFromEnv ?? crypto.randomBytes(32).toString("base64url");
  if (newKey === oldKey) fail("SECRET_KEY is the key already in use: nothing to rotate (set OLD_SECRET_KEY to the previous one)");

  // A generated key is on disk before the database changes, so a crash between the two never loses it.
  const pendingKeyFile = `${keyFile}.new`;
  const writesKeyFile = !newKeyFromEnv && !dryRun;
  if (writesKeyFile) fs.writeFileSync(pendingKeyFile, `${newKey}\n`, { mode: 0o600 });

  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: resolveDatabaseUrl(), timeout: 10_000 }) });
  try {
    const report = await rotateSecrets(db, oldKey, newKey, { dryRun });
    if (writesKeyFile) fs.renameSync(pendingKeyFile, keyFile);

    const { rotated, alreadyCurrent, unreadable } = report.connections;
    const verb = dryRun ? "would re-encrypt" : "re-encrypted";
    console.log(`rotate-secret: ${verb} ${rotated} connection API key(s); ${alreadyCurrent} already under the new key.`);
    console.log(`rotate-secret: instance API key: ${report.instanceApiKey.replace("_", " ")}.`);
    for (const entry of unreadable) {
      console.log(`rotate-secret: connection #${entry.id} "${entry.name}": ${entry.reason === "wrong_key" ? "sealed with another key" : "damaged"}, left as it was: re-enter its API key in Settings → Connections.`);
    }
    if (writesKeyFile) console.log(`rotate-secret: the new key is in ${keyFile}.`);
    else if (newKeyFromEnv && !dryRun) console.log("rotate-secret: start Optimizarr with this SECRET_KEY from now on.");
    if (unreadable.length > 0 || (report.instanceApiKey !== "rotated" && report.instanceApiKey !== "already_current" && report.instanceApiKey !== "absent")) {
      process.exitCode = 2;
    }
  } catch (error) {
    if (writesKeyFile) fs.rmSync(pendingKeyFile, { force: true });
    fail(`nothing was changed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await db.$disconnect();
  }
}

void main();
