import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createConnectionClient } from "~/server/connections/apps";
import type { ConnectionClientOptions, LibraryEvent } from "~/server/connections/connection-client";
import { setHttpClientDefaults } from "~/server/connections/http-client";
import { waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";
import { startFakeStash, type FakeStashOptions, type FakeStashServer } from "../fakes/stash-fake-server";
import { fakeScene, fakeVideoFile, generateStashScenes } from "../fakes/stash-library";

const KEY = "stashKEYstashKEYstashKEYstash000";
const servers: FakeStashServer[] = [];
const api = signedInCaller();

async function fake(options: FakeStashOptions = {}): Promise<FakeStashServer> {
  const server = await startFakeStash({ apiKey: KEY, ...options });
  servers.push(server);
  return server;
}

function stashClient(options: ConnectionClientOptions) {
  return createConnectionClient("stash", options);
}

async function collect(events: AsyncGenerator<LibraryEvent>) {
  const files = [];
  let invalid = 0;
  let failed = null;
  const totals: number[] = [];
  for await (const event of events) {
    if (event.type === "files") {
      files.push(...event.files);
      invalid += event.invalid;
    } else if (event.type === "total") totals.push(event.total);
    else failed = event.error;
  }
  return { files, invalid, failed, totals };
}

async function readLibrary(server: FakeStashServer, options: Partial<ConnectionClientOptions> = {}) {
  const client = stashClient({ baseUrl: server.url, apiKey: KEY, ...options });
  try {
    return await collect(client.library());
  } finally {
    await client.close();
  }
}

const scenesRequests = (server: FakeStashServer) => server.requests.filter((request) => request.operationName === "OptimizarrScenes");

let prefix = 0;
const uniqueRoot = () => `/stash${++prefix}-${Date.now()}`;

beforeAll(() => setHttpClientDefaults({ connectMs: 1_000, headersMs: 400, bodyIdleMs: 400, retryDelaysMs: [10, 10] }));
afterAll(() => setHttpClientDefaults(null));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("Stash connection test", () => {
  it("asks for the version over POST /graphql, with the key only in the ApiKey header", async () => {
    const stash = await fake({ urlBase: "/stash" });
    const client = stashClient({ baseUrl: stash.url, apiKey: KEY });

    const result = await client.testConnection();
    await client.close();

    expect(result).toEqual({ ok: true, data: { appName: "Stash", version: "0.30.1", instanceName: null, urlBase: null } });
    expect(stash.requests).toHaveLength(1);
    expect(stash.requests[0]).toMatchObject({ method: "POST", url: "/stash/graphql", operationName: "OptimizarrVersion" });
    expect(stash.requests[0]!.headers.apikey).toBe(KEY);
    expect(stash.requests[0]!.headers["x-api-key"]).toBeUndefined();
    expect(stash.requests.every((request) => !request.url.includes(KEY))).toBe(true);
  });

  it("sends no ApiKey header at all when no key is configured (a Stash without a login)", async () => {
    const stash = await fake({ apiKey: undefined, library: { scenes: [fakeScene(1)] } });
    const client = stashClient({ baseUrl: stash.url, apiKey: "" });

    const tested = await client.testConnection();
    const listed = await collect(client.library());
    await client.close();

    expect(tested.ok).toBe(true);
    expect(listed.files).toHaveLength(1);
    expect(stash.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of stash.requests) expect(Object.keys(request.headers)).not.toContain("apikey");
  });

  it("shows a development build by its build time", async () => {
    const stash = await fake({ version: null });
    const client = stashClient({ baseUrl: stash.url, apiKey: KEY });
    const result = await client.testConnection();
    await client.close();
    expect(result).toMatchObject({ ok: true, data: { version: "build 2026-01-11 07:07:53" } });
  });

  it.each([
    ["a wrong key", { apiKey: "wrong-key-wrong-key" }, {}, "unauthorized", "Stash answered 401: check the API key in Stash → Settings → Security"],
    ["no key for a Stash with a login", { apiKey: "" }, {}, "unauthorized", "Stash answered 401"],
    ["GraphQL errors on a 200", {}, { respondWith: "graphql-errors" }, "bad_response", "Stash answered the query for its version with an error: check Stash's log"],
    ["an HTML login page", {}, { respondWith: "html-login" }, "bad_response", "Got an HTML page instead of Stash's API"],
    ["no answer", {}, { respondWith: "hang" }, "timeout", "accepted the connection but didn't answer in time"],
  ] as const)("categorises %s", async (_label, clientPatch, behaviour, category, fragment) => {
    const stash = await fake({ behaviour });
    const client = stashClient({ baseUrl: stash.url, apiKey: KEY, ...clientPatch });

    const result = await client.testConnection();
    await client.close();

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe(category);
    expect(result.error.message).toContain(fragment);
    expect(result.error.message).not.toContain(KEY);
    // A person is waiting: never retried.
    expect(stash.requests).toHaveLength(1);
  });

  it("reports Stash's web page (a wrong URL base) as not_found, a closed port as unreachable and plain HTTP as tls", async () => {
    const stash = await fake();
    const closed = await fake();
    await closed.stop();
    servers.splice(servers.indexOf(closed), 1);

    const clients = [
      stashClient({ baseUrl: `${stash.origin}/somewhere`, apiKey: KEY }),
      stashClient({ baseUrl: closed.url, apiKey: KEY }),
      stashClient({ baseUrl: stash.url.replace("http://", "https://"), apiKey: KEY }),
    ];
    const results = await Promise.all(clients.map((client) => client.testConnection()));
    await Promise.all(clients.map((client) => client.close()));

    expect(results.map((result) => (result.ok ? "ok" : result.error.category))).toEqual(["not_found", "unreachable", "tls"]);
    if (!results[0]!.ok) expect(results[0]!.error.message).toContain("shows Stash's web page instead of its API");
  });
});

describe("Stash library", () => {
  it("pages by id cursor (never per_page -1), with the total from the first page only", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(2_500) } });

    const { files, invalid, failed, totals } = await readLibrary(stash);

    expect(failed).toBeNull();
    expect(invalid).toBe(0);
    expect(totals).toEqual([2_500]);
    expect(files).toHaveLength(2_500);
    expect(files.map((file) => file.externalId)).toEqual(Array.from({ length: 2_500 }, (_, index) => `sceneFile:${index + 1}`));
    const pages = scenesRequests(stash);
    expect(pages.map((request) => request.variables)).toEqual([0, 1_000, 2_000].map((after, index) => ({
      scene_filter: { id: { value: after, modifier: "GREATER_THAN" } },
      filter: { page: 1, per_page: 1_000, sort: "id", direction: "ASC" },
      withCount: index === 0,
    })));
    expect(stash.violations).toEqual([]);
    // ffprobe codec names through the shared normaliser.
    expect(files.slice(0, 7).map((file) => [file.codecRaw, file.codec])).toEqual([
      ["h264", "h264"],
      ["hevc", "h265"],
      ["vp9", "vp9"],
      ["av1", "av1"],
      ["mpeg4", "mpeg4"],
      ["wmv3", "other"],
      ["vc1", "vc1"],
    ]);
  });

  it("asks for the next page as soon as a page arrives, while the sync is still writing it", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(2_500) } });
    const client = stashClient({ baseUrl: stash.url, apiKey: KEY });
    try {
      const events = client.library();
      let first = await events.next();
      while (!first.done && first.value.type !== "files") first = await events.next();
      // The consumer holds page 1 and hasn't asked for more: page 2 is already on its way.
      for (let waited = 0; scenesRequests(stash).length < 2 && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      const requestedWhileHolding = scenesRequests(stash).map((request) => request.variables.scene_filter);
      const rest = await collect(events);

      expect(requestedWhileHolding).toEqual([0, 1_000].map((after) => ({ id: { value: after, modifier: "GREATER_THAN" } })));
      expect(rest.failed).toBeNull();
      expect(rest.files).toHaveLength(1_500);
      // Still one page ahead at most: no request beyond the end.
      expect(scenesRequests(stash)).toHaveLength(3);
    } finally {
      await client.close();
    }
  });

  it("stops after an exactly full last page with one empty request", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(2_000) } });
    const { files, failed } = await readLibrary(stash);
    expect(failed).toBeNull();
    expect(files).toHaveLength(2_000);
    expect(scenesRequests(stash)).toHaveLength(3);
  });

  it("makes every file of a scene a library file, skips scenes without files and counts malformed scenes and files", async () => {
    const stash = await fake({
      library: {
        scenes: [
          fakeScene(3, {
            files: [
              fakeVideoFile(31, { path: "/data/a/one.mp4", size: 9_000_000_000, width: 3840, height: 2160, video_codec: "hevc", bit_rate: 15_000_124, duration: 3_600.5 }),
              fakeVideoFile(32, { path: "/data/a/two.wmv", video_codec: "wmv3", width: 0, height: 0, bit_rate: 0, duration: 0 }),
            ],
          }),
          fakeScene(5, { files: [] }),
          fakeScene(8, { files: [fakeVideoFile(80, { path: "/data/b/bad-size.mp4" })] }),
          fakeScene(9, { files: [fakeVideoFile(90, { path: "/data/b/fine.mp4" })] }),
          fakeScene(12),
        ],
      },
      behaviour: {
        mangleScenes: (scenes) =>
          scenes.map((scene, index) => {
            // Scene 8's file gets an impossible size; scene 12 loses its files list.
            if (index === 2) return { id: "8", files: [{ ...fakeVideoFile(80), size: "lots" }] };
            if (index === 4) return { id: "12", files: null };
            return scene;
          }),
      },
    });

    const { files, invalid, failed, totals } = await readLibrary(stash);

    expect(failed).toBeNull();
    expect(totals).toEqual([5]);
    expect(invalid).toBe(2);
    expect(files.map((file) => file.externalId)).toEqual(["sceneFile:31", "sceneFile:32", "sceneFile:90"]);
    expect(files[0]).toEqual({
      externalId: "sceneFile:31",
      externalParentId: "scene:3",
      remotePath: "/data/a/one.mp4",
      sizeBytes: 9_000_000_000n,
      codec: "h265",
      codecRaw: "hevc",
      width: 3840,
      height: 2160,
      bitrate: 15_000_124,
      durationSeconds: 3_600.5,
      qualitySource: null,
      qualityModifier: null,
      dateAdded: new Date("2025-06-02T08:30:00Z"),
    });
    expect(files[1]).toMatchObject({ codec: "other", codecRaw: "wmv3", width: null, height: null, bitrate: null, durationSeconds: null });
  });

  it("retries a page that failed transiently", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(10) }, behaviour: { transientFailures: 1 } });
    const { files, failed } = await readLibrary(stash);
    expect(failed).toBeNull();
    expect(files).toHaveLength(10);
  });

  it("fails the listing when a page keeps failing, after what it already yielded", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(2_500) }, behaviour: { failScenesAfterId: 1_000 } });
    const { files, failed } = await readLibrary(stash);
    expect(files).toHaveLength(1_000);
    expect(failed).toMatchObject({ category: "bad_response", status: 500 });
    expect(failed?.message).toContain("reading scenes after id 1000");
    // The first attempt and two retries.
    expect(scenesRequests(stash).filter((request) => request.variables.withCount === false)).toHaveLength(3);
  });

  it("calls an answer of unknown shape a bad_response", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(3) }, behaviour: { respondWith: "graphql-errors" } });
    const { files, failed } = await readLibrary(stash);
    expect(files).toHaveLength(0);
    expect(failed).toMatchObject({ category: "bad_response" });
    expect(failed?.message).toContain("Stash answered the query for the scene list with an error");
  });
});

describe("Stash tag filter", () => {
  const tags = [
    { id: "1", name: "Keep", aliases: [] },
    { id: "2", name: "Other", aliases: ["Favourite"] },
    { id: "3", name: "Skip", aliases: [] },
  ];
  const scenes = [
    fakeScene(1, { tagIds: ["1"] }),
    fakeScene(2, { tagIds: ["3"] }),
    fakeScene(3, { tagIds: ["2", "3"] }),
    fakeScene(4, { tagIds: [] }),
    fakeScene(5, { tagIds: ["1", "2"] }),
  ];

  it("resolves names and aliases to ids (ignoring case) and syncs only scenes carrying one of them", async () => {
    const stash = await fake({ library: { scenes, tags } });

    const { files, failed, totals } = await readLibrary(stash, { tagFilter: ["keep", "favourite"] });

    expect(failed).toBeNull();
    expect(files.map((file) => file.externalId)).toEqual(["sceneFile:1", "sceneFile:3", "sceneFile:5"]);
    expect(totals).toEqual([3]);
    expect(scenesRequests(stash)[0]!.variables.scene_filter).toEqual({ id: { value: 0, modifier: "GREATER_THAN" }, tags: { value: ["1", "2"], modifier: "INCLUDES" } });
    expect(stash.violations).toEqual([]);
  });

  it("fails with the name of a tag Stash doesn't have, before reading any scene", async () => {
    const stash = await fake({ library: { scenes, tags } });

    const { files, failed } = await readLibrary(stash, { tagFilter: ["Keep", "Nope"] });

    expect(files).toHaveLength(0);
    expect(failed).toEqual({ category: "bad_response", message: 'Stash has no tag named "Nope": fix the tag filter of this connection' });
    expect(scenesRequests(stash)).toHaveLength(0);
  });
});

describe("Stash sync through the sync service", () => {
  async function syncToEnd(id: number) {
    const { runId } = await api.connections.sync({ id });
    await waitForSyncRun(runId);
    return api.connections.syncRun({ runId });
  }

  it("saves a Stash without a login (empty key), syncs its tagged scenes into the queue and never sends a key", async () => {
    const root = uniqueRoot();
    const stash = await fake({
      apiKey: undefined,
      library: {
        tags: [{ id: "7", name: "Re-encode", aliases: [] }],
        scenes: [
          fakeScene(1, { tagIds: ["7"], files: [fakeVideoFile(10, { path: "/data/x/a.mp4" }), fakeVideoFile(11, { path: "/data/x/b.mkv", video_codec: "hevc" })] }),
          fakeScene(2, { files: [fakeVideoFile(20, { path: "/data/x/untagged.mp4" })] }),
        ],
      },
    });
    const { connection } = await api.connections.create({
      name: "Stash",
      appType: "stash",
      baseUrl: stash.url,
      apiKey: "",
      tagFilter: ["re-encode"],
      pathMappings: [{ remote: "/data", local: `${root}/data` }],
    });

    const run = await syncToEnd(connection.id);
    const items = await db.queueItem.findMany({ where: { filePath: { startsWith: root } }, orderBy: { filePath: "asc" } });

    expect(connection.private).toBe(true);
    expect(run).toMatchObject({ status: "succeeded", total: 2, processed: 2, added: 1, skipped: 1, invalid: 0, error: null });
    expect(items.map((item) => [item.filePath, item.codec, item.status, item.externalId, item.source, item.externalParentId])).toEqual([
      [`${root}/data/x/a.mp4`, "h264", "queued", "sceneFile:10", "stash", "scene:1"],
      [`${root}/data/x/b.mkv`, "h265", "skipped", "sceneFile:11", "stash", "scene:1"],
    ]);
    for (const request of stash.requests) expect(Object.keys(request.headers)).not.toContain("apikey");
  });

  it("fails the run when a page can't be read, with the category of the failed request", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(2_500) } });
    const { connection } = await api.connections.create({ name: "Stash pages", appType: "stash", baseUrl: stash.url, apiKey: KEY });
    stash.setBehaviour({ failScenesAfterId: 2_000 });

    const run = await syncToEnd(connection.id);

    expect(run).toMatchObject({ status: "failed", errorCategory: "bad_response" });
    expect(run.error).toContain("Stash answered 500");
    expect(run.error).toContain("reading scenes after id 2000");
  });

  it("fails the run for a tag filter naming an unknown tag", async () => {
    const stash = await fake({ library: { scenes: generateStashScenes(3), tags: [] } });
    const { connection } = await api.connections.create({ name: "Stash tags", appType: "stash", baseUrl: stash.url, apiKey: KEY, tagFilter: ["Missing"] });

    const run = await syncToEnd(connection.id);

    expect(run).toMatchObject({ status: "failed", errorCategory: "bad_response", processed: 0, error: 'Stash has no tag named "Missing": fix the tag filter of this connection' });
  });

  it("still refuses an empty key for Sonarr", async () => {
    await expect(api.connections.create({ name: "TV", appType: "sonarr", baseUrl: "http://127.0.0.1:8989", apiKey: "" })).rejects.toThrow("Enter the API key");
  });
});
