import "server-only";
import pLimit from "p-limit";
import { z } from "zod";
import { arrFileFields, arrParentId, testArrConnection, toLibraryFile } from "./arr-common";
import { arrHandBack, readArrFile } from "./arr-command";
import type { AppClientOptions, ConnectionClient, LibraryEvent, LibraryOptions, MediaFiles, ParentListing } from "./connection-client";
import { ok, withErrorDetail, type Result } from "./errors";
import { createHttpClient, type HttpClient, type RequestOptions } from "./http-client";

/**
 * Sonarr v3. No endpoint lists every episode file: GET /api/v3/series, then
 * GET /api/v3/episodefile?seriesId=N per series (a plain, unpaginated array; the parameter is
 * required). Requests run a few at a time — Sonarr has no rate limit, only a server to not
 * overload — and at most a few series' answers wait in memory for the consumer. A quick listing
 * (`knownParents`) skips the series whose statistics still match (see ./parent-snapshots.ts).
 * @see ../shared/specs/arr-api-facts.md ("Sonarr: series and episode files")
 */
const APP = "Sonarr";
const CONCURRENCY = 4;
/** Answers fetched ahead of the consumer: keeps requests flowing while it writes, bounds memory. */
const READ_AHEAD = CONCURRENCY * 2;

const statisticsSchema = z.object({
  episodeFileCount: z.number().int().nonnegative().nullish(),
  sizeOnDisk: z.number().nonnegative().nullish(),
  releaseGroups: z.array(z.string()).nullish(),
});

const seriesSchema = z.object({
  id: z.number().int(),
  statistics: statisticsSchema.nullish(),
  seasons: z.array(z.object({ seasonNumber: z.number().int(), statistics: statisticsSchema.nullish() })).nullish(),
});
type Series = z.infer<typeof seriesSchema>;

/**
 * What Sonarr's statistics say about a series' files, or null when it doesn't say (never skipped then).
 * Sonarr computes them from its database on every request (SeriesStatisticsRepository): per season,
 * the episodes that have a file and the sum of the files' sizes; release groups come from the files.
 * A file added, deleted or replaced by one of another size changes them. A rename, a move within the
 * series, or a replacement of exactly the same size and group does not: webhooks and the scheduled
 * full sync catch those.
 */
export function seriesFingerprint(series: Series): string | null {
  const stats = series.statistics;
  if (stats?.episodeFileCount == null || stats.sizeOnDisk == null) return null;
  const seasons = (series.seasons ?? [])
    .map((season) => `${season.seasonNumber}:${season.statistics?.episodeFileCount ?? "-"}/${season.statistics?.sizeOnDisk ?? "-"}`)
    .sort()
    .join(",");
  const groups = [...(stats.releaseGroups ?? [])].sort().join(",");
  return `${stats.episodeFileCount}/${stats.sizeOnDisk}|${seasons}|${groups}`;
}

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

    async *library({ knownParents }: LibraryOptions = {}): AsyncGenerator<LibraryEvent> {
      const toRead: { seriesId: number; parent: ParentListing | null }[] = [];
      /** Skipped as unchanged, or with nothing on disk: complete without a request. */
      const settled: ParentListing[] = [];
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
          const parentId = arrParentId("sonarr", series.id)!;
          const fingerprint = seriesFingerprint(series);
          const parent = fingerprint === null ? null : { parentId, fingerprint, skipped: false };
          if (parent && knownParents?.get(parentId) === parent.fingerprint) {
            settled.push({ ...parent, skipped: true });
            continue;
          }
          const count = series.statistics?.episodeFileCount;
          if (count === 0) {
            // Nothing on disk: skip the request.
            if (parent) settled.push(parent);
            continue;
          }
          if (count === undefined || count === null) totalKnown = false;
          else total += count;
          toRead.push({ seriesId: series.id, parent });
        }
      }
      if (totalKnown) yield { type: "total", total };
      if (invalidSeries > 0 || settled.length > 0) yield { type: "files", files: [], invalid: invalidSeries, parents: settled };

      const limit = pLimit(CONCURRENCY);
      const fetchFiles = (seriesId: number): Promise<Result<{ items: EpisodeFile[]; invalid: number }>> =>
        limit(() => http.getArray("/api/v3/episodefile", episodeFileSchema, { query: { seriesId } }));
      const inFlight: { seriesId: number; parent: ParentListing | null; result: Promise<Result<{ items: EpisodeFile[]; invalid: number }>> }[] = [];
      let next = 0;
      try {
        while (next < toRead.length || inFlight.length > 0) {
          while (inFlight.length < READ_AHEAD && next < toRead.length) {
            const { seriesId, parent } = toRead[next++]!;
            inFlight.push({ seriesId, parent, result: fetchFiles(seriesId) });
          }
          const head = inFlight.shift()!;
          const result = await head.result;
          if (!result.ok) {
            yield { type: "failed", error: withErrorDetail(result.error, `reading the episode files of series ${head.seriesId}`) };
            return;
          }
          const files = result.data.items.map((file) => toLibraryFile(file, "sonarr"));
          // A series with a malformed file is not complete: no snapshot, so the next quick sync reads it again.
          const parents = head.parent && result.data.invalid === 0 ? [head.parent] : [];
          yield { type: "files", files, invalid: result.data.invalid, parents };
        }
      } finally {
        // Stopped early (failure or consumer gone): drop what hasn't started.
        limit.clearQueue();
      }
    },

    close: () => http.close(),
  };
}
