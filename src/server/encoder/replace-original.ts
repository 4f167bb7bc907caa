import "server-only";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { syncDirectory } from "~/server/backup/sync-directory";
import { errorCodeOf } from "~/server/error-code";
import { ENCODER_TEMPORARY_PREFIX } from "~/server/scan/scan-filters";

/**
 * The only code that touches an original. The encode was written to a temporary file beside it
 * (same directory, so same filesystem); here it takes the original's place with one rename, which
 * either happens completely or not at all. Until that rename, the original is never modified:
 * a recycle copy is a hard link (or a copy across filesystems) made before the swap.
 */

/** Where the result lands: the original's path, or the same name with the new extension (see outputExtensionFor). */
export function targetPathFor(sourcePath: string, extension: string): string {
  return extension === path.extname(sourcePath) ? sourcePath : path.join(path.dirname(sourcePath), path.basename(sourcePath, path.extname(sourcePath)) + extension);
}

/**
 * A hidden name without the title (Sonarr and Radarr skip dot-files when they rescan the folder,
 * scans skip this prefix, and the name says nothing about a private file).
 */
export function temporaryPathFor(sourcePath: string, jobId: number, extension: string): string {
  return path.join(path.dirname(sourcePath), `${ENCODER_TEMPORARY_PREFIX}${jobId}.partial${extension}`);
}

/** What the race guard compares: a file changed by anyone else between the probe and the swap has a new size or mtime. */
export interface FileStamp {
  sizeBytes: bigint;
  modifiedMs: number;
}

export async function stampOf(filePath: string): Promise<FileStamp | null> {
  try {
    const stat = await fsp.stat(filePath, { bigint: true });
    return stat.isFile() ? { sizeBytes: stat.size, modifiedMs: Number(stat.mtimeMs) } : null;
  } catch {
    return null;
  }
}

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  return a !== null && b !== null && a.sizeBytes === b.sizeBytes && a.modifiedMs === b.modifiedMs;
}

export interface ReplaceRequest {
  sourcePath: string;
  temporaryPath: string;
  /** `targetPathFor(sourcePath)`. */
  targetPath: string;
  /** Keep the original here (named `<jobId>-<file name>`) instead of letting it go. */
  recycle: { folder: string; jobId: number } | null;
}

export type ReplaceResult = { ok: true; recyclePath: string | null } | { ok: false; reason: string };

/** Swaps the verified result in. On `ok: false` the original is exactly as it was (the temporary file is the caller's to delete). */
export async function replaceOriginal(request: ReplaceRequest): Promise<ReplaceResult> {
  const { sourcePath, temporaryPath, targetPath } = request;
  try {
    await flushFile(temporaryPath);
  } catch (error) {
    return { ok: false, reason: `The encoded file could not be flushed to disk (${codeOf(error)})` };
  }
  let recyclePath: string | null = null;
  if (request.recycle) {
    const kept = await keepInRecycleFolder(sourcePath, request.recycle);
    if (!kept.ok) return kept;
    recyclePath = kept.recyclePath;
  }
  try {
    if (targetPath === sourcePath) {
      await fsp.rename(temporaryPath, sourcePath);
    } else {
      // A new name must not overwrite a file someone else put there: link fails with EEXIST instead.
      await fsp.link(temporaryPath, targetPath);
      await fsp.unlink(temporaryPath);
      await fsp.unlink(sourcePath);
    }
  } catch (error) {
    if (recyclePath) await fsp.rm(recyclePath, { force: true });
    return { ok: false, reason: `The original could not be replaced (${codeOf(error)}); it is untouched` };
  }
  syncDirectory(path.dirname(sourcePath));
  return { ok: true, recyclePath };
}

async function keepInRecycleFolder(sourcePath: string, recycle: { folder: string; jobId: number }): Promise<{ ok: true; recyclePath: string } | { ok: false; reason: string }> {
  const recyclePath = path.join(recycle.folder, `${recycle.jobId}-${path.basename(sourcePath)}`);
  try {
    await fsp.mkdir(recycle.folder, { recursive: true, mode: 0o700 });
    try {
      await fsp.link(sourcePath, recyclePath);
    } catch (error) {
      if (codeOf(error) !== "EXDEV" && codeOf(error) !== "EPERM") throw error;
      // Another filesystem (or one without hard links): a real copy, flushed before the swap relies on it.
      await fsp.copyFile(sourcePath, recyclePath, fs.constants.COPYFILE_EXCL);
      await flushFile(recyclePath);
    }
    syncDirectory(recycle.folder);
    return { ok: true, recyclePath };
  } catch (error) {
    return { ok: false, reason: `The original could not be kept in the recycle folder (${codeOf(error)}); it is untouched` };
  }
}

async function flushFile(filePath: string): Promise<void> {
  const handle = await fsp.open(filePath, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The error code only: messages of fs errors quote the path. */
const codeOf = (error: unknown): string => errorCodeOf(error) ?? "unknown error";
