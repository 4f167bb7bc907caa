/**
 * Webhook deliveries at a burst: 1,000 Sonarr Download deliveries (distinct episode files), 50 at
 * a time over keep-alive connections, through the real route handler
 * (src/app/api/webhooks/[appType]/route.ts) behind a Node HTTP server, into a fresh SQLite database.
 * Twice: bodies with mediaInfo (no lookup), and bodies without it (each delivery asks the fake
 * Sonarr for the file's facts, GET /api/v3/episodefile/N). Beside them the floor: the same requests
 * to a route that only reads the body, parses it and answers 200 (what HTTP and JSON cost here).
 *
 * Not `next start`: that needs a production build (`next build`, too heavy for this shared machine
 * and stale the moment src/server/webhooks changes). The route's own POST runs here behind a
 * minimal Node adapter (IncomingMessage → Request, Response → ServerResponse), which is what Next's
 * server does around it, minus its routing.
 *
 * The sender (bench/webhook-client-process.ts) and the fake Sonarr (bench/fake-arr-process.ts) run
 * in processes of their own, like the real apps. The connections are registered as the app would be
 * (registerWebhook → the fake's live Test delivery reaches this server); the sender uses the URL and
 * Basic auth the fake's notification was saved with. Target (issue #16): ≥ 300 deliveries/s, every
 * file queued exactly once.
 *
 *   npx tsx bench/webhooks.bench.ts [--quick]   (--quick: 200 deliveries)
 *   npm run bench   (all benches)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import { Readable } from "node:stream";
import { z } from "zod";
import type { Database } from "~/server/db";
import { createTestDataDir } from "../tests/support/test-database";
import { type BenchResults, reportBenchResult } from "./bench-results";
import { measure, mib, printTable, runBench, startHelperProcess } from "./support";
import type { ClientOptions, ClientResult } from "./webhook-client-process";

const clientResultSchema = z.object({
  ms: z.number(),
  statuses: z.record(z.string(), z.number()),
  accepted: z.number(),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() }),
}) satisfies z.ZodType<ClientResult>;

const TARGET_PER_SECOND = 300;
const CONCURRENCY = 50;
const EPISODES_PER_SERIES = 50;
/** Deliveries per warm-up round (the JIT, the route's modules, the database); fewer with --quick, which must stay under a minute in all. */
const warmUp = (quick: boolean) => (quick ? 20 : 100);

type Handler = (request: Request) => Promise<Response>;

/** Node's request as a Fetch Request (body streamed, as Next hands it to a route) and the Response written back. */
function serve(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((incoming, outgoing) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    const request = new Request(`http://${incoming.headers.host ?? "127.0.0.1"}${incoming.url ?? "/"}`, {
      method: incoming.method,
      headers,
      body: incoming.method === "GET" || incoming.method === "HEAD" ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>),
      duplex: "half",
    } as RequestInit);
    handler(request)
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(body);
      })
      .catch((error: unknown) => {
        console.error(error);
        outgoing.writeHead(500).end();
      });
  });
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    }),
  );
}

const notificationSchema = z.looseObject({ fields: z.array(z.looseObject({ name: z.string(), value: z.unknown() })) });

/** The URL and Basic auth a registered notification was saved with in the fake app. */
async function savedNotification(fakeUrl: string, apiKey: string, notificationId: number): Promise<{ url: string; username: string; password: string }> {
  const response = await fetch(`${fakeUrl}/api/v3/notification/${notificationId}`, { headers: { "X-Api-Key": apiKey } });
  const { fields } = notificationSchema.parse(await response.json());
  const field = (name: string) => z.string().parse(fields.find((entry) => entry.name === name)?.value);
  return { url: field("url"), username: field("username"), password: field("password") };
}

function percentiles(result: ClientResult): string {
  const { p50, p95, p99 } = result.latencyMs;
  return `${p50.toFixed(0)} / ${p95.toFixed(0)} / ${p99.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const count = quick ? 200 : 1_000;
  const series = Math.ceil(count / EPISODES_PER_SERIES);

  // A private database and data dir, set before any server module reads the environment.
  const { dataDir, databaseUrl } = createTestDataDir("optimizarr-bench-");
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", LOG_TO_FILE: "false", NODE_ENV: "production" });
  delete process.env.SECRET_KEY;

  const fakes = await startHelperProcess<{ sonarr: string; radarr: string; apiKey: string }>("bench/fake-arr-process.ts", [String(series), String(EPISODES_PER_SERIES), "0", "webhooks"]);
  const { db } = await import("~/server/db");
  const { createConnection } = await import("~/server/connections/connection-service");
  const { registerConnectionWebhook } = await import("~/server/webhooks/webhook-service");
  const { POST } = await import("~/app/api/webhooks/[appType]/route");

  const routeServer = await serve(async (request) => {
    const appType = /^\/api\/webhooks\/([^/?]+)/.exec(new URL(request.url).pathname)?.[1];
    if (request.method !== "POST" || !appType) return new Response(null, { status: 404 });
    return POST(request, { params: Promise.resolve({ appType }) });
  });
  // The floor: the same requests, body read and parsed, 200.
  const floorServer = await serve(async (request) => {
    await request.json();
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  });

  // CPU is this (the server's) process's user + system time from the sender's first request to
  // its last: on a loaded 2-core machine wall time mostly measures waiting for a core.
  const runClient = async (options: Omit<ClientOptions, "concurrency" | "episodesPerSeries">) => {
    const child = spawn(process.execPath, [...process.execArgv, "bench/webhook-client-process.ts", JSON.stringify({ ...options, concurrency: CONCURRENCY, episodesPerSeries: EPISODES_PER_SERIES } satisfies ClientOptions)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    if ((await lines.next()).value !== "ready") throw new Error("webhook client did not start");
    const cpuBefore = process.cpuUsage();
    child.stdin.write("go\n");
    const line = await lines.next();
    const cpu = process.cpuUsage(cpuBefore);
    if (line.done === true) throw new Error("webhook client exited without a result");
    return { ...clientResultSchema.parse(JSON.parse(String(line.value))), cpuMs: (cpu.user + cpu.system) / 1000 };
  };

  /** A Sonarr connection registered as the user would (registerWebhook → the fake's live Test reaches routeServer), and what the fake saved. */
  const registeredConnection = async (name: string, local: string) => {
    const { connection } = await createConnection(db, { name, appType: "sonarr", baseUrl: fakes.info.sonarr, apiKey: fakes.info.apiKey, pathMappings: [{ remote: "/tv", local }] });
    const { notificationId } = await registerConnectionWebhook(db, connection.id, routeServer.url);
    const saved = await savedNotification(fakes.info.sonarr, fakes.info.apiKey, notificationId);
    return { connectionId: connection.id, url: saved.url, auth: { username: saved.username, password: saved.password } };
  };

  const header = ["run", "deliveries", "wall", "per second", "target", "p50 / p95 / p99", "max", "server CPU / delivery", "accepted", "peak RSS", "queued once"];
  const rows: string[][] = [header];
  const runs: NonNullable<BenchResults["webhooks"]>["runs"] = [];
  const figures = (label: string, kind: (typeof runs)[number]["kind"], result: ClientResult & { cpuMs: number }, peakRssBytes: number, queuedOnce: string | null) =>
    runs.push({ label, kind, accepted: result.accepted, ms: result.ms, latencyMs: result.latencyMs, serverCpuMs: result.cpuMs, peakRssBytes, queuedOnce });
  const failures: string[] = [];
  try {
    // Warm: the JIT, the route's modules (a lookup loads the HTTP client on first use), the database.
    await runClient({ url: `${floorServer.url}/floor`, auth: null, mediaInfo: true, count: warmUp(quick) });
    const warm = await registeredConnection("warm-up", "/mnt/bench/warm-up");
    for (const mediaInfo of [true, false]) await runClient({ url: warm.url, auth: warm.auth, mediaInfo, count: warmUp(quick) });

    const floor = await measure(() => runClient({ url: `${floorServer.url}/floor`, auth: null, mediaInfo: true, count }));
    rows.push(row("floor: read + parse + 200", floor.result, floor.peakRssBytes, "—"));
    figures("floor: read + parse + 200", "floor", floor.result, floor.peakRssBytes, null);

    for (const mediaInfo of [true, false]) {
      const label = mediaInfo ? "Download, mediaInfo in body" : "Download, no mediaInfo (lookup each)";
      const local = `/mnt/bench/${mediaInfo ? "with" : "lookup"}`;
      const { connectionId, url, auth } = await registeredConnection(label, local);
      const before = await db.webhookDelivery.aggregate({ _max: { id: true } });

      const run = await measure(() => runClient({ url, auth, mediaInfo, count }));

      const check = await checkQueued(db, connectionId, local, count, before._max.id ?? 0, !mediaInfo);
      if (check !== "yes") failures.push(`${label}: ${check}`);
      if (run.result.accepted !== count) failures.push(`${label}: ${run.result.accepted} of ${count} answered accepted (${JSON.stringify(run.result.statuses)})`);
      rows.push(row(label, run.result, run.peakRssBytes, check));
      figures(label, mediaInfo ? "mediaInfo in body" : "lookup each", run.result, run.peakRssBytes, check);
    }
    const load = (await import("node:os")).loadavg().map((value) => value.toFixed(2)).join(" ");
    console.log(`\nwebhooks.bench — ${count.toLocaleString("en")} deliveries, ${CONCURRENCY} concurrent, keep-alive; load average ${load}\n`);
    printTable(rows);
    reportBenchResult("webhooks", { deliveries: count, concurrency: CONCURRENCY, runs });
    if (failures.length > 0) throw new Error(failures.join("\n"));
  } finally {
    fakes.stop();
    await Promise.all([routeServer.close(), floorServer.close()]);
    await db.$disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function row(label: string, result: ClientResult & { cpuMs: number }, peakRssBytes: number, check: string): string[] {
  const perSecond = (result.accepted / result.ms) * 1000;
  return [
    label,
    result.accepted.toLocaleString("en"),
    `${(result.ms / 1000).toFixed(2)} s`,
    perSecond.toFixed(0),
    check === "—" ? "—" : `≥ ${TARGET_PER_SECOND} ${perSecond >= TARGET_PER_SECOND ? "✓" : "✗"}`,
    percentiles(result),
    `${result.latencyMs.max.toFixed(0)} ms`,
    `${(result.cpuMs / result.accepted).toFixed(2)} ms`,
    result.accepted.toLocaleString("en"),
    mib(peakRssBytes),
    check,
  ];
}

/**
 * Every file of the run is queued exactly once under the connection (filePath is unique, so a
 * duplicate would show as a missing or extra path), and every delivery left exactly one record:
 * old ones are pruned to the newest 500 per connection, so the count is the ids handed out since
 * `lastIdBefore`, and what is kept must all be `accepted`.
 */
async function checkQueued(
  db: Database,
  connectionId: number,
  local: string,
  count: number,
  lastIdBefore: number,
  lookedUp: boolean,
): Promise<string> {
  const items = await db.queueItem.findMany({ where: { connectionId }, select: { filePath: true, durationSeconds: true, source: true } });
  const expected = new Set(
    Array.from({ length: count }, (_, index) => {
      const seriesId = Math.floor(index / EPISODES_PER_SERIES) + 1;
      return `${local}/Series ${seriesId}/Season 01/Series ${seriesId} - S01E${String((index % EPISODES_PER_SERIES) + 1).padStart(3, "0")}.mkv`;
    }),
  );
  const paths = items.map((item) => item.filePath);
  const missing = [...expected].filter((path) => !paths.includes(path)).length;
  const extra = paths.filter((path) => !expected.has(path)).length;
  const duplicates = paths.length - new Set(paths).size;
  if (missing + extra + duplicates > 0) return `no: ${missing} missing, ${extra} unexpected, ${duplicates} duplicated`;
  // The payload's mediaInfo has no runtime; the fake's episode file has one, so it marks a lookup.
  const withRuntime = items.filter((item) => item.durationSeconds !== null).length;
  if (withRuntime !== (lookedUp ? count : 0)) return `no: ${withRuntime} of ${count} items have facts from a lookup (expected ${lookedUp ? count : 0})`;
  const created = await db.webhookDelivery.aggregate({ where: { id: { gt: lastIdBefore } }, _count: { id: true }, _max: { id: true }, _min: { id: true } });
  const records = (created._max.id ?? lastIdBefore) - lastIdBefore;
  const notAccepted = await db.webhookDelivery.count({ where: { connectionId, id: { gt: lastIdBefore }, outcome: { not: "accepted" } } });
  if (records !== count || notAccepted > 0) return `no: ${records} delivery records for ${count} deliveries, ${notAccepted} not accepted`;
  return "yes";
}

runBench(main);
