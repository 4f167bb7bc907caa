import "server-only";
import { LOG_FILE_BASENAME, logDirectory } from "~/server/logger";
import { readLogTail, decodeLogCursor, type LogTailPage } from "./log-tail";
import type { LogLevelName } from "./log-levels";

export interface LogQuery {
  level?: LogLevelName;
  limit: number;
  before?: string;
}

/** The Logs page's query against the app's own rotating log file. */
export async function queryLogs(query: LogQuery): Promise<LogTailPage & { directory: string }> {
  const directory = logDirectory();
  const before = query.before ? (decodeLogCursor(query.before) ?? undefined) : undefined;
  const page = await readLogTail({ directory, baseName: LOG_FILE_BASENAME, limit: query.limit, minLevel: query.level, before });
  return { ...page, directory };
}
