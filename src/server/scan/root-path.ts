import "server-only";
import path from "node:path";
import { errorCodeOf } from "~/server/error-code";
import { nodeWalkFileSystem, type WalkFileSystem } from "./walk-files";

/**
 * A scan root must be an absolute path to a folder Optimizarr can list. Checked on create/update so
 * the user hears about a typo at once, not as an empty scan later.
 */
export type RootPathCheck = { ok: true; path: string } | { ok: false; message: string };

/** "/media/films/" and "/media//films" → "/media/films"; "/" stays "/". */
export function normaliseRootPath(input: string): string {
  return path.resolve(input);
}

const MAX_SHOWN_PATH = 120;

/** A path as it may appear in a message: long ones are cut in the middle so messages stay short. */
export function pathForMessage(value: string): string {
  if (value.length <= MAX_SHOWN_PATH) return value;
  const half = Math.floor((MAX_SHOWN_PATH - 1) / 2);
  return `${value.slice(0, half)}…${value.slice(-half)}`;
}

export interface RootPathOptions {
  fileSystem?: WalkFileSystem;
  /** How to name the folder in messages; a private root's path must not be echoed. */
  label?: string;
}

export async function checkRootPath(input: string, options: RootPathOptions = {}): Promise<RootPathCheck> {
  if (!path.isAbsolute(input)) return { ok: false, message: `Path must be an absolute path (starting with /), not ${options.label ?? `"${pathForMessage(input)}"`}` };
  const normalised = normaliseRootPath(input);
  const label = options.label ?? pathForMessage(normalised);
  const fileSystem = options.fileSystem ?? nodeWalkFileSystem;

  let stats;
  try {
    stats = await fileSystem.stat(normalised);
  } catch (error) {
    return { ok: false, message: describeFailure(label, errorCodeOf(error)) };
  }
  if (stats.isFile()) return { ok: false, message: `${label} is a file, not a folder` };
  if (!stats.isDirectory()) return { ok: false, message: `${label} is not a folder` };

  try {
    // Listing one entry proves read+execute permission where access() can be fooled (ACLs, root squash on NFS).
    for await (const _entry of await fileSystem.opendir(normalised)) break;
  } catch (error) {
    return { ok: false, message: describeFailure(label, errorCodeOf(error)) };
  }
  return { ok: true, path: normalised };
}

function describeFailure(label: string, code: string | null): string {
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return `${label} does not exist`;
    case "EACCES":
    case "EPERM":
      return `${label} is not readable by the user Optimizarr runs as`;
    case "ELOOP":
      return `${label} is a symlink loop`;
    case "ENAMETOOLONG":
      return `${label} is too long for the file system`;
    default:
      return `${label} cannot be opened${code ? ` (${code})` : ""}`;
  }
}
