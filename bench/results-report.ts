import type { BenchName, BenchResults, SyncLibraryFigures } from "./bench-results";
import type { Machine } from "./machine";

/**
 * bench/RESULTS.md from what the benches handed back: every figure issue #16 names beside its floor
 * and target (✓/✗), then each bench's own figures. Also the few lines run-all appends to
 * bench/HISTORY.md for a full run. Pure: run-all gathers, this only writes text.
 */

export interface RunOfBenches {
  startedAt: Date;
  quick: boolean;
  machine: Machine;
  loadBefore: readonly number[];
  loadAfter: readonly number[];
  /** Each bench that ran, in order: its wall time, and its exit code when it failed. */
  benches: readonly { name: BenchName; ms: number; failed: string | null; /** 1-minute load average as it ended. */ loadAfter: number }[];
  results: BenchResults;
}

interface TargetRow {
  figure: string;
  measured: string;
  floor: string;
  target: string;
  /** null: nothing to judge (the bench failed or did not run). */
  met: boolean | null;
}

const MB = 1_000_000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const milliseconds = (ms: number) => `${ms.toFixed(1)} ms`;
const megabytes = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const count = (value: number) => value.toLocaleString("en");
const ratio = (value: number) => `${value.toFixed(2)}×`;
const mark = (met: boolean | null) => (met === null ? "–" : met ? "✓" : "✗");
const loads = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(" / ");
const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function markdownTable(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  if (!header) return "";
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

const syncLibraries = (results: BenchResults): SyncLibraryFigures[] => [...(results.sync?.libraries ?? []), ...(results["stash-sync"]?.libraries ?? [])];

const floorOf = (library: SyncLibraryFigures) => ({
  ms: library.floor.fetch.ms + library.floor.insert.ms,
  cpuMs: library.floor.fetch.cpuMs + library.floor.insert.cpuMs,
});

/** A run's queue writes as the sync counts them (RSS and time aside, what "zero writes" means). */
const queueWrites = (run: SyncLibraryFigures["runs"][number]) => run.added + run.updated + run.removed;

function syncTargets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const library of syncLibraries(results)) {
    const [first, again] = library.runs;
    if (!first) continue;
    const floor = floorOf(library);
    const wall = first.ms / floor.ms;
    rows.push({
      figure: `${library.label}: first sync / floor`,
      measured: `${seconds(first.ms)} wall, ${seconds(first.cpuMs)} CPU → ${ratio(wall)} wall, ${ratio(first.cpuMs / floor.cpuMs)} CPU`,
      floor: `${seconds(floor.ms)} wall, ${seconds(floor.cpuMs)} CPU`,
      target: "≤ 1.3× (wall)",
      met: wall <= 1.3,
    });
    if (again) {
      const share = again.ms / first.ms;
      rows.push({
        figure: `${library.label}: unchanged re-sync${again.full ? "" : " (quick)"} / first`,
        measured: `${seconds(again.ms)} → ${share.toFixed(2)}; ${count(queueWrites(again))} queue rows written, ${count(again.changedRows)} SQLite rows changed`,
        // What re-reading the app costs at least: beside it, what unchanged rows cost on top.
        floor: again.full ? `fetch + parse ${seconds(library.floor.fetch.ms)} → re-sync ${ratio(again.ms / library.floor.fetch.ms)} of it` : "–",
        target: "≤ 0.25, zero writes",
        met: share <= 0.25 && queueWrites(again) === 0,
      });
    }
    const growth = Math.max(...library.runs.map((run) => run.peakRssBytes - run.rssBeforeBytes));
    rows.push({
      figure: `${library.label}: peak RSS growth, worst run`,
      measured: megabytes(growth),
      floor: "–",
      target: "< 250 MB",
      met: growth < 250 * MB,
    });
  }
  return rows;
}

const QUEUE_TARGETS = [
  { kind: "first page", p50: 50, p95: 150 },
  { kind: "filtered page", p50: 50, p95: 150 },
  { kind: "cursor page", p50: 50, p95: 150 },
  { kind: "deep cursor page", p50: 50, p95: 150 },
  { kind: "path search", p50: 50, p95: 150 },
  { kind: "stats.summary", p50: 300, p95: null },
] as const;

function queueTargets(results: BenchResults): TargetRow[] {
  const million = results["queue-million"];
  if (!million) return [{ figure: "queue at 1,000,000 items", measured: "not measured", floor: "–", target: "–", met: null }];
  return QUEUE_TARGETS.map(({ kind, p50, p95 }) => {
    const queries = million.queries.filter((query) => query.kind === kind);
    const worstP50 = Math.max(...queries.map((query) => query.p50Ms));
    const worstP95 = Math.max(...queries.map((query) => query.p95Ms));
    return {
      figure: `queue at ${count(million.rows)} items: ${kind} (worst of ${queries.length})`,
      measured: `p50 ${milliseconds(worstP50)}, p95 ${milliseconds(worstP95)}`,
      floor: "–",
      target: p95 === null ? `p50 < ${p50} ms` : `p50 < ${p50} ms, p95 < ${p95} ms`,
      met: queries.length > 0 && worstP50 < p50 && (p95 === null || worstP95 < p95),
    };
  });
}

function webhookTargets(results: BenchResults): TargetRow[] {
  const webhooks = results.webhooks;
  if (!webhooks) return [{ figure: "webhooks", measured: "not measured", floor: "–", target: "–", met: null }];
  const perSecond = (run: (typeof webhooks.runs)[number]) => (run.accepted / run.ms) * 1000;
  const floor = webhooks.runs.find((run) => run.kind === "floor");
  return webhooks.runs
    .filter((run) => run.kind !== "floor")
    .map((run) => ({
      figure: `webhooks, ${count(webhooks.deliveries)} Download deliveries, ${webhooks.concurrency} concurrent: ${run.kind}`,
      measured: `${perSecond(run).toFixed(0)}/s, p99 ${run.latencyMs.p99.toFixed(0)} ms; queued exactly once: ${run.queuedOnce ?? "–"}`,
      floor: floor ? `${perSecond(floor).toFixed(0)}/s, p99 ${floor.latencyMs.p99.toFixed(0)} ms` : "–",
      target: "≥ 300/s, each file queued once",
      met: perSecond(run) >= 300 && run.queuedOnce === "yes",
    }));
}

function millionSyncTargets(run: RunOfBenches): TargetRow[] {
  const million = run.results["sync-million"];
  if (!million) {
    const why = run.quick ? "not run (--quick)" : "not measured (the bench failed)";
    return [{ figure: "Sonarr sync of 1,000,000 files", measured: why, floor: "–", target: "–", met: null }];
  }
  const expected = million.series * million.episodesPerSeries;
  const label = `Sonarr sync of ${count(expected)} files (${count(million.series)} series × ${million.episodesPerSeries})`;
  const growth = million.peakRssBytes - million.rssBeforeBytes;
  const { progress } = million;
  return [
    {
      figure: `${label}: completes`,
      measured: `${million.status}, ${count(million.files)} files in ${seconds(million.ms)} (${seconds(million.cpuMs)} CPU)`,
      floor: "–",
      target: "succeeds, every file",
      met: million.status === "succeeded" && million.files === expected,
    },
    { figure: `${label}: peak RSS growth`, measured: megabytes(growth), floor: "–", target: "< 300 MB", met: growth < 300 * MB },
    {
      figure: `${label}: live progress`,
      measured: `${progress.distinctValues} distinct values in ${progress.samples} polls, ${progress.monotonic ? "never went back" : "went back"}, longest stall ${seconds(progress.longestStallMs)}`,
      floor: "–",
      target: "advances while running",
      met: progress.monotonic && progress.distinctValues >= 3,
    },
  ];
}

export function targetRows(run: RunOfBenches): TargetRow[] {
  return [...syncTargets(run.results), ...queueTargets(run.results), ...webhookTargets(run.results), ...millionSyncTargets(run)];
}

function syncDetails(results: BenchResults): string {
  const libraries = syncLibraries(results);
  if (libraries.length === 0) return "Not measured.";
  const runs = markdownTable([
    ["library", "run", "files", "wall", "CPU", "of first", "added", "updated", "unchanged", "removed", "rows changed", "series / scenes skipped", "peak RSS", "RSS growth"],
    ...libraries.flatMap((library) =>
      library.runs.map((run) => [
        library.label,
        `${run.run}${run.full ? "" : " (quick)"}`,
        count(run.files),
        seconds(run.ms),
        seconds(run.cpuMs),
        (run.ms / library.runs[0]!.ms).toFixed(2),
        count(run.added),
        count(run.updated),
        count(run.unchanged),
        count(run.removed),
        count(run.changedRows),
        run.parentsTotal > 0 ? `${count(run.parentsSkipped)} of ${count(run.parentsTotal)}` : "–",
        megabytes(run.peakRssBytes),
        megabytes(run.peakRssBytes - run.rssBeforeBytes),
      ]),
    ),
  ]);
  const floors = markdownTable([
    ["library", "floor rows", "requests", "fetch + parse (wall / CPU)", "insert (wall / CPU)", "same insert, app schema (not floor)"],
    ...libraries.map((library) => [
      library.label,
      count(library.floor.rows),
      count(library.floor.requests),
      `${seconds(library.floor.fetch.ms)} / ${seconds(library.floor.fetch.cpuMs)}`,
      `${seconds(library.floor.insert.ms)} / ${seconds(library.floor.insert.cpuMs)}`,
      `${seconds(library.floor.insertAppSchema.ms)} / ${seconds(library.floor.insertAppSchema.cpuMs)}`,
    ]),
  ]);
  return [
    "Each library synced three times in one process against a fake app in its own process: first into an empty queue, again unchanged (quick for Sonarr and Stash), and again as a full sync where the app has quick syncs. \"rows changed\" is SQLite's total_changes() over the run: queue rows, the statistics and path-search triggers' rows, series and scene snapshots and the run's own SyncRun record.",
    runs,
    "The floor (bench/sync-floor.ts), after the syncs, against the same fake process: a bare keep-alive client makes the sync's requests at its concurrency and JSON.parses each body, then one prepared INSERT in one transaction into a bare table.",
    floors,
  ].join("\n\n");
}

function queueMillionDetails(results: BenchResults): string {
  const million = results["queue-million"];
  if (!million) return "Not measured.";
  return [
    `${count(million.rows)} synthetic items seeded straight into SQLite in ${seconds(million.seedMs)}; each query ${million.repeat} times, pages of 50. CPU is this process's (SQLite runs in it).`,
    markdownTable([
      ["query", "counts as", "p50", "p95", "max", "CPU p50", "CPU p95"],
      ...million.queries.map((query) => [query.label, query.kind, ...[query.p50Ms, query.p95Ms, query.maxMs, query.cpuP50Ms, query.cpuP95Ms].map(milliseconds)]),
    ]),
  ].join("\n\n");
}

function queueListDetails(results: BenchResults): string {
  const list = results["queue-list"];
  if (!list) return "Not measured.";
  const rows = [false, true].map((analyzed) => {
    const pages = list.pages.filter((page) => page.analyzed === analyzed);
    const worstFirst = pages.reduce((worst, page) => (page.firstMs > worst.firstMs ? page : worst), pages[0]!);
    const worstAverage = pages.reduce((worst, page) => (page.averageMs > worst.averageMs ? page : worst), pages[0]!);
    return [
      analyzed ? "after ANALYZE" : "fresh (no ANALYZE)",
      String(pages.length),
      `${milliseconds(worstFirst.firstMs)} (${worstFirst.view}, ${worstFirst.sort})`,
      `${milliseconds(worstAverage.averageMs)} (${worstAverage.view}, ${worstAverage.sort})`,
      milliseconds(Math.max(...pages.map((page) => page.maxMs))),
    ];
  });
  return [
    `${count(list.rows)} items seeded through the queue writer in ${seconds(list.seedMs)}; pages of 100 walked for every view × sort.`,
    markdownTable([["database", "view × sort", "worst first page", "worst average page", "slowest page"], ...rows]),
  ].join("\n\n");
}

function webhookDetails(results: BenchResults): string {
  const webhooks = results.webhooks;
  if (!webhooks) return "Not measured.";
  return markdownTable([
    ["run", "accepted", "wall", "per second", "p50 / p95 / p99 / max", "server CPU per delivery", "peak RSS", "queued exactly once"],
    ...webhooks.runs.map((run) => [
      run.label,
      count(run.accepted),
      seconds(run.ms),
      ((run.accepted / run.ms) * 1000).toFixed(0),
      [run.latencyMs.p50, run.latencyMs.p95, run.latencyMs.p99, run.latencyMs.max].map((ms) => ms.toFixed(0)).join(" / ") + " ms",
      run.accepted > 0 ? milliseconds(run.serverCpuMs / run.accepted) : "–",
      megabytes(run.peakRssBytes),
      run.queuedOnce ?? "–",
    ]),
  ]);
}

function millionSyncDetails(run: RunOfBenches): string {
  const million = run.results["sync-million"];
  if (!million) return run.quick ? "Not run with --quick." : "Not measured.";
  return [
    `RSS before the sync ${megabytes(million.rssBeforeBytes)}, peak ${megabytes(million.peakRssBytes)}, peak heap ${megabytes(million.peakHeapBytes)}; ${count(million.added)} files queued. Progress polled every 0.5 s as the UI polls it: first advance after ${million.progress.firstAdvanceMs === null ? "never" : seconds(million.progress.firstAdvanceMs)}, last value seen ${count(million.progress.lastSeen)}.`,
    "Memory along the run: the RSS growth is over the RSS before the sync; the other columns are what the whole process held then: V8's heap (committed, and used by objects live or not yet collected), Buffers/external, and the rest of the RSS (SQLite's allocations, code, stacks).",
    markdownTable([
      ["files processed", "RSS growth", "V8 heap committed", "heap used", "retained after a full GC", "external", "rest of RSS"],
      ...[...million.memoryAlong, million.atPeak].map((point) => [
        `${point === million.atPeak ? "highest RSS seen, at " : ""}${(point.processedShare * 100).toFixed(0)}%`,
        ...[point.rssGrowthBytes, point.heapTotalBytes, point.heapUsedBytes].map(megabytes),
        point.retainedHeapBytes === null ? "– (--gc-probe only)" : megabytes(point.retainedHeapBytes),
        ...[point.externalBytes, point.outsideHeapBytes].map(megabytes),
      ]),
    ]),
  ].join("\n\n");
}

function scanDetails(results: BenchResults): string {
  const scan = results.scan;
  if (!scan) return "Not measured.";
  return [
    `${count(scan.files)} placeholder video files in folders of 100, scanned without ffprobe.`,
    markdownTable([
      ["run", "found", "wall", "CPU", "files/s", "added", "unchanged", "removed", "peak RSS", "RSS growth"],
      ...scan.runs.map((run) => [
        run.run,
        count(run.found),
        seconds(run.ms),
        seconds(run.cpuMs),
        count(Math.round(run.found / (run.ms / 1000))),
        count(run.added),
        count(run.unchanged),
        count(run.removed),
        megabytes(run.peakRssBytes),
        megabytes(run.peakRssBytes - run.rssBeforeBytes),
      ]),
    ]),
  ].join("\n\n");
}

function jsonArrayDetails(results: BenchResults): string {
  const json = results["json-array"];
  if (!json) return "Not measured.";
  return [
    `A generated Radarr answer of ${json.megabytes.toFixed(1)} MB (${count(json.items)} movies) in 64 KiB chunks, each parser in its own process, median of ${json.runs} runs.`,
    markdownTable([
      ["parser", "wall", "CPU", "MB/s (CPU)", "peak RSS above the answer"],
      ...json.parsers.map((parser) => [
        parser.label,
        `${parser.wallMs.toFixed(0)} ms`,
        `${parser.cpuMs.toFixed(0)} ms`,
        (json.megabytes / (parser.cpuMs / 1000)).toFixed(0),
        parser.peakAboveAnswerBytes === null ? "–" : megabytes(parser.peakAboveAnswerBytes),
      ]),
    ]),
  ].join("\n\n");
}

export function renderReport(run: RunOfBenches): string {
  const targets = targetRows(run);
  const judged = targets.filter((row) => row.met !== null);
  const totalMs = run.benches.reduce((sum, bench) => sum + bench.ms, 0);
  const failed = run.benches.filter((bench) => bench.failed !== null);
  const { machine } = run;
  return `# Benchmark results${run.quick ? " (quick)" : ""}

Written by \`npm run bench${run.quick ? " -- --quick" : ""}\` (bench/run-all.ts); do not edit by hand. Earlier runs and their analyses: [HISTORY.md](./HISTORY.md).

- Date: ${utc(run.startedAt)}; the benches took ${(totalMs / 60_000).toFixed(1)} min (${run.benches.map((bench) => `${bench.name} ${(bench.ms / 1000).toFixed(0)} s, load ${bench.loadAfter.toFixed(1)} at its end`).join("; ")})
- Machine: ${machine.cpuModel} × ${machine.cpuCount}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB RAM, Node ${machine.node}, ${machine.os}
- Load average (1 / 5 / 15 min): before ${loads(run.loadBefore)}, after ${loads(run.loadAfter)}
- Targets met: ${judged.filter((row) => row.met).length} of ${judged.length}${failed.length > 0 ? `; failed: ${failed.map((bench) => `${bench.name} (${bench.failed})`).join(", ")}` : ""}
${run.quick ? "- Quick sizes (10k-scale): figures are for a smoke check, not against the issue's targets, which are set at 100k and 1M.\n" : ""}
Each bench runs in its own process, the fake apps and senders in processes of theirs. CPU is the measuring process's user + system time (all threads, SQLite included); on a shared machine wall time mostly measures waiting for a core, so ratios are taken within one run. MB = 10⁶ bytes.

## Issue #16's figures beside their floor and target

${markdownTable([["figure", "measured", "floor", "target", ""], ...targets.map((row) => [row.figure, row.measured, row.floor, row.target, mark(row.met)])])}

## Library syncs (bench/sync.bench.ts, bench/stash-sync.bench.ts)

${syncDetails(run.results)}

## Sonarr sync of a million files (bench/sync-million.bench.ts)

${millionSyncDetails(run)}

## The queue and statistics at scale (bench/queue-million.bench.ts)

${queueMillionDetails(run.results)}

## Queue pages through the writer's rows (bench/queue-list.bench.ts)

${queueListDetails(run.results)}

## Webhooks (bench/webhooks.bench.ts)

${webhookDetails(run.results)}

## Folder scan (bench/scan.bench.ts)

${scanDetails(run.results)}

## Parsing the Radarr answer (bench/json-array.bench.ts)

${jsonArrayDetails(run.results)}
`;
}

/** The lines a full run appends to HISTORY.md: its date, load and every target's figure and verdict. */
export function renderHistoryEntry(run: RunOfBenches): string {
  const targets = targetRows(run);
  const judged = targets.filter((row) => row.met !== null);
  return [
    `### ${utc(run.startedAt)}: \`npm run bench\`, load ${loads(run.loadBefore)} → ${loads(run.loadAfter)}, ${judged.filter((row) => row.met).length} of ${judged.length} targets met`,
    "",
    ...targets.map((row) => `- ${mark(row.met)} ${row.figure}: ${row.measured} (target ${row.target})`),
    "",
  ].join("\n");
}
