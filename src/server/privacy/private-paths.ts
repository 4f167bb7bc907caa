import { PRIVATE_PLACEHOLDER } from "./redact";

/**
 * The folders whose paths are private, kept in memory so free text can be scrubbed synchronously
 * wherever it leaves the server (log lines, error messages, any tRPC output): private scan roots,
 * roots linked to private connections, and the folder of every private queue item.
 *
 * A path in text is private when it IS one of these folders or lies inside one. Matching works on
 * folder boundaries ("/a/b" hides "/a/b/c.mkv" and "/a/b", never "/a/bc"), and a hidden path runs
 * to the end of its quoted string or line, because names may contain spaces.
 *
 * It only ever grows while the server runs (a folder made public is forgotten on the next full
 * reload): hiding a public path in a log line by mistake costs little; showing a private one is the
 * failure this module exists to prevent.
 */
interface Registry {
  folders: Set<string>;
  /** "/" itself is private: every absolute path is hidden. */
  everything: boolean;
  loaded: boolean;
  /** Folders registered while a full reload reads the database, kept when the reload replaces the set. */
  registeredDuringReload: Set<string> | null;
}

// On globalThis so a dev-server module reload keeps what is known.
const registry = ((globalThis as unknown as { optimizarrPrivatePaths?: Registry }).optimizarrPrivatePaths ??= {
  folders: new Set(),
  everything: false,
  loaded: false,
  registeredDuringReload: null,
});

const MAX_PATH = 4096;

function withoutTrailingSlash(folder: string): string {
  return folder.length > 1 && folder.endsWith("/") ? folder.replace(/\/+$/, "") : folder;
}

export function registerPrivateFolder(folder: string): void {
  if (!folder.startsWith("/")) return;
  const normalised = withoutTrailingSlash(folder);
  registry.registeredDuringReload?.add(normalised);
  if (normalised === "/") registry.everything = true;
  else registry.folders.add(normalised);
}

/** "/a/b/c.mkv" → "/a/b"; a file directly under "/" gives "/" (which hides every path). */
export function folderOf(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash <= 0 ? "/" : file.slice(0, slash);
}

/** Registers the folder holding each private file (which also hides the file's own path). */
export function registerPrivateFiles(paths: Iterable<string>): void {
  for (const file of paths) registerPrivateFolder(folderOf(file));
}

/** Starts a full reload: folders registered from now on survive `replacePrivateFolders`. */
export function beginPrivateFoldersReload(): void {
  registry.registeredDuringReload ??= new Set();
}

/** Replaces everything known with a fresh reading (startup, and after a source turned public). */
export function replacePrivateFolders(folders: Iterable<string>): void {
  const keep = registry.registeredDuringReload ?? new Set<string>();
  registry.registeredDuringReload = null;
  registry.folders = new Set();
  registry.everything = false;
  for (const folder of [...folders, ...keep]) registerPrivateFolder(folder);
  registry.loaded = true;
}

export function privateFoldersLoaded(): boolean {
  return registry.loaded;
}

/** Characters that end a path in text: quotes (JSON strings, messages) and line ends. */
const PATH_END = new Set(['"', "'", "`", "\n", "\r", "<", ">"]);
/** A "/" after one of these is inside a word or URL ("http://host/x", "a/b"), not a path's start. */
const INSIDE_WORD = /[\w.:/~-]/;

function privatePathEnd(text: string, start: number): number | null {
  let end = start + 1;
  const limit = Math.min(text.length, start + MAX_PATH);
  let hidden = registry.everything;
  for (; end < limit && !PATH_END.has(text[end]!); end += 1) {
    if (!hidden && (text[end] === "/" || /\s/.test(text[end]!)) && registry.folders.has(text.slice(start, end))) hidden = true;
  }
  if (!hidden && registry.folders.has(text.slice(start, end))) hidden = true;
  return hidden ? end : null;
}

/** `text` with every private path replaced by the label. Cheap when nothing is private. */
export function scrubPrivateText(text: string, label: string = PRIVATE_PLACEHOLDER): string {
  if (registry.folders.size === 0 && !registry.everything) return text;
  if (!text.includes("/")) return text;
  let result = "";
  let copiedUpTo = 0;
  for (let index = text.indexOf("/"); index !== -1 && index < text.length; index = text.indexOf("/", index + 1)) {
    if (index > 0 && INSIDE_WORD.test(text[index - 1]!)) continue;
    const end = privatePathEnd(text, index);
    if (end === null) continue;
    result += text.slice(copiedUpTo, index) + label;
    copiedUpTo = end;
    index = end - 1;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

export function containsPrivatePath(text: string): boolean {
  return scrubPrivateText(text) !== text;
}

/**
 * Deep copy of `value` with every string scrubbed: the last step of every tRPC output. Keys in
 * `keep` are left as they are — admin configuration a form edits and saves back (a connection's
 * address and path mappings), which must round-trip unchanged.
 */
export function scrubPrivateValues<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
  if (registry.folders.size === 0 && !registry.everything) return value;
  return scrubUnknown(value, keep) as T;
}

function scrubUnknown(value: unknown, keep: ReadonlySet<string>): unknown {
  if (typeof value === "string") return scrubPrivateText(value);
  if (Array.isArray(value)) return value.map((item) => scrubUnknown(item, keep));
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = keep.has(key) ? item : scrubUnknown(item, keep);
  return copy;
}
