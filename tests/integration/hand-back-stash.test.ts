import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sealApiKey } from "~/server/connections/api-key";
import { handBackToApp, readAppFile, type HandBackChange, type OwnedFile } from "~/server/connections/hand-back";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";
import { startFakeStash, type FakeStashServer } from "../fakes/stash-fake-server";
import { newFileInNewScene, newLooseFile, replaceInPlace, type FakeStashJobBehaviour } from "../fakes/stash-jobs";
import { fakeScene, fakeVideoFile } from "../fakes/stash-library";

const KEY = "stashHBstashHBstashHBstashHB0000";
const servers: FakeStashServer[] = [];
const api = signedInCaller();
const FAST = { pollIntervalMs: 5, timeoutMs: 5_000 };
const GB = 1_000_000_000;
/** What must never show up in a message: the private scene's path and title. */
const SECRET = "Secret Scene";
const OLD_PATH = `/data/${SECRET}/${SECRET}.wmv`;
const NEW_PATH = `/data/${SECRET}/${SECRET}.mkv`;

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

let prefix = 0;
const uniqueRoot = () => `/hbs${++prefix}-${Date.now()}`;

/** Stash with scene 9 holding file 42 at OLD_PATH (and scene 3 with its own file), and a private connection mapping /data to `${root}/data`. */
async function stashWith(jobs: FakeStashJobBehaviour = {}, options: { apiKey?: string } = {}) {
  const root = uniqueRoot();
  const stash = await startFakeStash({
    apiKey: KEY,
    library: {
      scenes: [
        fakeScene(3),
        fakeScene(9, { title: SECRET, files: [fakeVideoFile(42, { path: OLD_PATH, size: 3.4 * GB, video_codec: "wmv3" })] }),
      ],
    },
    behaviour: { jobs },
  });
  servers.push(stash);
  const { connection } = await api.connections.create({ name: "Stash", appType: "stash", baseUrl: stash.url, apiKey: KEY, pathMappings: [{ remote: "/data", local: `${root}/data` }] });
  if (options.apiKey) await db.externalConnection.update({ where: { id: connection.id }, data: sealApiKey(options.apiKey) });
  stash.requests.length = 0;
  const file: OwnedFile = { connectionId: connection.id, externalId: "sceneFile:42", externalParentId: "scene:9", filePath: `${root}${OLD_PATH}` };
  const sameName: HandBackChange = { previousPath: `${root}${OLD_PATH}`, newPath: `${root}${OLD_PATH}`, sizeBytes: BigInt(1.2 * GB), codec: "h265" };
  const newExtension: HandBackChange = { ...sameName, newPath: `${root}${NEW_PATH}` };
  return { stash, file, sameName, newExtension, connectionPrivate: connection.private };
}

const operations = (stash: FakeStashServer) => stash.requests.map((request) => request.operationName);
const variablesOf = (stash: FakeStashServer, operation: string) => stash.requests.filter((request) => request.operationName === operation).map((request) => request.variables);

describe("Stash hand-back", () => {
  it("scans the replaced path, follows the job, and confirms the scene's file in place", async () => {
    const { stash, file, sameName, connectionPrivate } = await stashWith({
      runningReads: 2,
      onScan: (paths, state) => paths.forEach((path) => replaceInPlace(state, path, { size: 1.2 * GB, video_codec: "hevc" })),
    });

    const result = await handBackToApp(db, file, sameName, FAST);

    expect(connectionPrivate).toBe(true);
    expect(result).toEqual({ ok: true, data: { status: "confirmed", message: "Stash updated: reports 1.1 GB H.265 / HEVC", externalId: "sceneFile:42" } });
    expect(operations(stash)).toEqual(["OptimizarrScan", "OptimizarrJob", "OptimizarrJob", "OptimizarrJob", "OptimizarrSceneFiles"]);
    expect(variablesOf(stash, "OptimizarrScan")).toEqual([{ input: { paths: [OLD_PATH], rescan: true } }]);
    expect(variablesOf(stash, "OptimizarrJob")[0]).toEqual({ input: { id: "1" } });
    expect(variablesOf(stash, "OptimizarrSceneFiles")).toEqual([{ id: "9" }]);
    for (const request of stash.requests) expect(request.headers.apikey).toBe(KEY);
  });

  it("moves a new-extension file out of the scene Stash made for it into the item's scene, makes it primary and cleans the old record", async () => {
    let made = { sceneId: 0, fileId: "" };
    const { stash, file, newExtension } = await stashWith({
      onScan: (paths, state) => {
        made = newFileInNewScene(state, paths[0]!, { size: 1.2 * GB, video_codec: "hevc" });
      },
    });

    const result = await handBackToApp(db, file, newExtension, FAST);

    expect(made.fileId).toBe("43");
    expect(result).toEqual({
      ok: true,
      data: { status: "confirmed", message: "Stash updated: reports 1.1 GB H.265 / HEVC; old file record removed", externalId: "sceneFile:43" },
    });
    expect(variablesOf(stash, "OptimizarrScan")).toEqual([{ input: { paths: [NEW_PATH], rescan: true } }]);
    expect(variablesOf(stash, "OptimizarrMergeScene")).toEqual([{ input: { source: [String(made.sceneId)], destination: "9" } }]);
    expect(variablesOf(stash, "OptimizarrPrimaryFile")).toEqual([{ input: { id: "9", primary_file_id: "43" } }]);
    expect(variablesOf(stash, "OptimizarrClean")).toEqual([{ input: { paths: [OLD_PATH], dryRun: false } }]);
    expect(variablesOf(stash, "OptimizarrAssignFile")).toEqual([]);
    // Scene 9 keeps its metadata and now holds only the new file; the scene Stash made is gone; scene 3 untouched.
    const scenes = stash.files().scenes;
    expect(scenes.map((scene) => [scene.id, scene.title, scene.files.map((candidate) => candidate.id)])).toEqual([
      [3, "Scene 3", ["3"]],
      [9, SECRET, ["43"]],
    ]);
  });

  it("warns when Stash still lists the old file after its clean (the old file is still on disk, or the clean failed)", async () => {
    const { stash, file, newExtension } = await stashWith({
      keepOnClean: true,
      onScan: (paths, state) => {
        newFileInNewScene(state, paths[0]!, { size: 1.2 * GB, video_codec: "hevc" });
      },
    });

    const result = await handBackToApp(db, file, newExtension, FAST);

    expect(result).toEqual({
      ok: true,
      data: { status: "warning", message: "Stash updated: reports 1.1 GB H.265 / HEVC; Stash still lists the old file: run Tasks → Clean in Stash", externalId: "sceneFile:43" },
    });
    expect(variablesOf(stash, "OptimizarrClean")).toEqual([{ input: { paths: [OLD_PATH], dryRun: false } }]);
  });

  it("attaches a new file no scene holds with sceneAssignFile (scene and file ids)", async () => {
    let fileId = "";
    const { stash, file, newExtension } = await stashWith({
      onScan: (paths, state) => {
        fileId = newLooseFile(state, paths[0]!, { size: 1.2 * GB, video_codec: "hevc" });
      },
    });

    const result = await handBackToApp(db, file, newExtension, FAST);

    expect(result.ok && result.data).toMatchObject({ status: "confirmed", externalId: `sceneFile:${fileId}` });
    expect(variablesOf(stash, "OptimizarrFileAtPath")).toEqual([{ path: NEW_PATH }]);
    expect(variablesOf(stash, "OptimizarrAssignFile")).toEqual([{ input: { scene_id: "9", file_id: fileId } }]);
    expect(variablesOf(stash, "OptimizarrMergeScene")).toEqual([]);
    expect(stash.files().scenes.find((scene) => scene.id === 9)?.files.map((candidate) => candidate.id)).toEqual([fileId]);
  });

  it("warns, and touches nothing, when Stash put the new file in a scene that holds other files too", async () => {
    const { stash, file, newExtension } = await stashWith({
      onScan: (paths, state) => {
        state.scenes[0]!.files.push(fakeVideoFile(50, { path: paths[0]!, size: 1.2 * GB, video_codec: "hevc" }));
      },
    });

    const result = await handBackToApp(db, file, newExtension, FAST);

    expect(result.ok && result.data.status).toBe("warning");
    expect(operations(stash)).not.toContain("OptimizarrMergeScene");
    expect(operations(stash)).not.toContain("OptimizarrClean");
  });

  it("warns when the scan didn't change what Stash reports", async () => {
    const { file, sameName } = await stashWith({});

    const result = await handBackToApp(db, file, sameName, FAST);

    expect(result).toEqual({ ok: true, data: { status: "warning", message: "Stash finished the rescan but still reports 3.2 GB Other", externalId: "sceneFile:42" } });
  });

  it("takes a job pruned from Stash's list (findJob null) as finished", async () => {
    const { file, sameName } = await stashWith({ pruneFinished: true, onScan: (paths, state) => replaceInPlace(state, paths[0]!, { size: 1.2 * GB, video_codec: "hevc" }) });

    const result = await handBackToApp(db, file, sameName, FAST);

    expect(result.ok && result.data.status).toBe("confirmed");
  });

  it.each(["FAILED", "CANCELLED"] as const)("fails when the scan job ends %s, naming no path or title", async (outcome) => {
    const { file, sameName } = await stashWith({ outcome });

    const result = await handBackToApp(db, file, sameName, FAST);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe("bad_response");
    expect(result.error.message).toMatch(/Stash's scan (failed|was cancelled)/);
    expect(result.error.message).not.toContain(SECRET);
    expect(result.error.message).not.toContain("/data");
  });

  it("times out when the scan never finishes", async () => {
    const { file, sameName } = await stashWith({ outcome: "never" });

    const result = await handBackToApp(db, file, sameName, { pollIntervalMs: 5, timeoutMs: 300 });

    expect(result).toMatchObject({ ok: false, error: { category: "timeout" } });
    if (!result.ok) expect(result.error.message).not.toContain(SECRET);
  });

  it("is unauthorized when Stash refuses the stored key", async () => {
    const { stash, file, sameName } = await stashWith({}, { apiKey: "wrongwrongwrongwrongwrongwrong00" });

    const result = await handBackToApp(db, file, sameName, FAST);

    expect(result).toMatchObject({ ok: false, error: { category: "unauthorized" } });
    if (!result.ok) expect(result.error.message).not.toContain(SECRET);
    expect(stash.requests.every((request) => request.headers.apikey === "wrongwrongwrongwrongwrongwrong00")).toBe(true);
  });

  it("fails without a path when the item lacks its scene id", async () => {
    const { file, sameName } = await stashWith({});

    const result = await handBackToApp(db, { ...file, externalParentId: null }, sameName, FAST);

    expect(result).toMatchObject({ ok: false, error: { category: "bad_response" } });
    if (!result.ok) expect(result.error.message).not.toContain(SECRET);
  });
});

describe("Stash race guard (readAppFile)", () => {
  it("reads the scene's file with its local path and size", async () => {
    const { file } = await stashWith({});

    const result = await readAppFile(db, file);

    expect(result).toEqual({ ok: true, data: { sizeBytes: BigInt(3.4 * GB), filePath: file.filePath, codec: "other" } });
  });

  it("sees a changed size, and null once the file or the scene is gone", async () => {
    const { stash, file } = await stashWith({});

    replaceInPlace(stash.files(), OLD_PATH, { size: 5 * GB });
    const changed = await readAppFile(db, file);
    stash.files().scenes[1]!.files = [fakeVideoFile(77)];
    const fileGone = await readAppFile(db, file);
    stash.files().scenes.splice(1, 1);
    const sceneGone = await readAppFile(db, file);

    expect(changed.ok && changed.data?.sizeBytes).toBe(BigInt(5 * GB));
    expect(fileGone).toEqual({ ok: true, data: null });
    expect(sceneGone).toEqual({ ok: true, data: null });
    expect(variablesOf(stash, "OptimizarrSceneFiles")).toEqual([{ id: "9" }, { id: "9" }, { id: "9" }]);
  });
});
