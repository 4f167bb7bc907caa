import { errorCodeOf } from "~/server/error-code";
import type { BigIntStats, Dirent } from "node:fs";
import fsPromises from "node:fs/promises";
import path from "node:path";
import { isIgnoredDirectoryName } from "./scan-filters";

/**
 * Streams the files under a folder without ever holding the whole tree: one open directory at a
 * time and a stack of folders still to visit. Symlinks back into the root are skipped, and the
 * (dev, inode) of every folder entered is remembered, so no link or bind mount can send the walk
 * round in circles or list one file under two paths.
 */
export interface WalkedFile {
  path: string;
  sizeBytes: bigint;
  modifiedAt: Date;
}

export type WalkIssueReason = "unreadable" | "loop" | "duplicate-link" | "broken-link" | "vanished";

export interface WalkIssue {
  path: string;
  reason: WalkIssueReason;
  /** errno code when the OS gave one (EACCES, ENOENT, ELOOP…). */
  code: string | null;
}

/** The calls the walk makes; tests pass failing versions to reach error paths root cannot. */
export interface WalkFileSystem {
  opendir(directory: string): Promise<AsyncIterable<Dirent>>;
  stat(target: string): Promise<BigIntStats>;
  realpath(target: string): Promise<string>;
}

export const nodeWalkFileSystem: WalkFileSystem = {
  // The Dir's async iterator closes the handle when the loop ends, breaks or throws.
  opendir: (directory) => fsPromises.opendir(directory, { bufferSize: 64 }),
  // bigint: inode numbers on large filesystems exceed 2^53, and sizes are stored as BigInt anyway.
  stat: (target) => fsPromises.stat(target, { bigint: true }),
  realpath: (target) => fsPromises.realpath(target),
};

export interface WalkOptions {
  /** Which file names to stat and yield (by name only, so skipped files cost nothing). */
  includeFile: (fileName: string) => boolean;
  /** Called for each folder or link skipped; the walk carries on. */
  onIssue: (issue: WalkIssue) => void;
  signal?: AbortSignal;
  fileSystem?: WalkFileSystem;
}

const identityOf = (stats: BigIntStats) => `${stats.dev}:${stats.ino}`;

/** Files stat'ed at once: enough to keep a disk or share busy, few enough to stay polite. */
const STAT_WINDOW = 32;

function isInside(candidate: string, base: string): boolean {
  return candidate === base || candidate.startsWith(base.endsWith(path.sep) ? base : `${base}${path.sep}`);
}

/** Throws only if the root itself cannot be opened: a scan of a missing root must fail, not find nothing. */
export async function* walkFiles(root: string, options: WalkOptions): AsyncGenerator<WalkedFile> {
  const fileSystem = options.fileSystem ?? nodeWalkFileSystem;
  const visited = new Set<string>([identityOf(await fileSystem.stat(root))]);
  const realRoot = await fileSystem.realpath(root);
  const pending: string[] = [root];
  let isRoot = true;

  /**
   * Links pointing back into the root would list the same files under a second path (or loop for
   * ever): those are skipped, and only links leading out of the root are followed.
   */
  const insideRootVerdict = async (link: string, directory: string): Promise<"outside" | WalkIssueReason | null> => {
    let target: string;
    try {
      target = await fileSystem.realpath(link);
    } catch (error) {
      const code = errorCodeOf(error);
      options.onIssue({ path: link, reason: code === "ELOOP" ? "loop" : "broken-link", code });
      return null;
    }
    if (!isInside(target, realRoot)) return "outside";
    const realDirectory = await fileSystem.realpath(directory).catch(() => directory);
    return isInside(realDirectory, target) ? "loop" : "duplicate-link";
  };

  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const directory = pending.pop()!;
    let entries: AsyncIterable<Dirent>;
    try {
      entries = await fileSystem.opendir(directory);
    } catch (error) {
      if (isRoot) throw error;
      options.onIssue({ path: directory, reason: errorCodeOf(error) === "ENOENT" ? "vanished" : "unreadable", code: errorCodeOf(error) });
      continue;
    }
    isRoot = false;

    // Subfolders are queued after the listing so only this one directory handle is open at a time.
    const subdirectories: string[] = [];
    // Files are stat'ed a window at a time, concurrently: one stat after another leaves the disk
    // (and the thread pool) idle between calls, which on 100k files is most of the walk.
    let files: string[] = [];
    const statFiles = async function* () {
      const window = files;
      files = [];
      const stats = await Promise.all(window.map((file) => statOrReport(fileSystem, file, options, "vanished")));
      for (const [index, stat] of stats.entries()) if (stat?.isFile()) yield { path: window[index]!, sizeBytes: stat.size, modifiedAt: stat.mtime };
    };
    try {
      for await (const entry of entries) {
        const fullPath = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          if (!isIgnoredDirectoryName(entry.name)) subdirectories.push(fullPath);
        } else if (entry.isFile()) {
          if (!options.includeFile(entry.name)) continue;
          files.push(fullPath);
          if (files.length >= STAT_WINDOW) yield* statFiles();
        } else if (entry.isSymbolicLink()) {
          const stats = await statOrReport(fileSystem, fullPath, options, "broken-link");
          if (!stats) continue;
          const wanted = stats.isDirectory() ? !isIgnoredDirectoryName(entry.name) : stats.isFile() && options.includeFile(entry.name);
          if (!wanted) continue;
          const verdict = await insideRootVerdict(fullPath, directory);
          if (verdict === null) continue;
          if (verdict !== "outside") {
            options.onIssue({ path: fullPath, reason: verdict, code: null });
          } else if (stats.isDirectory()) {
            subdirectories.push(fullPath);
          } else {
            yield { path: fullPath, sizeBytes: stats.size, modifiedAt: stats.mtime };
          }
        }
        // Sockets, FIFOs and devices are never videos.
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // The listing broke off part-way (I/O error, share dropped): keep what was seen, report the folder.
      options.onIssue({ path: directory, reason: "unreadable", code: errorCodeOf(error) });
    }
    yield* statFiles();

    // Reversed so the stack pops them in listing order.
    for (const subdirectory of subdirectories.reverse()) {
      const stats = await statOrReport(fileSystem, subdirectory, options, "vanished");
      if (!stats?.isDirectory()) continue;
      // Same folder twice (bind mounts, two links out of the root to one place): walk it once.
      const identity = identityOf(stats);
      if (visited.has(identity)) {
        options.onIssue({ path: subdirectory, reason: "loop", code: null });
        continue;
      }
      visited.add(identity);
      pending.push(subdirectory);
    }
  }
}
async function statOrReport(fileSystem: WalkFileSystem, target: string, options: WalkOptions, reason: WalkIssueReason): Promise<BigIntStats | null> {
  try {
    return await fileSystem.stat(target);
  } catch (error) {
    const code = errorCodeOf(error);
    // A link to itself or a chain of links fails with ELOOP: that is a loop, not a broken link.
    options.onIssue({ path: target, reason: code === "ELOOP" ? "loop" : code === "EACCES" || code === "EPERM" ? "unreadable" : reason, code });
    return null;
  }
}
