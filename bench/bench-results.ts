import fs from "node:fs";
import { z } from "zod";

/**
 * What each bench hands to run-all: its figures as one JSON file, checked here with zod on the way
 * back. A file rather than stdout, so a bench's console stays free for the human tables it prints
 * when run alone, and nothing has to be scraped from them. One schema per bench, keyed by the
 * bench's file name without `.bench.ts`; run-all parses what it collected with `benchResultsSchema`.
 */

/** The file run-all asks a bench to write its figures to; unset when a bench runs on its own. */
export const RESULT_FILE_ENV = "OPTIMIZARR_BENCH_RESULT_FILE";

const timing = z.object({ ms: z.number(), cpuMs: z.number() });

const syncRunFigures = z.object({
  run: z.enum(["first", "again", "again, full"]),
  /** False: a quick sync (Sonarr's unchanged series, Stash's unchanged scenes skipped). */
  full: z.boolean(),
  files: z.number(),
  ms: z.number(),
  cpuMs: z.number(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  removed: z.number(),
  parentsTotal: z.number(),
  parentsSkipped: z.number(),
  /** SQLite's total_changes() over the run: every row inserted, updated or deleted, triggers' and the run's own SyncRun record included. */
  changedRows: z.number(),
  rssBeforeBytes: z.number(),
  peakRssBytes: z.number(),
  peakHeapBytes: z.number(),
});
export type SyncRunFigures = z.infer<typeof syncRunFigures>;

const floorFigures = z.object({
  rows: z.number(),
  requests: z.number(),
  fetch: timing,
  insert: timing,
  insertAppSchema: timing,
});

const syncLibrary = z.object({
  label: z.string(),
  app: z.enum(["sonarr", "radarr", "stash"]),
  runs: z.array(syncRunFigures),
  floor: floorFigures,
});
export type SyncLibraryFigures = z.infer<typeof syncLibrary>;

const syncBench = z.object({ libraries: z.array(syncLibrary) });

const scanBench = z.object({
  files: z.number(),
  runs: z.array(
    z.object({
      run: z.string(),
      found: z.number(),
      ms: z.number(),
      cpuMs: z.number(),
      added: z.number(),
      unchanged: z.number(),
      removed: z.number(),
      rssBeforeBytes: z.number(),
      peakRssBytes: z.number(),
    }),
  ),
});

const queueListBench = z.object({
  rows: z.number(),
  seedMs: z.number(),
  pages: z.array(
    z.object({ view: z.string(), sort: z.string(), analyzed: z.boolean(), firstMs: z.number(), averageMs: z.number(), maxMs: z.number(), pagesWalked: z.number() }),
  ),
});

/** What a timed queue or statistics call stands for in issue #16's targets. */
export const QUERY_KINDS = ["first page", "filtered page", "cursor page", "deep cursor page", "path search", "queue.counts", "stats.summary", "stats.savings"] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

const queueMillionBench = z.object({
  rows: z.number(),
  repeat: z.number(),
  seedMs: z.number(),
  queries: z.array(
    z.object({
      label: z.string(),
      kind: z.enum(QUERY_KINDS),
      p50Ms: z.number(),
      p95Ms: z.number(),
      maxMs: z.number(),
      cpuP50Ms: z.number(),
      cpuP95Ms: z.number(),
    }),
  ),
});

const webhooksBench = z.object({
  deliveries: z.number(),
  concurrency: z.number(),
  runs: z.array(
    z.object({
      label: z.string(),
      /** The floor reads, parses and answers 200; the other two go through the real route. */
      kind: z.enum(["floor", "mediaInfo in body", "lookup each"]),
      accepted: z.number(),
      ms: z.number(),
      latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() }),
      /** The server process's CPU from the sender's first request to its last. */
      serverCpuMs: z.number(),
      peakRssBytes: z.number(),
      /** "yes", or what was wrong: missing, extra or duplicated files, delivery records. Null for the floor. */
      queuedOnce: z.string().nullable(),
    }),
  ),
});

const jsonArrayBench = z.object({
  megabytes: z.number(),
  items: z.number(),
  /** Runs per parser; the figures are their medians. */
  runs: z.number(),
  parsers: z.array(z.object({ label: z.string(), wallMs: z.number(), cpuMs: z.number(), peakAboveAnswerBytes: z.number().nullable() })),
});

const memoryBreakdown = z.object({
  processedShare: z.number(),
  /** RSS above the RSS just before the sync. */
  rssGrowthBytes: z.number(),
  /** V8's heap as committed (what it holds of the RSS) and as used by objects, live or not yet collected. */
  heapTotalBytes: z.number(),
  heapUsedBytes: z.number(),
  /** Buffers and other memory V8 objects hold outside the heap. */
  externalBytes: z.number(),
  /** RSS minus the heap and external: SQLite's allocations, code, stacks. */
  outsideHeapBytes: z.number(),
  /** Heap used right after a forced full GC (the bench's --gc-probe only). */
  retainedHeapBytes: z.number().nullable(),
});

const syncMillionBench = z.object({
  series: z.number(),
  episodesPerSeries: z.number(),
  status: z.string(),
  files: z.number(),
  added: z.number(),
  ms: z.number(),
  cpuMs: z.number(),
  rssBeforeBytes: z.number(),
  peakRssBytes: z.number(),
  peakHeapBytes: z.number(),
  progress: z.object({
    samples: z.number(),
    distinctValues: z.number(),
    /** Every sample's processed count at least the one before. */
    monotonic: z.boolean(),
    firstAdvanceMs: z.number().nullable(),
    longestStallMs: z.number(),
    lastSeen: z.number(),
  }),
  /** Memory when a quarter, half… of the files had been processed, and at the poll that saw the highest RSS. */
  memoryAlong: z.array(memoryBreakdown),
  atPeak: memoryBreakdown,
});

export const benchResultsSchema = z.object({
  sync: syncBench.optional(),
  "stash-sync": syncBench.optional(),
  scan: scanBench.optional(),
  "queue-list": queueListBench.optional(),
  "queue-million": queueMillionBench.optional(),
  webhooks: webhooksBench.optional(),
  "json-array": jsonArrayBench.optional(),
  "sync-million": syncMillionBench.optional(),
});
export type BenchResults = z.infer<typeof benchResultsSchema>;
export type BenchName = keyof BenchResults;
export const BENCH_NAMES = benchResultsSchema.keyof().options;

/** Hands a bench's figures to run-all (a no-op when the bench runs on its own). */
export function reportBenchResult<Name extends BenchName>(name: Name, figures: NonNullable<BenchResults[Name]>): void {
  const file = process.env[RESULT_FILE_ENV];
  if (!file) return;
  fs.writeFileSync(file, JSON.stringify({ [name]: figures }));
}
