import { z } from "zod";

/**
 * Remote → local path prefixes. Sonarr in Docker sees `/tv/Show/S01E01.mkv` where Optimizarr sees
 * `/mnt/media/tv/Show/S01E01.mkv`; the apps' own "Remote Path Mappings" only cover download
 * clients, so each connection carries its own list. Applied on sync, enrichment and webhooks.
 *
 * Matching is by whole path segments (`/tv` maps `/tv/a.mkv`, never `/tvshows/a.mkv`) and the
 * longest remote prefix wins. Windows-style remote paths (`D:\TV`, `\\nas\tv`) match without
 * regard to case or slash direction, as Windows does.
 */
export interface PathMapping {
  remote: string;
  local: string;
}

const WINDOWS_PATH = /^(?:[a-zA-Z]:[\\/]|\\\\)/;
const isAbsolutePath = (value: string) => value.startsWith("/") || WINDOWS_PATH.test(value);

const absolutePath = z
  .string()
  .trim()
  .min(1, "Enter a path")
  .max(1024)
  .refine(isAbsolutePath, "Use an absolute path, e.g. /tv or D:\\TV");

const pathMappingSchema = z.object({ remote: absolutePath, local: absolutePath });
export const pathMappingsSchema = z.array(pathMappingSchema).max(50, "At most 50 path mappings");

/** Stored JSON → mappings; a damaged value maps nothing rather than breaking a sync. */
export function parseStoredPathMappings(value: unknown): PathMapping[] {
  const parsed = pathMappingsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

interface PreparedMapping {
  /** Remote prefix without trailing separators; Windows ones lower-cased with "/" separators. */
  key: string;
  windows: boolean;
  local: string;
  localSeparator: "/" | "\\";
}

function trimTrailingSeparators(value: string): string {
  return value.replace(/[\\/]+$/, "");
}

function comparable(path: string, windows: boolean): string {
  return windows ? path.replace(/\\/g, "/").toLowerCase() : path;
}

export type PathMapper = (remotePath: string) => string;

/** Prepares the mappings once; the returned function maps one path (identity when nothing matches). */
export function createPathMapper(mappings: readonly PathMapping[]): PathMapper {
  const prepared: PreparedMapping[] = mappings
    .map((mapping) => {
      const windows = WINDOWS_PATH.test(mapping.remote);
      const local = trimTrailingSeparators(mapping.local);
      return {
        key: comparable(trimTrailingSeparators(mapping.remote), windows),
        windows,
        local,
        localSeparator: WINDOWS_PATH.test(mapping.local) ? ("\\" as const) : ("/" as const),
      };
    })
    // Longest first, so the most specific mapping wins.
    .sort((a, b) => b.key.length - a.key.length);

  return (remotePath) => {
    for (const mapping of prepared) {
      const candidate = comparable(remotePath, mapping.windows);
      const atBoundary = candidate.length === mapping.key.length || candidate[mapping.key.length] === "/" || (!mapping.windows && mapping.key === "");
      if (!candidate.startsWith(mapping.key) || !atBoundary) continue;
      // Whatever follows the prefix, re-joined with the local side's separator.
      const rest = remotePath.slice(mapping.key.length).replace(/^[\\/]+/, "");
      const tail = (mapping.windows ? rest.split(/[\\/]/) : rest.split("/")).join(mapping.localSeparator);
      if (tail === "") return mapping.local === "" ? mapping.localSeparator : mapping.local;
      return `${mapping.local}${mapping.localSeparator}${tail}`;
    }
    return remotePath;
  };
}

export function mapPath(remotePath: string, mappings: readonly PathMapping[]): string {
  return createPathMapper(mappings)(remotePath);
}

/**
 * Local → remote: the inverse of `createPathMapper`, for telling an app about a file Optimizarr
 * changed (the app must be named the path as it sees it). The same mappings with the sides
 * swapped: whole segments, longest local prefix first, the remote side's separator and (for a
 * Windows remote) backslashes in the result. A local path no mapping covers is returned as is.
 */
export function createRemotePathMapper(mappings: readonly PathMapping[]): PathMapper {
  return createPathMapper(mappings.map(({ remote, local }) => ({ remote: local, local: remote })));
}
