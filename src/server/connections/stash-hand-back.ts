import "server-only";
import { gql } from "graphql-request";
import { z } from "zod";
import { normaliseCodec } from "~/server/media/codec";
import type { AppFileRef, AppFileState, HandBackNote, HandBackReport, HandBackRequest } from "./connection-client";
import { badResponseError, fail, ok, type ErrorContext, type Result } from "./errors";
import { pollUntilDone, type PollStep } from "./hand-back-poll";
import type { HttpClient } from "./http-client";
import { dataOf, graphqlResponseSchema, idSchema, int64Schema, STASH_GRAPHQL_PATH, stashExternalId } from "./stash-graphql";

/**
 * Telling Stash that a scene's file was replaced, so the scene shows the new size and codec and
 * keeps its metadata (performers, tags, play history), which live on the scene, not the file.
 *
 * 1. `metadataScan(input: {paths: [new path]})` starts a scan job; `findJob` follows it (a null
 *    job has finished and been pruned). A file replaced in place keeps its file id: the scan
 *    sees the new modification time and re-reads size, codec and fingerprints.
 * 2. A new extension is a new path, so a new file to Stash — and its scanner puts a file no
 *    scene claims (new fingerprints) into a NEW scene as that scene's primary file
 *    (pkg/scene/scan.go). `sceneAssignFile` refuses a primary file ("cannot reassign primary
 *    file", pkg/scene/update.go AssignFile), so that new one-file scene is merged into ours
 *    (`sceneMerge`: its files move over, it is deleted); only a file no scene holds (a Stash
 *    that didn't create one) is attached with `sceneAssignFile`. Then the new file is made the
 *    scene's primary (`sceneUpdate(primary_file_id)`) and the old, now missing, file record is
 *    dropped with `metadataClean(paths: [old path])` — clean only removes records whose file is
 *    gone from disk, so it can't touch anything still there. Whether the old record went shows
 *    in the scene's files afterwards; if it stayed, the outcome says so.
 * 3. The scene's files are read back: the file at the new path is what Stash now knows.
 *
 * Messages never carry a path or title (Stash is private by default); paths only travel in the
 * requests to the connection's own Stash.
 * @see ../shared/specs/stash/graphql/schema (metadataScan, findJob, sceneMerge, sceneAssignFile, metadataClean)
 */
const PATH = STASH_GRAPHQL_PATH;

const SCENE_FILES_QUERY = gql`
  query OptimizarrSceneFiles($id: ID!) {
    findScene(id: $id) {
      id
      files {
        id
        path
        size
        video_codec
      }
    }
  }
`;

const SCAN_MUTATION = gql`
  mutation OptimizarrScan($input: ScanMetadataInput!) {
    metadataScan(input: $input)
  }
`;

const CLEAN_MUTATION = gql`
  mutation OptimizarrClean($input: CleanMetadataInput!) {
    metadataClean(input: $input)
  }
`;

const JOB_QUERY = gql`
  query OptimizarrJob($input: FindJobInput!) {
    findJob(input: $input) {
      id
      status
    }
  }
`;

const SCENES_AT_PATH_QUERY = gql`
  query OptimizarrScenesAtPath($scene_filter: SceneFilterType, $filter: FindFilterType) {
    findScenes(scene_filter: $scene_filter, filter: $filter) {
      scenes {
        id
        files {
          id
          path
        }
      }
    }
  }
`;

const FILE_AT_PATH_QUERY = gql`
  query OptimizarrFileAtPath($path: String!) {
    findFile(path: $path) {
      id
      path
    }
  }
`;

const ASSIGN_FILE_MUTATION = gql`
  mutation OptimizarrAssignFile($input: AssignSceneFileInput!) {
    sceneAssignFile(input: $input)
  }
`;

const MERGE_SCENE_MUTATION = gql`
  mutation OptimizarrMergeScene($input: SceneMergeInput!) {
    sceneMerge(input: $input) {
      id
    }
  }
`;

const PRIMARY_FILE_MUTATION = gql`
  mutation OptimizarrPrimaryFile($input: SceneUpdateInput!) {
    sceneUpdate(input: $input) {
      id
    }
  }
`;

/** The hand-back's documents; stash.ts lists them with the others for the schema test. */
export const STASH_HAND_BACK_DOCUMENTS = {
  sceneFiles: SCENE_FILES_QUERY,
  scan: SCAN_MUTATION,
  clean: CLEAN_MUTATION,
  job: JOB_QUERY,
  scenesAtPath: SCENES_AT_PATH_QUERY,
  fileAtPath: FILE_AT_PATH_QUERY,
  assignFile: ASSIGN_FILE_MUTATION,
  mergeScene: MERGE_SCENE_MUTATION,
  primaryFile: PRIMARY_FILE_MUTATION,
} as const;

const sceneFilesSchema = graphqlResponseSchema(
  z.object({
    findScene: z
      .object({
        id: idSchema,
        files: z.array(z.object({ id: idSchema, path: z.string().min(1), size: int64Schema, video_codec: z.string().nullish() })),
      })
      .nullish(),
  }),
);
const scanStartedSchema = graphqlResponseSchema(z.object({ metadataScan: idSchema }));
const cleanStartedSchema = graphqlResponseSchema(z.object({ metadataClean: idSchema }));
const jobSchema = graphqlResponseSchema(z.object({ findJob: z.object({ id: idSchema, status: z.string() }).nullish() }));
const scenesAtPathSchema = graphqlResponseSchema(
  z.object({ findScenes: z.object({ scenes: z.array(z.object({ id: idSchema, files: z.array(z.object({ id: idSchema, path: z.string() })) })) }) }),
);
const fileAtPathSchema = graphqlResponseSchema(z.object({ findFile: z.object({ id: idSchema, path: z.string() }).nullish() }));
const assignSchema = graphqlResponseSchema(z.object({ sceneAssignFile: z.boolean() }));
const sceneIdAnswerSchema = (field: "sceneMerge" | "sceneUpdate") => graphqlResponseSchema(z.object({ [field]: z.object({ id: idSchema }).nullish() }));

/** "sceneFile:42" → "42", "scene:9" → "9"; anything else → null. */
function idAfter(value: string | null, prefix: "sceneFile" | "scene"): string | null {
  const match = value === null ? null : /^([A-Za-z]+):(\d{1,15})$/.exec(value);
  return match && match[1] === prefix ? match[2]! : null;
}

/** A write (a mutation): sent once, never retried — a repeated scan or merge is not harmless. */
async function mutate<T>(http: HttpClient, query: string, operationName: string, variables: unknown, schema: z.ZodType<{ data?: T | null; errors?: unknown[] | null }>, context: ErrorContext, what: string): Promise<Result<T>> {
  const sent = await http.sendJson("POST", PATH, { query, variables, operationName });
  if (!sent.ok) return sent;
  const parsed = schema.safeParse(sent.data.json);
  if (!parsed.success) return fail(badResponseError(context, `the answer to ${what}`));
  return dataOf(ok(parsed.data), context, what);
}

async function query<T>(http: HttpClient, document: string, operationName: string, variables: unknown, schema: z.ZodType<{ data?: T | null; errors?: unknown[] | null }>, context: ErrorContext, what: string): Promise<Result<T>> {
  return dataOf(await http.postJson(PATH, { query: document, variables, operationName }, schema), context, what);
}

function parentScene(file: AppFileRef, context: ErrorContext): Result<{ sceneId: string; fileId: string }> {
  const fileId = idAfter(file.externalId, "sceneFile");
  const sceneId = idAfter(file.externalParentId, "scene");
  if (fileId === null || sceneId === null) {
    return fail({ category: "bad_response", message: `This item doesn't carry its ${context.app} scene and file ids: sync the connection again` });
  }
  return ok({ sceneId, fileId });
}

/** The scene's files now; null when Stash has no such scene. */
async function readSceneFiles(http: HttpClient, sceneId: string, context: ErrorContext): Promise<Result<AppFileState[] | null>> {
  const read = await query(http, SCENE_FILES_QUERY, "OptimizarrSceneFiles", { id: sceneId }, sceneFilesSchema, context, "the scene");
  if (!read.ok) return read;
  const scene = read.data.findScene;
  if (!scene) return ok(null);
  return ok(scene.files.map((file) => ({ externalId: stashExternalId(file.id), remotePath: file.path, sizeBytes: file.size, codec: normaliseCodec(file.video_codec) })));
}

/** findScene(id) → its files → the one with this file id; null when the scene or the file is gone. */
export async function readStashFile(http: HttpClient, file: AppFileRef, context: ErrorContext): Promise<Result<AppFileState | null>> {
  const ids = parentScene(file, context);
  if (!ids.ok) return ids;
  const files = await readSceneFiles(http, ids.data.sceneId, context);
  if (!files.ok) return files;
  return ok(files.data?.find((candidate) => candidate.externalId === file.externalId) ?? null);
}

/** Follows a Stash job (scan, clean) until it finishes. */
function waitForJob(http: HttpClient, jobId: string, request: HandBackRequest, context: ErrorContext, what: string): Promise<Result<void>> {
  const step = async (): Promise<Result<PollStep<void>>> => {
    const read = await query(http, JOB_QUERY, "OptimizarrJob", { input: { id: jobId } }, jobSchema, context, `the ${what} job`);
    if (!read.ok) return read;
    const job = read.data.findJob;
    // Finished jobs leave Stash's job list after a while: gone means over, and reading the scene tells how it went.
    if (!job || job.status === "FINISHED") return ok({ done: true, value: undefined });
    if (job.status === "READY" || job.status === "RUNNING" || job.status === "STOPPING") return ok({ done: false });
    // The job's own error text quotes file paths: it stays in Stash's log.
    if (job.status === "FAILED") return fail({ category: "bad_response", message: `${context.app}'s ${what} failed: see ${context.app} → Settings → Logs` });
    if (job.status === "CANCELLED") return fail({ category: "bad_response", message: `${context.app}'s ${what} was cancelled (in ${context.app}'s task queue): scan the library in ${context.app} to pick up the new file` });
    return fail(badResponseError(context, `the ${what} job's status "${job.status.slice(0, 40)}" is unknown`));
  };
  return pollUntilDone(step, request, context, `the ${what}`);
}

/** Starts a scan of the new path and waits for it. */
async function scan(http: HttpClient, request: HandBackRequest, context: ErrorContext): Promise<Result<void>> {
  // rescan: an encoder may keep the original modification time, and Stash skips a file whose time is unchanged.
  const input = { paths: [request.newRemotePath], rescan: true };
  const started = await mutate(http, SCAN_MUTATION, "OptimizarrScan", { input }, scanStartedSchema, context, "starting the scan");
  return started.ok ? waitForJob(http, started.data.metadataScan, request, context, "scan") : started;
}

/** Drops the record of the old path, if its file is gone from disk (Stash's clean never touches a file that exists). */
async function clean(http: HttpClient, request: HandBackRequest, context: ErrorContext): Promise<Result<void>> {
  const input = { paths: [request.previousRemotePath], dryRun: false };
  const started = await mutate(http, CLEAN_MUTATION, "OptimizarrClean", { input }, cleanStartedSchema, context, "starting the clean");
  return started.ok ? waitForJob(http, started.data.metadataClean, request, context, "clean") : started;
}

/**
 * After a scan of a new path: the new file into our scene (merge the one-file scene Stash made
 * for it, or assign a file no scene holds), made primary, and the old record cleaned. Each step
 * that can't be done safely becomes a note; nothing else in Stash is touched.
 */
async function attachNewFile(http: HttpClient, sceneId: string, request: HandBackRequest, context: ErrorContext): Promise<Result<HandBackNote[]>> {
  const notes: HandBackNote[] = [];
  const found = await query(
    http,
    SCENES_AT_PATH_QUERY,
    "OptimizarrScenesAtPath",
    { scene_filter: { path: { value: request.newRemotePath, modifier: "EQUALS" } }, filter: { page: 1, per_page: 10, sort: "id", direction: "ASC" } },
    scenesAtPathSchema,
    context,
    "the scenes holding the new file",
  );
  if (!found.ok) return found;
  // Stash's path EQUALS is `folder || sep || basename LIKE ?` (pkg/sqlite/criterion_handlers.go):
  // case-insensitive, with `_` and `%` as wildcards, so the answer is filtered to the exact path.
  const holders = found.data.findScenes.scenes.filter((scene) => scene.files.some((file) => file.path === request.newRemotePath));
  let newFileId = holders.flatMap((scene) => scene.files).find((file) => file.path === request.newRemotePath)?.id ?? null;

  if (holders.some((scene) => scene.id === sceneId)) {
    // Already ours (Stash matched it to the scene itself): nothing to move.
  } else if (holders.length === 1 && holders[0]!.files.length === 1) {
    const merged = await mutate(
      http,
      MERGE_SCENE_MUTATION,
      "OptimizarrMergeScene",
      { input: { source: [holders[0]!.id], destination: sceneId } },
      sceneIdAnswerSchema("sceneMerge"),
      context,
      "moving the new file into its scene",
    );
    if (!merged.ok) return merged;
  } else if (holders.length === 0) {
    const file = await query(http, FILE_AT_PATH_QUERY, "OptimizarrFileAtPath", { path: request.newRemotePath }, fileAtPathSchema, context, "the new file");
    if (!file.ok || !file.data.findFile) {
      notes.push({ text: `${context.app} did not list the new file after its scan: scan the library in ${context.app}`, warning: true });
      return ok(notes);
    }
    newFileId = file.data.findFile.id;
    const assigned = await mutate(
      http,
      ASSIGN_FILE_MUTATION,
      "OptimizarrAssignFile",
      { input: { scene_id: sceneId, file_id: newFileId } },
      assignSchema,
      context,
      "attaching the new file to its scene",
    );
    if (!assigned.ok) return assigned;
  } else {
    // A scene with other files of its own: merging would pull them into ours.
    notes.push({ text: `${context.app} put the new file in another scene that has other files too: move it to this scene in ${context.app}`, warning: true });
    return ok(notes);
  }

  if (newFileId !== null) {
    const primary = await mutate(
      http,
      PRIMARY_FILE_MUTATION,
      "OptimizarrPrimaryFile",
      { input: { id: sceneId, primary_file_id: newFileId } },
      sceneIdAnswerSchema("sceneUpdate"),
      context,
      "making the new file the scene's main file",
    );
    if (!primary.ok) notes.push({ text: `the new file is not yet the scene's main file in ${context.app}`, warning: true });
  }

  // Whether it worked shows in the scene's files read afterwards.
  await clean(http, request, context);
  return ok(notes);
}

export async function stashHandBack(http: HttpClient, request: HandBackRequest, context: ErrorContext): Promise<Result<HandBackReport>> {
  const ids = parentScene(request.file, context);
  if (!ids.ok) return ids;
  const { sceneId } = ids.data;

  const scanned = await scan(http, request, context);
  if (!scanned.ok) return scanned;

  const notes: HandBackNote[] = [];
  if (request.newRemotePath !== request.previousRemotePath) {
    const attached = await attachNewFile(http, sceneId, request, context);
    if (!attached.ok) return attached;
    notes.push(...attached.data);
  }

  const files = await readSceneFiles(http, sceneId, context);
  if (!files.ok) return files;
  if (files.data === null) return fail({ category: "not_found", message: `${context.app} no longer has this scene` });
  const file = files.data.find((candidate) => candidate.remotePath === request.newRemotePath) ?? files.data.find((candidate) => candidate.externalId === request.file.externalId) ?? null;
  if (request.newRemotePath !== request.previousRemotePath && !notes.some((note) => note.warning)) {
    notes.push(
      files.data.some((candidate) => candidate.remotePath === request.previousRemotePath)
        ? { text: `${context.app} still lists the old file: run Tasks → Clean in ${context.app}`, warning: true }
        : { text: "old file record removed", warning: false },
    );
  }
  return ok({ file, notes });
}
