import "server-only";
import type { MediaFiles } from "~/server/connections/connection-client";
import { fail, type Result } from "~/server/connections/errors";
import type { HttpClient, RequestOptions } from "~/server/connections/http-client";
import { readMovieFiles } from "~/server/connections/radarr";
import { readSeriesFiles } from "~/server/connections/sonarr";
import { openLookupHttp, type LookupConnection } from "./lookup-http";
import type { WebhookAppType } from "./webhook-event";

/**
 * Re-reads one series or movie from the app that sent a delivery naming it without its files (an
 * older Rename). Done while the app waits for our answer, so it is bounded: no retries, the short
 * lookup timeouts, and one deadline over all requests (Sonarr needs two). Sonarr and Radarr wait
 * far longer than this for a webhook answer. A failure comes back as a result: the delivery is
 * kept for a retry.
 */
const DEADLINE_MS = 20_000;

export type MediaFilesLookup = (mediaId: number) => Promise<Result<MediaFiles>>;

const READERS = {
  sonarr: readSeriesFiles,
  radarr: readMovieFiles,
} as const satisfies Record<WebhookAppType, (http: HttpClient, mediaId: number, options: RequestOptions) => Promise<Result<MediaFiles>>>;

export function createMediaFilesLookup(connection: LookupConnection, deadlineMs = DEADLINE_MS): MediaFilesLookup {
  return async (mediaId) => {
    const opened = openLookupHttp(connection, AbortSignal.timeout(deadlineMs));
    if (!opened.ok) return fail(opened.error);
    try {
      return await READERS[connection.appType](opened.http, mediaId, { retry: false });
    } finally {
      await opened.http.close();
    }
  };
}
