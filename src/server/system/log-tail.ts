import fs from "node:fs/promises";
import path from "node:path";
import { scrubPrivateText } from "~/server/privacy/private-paths";
import { parseLogLine, type LogEntry } from "./log-entry";
import { LOG_LEVEL_VALUES, type LogLevelName } from "./log-levels";

/**
 * Reads the newest lines of the rotating log (pino-roll writes `<base>.<N>.log`, N growing) from the
 * end backwards, in chunks, so a 10 MB file costs only the bytes actually needed. Continues into
 * older rotated files when the newest one runs out.
 */
const CHUNK_BYTES = 64 * 1024;
/** Upper bound on bytes examined per call, so a rare level filter cannot make one request read everything. */
const DEFAULT_MAX_SCAN_BYTES = 16 * 1024 * 1024;

/** Where to continue reading: a line start in a numbered log file. Opaque to callers. */
export interface LogCursor {
  file: number;
  offset: number;
}

const CURSOR_PATTERN = /^(\d{1,9}):(\d{1,15})$/;

export function encodeLogCursor(cursor: LogCursor): string {
  return `${cursor.file}:${cursor.offset}`;
}

export function decodeLogCursor(text: string): LogCursor | null {
  const match = CURSOR_PATTERN.exec(text);
  return match ? { file: Number(match[1]), offset: Number(match[2]) } : null;
}

export interface LogTailOptions {
  directory: string;
  /** File name stem: files are `<baseName>.<N>.log`. */
  baseName: string;
  limit: number;
  minLevel?: LogLevelName;
  before?: LogCursor;
  maxScanBytes?: number;
  chunkBytes?: number;
}

export interface LogTailPage {
  /** Newest first. */
  entries: LogEntry[];
  /** Pass as `before` for the next older page; null when the oldest file has been read. */
  nextBefore: string | null;
}

/** Numbered log files, newest (highest number) first. A missing directory means no logs yet. */
export async function listLogFiles(directory: string, baseName: string): Promise<{ number: number; filePath: string }[]> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    if (isNodeError(error) && error.code === "ENOENT") return [];
    throw error;
  }
  const pattern = new RegExp(`^${escapeRegExp(baseName)}\\.(\\d+)\\.log$`);
  return names
    .flatMap((name) => {
      const match = pattern.exec(name);
      return match ? [{ number: Number(match[1]), filePath: path.join(directory, name) }] : [];
    })
    .sort((a, b) => b.number - a.number);
}

export async function readLogTail(options: LogTailOptions): Promise<LogTailPage> {
  const minValue = options.minLevel ? LOG_LEVEL_VALUES[options.minLevel] : 0;
  const maxScanBytes = options.maxScanBytes ?? DEFAULT_MAX_SCAN_BYTES;
  const files = (await listLogFiles(options.directory, options.baseName)).filter((file) => !options.before || file.number <= options.before.file);
  const entries: LogEntry[] = [];
  let scanned = 0;

  for (const file of files) {
    const end = options.before && file.number === options.before.file ? options.before.offset : Number.POSITIVE_INFINITY;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file.filePath, "r");
    } catch (error) {
      // Rotation deleted it between listing and opening: nothing to read there.
      if (isNodeError(error) && error.code === "ENOENT") continue;
      throw error;
    }
    try {
      for await (const line of linesBackwards(handle, end, options.chunkBytes ?? CHUNK_BYTES)) {
        scanned += line.bytes.length + 1;
        // Lines written before a source turned private still hold its paths: scrubbed on the way out too.
        const entry = parseLogLine(scrubPrivateText(line.bytes.toString("utf8")), encodeLogCursor({ file: file.number, offset: line.offset }));
        if (entry && entry.levelValue >= minValue) entries.push(entry);
        if (entries.length >= options.limit || scanned >= maxScanBytes) {
          return { entries, nextBefore: line.offset > 0 || file !== files.at(-1) ? encodeLogCursor({ file: file.number, offset: line.offset }) : null };
        }
      }
    } finally {
      await handle.close();
    }
  }
  return { entries, nextBefore: null };
}

/**
 * Complete lines of the file that end at or before `end`, last first, with their start offsets.
 * Splits on the newline byte, which never occurs inside a multi-byte UTF-8 character. The segment
 * after the last newline is never yielded: at the end of the file it is empty or still being
 * written, and at a cursor (a line start) it is empty.
 */
async function* linesBackwards(handle: fs.FileHandle, end: number, chunkBytes: number): AsyncGenerator<{ bytes: Buffer; offset: number }> {
  const { size } = await handle.stat();
  let position = Math.min(end, size);
  // Bytes of the line that straddles chunk boundaries, in file order; joined once its start is found.
  let pending: Buffer[] = [];
  let first = true;
  while (position > 0) {
    const start = Math.max(0, position - chunkBytes);
    const chunk = await readExactly(handle, start, position - start);
    let lineEnd = chunk.length;
    while (lineEnd > 0) {
      const newline = chunk.lastIndexOf(0x0a, lineEnd - 1);
      if (newline === -1) break;
      const bytes = Buffer.concat([chunk.subarray(newline + 1, lineEnd), ...pending]);
      pending = [];
      if (!first && bytes.length > 0) yield { bytes, offset: start + newline + 1 };
      first = false;
      lineEnd = newline;
    }
    if (lineEnd > 0) pending.unshift(chunk.subarray(0, lineEnd));
    position = start;
  }
  const bytes = Buffer.concat(pending);
  if (!first && bytes.length > 0) yield { bytes, offset: 0 };
}

async function readExactly(handle: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
