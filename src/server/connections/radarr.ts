import "server-only";
import { z } from "zod";
import { arrFileFields, testArrConnection, toLibraryFile } from "./arr-common";
import { arrHandBack, readArrFile } from "./arr-command";
import type { AppClientOptions, ConnectionClient, LibraryEvent, LibraryFile, MediaFiles } from "./connection-client";
import { ok, type Result } from "./errors";
import { createHttpClient, type HttpClient, type RequestOptions } from "./http-client";

/**
 * Radarr v3. The library is one unpaginated GET /api/v3/movie with each movie's file inline
 * (`movieFile`, absent when the movie has no file) — about 50 MB for 20k movies, so it is parsed
 * as it streams in. @see ../shared/specs/arr-api-facts.md ("Radarr: GET /api/v3/movie")
 */
const APP = "Radarr";

const movieFileSchema = z.object(arrFileFields);

const movieSchema = z.object({
  id: z.number().int(),
  movieFile: movieFileSchema.nullish(),
});

/** The file is checked on its own, so a malformed one is counted instead of failing the folder. */
const movieFolderSchema = z.object({ id: z.number().int(), path: z.string().min(1), movieFile: z.unknown().nullish() });

/**
 * One movie's folder and file: GET /api/v3/movie/N carries both (`movieFile` inline, absent when
 * the movie has no file), so one request answers what GET /api/v3/moviefile?movieId=N would not
 * (the folder). A file that fails validation is counted, as in the library listing.
 */
export async function readMovieFiles(http: HttpClient, movieId: number, options: RequestOptions = {}): Promise<Result<MediaFiles>> {
  const movie = await http.getJson(`/api/v3/movie/${movieId}`, movieFolderSchema, options);
  if (!movie.ok) return movie;
  const raw = movie.data.movieFile;
  if (raw == null) return ok({ folderPath: movie.data.path, files: [], invalid: 0 });
  const file = movieFileSchema.safeParse(raw);
  return ok({ folderPath: movie.data.path, files: file.success ? [toLibraryFile(file.data, "radarr")] : [], invalid: file.success ? 0 : 1 });
}

export function createRadarrClient(options: AppClientOptions): ConnectionClient {
  const context = { app: APP, baseUrl: options.baseUrl };
  const http = createHttpClient({ ...options, ...context });

  return {
    testConnection: () => testArrConnection(http, APP, context),

    async currentFile(file) {
      const read = await readArrFile(http, "radarr", file, context);
      return read.ok ? ok(read.data?.state ?? null) : read;
    },

    handBack: (request) => arrHandBack(http, "radarr", request, context),

    async *library(): AsyncGenerator<LibraryEvent> {
      for await (const event of http.streamArray("/api/v3/movie", movieSchema)) {
        if (event.type === "failed") {
          yield event;
          return;
        }
        const files: LibraryFile[] = [];
        for (const movie of event.items) {
          // A movie without a file is normal (wanted, not downloaded yet): nothing to queue, nothing wrong.
          const file = movie.movieFile;
          if (!file) continue;
          files.push(toLibraryFile(file, "radarr"));
        }
        yield { type: "files", files, invalid: event.invalid };
      }
    },

    close: () => http.close(),
  };
}
