import { afterEach, describe, expect, it } from "vitest";
import { sealApiKey } from "~/server/connections/api-key";
import { createFileFactsLookup } from "~/server/webhooks/file-facts-lookup";
import { startFakeArr, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeMovieFile } from "../fakes/arr-library";

const API_KEY = "0123456789abcdef0123456789abcdef";
const servers: FakeArrServer[] = [];

async function fakeRadarr(): Promise<FakeArrServer> {
  const server = await startFakeArr({ app: "radarr", apiKey: API_KEY });
  servers.push(server);
  for (const id of [1, 2, 3]) {
    server.route("GET", `/api/v3/moviefile/${id}`, () => ({ status: 200, body: fakeMovieFile(id, { id, path: `/movies/${id}.mkv`, mediaInfo: { videoCodec: "x264" } }) }));
  }
  return server;
}

const connectionOf = (server: FakeArrServer) => ({ appType: "radarr" as const, baseUrl: server.url, apiKeyEncrypted: sealApiKey(API_KEY).apiKeyEncrypted, trustedCertSha256: null });
const lookupsSent = (server: FakeArrServer) => server.requests.filter((request) => request.url.startsWith("/api/v3/moviefile/")).length;

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("file facts lookups of one delivery", () => {
  it("asks about at most 100 files, however many the delivery names", async () => {
    const radarr = await fakeRadarr();
    const fileIds = Array.from({ length: 5_000 }, (_, index) => index + 1);

    const result = await createFileFactsLookup(connectionOf(radarr))(fileIds);

    expect(lookupsSent(radarr)).toBe(100);
    expect(result.ok && [...result.facts.keys()]).toEqual([1, 2, 3]);
  });

  it("stops at one deadline for all of them, keeping what came back in time", async () => {
    const radarr = await fakeRadarr();
    const lookup = createFileFactsLookup(connectionOf(radarr), { maxLookups: 100, deadlineMs: 600 });
    const first = await lookup([1, 2, 3]);
    radarr.setBehaviour({ delayMs: 400 });
    const started = Date.now();

    const slow = await lookup(Array.from({ length: 40 }, (_, index) => index + 1));
    const elapsed = Date.now() - started;

    expect(first.ok && first.facts.size).toBe(3);
    // Without the deadline: 40 requests, 4 at a time, 400 ms each — 4 s.
    expect(elapsed).toBeLessThan(1_500);
    expect(lookupsSent(radarr)).toBeLessThanOrEqual(3 + 8);
    // The first batch answered in time and is kept; the rest are queued without facts.
    expect(slow.ok && [...slow.facts.keys()]).toEqual([1, 2, 3]);
  });

  it("shares one pass between deliveries arriving together, each getting only its own files' facts", async () => {
    const radarr = await fakeRadarr();
    const lookup = createFileFactsLookup(connectionOf(radarr));

    const [first, second] = await Promise.all([lookup([1, 2]), lookup([2, 3, 4])]);

    expect(first.ok && [...first.facts.keys()].sort()).toEqual([1, 2]);
    // File 4 is unknown to the app: the delivery keeps what did come back.
    expect(second.ok && [...second.facts.keys()].sort()).toEqual([2, 3]);
    // File 2 was asked about once, for both.
    expect(lookupsSent(radarr)).toBe(4);
  });
});
