import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { APP_PRESENTATION } from "~/components/connections/app-presentation";
import { syncKindText } from "~/components/connections/sync-run-text";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { STASH_FINGERPRINT_PAGE_SIZE } from "~/server/connections/stash-library";
import { UNLISTED_REASON } from "~/server/connections/sync";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";
import { queueStatusesUnder, syncToEnd } from "../support/sync-calls";
import { startFakeStash, type FakeStashServer } from "../fakes/stash-fake-server";
import { fakeScene, fakeVideoFile, generateStashScenes, type FakeScene } from "../fakes/stash-library";

/**
 * Stash quick syncs (issue #16): every scene's fingerprint (its files' ids, sizes, modification
 * times and updated_at) is read; only scenes whose fingerprint changed since the last complete sync
 * are read in full, by id range. Against the fake Stash, which runs the queries on Stash's schema.
 */
const KEY = "stashQUICKstashQUICKstashQUICK00";
const servers: FakeStashServer[] = [];
const api = signedInCaller();

let prefix = 0;
const uniqueRoot = () => `/sq${++prefix}-${Date.now()}`;

/** Scenes 1…count, one file each (file id = scene id × 10), under /data. */
function scenes(count: number, options: { tagIds?: string[] } = {}): FakeScene[] {
  return Array.from({ length: count }, (_, index) => {
    const id = index + 1;
    return fakeScene(id, { files: [fakeVideoFile(id * 10, { path: `/data/s${id}.mp4` })], tagIds: options.tagIds });
  });
}

/** What a Stash scan leaves for a file changed on disk (pkg/file/scan.go onExistingFile): new size and mtime, updated_at now. */
function rescanned(scene: FakeScene, size: number): FakeScene {
  const [file, ...rest] = scene.files;
  return { ...scene, files: [{ ...file!, size, mod_time: "2026-11-30T10:00:00Z", updated_at: "2026-11-30T10:05:00Z" }, ...rest] };
}

/** A file renamed or moved on disk (handleRename): the same record under a new path; its mtime and size don't change, updated_at does. */
function renamed(scene: FakeScene, path: string): FakeScene {
  const [file, ...rest] = scene.files;
  return { ...scene, files: [{ ...file!, path, basename: path.slice(path.lastIndexOf("/") + 1), updated_at: "2026-11-30T10:05:00Z" }, ...rest] };
}

async function stashWith(root: string, library: FakeScene[] | ReturnType<typeof generateStashScenes>, tagFilter?: string[]) {
  const stash = await startFakeStash({ apiKey: KEY, library: { scenes: library, tags: [{ id: "1", name: "Keep", aliases: [] }] } });
  servers.push(stash);
  const { connection } = await api.connections.create({
    name: "Stash", appType: "stash", baseUrl: stash.url, apiKey: KEY, pathMappings: [{ remote: "/data", local: `${root}/data` }], ...(tagFilter ? { tagFilter } : {}),
  });
  return { stash, connectionId: connection.id };
}

/** The requests since the last call: fingerprint pages and full reads (with their id filters). */
function requestsOf(stash: FakeStashServer) {
  const taken = stash.requests.splice(0);
  const idFilter = (variables: Record<string, unknown>) => (variables.scene_filter as { id?: unknown } | undefined)?.id;
  return {
    fingerprintPages: taken.filter((request) => request.operationName === "OptimizarrSceneFingerprints").map((request) => idFilter(request.variables)),
    fullReads: taken.filter((request) => request.operationName === "OptimizarrScenes").map((request) => idFilter(request.variables)),
  };
}

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("Stash quick sync", () => {
  it("reads only fingerprints when nothing changed: no scene read in full, no queue row written", async () => {
    const root = uniqueRoot();
    const { stash, connectionId } = await stashWith(root, scenes(5));
    const first = await syncToEnd(connectionId);
    requestsOf(stash);

    const rowsBefore = await db.queueItem.findMany({ where: { connectionId }, orderBy: { id: "asc" } });
    const quick = await syncToEnd(connectionId);
    const requests = requestsOf(stash);

    expect(first).toMatchObject({ status: "succeeded", full: true, added: 5, parentsTotal: 5, parentsSkipped: 0 });
    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsTotal: 5, parentsSkipped: 5, processed: 0, removed: 0 });
    expect(requests).toEqual({ fingerprintPages: [{ value: 0, modifier: "GREATER_THAN" }], fullReads: [] });
    expect(await db.queueItem.findMany({ where: { connectionId }, orderBy: { id: "asc" } })).toEqual(rowsBefore);
    expect(syncKindText(quick, APP_PRESENTATION.stash.parent)).toBe("Quick sync: 5 of 5 scenes unchanged");
    expect(syncKindText(first, APP_PRESENTATION.stash.parent)).toBe("Full sync: every scene re-read (5 scenes)");
  });

  it("re-reads scenes whose files changed, were added or moved, picks up new scenes, and marks a deleted scene's file removed", async () => {
    const root = uniqueRoot();
    const library = scenes(6);
    const { stash, connectionId } = await stashWith(root, library);
    await syncToEnd(connectionId);
    requestsOf(stash);

    const moved = library[3]!.files[0]!;
    stash.setLibrary({
      scenes: [
        renamed(library[0]!, "/data/renamed-s1.mp4"),
        rescanned(library[1]!, 700_000_000),
        // scene 3 deleted
        { ...library[3]!, files: [] }, // scene 4 lost its file…
        { ...library[4]!, files: [...library[4]!.files, moved] }, // …to scene 5
        library[5]!,
        fakeScene(7, { files: [fakeVideoFile(70, { path: "/data/s7.mp4" })] }),
      ],
    });
    const quick = await syncToEnd(connectionId);
    const requests = requestsOf(stash);

    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsTotal: 6, parentsSkipped: 0, added: 1, removed: 1 });
    // Scenes 1, 2, 4 and 5 changed and 7 is new; the unchanged scene 6 lies between two of them and
    // is read with them: one range. Scene 3 is gone, so nothing lists its file.
    expect(requests.fullReads).toEqual([{ value: 1, value2: 7, modifier: "BETWEEN" }]);
    const statuses = await queueStatusesUnder(root);
    expect(statuses).toMatchObject({ "/data/renamed-s1.mp4": "queued", "/data/s3.mp4": "removed", "/data/s4.mp4": "queued", "/data/s7.mp4": "queued" });
    expect(statuses["/data/s1.mp4"]).toBeUndefined();
    const resized = await db.queueItem.findFirstOrThrow({ where: { connectionId, externalId: "sceneFile:20" } });
    expect(resized.sizeBytes).toBe(700_000_000n);
    const movedRow = await db.queueItem.findFirstOrThrow({ where: { connectionId, externalId: "sceneFile:40" } });
    expect(movedRow.externalParentId).toBe("scene:5");
    const removedRow = await db.queueItem.findFirstOrThrow({ where: { connectionId, externalId: "sceneFile:30" } });
    expect(removedRow.statusReason).toBe(UNLISTED_REASON);
  });

  it("reads changed scenes far apart as separate id ranges; the unchanged ones between are skipped", async () => {
    const root = uniqueRoot();
    const library = scenes(300);
    const { stash, connectionId } = await stashWith(root, library);
    await syncToEnd(connectionId);
    requestsOf(stash);

    const changed = new Set([10, 40, 250]);
    stash.setLibrary({ scenes: library.map((scene) => (changed.has(scene.id) ? rescanned(scene, 123_456_789 + scene.id) : scene)) });
    const quick = await syncToEnd(connectionId);
    const requests = requestsOf(stash);

    // 10 and 40 have 29 unchanged scenes between them: one range; 250 is alone.
    expect(requests.fullReads).toEqual([
      { value: 10, value2: 40, modifier: "BETWEEN" },
      { value: 250, value2: 250, modifier: "BETWEEN" },
    ]);
    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsTotal: 300, parentsSkipped: 300 - 31 - 1, updated: 3, unchanged: 29, removed: 0 });
  });

  it("pages fingerprints by id cursor through a library bigger than a page", async () => {
    const root = uniqueRoot();
    const count = STASH_FINGERPRINT_PAGE_SIZE * 2 + 500;
    const { stash, connectionId } = await stashWith(root, generateStashScenes(count));
    await syncToEnd(connectionId);
    requestsOf(stash);

    const quick = await syncToEnd(connectionId);
    const requests = requestsOf(stash);

    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsTotal: count, parentsSkipped: count, processed: 0 });
    expect(requests.fingerprintPages).toEqual([0, STASH_FINGERPRINT_PAGE_SIZE, STASH_FINGERPRINT_PAGE_SIZE * 2].map((value) => ({ value, modifier: "GREATER_THAN" })));
    expect(requests.fullReads).toEqual([]);
  });

  it("a failed fingerprint page fails the run and removes nothing; the next quick sync still sees what changed", async () => {
    const root = uniqueRoot();
    const library = scenes(3);
    const { stash, connectionId } = await stashWith(root, library);
    await syncToEnd(connectionId);
    stash.setLibrary({ scenes: [library[0]!, rescanned(library[1]!, 42_000_000)] });
    stash.setBehaviour({ failScenesAfterId: 0 });

    const failed = await syncToEnd(connectionId);
    stash.setBehaviour({ failScenesAfterId: undefined });
    requestsOf(stash);
    const afterFailure = await queueStatusesUnder(root);
    const next = await syncToEnd(connectionId);

    expect(failed).toMatchObject({ status: "failed", full: false, errorCategory: "bad_response", removed: 0 });
    expect(failed.error).toContain("reading scene fingerprints after id 0");
    expect(afterFailure).toEqual({ "/data/s1.mp4": "queued", "/data/s2.mp4": "queued", "/data/s3.mp4": "queued" });
    expect(next).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 1, updated: 1, removed: 1 });
    expect(requestsOf(stash).fullReads).toEqual([{ value: 2, value2: 2, modifier: "BETWEEN" }]);
  });

  it("a scene whose file was malformed is read again by the next quick sync", async () => {
    const root = uniqueRoot();
    const { stash, connectionId } = await stashWith(root, scenes(3));
    stash.setBehaviour({
      mangleScenes: (page) => page.map((scene) => (isScene(scene) && scene.id === "2" && "files" in scene ? { ...scene, files: [{ id: "20", size: -1 }] } : scene)),
    });
    const first = await syncToEnd(connectionId);
    requestsOf(stash);

    const quick = await syncToEnd(connectionId);

    expect(first).toMatchObject({ status: "succeeded", invalid: 1, parentsTotal: 2 });
    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 2, invalid: 1 });
    expect(requestsOf(stash).fullReads).toEqual([{ value: 2, value2: 2, modifier: "BETWEEN" }]);
  });

  it("keeps the tag filter on the fingerprint pages: a scene that lost its tag is no longer listed, and its file is marked removed", async () => {
    const root = uniqueRoot();
    const library = scenes(3, { tagIds: ["1"] });
    const { stash, connectionId } = await stashWith(root, library, ["Keep"]);
    await syncToEnd(connectionId);
    requestsOf(stash);

    stash.setLibrary({ scenes: [library[0]!, { ...library[1]!, tagIds: [] }, library[2]!] });
    const quick = await syncToEnd(connectionId);
    const requests = requestsOf(stash);

    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 2, removed: 1 });
    expect(requests.fullReads).toEqual([]);
    expect(await queueStatusesUnder(root)).toEqual({ "/data/s1.mp4": "queued", "/data/s2.mp4": "removed", "/data/s3.mp4": "queued" });
  });

  it("a folder renamed in Stash (paths change, file records don't): the quick sync misses it, the next full sync moves the rows", async () => {
    const root = uniqueRoot();
    const library = scenes(2);
    const { stash, connectionId } = await stashWith(root, library);
    await syncToEnd(connectionId);

    // Stash keeps the file rows and derives their paths from the renamed folder: no updated_at change.
    stash.setLibrary({ scenes: library.map((scene) => ({ ...scene, files: scene.files.map((file) => ({ ...file, path: file.path.replace("/data/", "/data/new/") })) })) });
    const quick = await syncToEnd(connectionId);
    const afterQuick = await queueStatusesUnder(root);
    const full = await syncToEnd(connectionId, true);

    expect(quick).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 2, processed: 0 });
    expect(afterQuick).toEqual({ "/data/s1.mp4": "queued", "/data/s2.mp4": "queued" });
    expect(full).toMatchObject({ status: "succeeded", full: true, updated: 2, removed: 0 });
    expect(await queueStatusesUnder(root)).toEqual({ "/data/new/s1.mp4": "queued", "/data/new/s2.mp4": "queued" });
  });

  it("new path mappings make the next sync full, so every row moves to its new path; unchanged mappings keep it quick", async () => {
    const root = uniqueRoot();
    const { stash, connectionId } = await stashWith(root, scenes(2));
    await syncToEnd(connectionId);
    await api.connections.update({ id: connectionId, pathMappings: [{ remote: "/data", local: `${root}/data` }], name: "Stash renamed" });
    const stillQuick = await syncToEnd(connectionId);
    requestsOf(stash);

    await api.connections.update({ id: connectionId, pathMappings: [{ remote: "/data", local: `${root}/moved` }] });
    const afterRemap = await syncToEnd(connectionId);

    expect(stillQuick).toMatchObject({ status: "succeeded", full: false, parentsSkipped: 2 });
    expect(afterRemap).toMatchObject({ status: "succeeded", full: true, parentsSkipped: 0, updated: 2, removed: 0 });
    expect(requestsOf(stash).fingerprintPages).toEqual([]);
    expect(await queueStatusesUnder(root)).toEqual({ "/moved/s1.mp4": "queued", "/moved/s2.mp4": "queued" });
  });

  it("pointed at another Stash, the next sync is full: the same scene ids there are other scenes", async () => {
    const root = uniqueRoot();
    const { connectionId } = await stashWith(root, scenes(2));
    await syncToEnd(connectionId);
    const other = await startFakeStash({ apiKey: KEY, library: { scenes: scenes(2) } });
    servers.push(other);

    // A new address takes the key again: a stored key never goes to an origin it wasn't saved for.
    await api.connections.update({ id: connectionId, baseUrl: other.url, apiKey: KEY });
    const next = await syncToEnd(connectionId);

    expect(next).toMatchObject({ status: "succeeded", full: true, parentsSkipped: 0, unchanged: 2 });
    expect(other.requests.some((request) => request.operationName === "OptimizarrScenes")).toBe(true);
  });

  it("a Stash connection offers quick syncs and a full sync interval", async () => {
    const { connectionId } = await stashWith(uniqueRoot(), scenes(1));
    const listed = (await api.connections.list()).find((connection) => connection.id === connectionId);

    expect(listed).toMatchObject({ quickSync: true, fullSyncEveryHours: 24 });
  });
});

function isScene(value: unknown): value is { id: string } {
  return typeof value === "object" && value !== null && "id" in value;
}
