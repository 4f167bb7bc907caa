/**
 * `npm run bench`: runs every bench/*.bench.ts in turn, each in its own process (so one's memory
 * doesn't skew the next), and fails if any fails. Arguments are passed to each bench.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const benches = fs
  .readdirSync(__dirname)
  .filter((name) => name.endsWith(".bench.ts"))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(process.execPath, [...process.execArgv, "--conditions=react-server", path.join(__dirname, name), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed += 1;
    console.error(`✖ ${name} failed (exit ${result.status ?? result.signal})`);
  }
}
if (failed > 0) process.exitCode = 1;
