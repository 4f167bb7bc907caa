/**
 * `npm run bench`: runs every bench in turn, each in its own process (so one's memory doesn't skew
 * the next), collects the figures each hands back (bench/bench-results.ts) and writes the report:
 *
 * - full run → bench/RESULTS.md (committed), and a dated block of every target's figure appended
 *   to bench/HISTORY.md, so the trend reads in one file rather than across `git log -p`;
 * - `npm run bench -- --quick` (10k-scale, under a minute, no million-row benches) →
 *   bench/RESULTS-quick.md (git-ignored): a smoke check must not overwrite the full figures, nor
 *   put its small-scale numbers into the history.
 *
 * Exits non-zero if any bench failed; the report is still written, with what was measured.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_NAMES, type BenchName, type BenchResults, benchResultsSchema, RESULT_FILE_ENV } from "./bench-results";
import { describeMachine, loadAverage } from "./machine";
import { renderHistoryEntry, renderReport, type RunOfBenches } from "./results-report";

/** Minutes at full scale and nothing a quick run would learn from. */
const FULL_RUN_ONLY: ReadonlySet<BenchName> = new Set(["sync-million"]);

/** Every bench/*.bench.ts must have a results schema, or its figures would silently go missing from the report. */
function benchesToRun(quick: boolean): BenchName[] {
  const onDisk = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith(".bench.ts"))
    .map((name) => name.slice(0, -".bench.ts".length));
  const unknown = onDisk.filter((name) => !BENCH_NAMES.some((known) => known === name));
  if (unknown.length > 0) throw new Error(`no results schema in bench/bench-results.ts for: ${unknown.join(", ")}`);
  return BENCH_NAMES.filter((name) => onDisk.includes(name) && !(quick && FULL_RUN_ONLY.has(name)));
}

function runBench(name: BenchName, resultFile: string): { ms: number; failed: string | null; results: BenchResults } {
  console.log(`\n▶ ${name}.bench.ts`);
  const start = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, "--conditions=react-server", path.join(__dirname, `${name}.bench.ts`), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, [RESULT_FILE_ENV]: resultFile },
  });
  const ms = performance.now() - start;
  const failed = child.status === 0 ? null : `exit ${child.status ?? child.signal}`;
  if (failed) console.error(`✖ ${name}.bench.ts failed (${failed})`);
  if (!fs.existsSync(resultFile)) return { ms, failed: failed ?? "no figures handed back", results: {} };
  const parsed = benchResultsSchema.safeParse(JSON.parse(fs.readFileSync(resultFile, "utf8")));
  if (!parsed.success) return { ms, failed: `figures not as bench-results.ts describes them: ${parsed.error.message}`, results: {} };
  return { ms, failed, results: parsed.data };
}

function main(): void {
  const quick = process.argv.includes("--quick");
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const benches: RunOfBenches["benches"][number][] = [];
  let results: BenchResults = {};
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-bench-results-"));
  try {
    for (const name of benchesToRun(quick)) {
      const outcome = runBench(name, path.join(resultsDir, `${name}.json`));
      benches.push({ name, ms: outcome.ms, failed: outcome.failed, loadAfter: loadAverage()[0] });
      results = { ...results, ...outcome.results };
    }
  } finally {
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }
  const run: RunOfBenches = { startedAt, quick, machine: describeMachine(), loadBefore, loadAfter: loadAverage(), benches, results };

  const report = path.join(__dirname, quick ? "RESULTS-quick.md" : "RESULTS.md");
  fs.writeFileSync(report, renderReport(run));
  if (!quick) fs.appendFileSync(path.join(__dirname, "HISTORY.md"), `\n${renderHistoryEntry(run)}`);
  const totalMs = run.benches.reduce((sum, bench) => sum + bench.ms, 0);
  console.log(`\n${path.relative(process.cwd(), report)} written (${(totalMs / 1000).toFixed(0)} s of benches)`);
  if (run.benches.some((bench) => bench.failed !== null)) process.exitCode = 1;
}

main();
