import "server-only";
import pLimit from "p-limit";
import { z } from "zod";
import { arrFileFields, testArrConnection, toLibraryFile } from "./arr-common";
import { arrHandBack, readArrFile } from "./arr-command";
import type { AppClientOptions, ConnectionClient, LibraryEvent, MediaFiles } from "./connection-client";
import { ok, type Result } from "./errors";
import { createHttpClient, type HttpClient, type RequestOptions } from "./http-client";

/**
 * Sonarr v3. No endpoint lists every episode file: GET /api/v3/series, then
 * GET /api/v3/episodefile?seriesId=N per series (a plain, unpaginated array; the parameter is
 * required). Requests run a few at a time — Sonarr has no rate limit, only a server to not
 * overload — and at most a few series' answers wait in memory for the consumer.
 * @see ../shared/specs/arr-api-facts.md ("Sonarr: series and episode files")
 */
const APP = "Sonarr";
const CONCURRENCY = 4;
/** Answers fetched ahead of the consumer: keeps requests flowing while it writes, bounds memory. */
const READ_AHEAD = CONCURRENCY * 2;

const seriesSchema = z.object({
  id: z.number().int(),
  statistics: z.object({ episodeFileCount: z.number().int().nonnegative().nullish() }).nullish(),
});

const episodeFileSchema = z.object(arrFileFields);
type EpisodeFile = z.infer<typeof episodeFileSchema>;

const seriesFolderSchema = z.object({ id: z.number().int(), path: z.string().min(1) });

/**
 * One series' folder (GET /api/v3/series/N) and its episode files (GET /api/v3/episodefile?seriesId=N).
 * The folder comes from Sonarr, not from whoever asked, so it can bound what the listing replaces.
 */
export async function readSeriesFiles(http: HttpClient, seriesId: number, options: RequestOptions = {}): Promise<Result<MediaFiles>> {
  const series = await http.getJson(`/api/v3/series/${seriesId}`, seriesFolderSchema, options);
  if (!series.ok) return series;
  const listed = await http.getArray("/api/v3/episodefile", episodeFileSchema, { ...options, query: { seriesId } });
  if (!listed.ok) return listed;
  return ok({ folderPath: series.data.path, files: listed.data.items.map((file) => toLibraryFile(file, "sonarr")), invalid: listed.data.invalid });
}

export function createSonarrClient(options: AppClientOptions): ConnectionClient {
  const context = { app: APP, baseUrl: options.baseUrl };
  const http = createHttpClient({ ...options, ...context });

  return {
    testConnection: () => testArrConnection(http, APP, context),

    async currentFile(file) {
      const read = await readArrFile(http, "sonarr", file, context);
      return read.ok ? ok(read.data?.state ?? null) : read;
    },

    handBack: (request) => arrHandBack(http, "sonarr", request, context),

    async *library(): AsyncGenerator<LibraryEvent> {
      const seriesIds: number[] = [];
      let total = 0;
      let totalKnown = true;
      let invalidSeries = 0;
      for await (const event of http.streamArray("/api/v3/series", seriesSchema)) {
        if (event.type === "failed") {
          yield event;
          return;
        }
        invalidSeries += event.invalid;
        for (const series of event.items) {
          const count = series.statistics?.episodeFileCount;
          if (count === 0) continue; // Nothing on disk: skip the request.
          if (count === undefined || count === null) totalKnown = false;
          else total += count;
          seriesIds.push(series.id);
        }
      }
      if (totalKnown) yield { type: "total", total };
      if (invalidSeries > 0) yield { type: "files", files: [], invalid: invalidSeries };

      const limit = pLimit(CONCURRENCY);
      const fetchFiles = (seriesId: number): Promise<Result<{ items: EpisodeFile[]; invalid: number }>> =>
        limit(() => http.getArray("/api/v3/episodefile", episodeFileSchema, { query: { seriesId } }));
      const inFlight: { seriesId: number; result: Promise<Result<{ items: EpisodeFile[]; invalid: number }>> }[] = [];
      let next = 0;
      try {
        while (next < seriesIds.length || inFlight.length > 0) {
          while (inFlight.length < READ_AHEAD && next < seriesIds.length) {
            const seriesId = seriesIds[next++]!;
            inFlight.push({ seriesId, result: fetchFiles(seriesId) });
          }
          const head = inFlight.shift()!;
          const result = await head.result;
          if (!result.ok) {
            yield { type: "failed", error: { ...result.error, message: `${result.error.message} (reading the episode files of series ${head.seriesId})` } };
            return;
          }
          const files = result.data.items.map((file) => toLibraryFile(file, "sonarr"));
          yield { type: "files", files, invalid: result.data.invalid };
        }
      } finally {
        // Stopped early (failure or consumer gone): drop what hasn't started.
        limit.clearQueue();
      }
    },

    close: () => http.close(),
  };
}
