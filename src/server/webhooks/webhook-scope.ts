/**
 * A delivery is scoped to the connection it authenticated as: it reads and changes only that
 * connection's queue items. Anyone holding one connection's webhook secret can send any body, so
 * payload paths are claims, not facts: these helpers decide which claims a delivery may act on.
 * Pure functions, so the rules are testable without a database.
 */

/** Why part of a delivery was left alone. Logged (never with the path or title), never answered. */
export type ScopeReason =
  /** A file path the delivery names belongs to another connection's item (or, for a rename, a scan's). */
  | "held-by-another-source"
  /** Deletes matched nothing of this connection but would have matched someone else's items. */
  | "matches-another-source"
  /** A new file inside a folder that holds another connection's files (that connection's folder). */
  | "inside-another-source-folder"
  /** A path that is relative, not normalised (`.`, `..`, `//`), a root, or has control characters. */
  | "unsafe-path"
  /** A renamed file's new path is outside the series/movie folder the same payload names. */
  | "outside-media-folder";

export interface ScopeIgnore {
  reason: ScopeReason;
  count: number;
}

const WINDOWS_ROOT = /^(?:[a-zA-Z]:[\\/]|\\\\)/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function isWindowsPath(path: string): boolean {
  return WINDOWS_ROOT.test(path);
}

/**
 * An absolute, normalised path below a root: `/tv/Show/a.mkv`, `D:\TV\a.mkv`, `\\nas\tv\a.mkv`.
 * No empty, `.` or `..` segment, so it names the file it says (no `/tv/../etc/passwd`); the root
 * itself (`/`, `C:\`) is not a file and no series folder.
 */
export function isSafePath(path: string): boolean {
  if (path.length === 0 || CONTROL_CHARACTERS.test(path)) return false;
  const windows = isWindowsPath(path);
  if (!windows && !path.startsWith("/")) return false;
  const rest = windows ? path.replace(WINDOWS_ROOT, "") : path.slice(1);
  // Linux allows "\" inside a name; Windows treats both as separators.
  const segments = windows ? rest.split(/[\\/]/) : rest.split("/");
  return segments.every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** A series/movie folder without trailing separators, or null when it is unsafe or a root. */
export function safeFolder(path: string): string | null {
  const trimmed = path.replace(/[\\/]+$/, "");
  return isSafePath(trimmed) ? trimmed : null;
}

/**
 * Whether `filePath` lies inside `folder` (a `safeFolder`), by whole segments: `/tv/Show` holds
 * `/tv/Show/a.mkv`, never `/tv/Show 2/a.mkv`. Case-sensitive, as the queue's paths are.
 */
export function isInsideFolder(filePath: string, folder: string): boolean {
  if (!filePath.startsWith(folder)) return false;
  const next = filePath[folder.length];
  return next === "/" || (next === "\\" && isWindowsPath(folder));
}

/** The folder a file is in (a `safeFolder`), or null for a file directly under a root. */
export function parentFolder(filePath: string): string | null {
  const cut = isWindowsPath(filePath) ? Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\")) : filePath.lastIndexOf("/");
  return cut <= 0 ? null : safeFolder(filePath.slice(0, cut));
}

/** Who holds a queue path: nobody, this connection, a plain scan (null), or another connection. */
export type PathHolder = "none" | "self" | "scan" | "other";

export function holderOf(row: { connectionId: number | null } | undefined, connectionId: number): PathHolder {
  if (!row) return "none";
  if (row.connectionId === null) return "scan";
  return row.connectionId === connectionId ? "self" : "other";
}

/** Adds `count` under `reason`, merging with an earlier entry; zero counts are dropped. */
export function noteIgnored(into: ScopeIgnore[], reason: ScopeReason, count: number): void {
  if (count <= 0) return;
  const existing = into.find((entry) => entry.reason === reason);
  if (existing) existing.count += count;
  else into.push({ reason, count });
}
