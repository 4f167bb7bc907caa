import { beforeEach, describe, expect, it } from "vitest";
import { POST } from "~/app/api/webhooks/[appType]/route";
import { db } from "~/server/db";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { signedInCaller } from "../support/callers";
import { flushLogFile, readAllLogText } from "../support/log-file";
import { createWebhookConnection, fixture, webhookRequest, type Json, type TestConnection } from "../support/webhook-delivery";

/**
 * Issue 13: a delivery authenticated as connection A must never change, move, remove or reveal
 * connection B's items, whatever its body says. A and B each have synced items; B is private and
 * its paths carry a canary. Every forged delivery is compared byte for byte with the answer to the
 * same event naming a path nobody has, and positive controls show A's own events still work.
 */
const CANARY = "canary-7f3b91";
const A_TV = "/mnt/a/tv";
const A_MOVIES = "/mnt/a/movies";
const B_TV = `/mnt/${CANARY}/tv`;
const B_MOVIES = `/mnt/${CANARY}/movies`;

const B_SERIES = `${B_TV}/Secret Show ${CANARY}`;
const B_EPISODE = { id: 501, path: `${B_SERIES}/Season 01/Secret Show ${CANARY} - S01E01.mkv` };
const B_EPISODE_2 = { id: 502, path: `${B_SERIES}/Season 01/Secret Show ${CANARY} - S01E02.mkv` };
const B_MOVIE_FOLDER = `${B_MOVIES}/Secret Movie ${CANARY} (2020)`;
const B_MOVIE = { id: 601, path: `${B_MOVIE_FOLDER}/Secret Movie ${CANARY} (2020).mkv` };

// A's items as A's apps see them (remote) and as Optimizarr does (local, after A's mappings).
const A_SERIES_REMOTE = "/tv/Show";
const A_EPISODE = { id: 101, remote: "/tv/Show/Season 01/Show - S01E01.mkv", local: `${A_TV}/Show/Season 01/Show - S01E01.mkv` };
const A_SIBLING = { id: 102, remote: "/tv/Show 2/Season 01/Show 2 - S01E01.mkv", local: `${A_TV}/Show 2/Season 01/Show 2 - S01E01.mkv` };
const A_MOVIE_REMOTE_FOLDER = "/movies/Film (2019)";
const A_MOVIE = { id: 201, remote: "/movies/Film (2019)/Film (2019).mkv", local: `${A_MOVIES}/Film (2019)/Film (2019).mkv` };

const NOWHERE = "/mnt/nowhere/Nothing Here";

interface Connections {
  sonarrA: TestConnection;
  radarrA: TestConnection;
  sonarrB: TestConnection;
  radarrB: TestConnection;
}

let c: Connections;

/** B's items are private because B is: the queue writer derives it. */
function item(overrides: Partial<QueueItemInput> & { filePath: string }): QueueItemInput {
  return {
    sizeBytes: 3_000_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 8_000_000, durationSeconds: 2700,
    qualitySource: "webdl", source: "sonarr", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
  };
}

beforeEach(async () => {
  await db.webhookDelivery.deleteMany();
  await db.queueItem.deleteMany();
  c = {
    sonarrA: await createWebhookConnection({ appType: "sonarr", pathMappings: [{ remote: "/tv", local: A_TV }] }),
    radarrA: await createWebhookConnection({ appType: "radarr", pathMappings: [{ remote: "/movies", local: A_MOVIES }] }),
    sonarrB: await createWebhookConnection({ appType: "sonarr", private: true, pathMappings: [{ remote: "/tv", local: B_TV }] }),
    radarrB: await createWebhookConnection({ appType: "radarr", private: true, pathMappings: [{ remote: "/movies", local: B_MOVIES }] }),
  };
  // What a sync of each connection leaves behind.
  await upsertQueueItems(
    db,
    [
      item({ filePath: B_EPISODE.path, connectionId: c.sonarrB.id, externalId: `episodeFile:${B_EPISODE.id}` }),
      item({ filePath: B_EPISODE_2.path, connectionId: c.sonarrB.id, externalId: `episodeFile:${B_EPISODE_2.id}` }),
      item({ filePath: B_MOVIE.path, source: "radarr", connectionId: c.radarrB.id, externalId: `movieFile:${B_MOVIE.id}` }),
      item({ filePath: A_EPISODE.local, connectionId: c.sonarrA.id, externalId: `episodeFile:${A_EPISODE.id}` }),
      item({ filePath: A_SIBLING.local, connectionId: c.sonarrA.id, externalId: `episodeFile:${A_SIBLING.id}` }),
      item({ filePath: A_MOVIE.local, source: "radarr", connectionId: c.radarrA.id, externalId: `movieFile:${A_MOVIE.id}` }),
    ],
    { targetCodec: "h265" },
  );
});

/** The raw answer, to compare byte for byte. */
async function send(appType: "sonarr" | "radarr", token: string, body: Json): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await POST(webhookRequest(appType, JSON.stringify(body), { token }), { params: Promise.resolve({ appType }) });
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
}

/** Every row B owns, and every row at one of B's paths, in full. */
async function bRows() {
  return db.queueItem.findMany({
    where: { OR: [{ connectionId: { in: [c.sonarrB.id, c.radarrB.id] } }, { filePath: { contains: CANARY } }] },
    orderBy: { id: "asc" },
  });
}

// ---- Payloads shaped like the real fixtures, with the paths and ids swapped -------------------

const episodeTemplate = () => fixture("sonarr-download").episodeFile as Json;
const movieTemplate = () => fixture("radarr-download").movieFile as Json;

function relativeTo(folder: string, path: string): string {
  return path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : path.split("/").pop()!;
}

function sonarrDownload(seriesPath: string, file: { id: number; path: string }, deletedFiles?: { id: number; path: string }[]): Json {
  const body = fixture("sonarr-download");
  return {
    ...body,
    series: { ...(body.series as Json), path: seriesPath },
    episodeFile: { ...episodeTemplate(), id: file.id, path: file.path, relativePath: relativeTo(seriesPath, file.path) },
    ...(deletedFiles ? { isUpgrade: true, deletedFiles: deletedFiles.map((ref) => ({ ...ref, relativePath: relativeTo(seriesPath, ref.path) })) } : {}),
  };
}

function episodeFileDelete(seriesPath: string, file: { id?: number; path?: string; relativePath?: string }): Json {
  const body = fixture("sonarr-episodefiledelete");
  return { ...body, series: { ...(body.series as Json), path: seriesPath }, episodeFile: file };
}

function seriesDelete(seriesPath: string): Json {
  const body = fixture("sonarr-seriesdelete");
  return { ...body, series: { ...(body.series as Json), path: seriesPath }, deletedFiles: true };
}

function sonarrRename(seriesPath: string, files: { id: number; previousPath: string; path: string }[]): Json {
  const body = fixture("sonarr-rename");
  const template = (body.renamedEpisodeFiles as Json[])[0]!;
  return {
    ...body,
    series: { ...(body.series as Json), path: seriesPath },
    renamedEpisodeFiles: files.map((file) => ({
      ...template,
      ...file,
      relativePath: relativeTo(seriesPath, file.path),
      previousRelativePath: relativeTo(seriesPath, file.previousPath),
    })),
  };
}

function radarrDownload(folderPath: string, file: { id: number; path: string }): Json {
  const body = fixture("radarr-download");
  return {
    ...body,
    movie: { ...(body.movie as Json), folderPath },
    movieFile: { ...movieTemplate(), id: file.id, path: file.path, relativePath: relativeTo(folderPath, file.path) },
    deletedFiles: [],
  };
}

function movieFileDelete(folderPath: string, file: { id?: number; path?: string }): Json {
  const body = fixture("radarr-moviefiledelete");
  return { ...body, movie: { ...(body.movie as Json), folderPath }, movieFile: file };
}

function movieDelete(folderPath: string): Json {
  const body = fixture("radarr-moviedelete");
  return { ...body, movie: { ...(body.movie as Json), folderPath }, deletedFiles: true };
}

function radarrRename(folderPath: string, files: { id: number; previousPath: string; path: string }[]): Json {
  const body = fixture("radarr-rename");
  const template = (body.renamedMovieFiles as Json[])[0]!;
  return { ...body, movie: { ...(body.movie as Json), folderPath }, renamedMovieFiles: files.map((file) => ({ ...template, ...file, relativePath: relativeTo(folderPath, file.path) })) };
}

// ---- Forged deliveries, each with its "nobody has this" twin -------------------------------------

interface Forgery {
  name: string;
  app: "sonarr" | "radarr";
  forged: () => Json;
  /** The same event naming paths and ids nobody has. */
  unknown: () => Json;
}

const FORGERIES: Forgery[] = [
  {
    name: "EpisodeFileDelete with B's file id and path",
    app: "sonarr",
    forged: () => episodeFileDelete(B_SERIES, { id: B_EPISODE.id, path: B_EPISODE.path }),
    unknown: () => episodeFileDelete(NOWHERE, { id: 999_001, path: `${NOWHERE}/x.mkv` }),
  },
  {
    name: "EpisodeFileDelete with B's path only (series folder + relativePath)",
    app: "sonarr",
    forged: () => episodeFileDelete(B_SERIES, { relativePath: relativeTo(B_SERIES, B_EPISODE.path) }),
    unknown: () => episodeFileDelete(NOWHERE, { relativePath: "Season 01/x.mkv" }),
  },
  {
    name: "EpisodeFileDelete with B's file id only",
    app: "sonarr",
    forged: () => episodeFileDelete(A_SERIES_REMOTE, { id: B_EPISODE_2.id }),
    unknown: () => episodeFileDelete(A_SERIES_REMOTE, { id: 999_002 }),
  },
  { name: "SeriesDelete of B's series folder", app: "sonarr", forged: () => seriesDelete(B_SERIES), unknown: () => seriesDelete(NOWHERE) },
  { name: "SeriesDelete of B's root folder", app: "sonarr", forged: () => seriesDelete(`/mnt/${CANARY}`), unknown: () => seriesDelete(NOWHERE) },
  { name: "SeriesDelete of /", app: "sonarr", forged: () => seriesDelete("/"), unknown: () => seriesDelete(NOWHERE) },
  { name: "SeriesDelete of /mnt/../", app: "sonarr", forged: () => seriesDelete("/mnt/.."), unknown: () => seriesDelete(NOWHERE) },
  {
    name: "MovieFileDelete with B's file id and path",
    app: "radarr",
    forged: () => movieFileDelete(B_MOVIE_FOLDER, { id: B_MOVIE.id, path: B_MOVIE.path }),
    unknown: () => movieFileDelete(NOWHERE, { id: 999_003, path: `${NOWHERE}/x.mkv` }),
  },
  { name: "MovieDelete of B's movie folder", app: "radarr", forged: () => movieDelete(B_MOVIE_FOLDER), unknown: () => movieDelete(NOWHERE) },
  { name: "MovieDelete of /", app: "radarr", forged: () => movieDelete("/"), unknown: () => movieDelete(NOWHERE) },
  {
    name: "Rename of B's file onto /etc/owned.mkv (folder /)",
    app: "sonarr",
    forged: () => sonarrRename("/", [{ id: B_EPISODE.id, previousPath: B_EPISODE.path, path: "/etc/owned.mkv" }]),
    unknown: () => sonarrRename("/", [{ id: 999_004, previousPath: `${NOWHERE}/x.mkv`, path: "/etc/owned.mkv" }]),
  },
  {
    name: "Rename of B's file onto /etc/owned.mkv (folder /etc)",
    app: "sonarr",
    forged: () => sonarrRename("/etc", [{ id: B_EPISODE.id, previousPath: B_EPISODE.path, path: "/etc/owned.mkv" }]),
    unknown: () => sonarrRename("/etc", [{ id: 999_004, previousPath: `${NOWHERE}/x.mkv`, path: "/etc/owned.mkv" }]),
  },
  {
    name: "Rename of B's file (by B's file id) to a new name in B's folder",
    app: "sonarr",
    forged: () => sonarrRename(B_SERIES, [{ id: B_EPISODE.id, previousPath: `${B_SERIES}/old name.mkv`, path: `${B_SERIES}/Season 01/moved.mkv` }]),
    unknown: () => sonarrRename(NOWHERE, [{ id: 999_005, previousPath: `${NOWHERE}/old name.mkv`, path: `${NOWHERE}/Season 01/moved.mkv` }]),
  },
  {
    name: "Rename of A's own file onto B's path",
    app: "sonarr",
    forged: () => sonarrRename(B_SERIES, [{ id: A_EPISODE.id, previousPath: A_EPISODE.remote, path: B_EPISODE_2.path }]),
    unknown: () => sonarrRename(B_SERIES, [{ id: A_EPISODE.id, previousPath: A_EPISODE.remote, path: `${B_SERIES}/Season 01/free name.mkv` }]),
  },
  {
    name: "Rename of B's movie onto /etc/owned.mkv",
    app: "radarr",
    forged: () => radarrRename("/etc", [{ id: B_MOVIE.id, previousPath: B_MOVIE.path, path: "/etc/owned.mkv" }]),
    unknown: () => radarrRename("/etc", [{ id: 999_006, previousPath: `${NOWHERE}/x.mkv`, path: "/etc/owned.mkv" }]),
  },
  {
    name: "Download naming B's path",
    app: "sonarr",
    forged: () => sonarrDownload(B_SERIES, { id: 700, path: B_EPISODE.path }),
    unknown: () => sonarrDownload(NOWHERE, { id: 701, path: `${NOWHERE}/Season 01/new.mkv` }),
  },
  {
    name: "Download with B's file id",
    app: "sonarr",
    forged: () => sonarrDownload(A_SERIES_REMOTE, { id: B_EPISODE.id, path: "/tv/Show/Season 01/Show - S01E03.mkv" }),
    unknown: () => sonarrDownload(A_SERIES_REMOTE, { id: 702, path: "/tv/Show/Season 01/Show - S01E04.mkv" }),
  },
  {
    name: "Download upgrade whose deletedFiles name B's file",
    app: "sonarr",
    forged: () => sonarrDownload(A_SERIES_REMOTE, { id: 703, path: "/tv/Show/Season 01/Show - S01E05.mkv" }, [B_EPISODE]),
    unknown: () => sonarrDownload(A_SERIES_REMOTE, { id: 704, path: "/tv/Show/Season 01/Show - S01E06.mkv" }, [{ id: 999_007, path: `${NOWHERE}/x.mkv` }]),
  },
  {
    name: "Radarr Download naming B's movie path",
    app: "radarr",
    forged: () => radarrDownload(B_MOVIE_FOLDER, { id: 800, path: B_MOVIE.path }),
    unknown: () => radarrDownload(NOWHERE, { id: 801, path: `${NOWHERE}/new.mkv` }),
  },
];

describe("webhook scope: A's credentials cannot touch B's items", () => {
  it.each(FORGERIES)("$name: B's items are unchanged and the answer equals the one for an unknown path", async ({ app, forged, unknown }) => {
    const token = app === "sonarr" ? c.sonarrA.secret : c.radarrA.secret;
    const before = await bRows();
    expect(before).toHaveLength(3);

    const attack = await send(app, token, forged());
    const afterAttack = await bRows();
    const nobody = await send(app, token, unknown());

    expect(attack.status).toBe(200);
    expect(afterAttack).toEqual(before);
    expect(attack).toEqual(nobody);
  });

  it("never shows B's path through the queue, the delivery log or the log file, and logs the ignored part without it", async () => {
    for (const { app, forged } of FORGERIES) await send(app, app === "sonarr" ? c.sonarrA.secret : c.radarrA.secret, forged());

    const caller = signedInCaller();
    const listed = await caller.queue.list({ limit: 500 });
    const bItems = listed.items.filter((row) => row.connectionId === c.sonarrB.id || row.connectionId === c.radarrB.id);
    expect(bItems).toHaveLength(3);
    expect(bItems.every((row) => row.private && row.filePath === "[Private]")).toBe(true);
    expect(JSON.stringify(listed, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(CANARY);

    const deliveries = await db.webhookDelivery.findMany({ where: { connectionId: { in: [c.sonarrA.id, c.radarrA.id] } } });
    expect(deliveries.length).toBe(FORGERIES.length);
    expect(JSON.stringify(deliveries.map(({ error, eventType, outcome }) => ({ error, eventType, outcome })))).not.toContain(CANARY);
    expect(deliveries.some((row) => row.error?.includes("outside this connection were ignored"))).toBe(true);

    await flushLogFile();
    const logText = readAllLogText();
    expect(logText).not.toContain(CANARY);
    expect(logText).not.toContain("/etc/owned.mkv");
    const ignoredLines = logText.split("\n").filter((line) => line.includes("outside its connection ignored") && line.includes(`"connectionId":${c.sonarrA.id}`));
    expect(ignoredLines.some((line) => line.includes('"reason":"held-by-another-source"') && line.includes('"eventType":"Download"'))).toBe(true);
    expect(ignoredLines.some((line) => line.includes('"reason":"matches-another-source"') && line.includes('"eventType":"EpisodeFileDelete"'))).toBe(true);
  });

  it("keeps the private connection's own deliveries redacted in the delivery log", async () => {
    // B's own delivery that A is told nothing about: its note must not quote B's paths either.
    const result = await send("sonarr", c.sonarrB.secret, sonarrDownload("/tv/Secret Show", { id: 505, path: `/tv/Secret Show ${CANARY}/Season 01/new.mkv` }));

    expect(result.status).toBe(200);
    const [delivery] = await db.webhookDelivery.findMany({ where: { connectionId: c.sonarrB.id } });
    expect(delivery!.payload).toBeNull();
    expect(JSON.stringify(delivery)).not.toContain(CANARY);
    expect(JSON.stringify(await signedInCaller().connections.webhookDeliveries({ id: c.sonarrB.id, limit: 10 }))).not.toContain(CANARY);
  });
});

describe("webhook scope: A's own events still work (positive controls)", () => {
  const statusOf = async (filePath: string) => (await db.queueItem.findUnique({ where: { filePath } }))?.status;

  it("EpisodeFileDelete removes A's item by file id, and by path when there is no id", async () => {
    const byId = await send("sonarr", c.sonarrA.secret, episodeFileDelete(A_SERIES_REMOTE, { id: A_EPISODE.id }));
    const byPath = await send("sonarr", c.sonarrA.secret, episodeFileDelete("/tv/Show 2", { relativePath: "Season 01/Show 2 - S01E01.mkv" }));

    expect([JSON.parse(byId.text), JSON.parse(byPath.text)]).toEqual([{ outcome: "accepted", itemsAffected: 1 }, { outcome: "accepted", itemsAffected: 1 }]);
    expect([await statusOf(A_EPISODE.local), await statusOf(A_SIBLING.local)]).toEqual(["removed", "removed"]);
  });

  it("SeriesDelete removes A's items inside the folder by whole segments (not 'Show 2'), and / removes nothing", async () => {
    const root = await send("sonarr", c.sonarrA.secret, seriesDelete("/"));
    expect(JSON.parse(root.text)).toEqual({ outcome: "accepted", itemsAffected: 0 });
    expect([await statusOf(A_EPISODE.local), await statusOf(A_SIBLING.local)]).toEqual(["queued", "queued"]);

    const show = await send("sonarr", c.sonarrA.secret, seriesDelete(A_SERIES_REMOTE));

    expect(JSON.parse(show.text)).toEqual({ outcome: "accepted", itemsAffected: 1 });
    expect([await statusOf(A_EPISODE.local), await statusOf(A_SIBLING.local)]).toEqual(["removed", "queued"]);
  });

  it("MovieFileDelete and MovieDelete remove A's movie", async () => {
    const fileDelete = await send("radarr", c.radarrA.secret, movieFileDelete(A_MOVIE_REMOTE_FOLDER, { id: A_MOVIE.id, path: A_MOVIE.remote }));
    expect(JSON.parse(fileDelete.text)).toEqual({ outcome: "accepted", itemsAffected: 1 });
    await db.queueItem.update({ where: { filePath: A_MOVIE.local }, data: { status: "queued" } });

    const folderDelete = await send("radarr", c.radarrA.secret, movieDelete(A_MOVIE_REMOTE_FOLDER));

    expect(JSON.parse(folderDelete.text)).toEqual({ outcome: "accepted", itemsAffected: 1 });
    expect(await statusOf(A_MOVIE.local)).toBe("removed");
  });

  it("Rename moves A's item inside its folder, keeping the row", async () => {
    const before = await db.queueItem.findUniqueOrThrow({ where: { filePath: A_EPISODE.local } });
    const newRemote = "/tv/Show/Season 01/Show - S01E01 - Pilot.mkv";

    const result = await send("sonarr", c.sonarrA.secret, sonarrRename(A_SERIES_REMOTE, [{ id: A_EPISODE.id, previousPath: A_EPISODE.remote, path: newRemote }]));

    expect(JSON.parse(result.text)).toEqual({ outcome: "accepted", itemsAffected: 1 });
    expect(await db.queueItem.findUnique({ where: { filePath: A_EPISODE.local } })).toBeNull();
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: `${A_TV}/Show/Season 01/Show - S01E01 - Pilot.mkv` } })).toMatchObject({ id: before.id, connectionId: c.sonarrA.id });
  });

  it("Rename refuses a new path with '..' or outside the series folder, even for A's own item", async () => {
    const dotted = await send("sonarr", c.sonarrA.secret, sonarrRename(A_SERIES_REMOTE, [{ id: A_EPISODE.id, previousPath: A_EPISODE.remote, path: "/tv/Show/../../../etc/owned.mkv" }]));
    const outside = await send("sonarr", c.sonarrA.secret, sonarrRename(A_SERIES_REMOTE, [{ id: A_EPISODE.id, previousPath: A_EPISODE.remote, path: "/etc/owned.mkv" }]));

    expect([JSON.parse(dotted.text), JSON.parse(outside.text)]).toEqual([{ outcome: "accepted", itemsAffected: 0 }, { outcome: "accepted", itemsAffected: 0 }]);
    expect(await statusOf(A_EPISODE.local)).toBe("queued");
    expect(await db.queueItem.count({ where: { filePath: { contains: "owned" } } })).toBe(0);
  });

  it("Rename onto a path a scan holds does not take the scan's item over", async () => {
    const scanned = `${A_TV}/Show/Season 01/Show - S01E01 [scanned].mkv`;
    await upsertQueueItems(db, [item({ filePath: scanned, source: "scan" })], { targetCodec: "h265" });

    await send("sonarr", c.sonarrA.secret, sonarrRename(A_SERIES_REMOTE, [{ id: A_EPISODE.id, previousPath: A_EPISODE.remote, path: "/tv/Show/Season 01/Show - S01E01 [scanned].mkv" }]));

    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: scanned } })).toMatchObject({ connectionId: null, source: "scan", status: "queued" });
    // A's old row describes a file that is gone from its old name.
    expect(await statusOf(A_EPISODE.local)).toBe("removed");
  });

  it("Download updates A's own item and adopts a file a plain scan found", async () => {
    const scanned = `${A_TV}/Show/Season 01/Show - S01E07.mkv`;
    await upsertQueueItems(db, [item({ filePath: scanned, source: "scan", codec: "unknown", codecRaw: null })], { targetCodec: "h265" });

    const own = await send("sonarr", c.sonarrA.secret, sonarrDownload(A_SERIES_REMOTE, { id: A_EPISODE.id, path: A_EPISODE.remote }));
    const adopted = await send("sonarr", c.sonarrA.secret, sonarrDownload(A_SERIES_REMOTE, { id: 707, path: "/tv/Show/Season 01/Show - S01E07.mkv" }));

    expect([JSON.parse(own.text), JSON.parse(adopted.text)]).toEqual([{ outcome: "accepted", itemsAffected: 1 }, { outcome: "accepted", itemsAffected: 1 }]);
    // The fixture's size (2 GiB) replaced the synced one.
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: A_EPISODE.local } })).toMatchObject({ sizeBytes: 2_147_483_648n, connectionId: c.sonarrA.id });
    expect(await db.queueItem.findUniqueOrThrow({ where: { filePath: scanned } })).toMatchObject({ connectionId: c.sonarrA.id, externalId: "episodeFile:707", codec: "h264" });
  });

  it("Download of a new file leaves a folder holding B's files alone, by whole segments and exact case, with either separator on Windows", async () => {
    const windowsFolder = "D:\\Shows\\Secret";
    await upsertQueueItems(db, [item({ filePath: `${windowsFolder}\\a.mkv`, connectionId: c.sonarrB.id, externalId: "episodeFile:503" })], { targetCodec: "h265" });
    const intoB = `${B_SERIES}/Season 01/new.mkv`;
    const beside = [`${B_SERIES}/Season 01 extra/new.mkv`, `${B_SERIES}/season 01/new.mkv`, `${B_SERIES}/Season 0/new.mkv`];
    const intoWindows = `${windowsFolder}\\b.mkv`;

    let id = 900;
    for (const path of [intoB, ...beside, intoWindows]) {
      const answer = await send("sonarr", c.sonarrA.secret, sonarrDownload(B_SERIES, { id: id++, path }));
      expect(JSON.parse(answer.text)).toEqual({ outcome: "accepted", itemsAffected: 1 });
    }

    const held = await db.queueItem.findMany({ where: { filePath: { in: [intoB, ...beside, intoWindows] } }, select: { filePath: true, connectionId: true } });
    expect(held.sort((a, b) => a.filePath.localeCompare(b.filePath))).toEqual(beside.map((filePath) => ({ filePath, connectionId: c.sonarrA.id })).sort((a, b) => a.filePath.localeCompare(b.filePath)));
  });

  it("a delete of A's own file answers differently from a forged one, so the scope tests can fail", async () => {
    const forged = await send("sonarr", c.sonarrA.secret, episodeFileDelete(B_SERIES, { id: B_EPISODE.id, path: B_EPISODE.path }));
    const own = await send("sonarr", c.sonarrA.secret, episodeFileDelete(A_SERIES_REMOTE, { id: A_EPISODE.id, path: A_EPISODE.remote }));

    expect(forged.text).not.toEqual(own.text);
    // B's own credentials still act on B's items.
    const fromB = await send("sonarr", c.sonarrB.secret, episodeFileDelete("/tv/Secret Show", { id: B_EPISODE.id }));
    expect(JSON.parse(fromB.text)).toEqual({ outcome: "accepted", itemsAffected: 1 });
    expect(await statusOf(B_EPISODE.path)).toBe("removed");
  });
});
