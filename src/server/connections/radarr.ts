import "server-only";
import { z } from "zod";
import { arrFileFields, testArrConnection, toLibraryFile } from "./arr-common";
import type { AppClientOptions, ConnectionClient, LibraryEvent, LibraryFile } from "./connection-client";
import { createHttpClient } from "./http-client";

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

export function createRadarrClient(options: AppClientOptions): ConnectionClient {
  const context = { app: APP, baseUrl: options.baseUrl };
  const http = createHttpClient({ ...options, ...context });

  return {
    testConnection: () => testArrConnection(http, APP, context),

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
