import { isInsideFolder, safeFolder } from "./webhook-scope";

/**
 * Where a file named by a webhook lives in the library. Older Sonarr/Radarr `Download` bodies put
 * the download client's path in `path` (e.g. /downloads/Show.S01E02.720p-GRP/show.s01e02.mkv, gone
 * once the import moved it) while `relativePath` joined to the series/movie folder is the library
 * file; newer versions send the library path in `path` (and the download path in `sourcePath`).
 * So: `path` when it lies inside the folder, else folder + relativePath.
 * @see ../shared/specs/arr-api-facts.md ("Real installs send older shapes too")
 */
export function libraryPath(file: { path?: string | null; relativePath?: string | null }, folder: string): string | null {
  const inFolder = safeFolder(folder);
  if (file.path && (inFolder === null || isInsideFolder(file.path, inFolder) || !file.relativePath)) return file.path;
  return file.relativePath ? joinRelative(folder, file.relativePath) : (file.path ?? null);
}

/** relativePath is relative to the series/movie folder; join with that folder's own separator. */
export function joinRelative(folder: string, relativePath: string): string {
  const separator = folder.includes("\\") && !folder.includes("/") ? "\\" : "/";
  const base = folder.endsWith(separator) ? folder.slice(0, -1) : folder;
  return `${base}${separator}${relativePath.replace(/^[\\/]+/, "")}`;
}
