import crypto from "node:crypto";
import fs from "node:fs";
import { Unzip, UnzipInflate, Zip, ZipDeflate, strFromU8, strToU8 } from "fflate";
import { BackupError } from "./backup-errors";
import { DATABASE_ENTRY, MANIFEST_ENTRY, backupManifestSchema, type BackupManifest } from "./backup-manifest";

/**
 * The archive format: a plain .zip (opens anywhere, like the *arr apps' backups) holding
 * `manifest.json` and `optimizarr.db`, streamed through fflate so a large database never sits in
 * memory whole.
 */
const MAX_MANIFEST_BYTES = 64 * 1024;

export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Writes the archive to `archivePath` (created 0600, never over an existing file) and fsyncs it. */
export async function writeBackupArchive(archivePath: string, manifest: BackupManifest, databasePath: string): Promise<void> {
  const fd = fs.openSync(archivePath, "wx", 0o600);
  let failure: Error | null = null;
  try {
    // fflate's streams are synchronous: every compressed chunk arrives here during push().
    const zip = new Zip((error, chunk) => {
      if (error) failure ??= error;
      else fs.writeSync(fd, chunk);
    });
    const manifestEntry = new ZipDeflate(MANIFEST_ENTRY, { level: 6 });
    zip.add(manifestEntry);
    manifestEntry.push(strToU8(JSON.stringify(manifest, null, 2)), true);
    const databaseEntry = new ZipDeflate(DATABASE_ENTRY, { level: 6 });
    zip.add(databaseEntry);
    for await (const chunk of fs.createReadStream(databasePath, { highWaterMark: 1 << 20 })) databaseEntry.push(chunk as Buffer);
    databaseEntry.push(new Uint8Array(0), true);
    zip.end();
    if (failure) throw failure;
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads an uploaded archive: the manifest into memory, the database entry into `databaseOutPath`
 * (0600). Entries are looked up by their fixed names and nothing else is written, so an entry
 * named `../../x` is simply ignored; `maxDatabaseBytes` stops a zip bomb.
 */
export async function readBackupArchive(archivePath: string, databaseOutPath: string, maxDatabaseBytes: number): Promise<BackupManifest> {
  const fd = fs.openSync(databaseOutPath, "w", 0o600);
  const manifestChunks: Uint8Array[] = [];
  let manifestBytes = 0;
  let databaseBytes = 0;
  let sawDatabase = false;
  let failure: BackupError | null = null;
  const fail = (error: BackupError) => (failure ??= error);
  try {
    const unzip = new Unzip((file) => {
      if (file.name !== MANIFEST_ENTRY && file.name !== DATABASE_ENTRY) return;
      if (file.name === DATABASE_ENTRY) sawDatabase = true;
      file.ondata = (error, chunk) => {
        if (failure) return;
        if (error) return void fail(new BackupError("invalid_archive", "The archive is damaged: an entry could not be unpacked"));
        if (file.name === MANIFEST_ENTRY) {
          manifestBytes += chunk.length;
          if (manifestBytes > MAX_MANIFEST_BYTES) return void fail(new BackupError("invalid_archive", "The archive's manifest is too large"));
          manifestChunks.push(chunk);
        } else {
          databaseBytes += chunk.length;
          if (databaseBytes > maxDatabaseBytes) return void fail(new BackupError("too_large", "The database in the archive is larger than a restore accepts"));
          fs.writeSync(fd, chunk);
        }
      };
      file.start();
    });
    unzip.register(UnzipInflate);
    try {
      for await (const chunk of fs.createReadStream(archivePath, { highWaterMark: 1 << 20 })) {
        unzip.push(chunk as Buffer);
        if (failure) throw failure;
      }
      unzip.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof BackupError) throw error;
      throw new BackupError("invalid_archive", "This file is not a readable .zip archive");
    }
    if (failure) throw failure;
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }

  if (manifestChunks.length === 0 || !sawDatabase) throw new BackupError("invalid_archive", "This is not an Optimizarr backup: manifest.json or optimizarr.db is missing");
  const manifest = parseManifest(strFromU8(Buffer.concat(manifestChunks)));
  if (databaseBytes !== manifest.database.bytes || (await sha256OfFile(databaseOutPath)) !== manifest.database.sha256) {
    throw new BackupError("invalid_archive", "The archive is damaged: the database doesn't match its manifest");
  }
  return manifest;
}

function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError("invalid_archive", "This is not an Optimizarr backup: its manifest is not JSON");
  }
  const parsed = backupManifestSchema.safeParse(json);
  if (!parsed.success) throw new BackupError("invalid_archive", "This is not an Optimizarr backup, or one from a format this version doesn't know");
  return parsed.data;
}
