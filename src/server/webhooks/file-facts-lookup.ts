import "server-only";
import pLimit from "p-limit";
import { z } from "zod";
import { arrFileFields, toLibraryFile } from "~/server/connections/arr-common";
import type { FileFacts, FileFactsLookup } from "./apply-webhook-event";
import { openLookupHttp, type LookupConnection } from "./lookup-http";

/**
 * When a webhook arrives before the app scanned the file (no mediaInfo), ask its REST API by file
 * id. The app is waiting for our answer, so: no retries, short timeouts, a few requests at a time,
 * and a bound on the whole delivery — at most MAX_LOOKUPS files asked about, all within one
 * deadline — because a season pack (or a crafted body) can name thousands of files. A failure is
 * not fatal: the item is queued with an unknown codec (a sync or "Fill from connection" finds it).
 */
const CONCURRENCY = 4;
const MAX_LOOKUPS = 100;
const DEADLINE_MS = 30_000;

export interface FileFactsLookupBounds {
  maxLookups: number;
  deadlineMs: number;
}

const arrFileSchema = z.object(arrFileFields);

export function createFileFactsLookup(
  connection: LookupConnection,
  { maxLookups, deadlineMs }: FileFactsLookupBounds = { maxLookups: MAX_LOOKUPS, deadlineMs: DEADLINE_MS },
): FileFactsLookup {
  return async (fileIds) => {
    const deadline = AbortSignal.timeout(deadlineMs);
    const opened = openLookupHttp(connection, deadline);
    if (!opened.ok) return { ok: false, message: opened.error.message };
    const { http } = opened;
    const sonarr = connection.appType === "sonarr";
    const limit = pLimit(CONCURRENCY);
    try {
      const lookUp = (id: number) => http.getJson(`/api/v3/${sonarr ? "episodefile" : "moviefile"}/${id}`, arrFileSchema, { retry: false });
      // Past the deadline the requests still waiting are not sent (the client is cancelled anyway).
      const results = await Promise.all(fileIds.slice(0, maxLookups).map((id) => limit(async () => (deadline.aborted ? null : lookUp(id)))));
      const facts = new Map<number, FileFacts>();
      let firstError: string | null = null;
      for (const result of results) {
        if (result === null) continue;
        if (!result.ok) {
          firstError ??= result.error.message;
          continue;
        }
        const file = result.data;
        const library = toLibraryFile(file, connection.appType);
        facts.set(file.id, {
          codecRaw: library.codecRaw,
          width: library.width,
          height: library.height,
          bitrate: library.bitrate,
          durationSeconds: library.durationSeconds,
          qualitySource: library.qualitySource,
        });
      }
      // Partial answers still help; report failure only when nothing came back.
      if (facts.size === 0 && firstError !== null) return { ok: false, message: firstError };
      return { ok: true, facts };
    } finally {
      await http.close();
    }
  };
}
