import Database from "better-sqlite3";
import path from "node:path";
import { Agent } from "undici";
import { applyMigrations } from "../tests/support/test-database";

/**
 * The floor of a first sync (issue #16): the least work that reads the same library and writes the
 * same number of rows. A bare keep-alive client makes exactly the requests the sync makes, at the
 * same concurrency, and JSON.parses each body (no streaming, no schema, no mapping); then as many
 * rows as it read go into a fresh SQLite file with better-sqlite3, one prepared INSERT in one
 * transaction. Measured in the bench's own process against the same fake app process, so the first
 * sync and its floor share the machine's load of the moment; their ratio is the figure that holds
 * on a noisy machine (target: at most 1.3).
 */

/** One row's worth of what the floor keeps from an answer: what the queue stores of a file. */
interface FloorRow {
  externalId: string;
  parentId: string;
  path: string;
  size: number;
  codecRaw: string | null;
  height: number | null;
}

export interface FloorPart {
  ms: number;
  cpuMs: number;
}

export interface Floor {
  rows: number;
  requests: number;
  fetch: FloorPart;
  insert: FloorPart;
  /**
   * Not part of the floor: the same insert into a fresh database with the app's migrations (every
   * QueueItem index, the statistics triggers, the path-search index). Tells the schema's share of
   * a first sync's gap from the writer's own per-row work.
   */
  insertAppSchema: FloorPart;
}

/** The app as the floor reads it: where, with which key header, and which requests. */
export type FloorSource =
  | { app: "sonarr"; baseUrl: string; apiKey: string; concurrency: number }
  | { app: "radarr"; baseUrl: string; apiKey: string }
  | { app: "stash"; baseUrl: string; apiKey: string; graphqlPath: string; scenesQuery: string; pageSize: number };

// The floor trusts its own fake: the answers are read as loosely typed JSON, fields picked by hand.
type Loose = Record<string, unknown>;
const asObject = (value: unknown): Loose => (typeof value === "object" && value !== null ? (value as Loose) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asNumber = (value: unknown): number | null => (typeof value === "number" ? value : null);
const asString = (value: unknown): string | null => (typeof value === "string" ? value : null);
const heightOf = (resolution: unknown): number | null => {
  const match = /x(\d+)$/.exec(asString(resolution) ?? "");
  return match ? Number(match[1]) : null;
};

/** What the sync reads of an *arr file (Sonarr's episode file, Radarr's movieFile). */
function arrRow(file: Loose, prefix: string, parentId: string): FloorRow {
  const info = asObject(file.mediaInfo);
  return {
    externalId: `${prefix}:${String(file.id)}`,
    parentId,
    path: asString(file.path) ?? "",
    size: asNumber(file.size) ?? 0,
    codecRaw: asString(info.videoCodec),
    height: heightOf(info.resolution),
  };
}

/** Times `work` (wall and this process's CPU, all threads). */
async function timed<T>(work: () => Promise<T> | T): Promise<{ result: T; part: FloorPart }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { result, part: { ms, cpuMs: (cpu.user + cpu.system) / 1000 } };
}

async function fetchRows(source: FloorSource): Promise<{ rows: FloorRow[]; requests: number }> {
  // undici's Agent keeps connections alive by default; one per client, as the app's http-client has.
  const agent = new Agent({ connections: 8 });
  const keyHeader = source.app === "stash" ? "ApiKey" : "X-Api-Key";
  let requests = 0;
  const request = async (method: "GET" | "POST", url: string, body?: string): Promise<unknown> => {
    requests += 1;
    const answer = await agent.request({
      origin: new URL(url).origin,
      path: new URL(url).pathname + new URL(url).search,
      method,
      headers: { [keyHeader]: source.apiKey, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body,
    });
    if (answer.statusCode !== 200) throw new Error(`floor: ${method} answered ${answer.statusCode}`);
    return JSON.parse(await answer.body.text()) as unknown;
  };
  const base = source.baseUrl.replace(/\/$/, "");
  const rows: FloorRow[] = [];
  try {
    if (source.app === "sonarr") {
      // As the sync: the series list, then each series with files on disk, `concurrency` at a time.
      const seriesIds = asArray(await request("GET", `${base}/api/v3/series`))
        .map(asObject)
        .filter((series) => asNumber(asObject(series.statistics).episodeFileCount) !== 0)
        .map((series) => asNumber(series.id) ?? 0);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < seriesIds.length) {
          const seriesId = seriesIds[next++]!;
          const files = asArray(await request("GET", `${base}/api/v3/episodefile?seriesId=${seriesId}`));
          for (const file of files) rows.push(arrRow(asObject(file), "episodefile", `series:${seriesId}`));
        }
      };
      await Promise.all(Array.from({ length: source.concurrency }, worker));
    } else if (source.app === "radarr") {
      for (const movie of asArray(await request("GET", `${base}/api/v3/movie`)).map(asObject)) {
        if (movie.movieFile) rows.push(arrRow(asObject(movie.movieFile), "moviefile", `movie:${String(movie.id)}`));
      }
    } else {
      // As the sync: pages by id cursor, the count asked on the first page only.
      let lastId = 0;
      for (let page = 1; ; page += 1) {
        const variables = {
          scene_filter: { id: { value: lastId, modifier: "GREATER_THAN" } },
          filter: { page: 1, per_page: source.pageSize, sort: "id", direction: "ASC" },
          withCount: page === 1,
        };
        const body = JSON.stringify({ query: source.scenesQuery, variables, operationName: "OptimizarrScenes" });
        const scenes = asArray(asObject(asObject(asObject(await request("POST", `${base}${source.graphqlPath}`, body)).data).findScenes).scenes).map(asObject);
        for (const scene of scenes) {
          for (const file of asArray(scene.files).map(asObject)) {
            rows.push({
              externalId: `file:${String(file.id)}`,
              parentId: `scene:${String(scene.id)}`,
              path: asString(file.path) ?? "",
              size: asNumber(file.size) ?? 0,
              codecRaw: asString(file.video_codec),
              height: asNumber(file.height),
            });
          }
          lastId = Math.max(lastId, Number(scene.id));
        }
        if (scenes.length < source.pageSize) break;
      }
    }
  } finally {
    await agent.close();
  }
  return { rows, requests };
}

/**
 * The rows into a fresh file: QueueItem's main columns. The "bare" table (the floor) has its
 * primary key and the unique path (what any queue must have), none of the app's secondary
 * indexes, triggers or identity lookups; "app" is the app's migrated schema.
 */
function insertRows(rows: readonly FloorRow[], file: string, app: string, schema: "bare" | "app"): void {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    // The app schema's row points at a connection this file doesn't have.
    db.pragma("foreign_keys = OFF");
    // With AFTER triggers every INSERT statement opens a statement journal, by default a temp file:
    // ~90 µs per one-row statement here. The app's writer inserts 2,000 rows per statement, so
    // it pays that per batch; in memory, this per-row loop doesn't charge it to the schema.
    if (schema === "app") db.pragma("temp_store = MEMORY");
    if (schema === "bare") {
      db.exec(`CREATE TABLE QueueItem (
        id INTEGER PRIMARY KEY AUTOINCREMENT, filePath TEXT NOT NULL UNIQUE, sizeBytes INTEGER NOT NULL,
        codec TEXT NOT NULL, codecRaw TEXT, height INTEGER, status TEXT NOT NULL, source TEXT NOT NULL,
        connectionId INTEGER, externalId TEXT, externalParentId TEXT, private INTEGER NOT NULL,
        estimatedSavingsBytes INTEGER NOT NULL, createdAt INTEGER NOT NULL, updatedAt INTEGER NOT NULL)`);
    }
    const insert = db.prepare(
      `INSERT INTO QueueItem (filePath, sizeBytes, codec, codecRaw, height, status, source, connectionId, externalId, externalParentId, private, estimatedSavingsBytes, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, 1, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (const row of rows) {
        const codec = row.codecRaw?.toLowerCase() ?? "unknown";
        insert.run(row.path, row.size, codec, row.codecRaw, row.height, app, row.externalId, row.parentId, app === "stash" ? 1 : 0, Math.round(row.size / 2), now, now);
      }
    })();
  } finally {
    db.close();
  }
}

/** Fetch + parse, then insert, each timed; throws when the fetch finds no file (a floor of nothing). */
export async function measureFloor(source: FloorSource, dataDir: string): Promise<Floor> {
  const fetched = await timed(() => fetchRows(source));
  const { rows, requests } = fetched.result;
  if (rows.length === 0) throw new Error(`floor: no ${source.app} file read`);
  const inserted = await timed(() => insertRows(rows, path.join(dataDir, `floor-${source.app}.db`), source.app, "bare"));
  const appFile = path.join(dataDir, `floor-${source.app}-app-schema.db`);
  applyMigrations(appFile);
  const migrated = await timed(() => insertRows(rows, appFile, source.app, "app"));
  return { rows: rows.length, requests, fetch: fetched.part, insert: inserted.part, insertAppSchema: migrated.part };
}

export const FLOOR_TABLE_HEADER = ["library", "files", "first sync wall / CPU", "floor wall / CPU", "fetch + parse", "insert", "first / floor (wall, CPU)", "target", "insert, app schema (not floor)"];

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One row: the first sync beside its floor, both measured in this run. */
export function floorRow(label: string, first: FloorPart, floor: Floor): string[] {
  const wall = floor.fetch.ms + floor.insert.ms;
  const cpu = floor.fetch.cpuMs + floor.insert.cpuMs;
  return [
    label,
    floor.rows.toLocaleString("en"),
    `${seconds(first.ms)} / ${seconds(first.cpuMs)}`,
    `${seconds(wall)} / ${seconds(cpu)}`,
    `${seconds(floor.fetch.ms)} / ${seconds(floor.fetch.cpuMs)} (${floor.requests.toLocaleString("en")} ${floor.requests === 1 ? "request" : "requests"})`,
    `${seconds(floor.insert.ms)} / ${seconds(floor.insert.cpuMs)}`,
    `${(first.ms / wall).toFixed(2)}× / ${(first.cpuMs / cpu).toFixed(2)}×`,
    "≤ 1.3×",
    `${seconds(floor.insertAppSchema.ms)} / ${seconds(floor.insertAppSchema.cpuMs)}`,
  ];
}
