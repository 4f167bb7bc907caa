import { z } from "zod";

/**
 * Sonarr/Radarr webhook bodies (../shared/specs/arr-api-facts.md, "Webhook payloads", and the
 * examples in ../shared/specs/webhooks/). Loose objects: the apps add fields between versions and
 * we ignore what we do not use; strict only on the fields Optimizarr acts on.
 */
const MAX_PATH = 4096;
/**
 * A NUL byte cannot be part of a real path (every OS ends the name there), so one in a body is a
 * forged or broken delivery: refused, never stored as a queue path that no file can match.
 */
const noNul = (value: string) => !value.includes("\0");
const pathText = z.string().max(MAX_PATH).refine(noNul, "must not contain a NUL byte");
const path = pathText.min(1);
const fileId = z.number().int().positive();
/** 1 PiB: far above any video file, far below where a double stops counting bytes exactly. */
const MAX_FILE_BYTES = 2 ** 50;
/** 16K video is 15360 wide; twice that leaves room without accepting 2^31. */
const MAX_DIMENSION = 32_768;
const dimension = z.number().int().nonnegative().max(MAX_DIMENSION);

/** Webhook mediaInfo differs from the REST one: width/height, no resolution string, no bitrates. */
const webhookMediaInfo = z.looseObject({
  videoCodec: z.string().max(100).nullish(),
  width: dimension.nullish(),
  height: dimension.nullish(),
});

/** Sonarr's episodeFile / Radarr's movieFile as sent on import and rename. */
const webhookFile = z.looseObject({
  id: fileId,
  path,
  relativePath: pathText.nullish(),
  size: z.number().int().nonnegative().max(MAX_FILE_BYTES).nullish(),
  /** The quality's name, e.g. "WEBDL-1080p" (a string here, an object in the REST API). */
  quality: z.string().max(200).nullish(),
  mediaInfo: webhookMediaInfo.nullish(),
});
export type WebhookFile = z.infer<typeof webhookFile>;

const renamedFile = webhookFile.extend({ previousPath: path });
export type RenamedWebhookFile = z.infer<typeof renamedFile>;

/**
 * A file that is gone. Some app versions serialise the core file model here, whose absolute `path`
 * may be missing, so the id (matched against externalId) is the primary key and `path` a fallback.
 */
const fileRef = z.looseObject({
  id: fileId.nullish(),
  path: path.nullish(),
  relativePath: pathText.nullish(),
});
export type WebhookFileRef = z.infer<typeof fileRef>;

const series = z.looseObject({ id: z.number().int(), path });
const movie = z.looseObject({ id: z.number().int(), folderPath: path });

/** DeleteMediaFileReason, camelCase: missingFromDisk, manual, upgrade, noLinkedEpisodes, manualOverride. */
const deleteReason = z.string().max(100).nullish();

export const envelopeSchema = z.looseObject({ eventType: z.string().min(1).max(100) });

export const sonarrPayloads = {
  /** Per-file "On File Import" (episodeFile, isUpgrade) or "On Import Complete" (episodeFiles[], no isUpgrade). */
  Download: z
    .looseObject({
      series,
      episodeFile: webhookFile.nullish(),
      episodeFiles: z.array(webhookFile).max(5000).nullish(),
      isUpgrade: z.boolean().nullish(),
      deletedFiles: z.array(fileRef).max(5000).nullish(),
    })
    .refine((body) => body.episodeFile != null || body.episodeFiles != null, { message: "Download needs episodeFile or episodeFiles", path: ["episodeFile"] }),
  /** Older Sonarr sends only `series`, no renamedEpisodeFiles: then the series is re-read. */
  Rename: z.looseObject({ series, renamedEpisodeFiles: z.array(renamedFile).max(20_000).nullish() }),
  EpisodeFileDelete: z.looseObject({ series, episodeFile: fileRef, deleteReason }),
  SeriesDelete: z.looseObject({ series, deletedFiles: z.boolean() }),
} as const;

export const radarrPayloads = {
  Download: z.looseObject({
    movie,
    movieFile: webhookFile,
    isUpgrade: z.boolean().nullish(),
    deletedFiles: z.array(fileRef).max(5000).nullish(),
  }),
  /** Older Radarr sends only `movie`, no renamedMovieFiles: then the movie is re-read. */
  Rename: z.looseObject({ movie, renamedMovieFiles: z.array(renamedFile).max(5000).nullish() }),
  MovieFileDelete: z.looseObject({ movie, movieFile: fileRef, deleteReason }),
  MovieDelete: z.looseObject({ movie, deletedFiles: z.boolean() }),
} as const;
