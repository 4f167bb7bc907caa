/**
 * The sending side of the webhook benchmark, in its own process (so its CPU and memory don't count
 * as the server's), as Sonarr is. Builds `count` Download bodies from the Sonarr fixture, each for a
 * distinct episode file of the fake library (generateSonarrLibrary's ids and paths), then POSTs them
 * `concurrency` at a time over a keep-alive agent and prints one JSON line with the timings. It
 * prints `ready` first and starts on a line on stdin, so the server's CPU can be read from there.
 *
 *   tsx bench/webhook-client-process.ts '<json: ClientOptions>'
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { z } from "zod";

const optionsSchema = z.object({
  url: z.url(),
  /** Basic auth as the app's notification was configured (username/password fields); none for the floor. */
  auth: z.object({ username: z.string(), password: z.string() }).nullable(),
  count: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  episodesPerSeries: z.number().int().positive(),
  /** false: the bodies carry no mediaInfo, as when the app imports before it scanned the file. */
  mediaInfo: z.boolean(),
});
export type ClientOptions = z.infer<typeof optionsSchema>;

export interface ClientResult {
  ms: number;
  statuses: Record<string, number>;
  /** Answers `{ outcome: "accepted", itemsAffected: 1 }` (the floor answers `{ ok: true }`). */
  accepted: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

const fixtureSchema = z.looseObject({
  series: z.looseObject({}),
  episodes: z.array(z.looseObject({})).min(1),
  episodeFile: z.looseObject({}),
});
const answerSchema = z.looseObject({ outcome: z.string().optional(), itemsAffected: z.number().optional(), ok: z.boolean().optional() });

function downloadBodies(options: ClientOptions): string[] {
  const fixture = fixtureSchema.parse(JSON.parse(fs.readFileSync(path.resolve(__dirname, "../tests/fixtures/webhooks/sonarr-download.json"), "utf8")));
  return Array.from({ length: options.count }, (_, index) => {
    // The ids and paths of generateSonarrLibrary, so a lookup by file id finds this very file.
    const seriesId = Math.floor(index / options.episodesPerSeries) + 1;
    const fileId = index + 1;
    const name = `Series ${seriesId} - S01E${String((index % options.episodesPerSeries) + 1).padStart(3, "0")}.mkv`;
    const { mediaInfo, ...fileWithout } = fixture.episodeFile;
    return JSON.stringify({
      ...fixture,
      series: { ...fixture.series, id: seriesId, title: `Series ${seriesId}`, path: `/tv/Series ${seriesId}` },
      episodes: [{ ...fixture.episodes[0], id: fileId, seriesId, seasonNumber: 1, episodeNumber: (index % options.episodesPerSeries) + 1 }],
      episodeFile: { ...fileWithout, id: fileId, relativePath: `Season 01/${name}`, path: `/tv/Series ${seriesId}/Season 01/${name}`, ...(options.mediaInfo ? { mediaInfo } : {}) },
    });
  });
}

function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

async function main(): Promise<void> {
  const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? "{}"));
  const bodies = downloadBodies(options);
  const url = new URL(options.url);
  const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "Sonarr/4.0 (bench)" };
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  process.stdout.write("ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let accepted = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let index = next++; index < bodies.length; index = next++) {
        const sent = performance.now();
        const answer = await post(agent, url, headers, bodies[index]!);
        latencies.push(performance.now() - sent);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        const json = answerSchema.safeParse(JSON.parse(answer.text));
        if (json.success && ((json.data.outcome === "accepted" && json.data.itemsAffected === 1) || json.data.ok === true)) accepted += 1;
      }
    }),
  );
  const ms = performance.now() - start;
  agent.destroy();
  process.stdin.destroy();
  latencies.sort((a, b) => a - b);
  const result: ClientResult = {
    ms,
    statuses,
    accepted,
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
