import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sealApiKey } from "~/server/connections/api-key";
import { handBackToApp, readAppFile, type HandBackChange, type OwnedFile } from "~/server/connections/hand-back";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";
import { sonarrLibrary, startFakeArr, type FakeArrServer, type FakeCommandBehaviour } from "../fakes/arr-fake-server";
import { fakeEpisodeFile, fakeMovie, type FileOptions } from "../fakes/arr-library";

const KEY = "handKEYhandKEYhandKEYhandKEY0000";
const servers: FakeArrServer[] = [];
const api = signedInCaller();
/** Fast polls: the command is read a few times before it ends. */
const FAST = { pollIntervalMs: 5, timeoutMs: 5_000 };
const GB = 1_000_000_000;

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 500, bodyIdleMs: 500, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

let prefix = 0;
const uniqueRoot = () => `/hb${++prefix}-${Date.now()}`;

type Episode = Omit<FileOptions, "id"> & { id: number };

/** A Sonarr with series 7 holding the given episode files, and a connection to it mapping /tv to `${root}/tv`. */
async function sonarrWith(episodes: Episode[], options: { commands?: FakeCommandBehaviour; apiKey?: string; enabled?: boolean; private?: boolean } = {}) {
  const root = uniqueRoot();
  const sonarr = await startFakeArr({ app: "sonarr", apiKey: KEY, library: sonarrLibrary([{ id: 7, files: episodes.map((file) => fakeEpisodeFile(7, file)) }]), behaviour: { commands: options.commands } });
  servers.push(sonarr);
  const { connection } = await api.connections.create({
    name: "Sonarr",
    appType: "sonarr",
    baseUrl: sonarr.url,
    apiKey: KEY,
    enabled: options.enabled ?? true,
    private: options.private ?? false,
    pathMappings: [{ remote: "/tv", local: `${root}/tv` }],
  });
  // Sonarr's key changed since it was saved.
  if (options.apiKey) await db.externalConnection.update({ where: { id: connection.id }, data: sealApiKey(options.apiKey) });
  sonarr.requests.length = 0; // Saving tested the connection: only the hand-back's requests count.
  return { sonarr, connectionId: connection.id, root };
}

/** After the rescan, series 7 lists these files instead. */
function rescanFinds(server: FakeArrServer, episodes: Episode[]): (body: unknown) => void {
  return () => server.setLibrary({ episodeFiles: (seriesId) => (seriesId === 7 ? episodes.map((file) => fakeEpisodeFile(7, file)) : []) });
}

const ORIGINAL: Episode = { id: 12, path: "/tv/Secret Show/Season 01/Secret Show - S01E01.mkv", size: 3.4 * GB, mediaInfo: { videoCodec: "x264" } };

function owned(connectionId: number, root: string, overrides: Partial<OwnedFile> = {}): OwnedFile {
  return { connectionId, externalId: "episodeFile:12", externalParentId: "series:7", filePath: `${root}${ORIGINAL.path}`, ...overrides };
}

function change(root: string, overrides: Partial<HandBackChange> = {}): HandBackChange {
  return { previousPath: `${root}${ORIGINAL.path}`, newPath: `${root}${ORIGINAL.path}`, sizeBytes: BigInt(1.2 * GB), codec: "h265", ...overrides };
}

const apiRequests = (server: FakeArrServer) => server.requests.filter((request) => request.url.includes("/api/"));

describe("Sonarr hand-back", () => {
  it("queues RescanSeries for the series, follows the command to completed, and confirms the new size and codec", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL]);
    sonarr.setBehaviour({ commands: { runningReads: 3, onComplete: rescanFinds(sonarr, [{ ...ORIGINAL, size: 1.2 * GB, mediaInfo: { videoCodec: "x265" } }]) } });

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result).toEqual({ ok: true, data: { status: "confirmed", message: "Sonarr updated: reports 1.1 GB H.265 / HEVC", externalId: "episodeFile:12" } });
    const requests = apiRequests(sonarr);
    const posts = requests.filter((request) => request.method === "POST");
    expect(posts.map((request) => [request.url, JSON.parse(request.body)])).toEqual([["/api/v3/command", { name: "RescanSeries", seriesId: 7 }]]);
    const polls = requests.filter((request) => request.url === "/api/v3/command/1000");
    expect(polls.length).toBe(4); // queued, started, started, completed
    expect(requests.at(-1)?.url).toBe("/api/v3/episodefile?seriesId=7");
    // The key only ever in its header, on requests to the saved address.
    for (const request of requests) {
      expect(request.headers["x-api-key"]).toBe(KEY);
      expect(request.url).not.toContain(KEY);
    }
  });

  it("finds a renamed file under its new id at the new path (local paths mapped back to Sonarr's)", async () => {
    const original = { ...ORIGINAL, path: "/tv/Secret Show/Season 01/Secret Show - S01E01.avi" };
    const { sonarr, connectionId, root } = await sonarrWith([original]);
    const renamed = { ...ORIGINAL, id: 13, size: 1.2 * GB, mediaInfo: { videoCodec: "HEVC" } };
    sonarr.setBehaviour({ commands: { onComplete: rescanFinds(sonarr, [renamed]) } });

    const result = await handBackToApp(db, owned(connectionId, root, { filePath: `${root}${original.path}` }), change(root, { previousPath: `${root}${original.path}` }), FAST);

    expect(result.ok && result.data).toMatchObject({ status: "confirmed", externalId: "episodeFile:13" });
  });

  it("warns when Sonarr still reports the old size and codec after the rescan", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL]);
    sonarr.setBehaviour({ commands: { onComplete: () => undefined } });

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result).toEqual({ ok: true, data: { status: "warning", message: "Sonarr finished the rescan but still reports 3.2 GB H.264", externalId: "episodeFile:12" } });
  });

  it("warns when the file is gone from Sonarr's list after the rescan", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL]);
    sonarr.setBehaviour({ commands: { onComplete: rescanFinds(sonarr, []) } });

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result).toEqual({ ok: true, data: { status: "warning", message: "Sonarr finished the rescan but no longer lists this file", externalId: null } });
  });

  it.each(["failed", "aborted", "cancelled"] as const)("fails with Sonarr's words when the command ends %s", async (outcome) => {
    const { connectionId, root } = await sonarrWith([ORIGINAL], { commands: { outcome, message: "Series folder is missing" } });

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe("bad_response");
    expect(result.error.message).toContain(`Sonarr's rescan ${outcome}`);
    if (outcome !== "cancelled") expect(result.error.message).toContain("Series folder is missing");
  });

  it("leaves out a failure message that quotes a path", async () => {
    const { connectionId, root } = await sonarrWith([ORIGINAL], { commands: { outcome: "failed", message: "Could not scan /tv/Secret Show" }, private: true });

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain("Sonarr's rescan failed");
    expect(result.error.message).not.toContain("Secret");
    expect(result.error.message).not.toContain("/tv");
  });

  it("times out when the command never finishes", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL], { commands: { outcome: "never" } });

    const started = Date.now();
    const result = await handBackToApp(db, owned(connectionId, root), change(root), { pollIntervalMs: 5, timeoutMs: 300 });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(apiRequests(sonarr).some((request) => request.url.startsWith("/api/v3/episodefile"))).toBe(false);
  });

  it("stops waiting when the signal fires", async () => {
    const { connectionId, root } = await sonarrWith([ORIGINAL], { commands: { outcome: "never" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const result = await handBackToApp(db, owned(connectionId, root), change(root), { signal: controller.signal, pollIntervalMs: 5, timeoutMs: 60_000 });

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("timeout");
  });

  it("is unauthorized when Sonarr refuses the stored key", async () => {
    const { connectionId, root } = await sonarrWith([ORIGINAL], { apiKey: "wrongKEYwrongKEYwrongKEYwrong000" });

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("unauthorized");
  });

  it("is unreachable when nothing answers at the saved address", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL]);
    await sonarr.stop();
    servers.splice(servers.indexOf(sonarr), 1);

    const result = await handBackToApp(db, owned(connectionId, root), change(root), FAST);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("unreachable");
  });

  it("refuses a disabled connection without asking Sonarr, and a deleted one", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL], { enabled: false });

    const disabled = await handBackToApp(db, owned(connectionId, root), change(root), FAST);
    const gone = await readAppFile(db, owned(999_999, root));

    expect(disabled).toMatchObject({ ok: false, error: { category: "not_found" } });
    if (!disabled.ok) expect(disabled.error.message).toContain("disabled");
    expect(gone).toMatchObject({ ok: false, error: { category: "not_found" } });
    expect(apiRequests(sonarr)).toEqual([]);
  });

  it("finds the series through the file when the item has no parent id", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL]);
    sonarr.setBehaviour({ commands: { onComplete: rescanFinds(sonarr, [{ ...ORIGINAL, size: 1.2 * GB, mediaInfo: { videoCodec: "x265" } }]) } });

    const result = await handBackToApp(db, owned(connectionId, root, { externalParentId: null }), change(root), FAST);

    expect(result.ok && result.data.status).toBe("confirmed");
    expect(apiRequests(sonarr)[0]?.url).toBe("/api/v3/episodefile/12");
  });
});

describe("Sonarr race guard (readAppFile)", () => {
  it("reads the file by id, with its local path and current size", async () => {
    const { connectionId, root } = await sonarrWith([{ ...ORIGINAL, size: 2.5 * GB }]);

    const result = await readAppFile(db, owned(connectionId, root));

    expect(result).toEqual({ ok: true, data: { sizeBytes: BigInt(2.5 * GB), filePath: `${root}${ORIGINAL.path}`, codec: "h264" } });
  });

  it("is null when Sonarr answers 404 for the id (deleted or upgraded)", async () => {
    const { sonarr, connectionId, root } = await sonarrWith([ORIGINAL]);

    const result = await readAppFile(db, owned(connectionId, root, { externalId: "episodeFile:99" }));

    expect(result).toEqual({ ok: true, data: null });
    expect(apiRequests(sonarr).map((request) => request.url)).toEqual(["/api/v3/episodefile/99"]);
  });
});

describe("Radarr hand-back", () => {
  const MOVIE_FILE = { id: 5, path: "/movies/Film (2020)/Film (2020).mkv", size: 8 * GB, mediaInfo: { videoCodec: "AVC" } };

  async function radarrWith(commands: FakeCommandBehaviour = {}) {
    const root = uniqueRoot();
    const radarr = await startFakeArr({ app: "radarr", apiKey: KEY, library: { movies: [fakeMovie(3, MOVIE_FILE)] }, behaviour: { commands } });
    servers.push(radarr);
    const { connection } = await api.connections.create({ name: "Radarr", appType: "radarr", baseUrl: radarr.url, apiKey: KEY, pathMappings: [{ remote: "/movies", local: `${root}/movies` }] });
    radarr.requests.length = 0;
    const file: OwnedFile = { connectionId: connection.id, externalId: "movieFile:5", externalParentId: "movie:3", filePath: `${root}${MOVIE_FILE.path}` };
    return { radarr, file, root };
  }

  it("queues RescanMovie, then reads moviefile?movieId and confirms a file that got a new id", async () => {
    const { radarr, file, root } = await radarrWith();
    const newPath = "/movies/Film (2020)/Film (2020) x265.mkv";
    radarr.setBehaviour({ commands: { onComplete: () => radarr.setLibrary({ movies: [fakeMovie(3, { id: 6, path: newPath, size: 2 * GB, mediaInfo: { videoCodec: "x265" } })] }) } });

    const result = await handBackToApp(db, file, { previousPath: file.filePath, newPath: `${root}${newPath}`, sizeBytes: BigInt(2 * GB), codec: "h265" }, FAST);

    expect(result).toEqual({ ok: true, data: { status: "confirmed", message: "Radarr updated: reports 1.9 GB H.265 / HEVC", externalId: "movieFile:6" } });
    const requests = apiRequests(radarr);
    expect(JSON.parse(requests.find((request) => request.method === "POST")!.body)).toEqual({ name: "RescanMovie", movieId: 3 });
    expect(requests.at(-1)?.url).toBe("/api/v3/moviefile?movieId=3");
  });

  it("reads the file for the race guard, and null once Radarr no longer has the id", async () => {
    const { radarr, file, root } = await radarrWith();

    const before = await readAppFile(db, file);
    radarr.setLibrary({ movies: [fakeMovie(3, { ...MOVIE_FILE, id: 7, size: 9 * GB })] });
    const after = await readAppFile(db, file);

    expect(before).toEqual({ ok: true, data: { sizeBytes: BigInt(8 * GB), filePath: `${root}${MOVIE_FILE.path}`, codec: "h264" } });
    expect(after).toEqual({ ok: true, data: null });
  });

  it("refuses an id that is not Radarr's", async () => {
    const { file } = await radarrWith();

    const result = await readAppFile(db, { ...file, externalId: "episodeFile:5" });

    expect(result).toMatchObject({ ok: false, error: { category: "bad_response" } });
  });
});
