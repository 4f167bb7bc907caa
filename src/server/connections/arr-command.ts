import "server-only";
import { z } from "zod";
import { arrFileFields, parseArrExternalId, parseArrParentId, toLibraryFile, type ArrApp } from "./arr-common";
import type { AppFileRef, AppFileState, AppJobWait, HandBackReport, HandBackRequest, LibraryFile } from "./connection-client";
import { badResponseError, fail, ok, type ErrorContext, type Result } from "./errors";
import { pollUntilDone, type PollStep } from "./hand-back-poll";
import type { HttpClient } from "./http-client";

/**
 * Telling Sonarr/Radarr that a file changed on disk, and asking what they know about it. The
 * apps only learn about a replaced file from a disk rescan of its series/movie: POST
 * /api/v3/command {name: "RescanSeries", seriesId} (Radarr: "RescanMovie", movieId) queues one,
 * GET /api/v3/command/{id} follows it (queued → started → completed, or failed/aborted/
 * cancelled/orphaned). Afterwards the series' or movie's file list says what the app now records
 * — a file whose name changed may come back under a new id.
 * @see ../shared/encoding-facts.md ("Telling the owning app"), ../shared/specs/{sonarr,radarr}-openapi.json (CommandResource)
 */
interface ArrHandBackApp {
  filesPath: "/api/v3/episodefile" | "/api/v3/moviefile";
  command: "RescanSeries" | "RescanMovie";
  parentKey: "seriesId" | "movieId";
  parentNoun: "series" | "movie";
}

const ARR_HAND_BACK = {
  sonarr: { filesPath: "/api/v3/episodefile", command: "RescanSeries", parentKey: "seriesId", parentNoun: "series" },
  radarr: { filesPath: "/api/v3/moviefile", command: "RescanMovie", parentKey: "movieId", parentNoun: "movie" },
} as const satisfies Record<ArrApp, ArrHandBackApp>;

const arrFileSchema = z.object(arrFileFields);

/** CommandResource: only what we follow. `status` stays a string so a status added upstream is an error we name, not a parse failure. */
const commandSchema = z.object({
  id: z.number().int(),
  status: z.string(),
  message: z.string().nullish(),
});

const FAILED_STATUSES = new Set(["failed", "aborted", "cancelled", "orphaned"]);
const RUNNING_STATUSES = new Set(["queued", "started"]);

function toState(file: LibraryFile): AppFileState {
  return { externalId: file.externalId, remotePath: file.remotePath, sizeBytes: file.sizeBytes, codec: file.codec };
}

/**
 * The app's own words about a failed command, when they are safe to show: short and naming no
 * path (a Sonarr exception message often quotes the folder, which may be private).
 */
function safeAppMessage(message: string | null | undefined): string | null {
  const text = message?.trim();
  if (!text || text.length > 160 || /[\\/]/.test(text)) return null;
  return text;
}

function unknownIdError(context: ErrorContext, what: string): Result<never> {
  return fail({ category: "bad_response", message: `This item's ${what} is not a ${context.app} id: sync the connection again so the item carries ${context.app}'s ids` });
}

/** GET /api/v3/episodefile/{id} (moviefile/{id}): the file now, or null when the app answers 404 (deleted, or replaced by an upgrade under a new id). */
export async function readArrFile(http: HttpClient, app: ArrApp, file: AppFileRef, context: ErrorContext): Promise<Result<{ state: AppFileState; parentId: number | null } | null>> {
  const id = parseArrExternalId(app, file.externalId);
  if (id === null) return unknownIdError(context, "file id");
  const result = await http.getJson(`${ARR_HAND_BACK[app].filesPath}/${id}`, arrFileSchema);
  if (!result.ok) return result.error.status === 404 ? ok(null) : result;
  const parentId = (app === "sonarr" ? result.data.seriesId : result.data.movieId) ?? null;
  return ok({ state: toState(toLibraryFile(result.data, app)), parentId });
}

/** Queues the command and follows it to its end. */
export async function runArrCommand(http: HttpClient, body: Record<string, string | number>, wait: AppJobWait, context: ErrorContext): Promise<Result<void>> {
  const sent = await http.sendJson("POST", "/api/v3/command", body);
  if (!sent.ok) return sent;
  const queued = commandSchema.safeParse(sent.data.json);
  if (!queued.success) return fail(badResponseError(context, "the command answer has no id and status"));
  const commandId = queued.data.id;

  const step = async (): Promise<Result<PollStep<void>>> => {
    const read = await http.getJson(`/api/v3/command/${commandId}`, commandSchema);
    // Finished commands are dropped from the app's memory after a while: gone means it ended, and the file list will tell how.
    if (!read.ok) return read.error.status === 404 ? ok({ done: true, value: undefined }) : read;
    const { status, message } = read.data;
    if (status === "completed") return ok({ done: true, value: undefined });
    if (RUNNING_STATUSES.has(status)) return ok({ done: false });
    const said = safeAppMessage(message);
    if (FAILED_STATUSES.has(status)) {
      return fail({ category: "bad_response", message: `${context.app}'s rescan ${status}${said ? `: ${said}` : ""} (see ${context.app} → System → Tasks and Logs)` });
    }
    return fail(badResponseError(context, `the rescan's status "${status.slice(0, 40)}" is unknown`));
  };
  return pollUntilDone(step, wait, context, "the rescan");
}

const isWindowsPath = (path: string) => /^(?:[a-zA-Z]:[\\/]|\\\\)/.test(path);
function samePath(a: string, b: string): boolean {
  if (isWindowsPath(a) || isWindowsPath(b)) return a.replace(/\//g, "\\").toLowerCase() === b.replace(/\//g, "\\").toLowerCase();
  return a === b;
}

/**
 * Rescan the series/movie holding the file, then find the file in its list: at the new path
 * first (a rename gets a new id), else under its old id.
 */
export async function arrHandBack(http: HttpClient, app: ArrApp, request: HandBackRequest, context: ErrorContext): Promise<Result<HandBackReport>> {
  const spec = ARR_HAND_BACK[app];
  const fileId = parseArrExternalId(app, request.file.externalId);
  if (fileId === null) return unknownIdError(context, "file id");
  let parentId = parseArrParentId(app, request.file.externalParentId);
  if (parentId === null) {
    // Items queued before parent ids were kept: the file itself names its series/movie.
    const current = await readArrFile(http, app, request.file, context);
    if (!current.ok) return current;
    parentId = current.data?.parentId ?? null;
    if (parentId === null) return fail({ category: "not_found", message: `${context.app} no longer knows this file, and the item doesn't say which ${spec.parentNoun} holds it: nothing to rescan` });
  }

  const ran = await runArrCommand(http, { name: spec.command, [spec.parentKey]: parentId }, request, context);
  if (!ran.ok) return ran;

  const listed = await http.getArray(spec.filesPath, arrFileSchema, { query: { [spec.parentKey]: parentId } });
  if (!listed.ok) return listed;
  const files = listed.data.items;
  const found = files.find((file) => samePath(file.path, request.newRemotePath)) ?? files.find((file) => file.id === fileId) ?? null;
  return ok({ file: found ? toState(toLibraryFile(found, app)) : null, notes: [] });
}
