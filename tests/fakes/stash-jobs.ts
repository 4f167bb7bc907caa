import { GraphQLError } from "graphql";
import { z } from "zod";
import type { FakeScene, FakeVideoFile } from "./stash-library";
import { fakeVideoFile } from "./stash-library";

/**
 * The fake Stash's side of a hand-back: scan and clean jobs (metadataScan, metadataClean,
 * findJob) and the scene/file calls around them (findScene, findFile, sceneAssignFile,
 * sceneMerge, sceneUpdate), behaving as Stash does where it matters:
 * - a job goes READY → RUNNING → its outcome as findJob reads it; a finished job may be pruned
 *   (findJob answers null);
 * - a scene's first file is its primary; sceneAssignFile refuses a primary file ("cannot
 *   reassign primary file", pkg/scene/update.go); sceneMerge moves the sources' files into the
 *   destination and deletes the sources; clean drops the records at the given paths, deleting a
 *   scene left without files.
 * What the scan finds on disk is the test's to say (`onScan`); helpers below make the usual cases.
 * Mutations need the library's scenes as a plain array.
 */
export interface FakeStashJobBehaviour {
  /** Default "FINISHED"; "never" stays RUNNING. */
  outcome?: "FINISHED" | "FAILED" | "CANCELLED" | "never";
  /** findJob reads that still see the job running (the first READY, then RUNNING); default 2. */
  runningReads?: number;
  /** findJob answers null once the job has finished, as after Stash prunes it. */
  pruneFinished?: boolean;
  /** The clean finds the old files still on disk and keeps their records. */
  keepOnClean?: boolean;
  /** Applied when a scan finishes: what Stash found at the scanned paths. */
  onScan?: (paths: string[], state: FakeStashFiles) => void;
}

/** The library as the hand-back changes it (in place): scenes (first file primary) and files no scene holds. */
export interface FakeStashFiles {
  scenes: FakeScene[];
  looseFiles: FakeVideoFile[];
}

interface FakeJob {
  id: string;
  kind: "scan" | "clean";
  input: { paths: string[]; dryRun?: boolean };
  reads: number;
  status: "READY" | "RUNNING" | "FINISHED" | "FAILED" | "CANCELLED";
  addTime: string;
}

const scanInputSchema = z.object({ input: z.object({ paths: z.array(z.string()).nullish(), rescan: z.boolean().nullish() }) });
const cleanInputSchema = z.object({ input: z.object({ paths: z.array(z.string()).nullish(), dryRun: z.boolean() }) });
const jobArgsSchema = z.object({ input: z.object({ id: z.string() }) });
const idArgsSchema = z.object({ id: z.string().nullish() });
const fileArgsSchema = z.object({ id: z.string().nullish(), path: z.string().nullish() });
const assignArgsSchema = z.object({ input: z.object({ scene_id: z.string(), file_id: z.string() }) });
const mergeArgsSchema = z.object({ input: z.object({ source: z.array(z.string()), destination: z.string() }) });
const updateArgsSchema = z.object({ input: z.object({ id: z.string(), primary_file_id: z.string().nullish() }) });

/** Next free file id across the library. */
export function nextFileId(state: FakeStashFiles): number {
  const ids = [...state.scenes.flatMap((scene) => scene.files), ...state.looseFiles].map((file) => Number(file.id));
  return Math.max(0, ...ids) + 1;
}

/** The scan saw a file replaced in place: same record, new size and codec. */
export function replaceInPlace(state: FakeStashFiles, path: string, facts: Partial<FakeVideoFile>): void {
  for (const scene of state.scenes) {
    for (const [index, file] of scene.files.entries()) if (file.path === path) scene.files[index] = { ...file, ...facts };
  }
}

/** The scan found a file at a new path: Stash makes a new scene holding it as primary (its fingerprints match no scene). */
export function newFileInNewScene(state: FakeStashFiles, path: string, facts: Partial<FakeVideoFile>): { sceneId: number; fileId: string } {
  const file = fakeVideoFile(nextFileId(state), { ...facts, path });
  const sceneId = Math.max(0, ...state.scenes.map((scene) => scene.id)) + 1;
  state.scenes.push({ id: sceneId, title: file.basename, organized: false, created_at: file.created_at, updated_at: file.updated_at, files: [file], tagIds: [] });
  return { sceneId, fileId: file.id };
}

/** The scan found a file at a new path and left it in no scene. */
export function newLooseFile(state: FakeStashFiles, path: string, facts: Partial<FakeVideoFile>): string {
  const file = fakeVideoFile(nextFileId(state), { ...facts, path });
  state.looseFiles.push(file);
  return file.id;
}

function removeWhere<T>(list: T[], matches: (item: T) => boolean): void {
  list.splice(0, list.length, ...list.filter((item) => !matches(item)));
}

export function createStashJobResolvers(getState: () => FakeStashFiles, getBehaviour: () => FakeStashJobBehaviour | undefined) {
  const jobs = new Map<string, FakeJob>();
  let nextJobId = 1;

  function addJob(kind: FakeJob["kind"], input: FakeJob["input"]): string {
    const id = String(nextJobId++);
    jobs.set(id, { id, kind, input, reads: 0, status: "READY", addTime: new Date().toISOString() });
    return id;
  }

  function finish(job: FakeJob) {
    const state = getState();
    if (job.kind === "scan") getBehaviour()?.onScan?.(job.input.paths, state);
    else if (!job.input.dryRun && !getBehaviour()?.keepOnClean) clean(state, job.input.paths);
  }

  function clean(state: FakeStashFiles, paths: string[]) {
    for (const scene of state.scenes) scene.files = scene.files.filter((file) => !paths.includes(file.path));
    state.scenes.splice(0, state.scenes.length, ...state.scenes.filter((scene) => scene.files.length > 0));
    removeWhere(state.looseFiles, (file) => paths.includes(file.path));
  }

  function findSceneById(id: string): FakeScene | undefined {
    return getState().scenes.find((scene) => String(scene.id) === id);
  }

  function sceneAnswer(scene: FakeScene) {
    return { ...scene, tags: [] };
  }

  return {
    metadataScan(args: unknown) {
      const { input } = scanInputSchema.parse(args);
      return addJob("scan", { paths: input.paths ?? [] });
    },
    metadataClean(args: unknown) {
      const { input } = cleanInputSchema.parse(args);
      return addJob("clean", { paths: input.paths ?? [], dryRun: input.dryRun });
    },
    findJob(args: unknown) {
      const { input } = jobArgsSchema.parse(args);
      const job = jobs.get(input.id);
      if (!job) return null;
      const behaviour = getBehaviour() ?? {};
      if (job.status === "FINISHED" && behaviour.pruneFinished) return null;
      if (job.status === "READY" || job.status === "RUNNING") {
        job.reads += 1;
        if (job.reads <= (behaviour.runningReads ?? 2) || behaviour.outcome === "never") job.status = job.reads <= 1 ? "READY" : "RUNNING";
        else {
          job.status = behaviour.outcome ?? "FINISHED";
          if (job.status === "FINISHED") finish(job);
          if (job.status === "FINISHED" && behaviour.pruneFinished) return null;
        }
      }
      return {
        id: job.id,
        status: job.status,
        description: job.kind === "scan" ? "Scanning..." : "Cleaning...",
        progress: job.status === "FINISHED" ? 1 : 0,
        addTime: job.addTime,
        error: job.status === "FAILED" ? `error scanning ${job.input.paths.join(", ")}` : null,
      };
    },
    findScene(args: unknown) {
      const { id } = idArgsSchema.parse(args);
      const scene = id ? findSceneById(id) : undefined;
      return scene ? sceneAnswer(scene) : null;
    },
    findFile(args: unknown) {
      const { id, path } = fileArgsSchema.parse(args);
      const state = getState();
      const file = [...state.scenes.flatMap((scene) => scene.files), ...state.looseFiles].find((candidate) => (id ? candidate.id === id : candidate.path === path));
      if (!file) throw new GraphQLError("file not found");
      return { __typename: "VideoFile", ...file };
    },
    sceneAssignFile(args: unknown) {
      const { input } = assignArgsSchema.parse(args);
      const state = getState();
      const target = findSceneById(input.scene_id);
      if (!target) throw new GraphQLError("scene not found");
      if (state.scenes.some((scene) => scene.files[0]?.id === input.file_id)) throw new GraphQLError("cannot reassign primary file");
      const loose = state.looseFiles.find((file) => file.id === input.file_id);
      const held = state.scenes.flatMap((scene) => scene.files).find((file) => file.id === input.file_id);
      const file = loose ?? held;
      if (!file) throw new GraphQLError("file not found");
      removeWhere(state.looseFiles, (candidate) => candidate === file);
      for (const scene of state.scenes) scene.files = scene.files.filter((candidate) => candidate !== file);
      target.files.push(file);
      return true;
    },
    sceneMerge(args: unknown) {
      const { input } = mergeArgsSchema.parse(args);
      const state = getState();
      const destination = findSceneById(input.destination);
      if (!destination) throw new GraphQLError("destination scene not found");
      for (const sourceId of input.source) {
        const source = findSceneById(sourceId);
        if (!source) throw new GraphQLError("source scene not found");
        destination.files.push(...source.files);
        state.scenes.splice(state.scenes.indexOf(source), 1);
      }
      return sceneAnswer(destination);
    },
    sceneUpdate(args: unknown) {
      const { input } = updateArgsSchema.parse(args);
      const scene = findSceneById(input.id);
      if (!scene) throw new GraphQLError("scene not found");
      if (input.primary_file_id) {
        const file = scene.files.find((candidate) => candidate.id === input.primary_file_id);
        if (!file) throw new GraphQLError("file not part of scene");
        scene.files = [file, ...scene.files.filter((candidate) => candidate !== file)];
      }
      return sceneAnswer(scene);
    },
  };
}
