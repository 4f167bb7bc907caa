import type { z } from "zod";
import type { CONNECTION_APPS } from "~/server/connections/apps";
import { libraryPath } from "./library-path";
import { envelopeSchema, radarrPayloads, sonarrPayloads, type RenamedWebhookFile, type WebhookFile, type WebhookFileRef } from "./payload-schemas";

type ConnectionApps = typeof CONNECTION_APPS;

/**
 * The app types whose definition in apps.ts sets `capabilities.webhooks`, derived so the flag is the
 * one source: turning it on for another app makes every `Record<WebhookAppType, …>` (the parsers
 * below, the lookups, the labels) a compile error until that app is handled.
 */
export type WebhookAppType = {
  [App in keyof ConnectionApps]: ConnectionApps[App]["capabilities"]["webhooks"] extends true ? App : never;
}[keyof ConnectionApps];

/** What a delivery asks Optimizarr to do, the same for both apps once parsed. */
export type WebhookEvent =
  | { kind: "test" }
  /** A file (or a whole release) was imported; `replaced` are the files an upgrade deleted. */
  | { kind: "import"; mediaId: number; files: WebhookFile[]; replaced: ResolvedFileRef[] }
  /** `folderPath` is the series/movie folder: a renamed file stays inside it. */
  | { kind: "rename"; mediaId: number; folderPath: string; files: RenamedWebhookFile[] }
  /**
   * Something changed the files of one series/movie without saying which (an older Rename that
   * carries only `series`/`movie`): re-read it from the app. `mediaId` is the app's series/movie id.
   */
  | { kind: "refresh"; mediaId: number; folderPath: string }
  | { kind: "fileDelete"; file: ResolvedFileRef; reason: string | null }
  /** A series or movie was removed from the app; its files are gone only when `filesDeleted`. */
  | { kind: "mediaDelete"; folderPath: string; filesDeleted: boolean }
  /** Grab, Health, ApplicationUpdate…: valid, just nothing Optimizarr acts on. */
  | { kind: "unsupported" };

/** A deleted file: its id and an absolute remote path when one is known. */
export interface ResolvedFileRef {
  id: number | null;
  path: string | null;
}

export type ParsedWebhook = { ok: true; eventType: string; event: WebhookEvent } | { ok: false; eventType: string | null; reason: string };

const MAX_REASON = 200;

export function parseWebhookEvent(appType: WebhookAppType, body: unknown): ParsedWebhook {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, eventType: null, reason: describeIssues(envelope.error) };
  const { eventType } = envelope.data;
  if (eventType === "Test") return { ok: true, eventType, event: { kind: "test" } };
  const result = EVENT_PARSERS[appType](eventType, body);
  if (result === null) return { ok: true, eventType, event: { kind: "unsupported" } };
  return result.success ? { ok: true, eventType, event: result.event } : { ok: false, eventType, reason: `${eventType}: ${describeIssues(result.error)}` };
}

type EventResult = { success: true; event: WebhookEvent } | { success: false; error: z.ZodError } | null;

function parseSonarr(eventType: string, body: unknown): EventResult {
  switch (eventType) {
    case "Download":
      return map(sonarrPayloads.Download.safeParse(body), (data) => ({
        kind: "import",
        mediaId: data.series.id,
        // The per-file event carries episodeFile; "On Import Complete" carries episodeFiles[].
        files: [...(data.episodeFile ? [data.episodeFile] : []), ...(data.episodeFiles ?? [])].map((file) => inLibrary(file, data.series.path)),
        replaced: (data.deletedFiles ?? []).map((ref) => resolveRef(ref, data.series.path)),
      }));
    case "Rename":
      return map(sonarrPayloads.Rename.safeParse(body), (data) =>
        data.renamedEpisodeFiles
          ? { kind: "rename", mediaId: data.series.id, folderPath: data.series.path, files: data.renamedEpisodeFiles }
          : { kind: "refresh", mediaId: data.series.id, folderPath: data.series.path },
      );
    case "EpisodeFileDelete":
      return map(sonarrPayloads.EpisodeFileDelete.safeParse(body), (data) => ({
        kind: "fileDelete",
        file: resolveRef(data.episodeFile, data.series.path),
        reason: data.deleteReason ?? null,
      }));
    case "SeriesDelete":
      return map(sonarrPayloads.SeriesDelete.safeParse(body), (data) => ({ kind: "mediaDelete", folderPath: data.series.path, filesDeleted: data.deletedFiles }));
    default:
      return null;
  }
}

function parseRadarr(eventType: string, body: unknown): EventResult {
  switch (eventType) {
    case "Download":
      return map(radarrPayloads.Download.safeParse(body), (data) => ({
        kind: "import",
        mediaId: data.movie.id,
        files: [inLibrary(data.movieFile, data.movie.folderPath)],
        replaced: (data.deletedFiles ?? []).map((ref) => resolveRef(ref, data.movie.folderPath)),
      }));
    case "Rename":
      return map(radarrPayloads.Rename.safeParse(body), (data) =>
        data.renamedMovieFiles
          ? { kind: "rename", mediaId: data.movie.id, folderPath: data.movie.folderPath, files: data.renamedMovieFiles }
          : { kind: "refresh", mediaId: data.movie.id, folderPath: data.movie.folderPath },
      );
    case "MovieFileDelete":
      return map(radarrPayloads.MovieFileDelete.safeParse(body), (data) => ({
        kind: "fileDelete",
        file: resolveRef(data.movieFile, data.movie.folderPath),
        reason: data.deleteReason ?? null,
      }));
    case "MovieDelete":
      return map(radarrPayloads.MovieDelete.safeParse(body), (data) => ({ kind: "mediaDelete", folderPath: data.movie.folderPath, filesDeleted: data.deletedFiles }));
    default:
      return null;
  }
}

const EVENT_PARSERS = { sonarr: parseSonarr, radarr: parseRadarr } as const satisfies Record<WebhookAppType, (eventType: string, body: unknown) => EventResult>;

function map<T>(result: z.ZodSafeParseResult<T>, toEvent: (data: T) => WebhookEvent): EventResult {
  return result.success ? { success: true, event: toEvent(result.data) } : { success: false, error: result.error };
}

/**
 * An imported file at its library path (older apps send the download client's path in `path`).
 * Renamed files need no such care: a rename happens inside the library, in every version.
 */
function inLibrary(file: WebhookFile, folder: string): WebhookFile {
  return { ...file, path: libraryPath(file, folder) ?? file.path };
}

/** A deleted file's library path: from `path`, or the folder + relativePath when that is all there is. */
function resolveRef(ref: WebhookFileRef, folder: string): ResolvedFileRef {
  return { id: ref.id ?? null, path: libraryPath(ref, folder) };
}

/** Field names and zod's messages only: never the offending (possibly long or private) values. */
function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}
