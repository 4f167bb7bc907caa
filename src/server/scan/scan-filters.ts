/**
 * Which directory entries a scan looks at. Extensions are matched case-insensitively on the last
 * dot ("Movie.2020.MKV" counts); everything else (subtitles, artwork, .nfo) is ignored.
 */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  "mkv", "mp4", "m4v", "avi", "mov", "qt", "wmv", "asf", "ts", "m2ts", "mts", "mpg", "mpeg", "mpe", "m2v",
  "webm", "flv", "f4v", "vob", "3gp", "3g2", "ogv", "divx", "xvid", "rm", "rmvb", "mxf", "dv",
]);

export function videoExtensionOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf(".");
  if (dot <= 0 || dot === fileName.length - 1) return null;
  const extension = fileName.slice(dot + 1).toLowerCase();
  return VIDEO_EXTENSIONS.has(extension) ? extension : null;
}

/** The encoder's temporary outputs beside an original (src/server/encoder/replace-original.ts): never a library file. */
export const ENCODER_TEMPORARY_PREFIX = ".optimizarr-";

export function isVideoFileName(fileName: string): boolean {
  // macOS AppleDouble companions ("._Movie.mkv") carry a video extension but hold only metadata.
  if (fileName.startsWith("._") || fileName.startsWith(ENCODER_TEMPORARY_PREFIX)) return false;
  return videoExtensionOf(fileName) !== null;
}

/**
 * Folders NASes and OSes fill with their own copies and previews: Synology's @eaDir holds preview
 * .mp4s of every film, recycle bins hold deleted ones. Scanning them would queue junk.
 */
const IGNORED_DIRECTORY_NAMES: ReadonlySet<string> = new Set([
  "@eadir", ".@__thumb", "#recycle", "#snapshot", "$recycle.bin", "system volume information", "lost+found", ".trash", ".trashes",
  ".snapshot", ".snapshots", ".zfs",
]);

export function isIgnoredDirectoryName(directoryName: string): boolean {
  const lower = directoryName.toLowerCase();
  return IGNORED_DIRECTORY_NAMES.has(lower) || lower.startsWith(".trash-");
}
