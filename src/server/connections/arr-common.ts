import "server-only";
import { z } from "zod";
import { normaliseCodec, parseResolution, parseRunTime } from "~/server/media/codec";
import type { AppIdentity, LibraryFile } from "./connection-client";
import { badResponseError, fail, ok, type ErrorContext, type Result } from "./errors";
import type { HttpClient } from "./http-client";
import { radarrQualityModifier, radarrQualitySource, sonarrQualitySource, type QualitySource } from "./quality";

/**
 * What Sonarr and Radarr v3 share: system/status, MediaInfoResource and the file fields we read.
 * Schemas list only the fields Optimizarr uses (zod drops the rest) and accept null or absence
 * wherever the OpenAPI documents say "nullable" — the apps leave nulls out of their JSON.
 * @see ../shared/specs/arr-api-facts.md
 */
const systemStatusSchema = z.object({
  appName: z.string().nullish(),
  instanceName: z.string().nullish(),
  version: z.string().nullish(),
  urlBase: z.string().nullish(),
});

/** MediaInfoResource: `resolution` is a "1920x1080" string, `videoBitrate` may be 0, and the whole object is absent until the file is scanned. */
const mediaInfoSchema = z.object({
  videoCodec: z.string().nullish(),
  videoBitrate: z.number().nullish(),
  resolution: z.string().nullish(),
  runTime: z.string().nullish(),
});

const qualityModelSchema = z.object({
  quality: z
    .object({
      source: z.string().nullish(),
      modifier: z.string().nullish(),
      resolution: z.number().nullish(),
    })
    .nullish(),
});

/** Fields of MovieFileResource and EpisodeFileResource that become a queue item. */
export const arrFileFields = {
  id: z.number().int(),
  /** EpisodeFileResource's series, MovieFileResource's movie. */
  seriesId: z.number().int().nullish(),
  movieId: z.number().int().nullish(),
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  dateAdded: z.string().nullish(),
  quality: qualityModelSchema.nullish(),
  mediaInfo: mediaInfoSchema.nullish(),
};

export type ArrFile = z.infer<z.ZodObject<typeof arrFileFields>>;

function parseDate(raw: string | null | undefined): Date | null {
  if (!raw) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

export type ArrApp = "sonarr" | "radarr";

/** The series or movie holding a file, spelled like `arrExternalId`, so the encoder can ask the app to rescan it. */
export function arrParentId(app: ArrApp, mediaId: number | null | undefined): string | null {
  return mediaId == null ? null : `${app === "sonarr" ? "series" : "movie"}:${mediaId}`;
}

/** A file's id in the queue. Syncs and webhooks must spell it alike: that is how they find each other's items. */
export function arrExternalId(app: ArrApp, fileId: number): string {
  return app === "sonarr" ? `episodeFile:${fileId}` : `movieFile:${fileId}`;
}

/** "episodeFile:12" → 12 (Sonarr), "movieFile:5" → 5 (Radarr); anything else (another app's id) → null. */
export function parseArrExternalId(app: ArrApp, externalId: string): number | null {
  return parseIdWithPrefix(externalId, app === "sonarr" ? "episodeFile" : "movieFile");
}

/** "series:7" → 7 (Sonarr), "movie:3" → 3 (Radarr); null or another app's id → null. */
export function parseArrParentId(app: ArrApp, parentId: string | null): number | null {
  return parentId === null ? null : parseIdWithPrefix(parentId, app === "sonarr" ? "series" : "movie");
}

function parseIdWithPrefix(value: string, prefix: string): number | null {
  const match = /^([A-Za-z]+):(\d{1,15})$/.exec(value);
  if (!match || match[1] !== prefix) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? id : null;
}

function qualityOf(app: ArrApp, file: ArrFile): { source: QualitySource | null; modifier: string | null } {
  const quality = file.quality?.quality;
  if (app === "sonarr") return { source: sonarrQualitySource(quality?.source), modifier: null };
  return { source: radarrQualitySource(quality?.source, quality?.modifier), modifier: radarrQualityModifier(quality?.modifier) };
}

export function toLibraryFile(file: ArrFile, app: ArrApp): LibraryFile {
  const quality = qualityOf(app, file);
  const info = file.mediaInfo;
  const { width, height } = parseResolution(info?.resolution);
  const codecRaw = info?.videoCodec?.trim() || null;
  return {
    externalId: arrExternalId(app, file.id),
    externalParentId: arrParentId(app, app === "sonarr" ? file.seriesId : file.movieId),
    remotePath: file.path,
    sizeBytes: BigInt(file.size),
    codec: normaliseCodec(codecRaw),
    codecRaw,
    width,
    height,
    // ffprobe reports 0 when the container doesn't carry a stream bit rate: unknown, not zero.
    bitrate: info?.videoBitrate && info.videoBitrate > 0 ? Math.round(info.videoBitrate) : null,
    durationSeconds: parseRunTime(info?.runTime),
    qualitySource: quality.source,
    qualityModifier: quality.modifier,
    dateAdded: parseDate(file.dateAdded),
  };
}

/**
 * GET /api/v3/system/status, and a check that the answer comes from the app the user chose:
 * a Radarr address entered as Sonarr works at the HTTP level and must still fail clearly.
 */
export async function testArrConnection(http: HttpClient, expectedApp: "Sonarr" | "Radarr", context: ErrorContext): Promise<Result<AppIdentity>> {
  const result = await http.getJson("/api/v3/system/status", systemStatusSchema, { retry: false });
  if (!result.ok) return result;
  const { appName, version, instanceName, urlBase } = result.data;
  if (!appName || !version) return fail(badResponseError(context, "system/status has no appName or version"));
  if (appName.toLowerCase() !== expectedApp.toLowerCase()) {
    const supported = ["sonarr", "radarr"].includes(appName.toLowerCase());
    return fail({
      category: "bad_response",
      message: `${context.baseUrl} is ${appName}, not ${expectedApp}: ${supported ? `choose ${appName} as the app type, or check the port` : "check the port"}`,
    });
  }
  return ok({ appName, version, instanceName: instanceName ?? null, urlBase: urlBase ?? null });
}
