/**
 * The streamed-list parser alone (issue #16): a generated Radarr `GET /api/v3/movie` answer
 * (fake movies, ~50 MB) fed in 64 KiB chunks, as the network hands it over, to
 *
 * - `JSON.parse, whole text` — the floor: the answer buffered, decoded and parsed at once;
 * - `@streamparser/json` — the streaming tokenizer streamArray used before (kept installed for this comparison);
 * - `JsonArraySplitter` — the byte scanner + one JSON.parse per chunk that streamArray uses now.
 *
 * Each runs in a process of its own (so one's heap doesn't count as the next one's memory), five
 * times (three with --quick); the table shows the median wall and CPU time (MB/s and "× floor" from CPU: on a shared
 * machine wall time mostly measures waiting for a core) and the peak RSS above the process's RSS with the answer
 * already generated. The values are dropped after each chunk, as a consumer that keeps up would.
 * A second table answers "one JSON.parse per element, or one per chunk?" on the same elements,
 * already split (decode + parse only). Prints figures; asserts nothing.
 *
 *   npx tsx --conditions=react-server bench/json-array.bench.ts [megabytes=50] [--quick: 10 MB]
 */
import { spawnSync } from "node:child_process";
import { JSONParser } from "@streamparser/json";
import { JsonArraySplitter } from "~/server/connections/json-array-stream";
import { fakeMovie } from "../tests/fakes/arr-library";
import { type BenchResults, reportBenchResult } from "./bench-results";
import { printTable, runBench } from "./support";

const CHUNK_BYTES = 64 * 1024;
/** Fewer with --quick, which must stay under a minute for every bench together. */
const RUNS = process.argv.includes("--quick") ? 3 : 5;
const CODECS = ["x264", "x265", "AVC", "HEVC", "h264", "XviD", "VC1", "MPEG2"];

type Mode = "whole" | "streamparser" | "splitter" | "each" | "batched";
const MODE_LABELS: Record<Mode, string> = {
  whole: "JSON.parse, whole text (floor)",
  streamparser: "@streamparser/json (before)",
  splitter: "JsonArraySplitter (now)",
  each: "JSON.parse per element",
  batched: "JSON.parse per 64 KiB chunk of elements",
};

interface Figures {
  mode: Mode;
  megabytes: number;
  items: number;
  msRuns: number[];
  /** User + system CPU time of each run (all threads, the GC's included): comparable on a shared machine, unlike wall time. */
  cpuMsRuns: number[];
  peakAboveBaselineBytes: number;
}

/** The answer's elements, as the fake Radarr sends them (same generator as the sync bench). */
function generateElements(targetBytes: number): Buffer[] {
  const elements: Buffer[] = [];
  let bytes = 2;
  for (let id = 1; bytes < targetBytes; id++) {
    const movie = fakeMovie(id, {
      path: `/movies/Movie ${id} (2020)/Movie ${id} (2020) WEBDL-1080p.mkv`,
      size: 4_000_000_000 + id,
      mediaInfo: { videoCodec: CODECS[id % CODECS.length] },
    });
    const element = Buffer.from(JSON.stringify(movie));
    elements.push(element);
    bytes += element.length + 1;
  }
  return elements;
}

/** The whole answer cut into network-sized chunks, independent of where elements end. */
function toChunks(elements: readonly Buffer[]): Buffer[] {
  const parts: Buffer[] = [Buffer.from("[")];
  elements.forEach((element, index) => parts.push(index > 0 ? Buffer.from(",") : Buffer.alloc(0), element));
  parts.push(Buffer.from("]"));
  const whole = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.length; offset += CHUNK_BYTES) chunks.push(Buffer.from(whole.subarray(offset, offset + CHUNK_BYTES)));
  return chunks;
}

/** One run of a mode; returns the items seen and the peak RSS, sampled after every chunk (the work is synchronous). */
function runOnce(mode: Mode, chunks: readonly Buffer[], groups: readonly { each: Buffer[]; joined: Buffer }[]): { items: number; peakRss: number } {
  let items = 0;
  let peakRss = process.memoryUsage.rss();
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
  if (mode === "whole") {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    sample();
    items = Array.isArray(parsed) ? parsed.length : 0;
  } else if (mode === "streamparser") {
    const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
    let pending: unknown[] = [];
    parser.onValue = ({ value }) => void pending.push(value);
    for (const chunk of chunks) {
      parser.write(chunk);
      items += pending.length;
      pending = [];
      sample();
    }
  } else if (mode === "splitter") {
    const splitter = new JsonArraySplitter({ maxElementBytes: 1024 * 1024 });
    for (const chunk of chunks) {
      const read = splitter.push(chunk);
      if (!read.ok) throw new Error(read.problem);
      items += read.values.length;
      sample();
    }
    if (!splitter.end().ok) throw new Error("not ended");
  } else {
    for (const group of groups) {
      if (mode === "each") {
        for (const element of group.each) items += JSON.parse(element.toString("utf8")) ? 1 : 0;
      } else {
        const parsed: unknown = JSON.parse(`[${group.joined.toString("utf8")}]`);
        items += Array.isArray(parsed) ? parsed.length : 0;
      }
      sample();
    }
  }
  return { items, peakRss };
}

/** Elements grouped as a 64 KiB chunk would complete them: one by one, or comma-joined. */
function toGroups(elements: readonly Buffer[]): { each: Buffer[]; joined: Buffer }[] {
  const groups: { each: Buffer[]; joined: Buffer }[] = [];
  let current: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (current.length === 0) return;
    groups.push({ each: current, joined: Buffer.concat(current.flatMap((element, index) => (index > 0 ? [Buffer.from(","), element] : [element]))) });
    current = [];
    size = 0;
  };
  for (const element of elements) {
    current.push(element);
    size += element.length + 1;
    if (size >= CHUNK_BYTES) flush();
  }
  flush();
  return groups;
}

function child(mode: Mode, megabytes: number): void {
  const elements = generateElements(megabytes * 1024 * 1024);
  const chunks = mode === "each" || mode === "batched" ? [] : toChunks(elements);
  const groups = mode === "each" || mode === "batched" ? toGroups(elements) : [];
  const payloadBytes = elements.reduce((sum, element) => sum + element.length + 1, 1);
  globalThis.gc?.();
  const baseline = process.memoryUsage.rss();
  const msRuns: number[] = [];
  const cpuMsRuns: number[] = [];
  let peak = baseline;
  let items = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = runOnce(mode, chunks, groups);
    msRuns.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuBefore);
    cpuMsRuns.push((cpu.user + cpu.system) / 1000);
    peak = Math.max(peak, result.peakRss);
    items = result.items;
    globalThis.gc?.();
  }
  const figures: Figures = { mode, megabytes: payloadBytes / (1024 * 1024), items, msRuns, cpuMsRuns, peakAboveBaselineBytes: peak - baseline };
  console.log(JSON.stringify(figures));
}

function runChild(mode: Mode, megabytes: number): Figures | null {
  const result = spawnSync(process.execPath, [...process.execArgv, "--expose-gc", process.argv[1] ?? "", `--child=${mode}`, String(megabytes), ...(process.argv.includes("--quick") ? ["--quick"] : [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1024 * 1024,
  });
  const line = result.stdout.trim().split("\n").pop();
  if (result.status !== 0 || !line) {
    console.error(`${MODE_LABELS[mode]}: failed (exit ${result.status ?? result.signal})`);
    return null;
  }
  return JSON.parse(line) as Figures;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const childArg = args.find((arg) => arg.startsWith("--child="))?.slice("--child=".length);
  const childMode = Object.keys(MODE_LABELS).find((mode): mode is Mode => mode === childArg);
  const megabytes = args.includes("--quick") ? 10 : (args.map(Number).find((value) => Number.isFinite(value) && value > 0) ?? 50);
  if (childMode) return child(childMode, megabytes);

  const header = ["parser", "answer", "wall", "CPU", "MB/s (CPU)", "× floor (CPU)", "peak RSS above answer"];
  const rows: string[][] = [header];
  const parsers: NonNullable<BenchResults["json-array"]>["parsers"] = [];
  let answer = { megabytes: 0, items: 0 };
  let floorMs: number | null = null;
  for (const mode of ["whole", "streamparser", "splitter"] as const) {
    const figures = runChild(mode, megabytes);
    if (!figures) continue;
    const ms = median(figures.cpuMsRuns);
    floorMs ??= mode === "whole" ? ms : null;
    answer = { megabytes: figures.megabytes, items: figures.items };
    parsers.push({ label: MODE_LABELS[mode], wallMs: median(figures.msRuns), cpuMs: ms, peakAboveAnswerBytes: figures.peakAboveBaselineBytes });
    rows.push([
      MODE_LABELS[mode],
      `${figures.megabytes.toFixed(1)} MB, ${figures.items.toLocaleString("en")} movies`,
      `${median(figures.msRuns).toFixed(0)} ms`,
      `${ms.toFixed(0)} ms`,
      (figures.megabytes / (ms / 1000)).toFixed(0),
      floorMs ? `${(ms / floorMs).toFixed(2)}×` : "",
      `${(figures.peakAboveBaselineBytes / 1024 / 1024).toFixed(0)} MiB`,
    ]);
  }
  console.log(`\njson-array.bench — ${megabytes} MB Radarr answer in ${CHUNK_BYTES / 1024} KiB chunks\n`);
  printTable(rows);

  const parseRows: string[][] = [["already split elements", "wall", "CPU", "MB/s (CPU)"]];
  for (const mode of ["each", "batched"] as const) {
    const figures = runChild(mode, megabytes);
    if (!figures) continue;
    const ms = median(figures.cpuMsRuns);
    parseRows.push([MODE_LABELS[mode], `${median(figures.msRuns).toFixed(0)} ms`, `${ms.toFixed(0)} ms`, (figures.megabytes / (ms / 1000)).toFixed(0)]);
    parsers.push({ label: `${MODE_LABELS[mode]} (already split, parse only)`, wallMs: median(figures.msRuns), cpuMs: ms, peakAboveAnswerBytes: null });
  }
  printTable(parseRows);
  reportBenchResult("json-array", { ...answer, runs: RUNS, parsers });
}

runBench(main);
