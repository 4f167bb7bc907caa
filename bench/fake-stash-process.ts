/**
 * A fake Stash with a large generated library, in its own process for the Stash sync benchmark.
 * Prints {"url": url, "apiKey": key} on one line, then serves until killed.
 * Usage: tsx bench/fake-stash-process.ts <scenes>
 */
import { startFakeStash } from "../tests/fakes/stash-fake-server";
import { generateStashScenes } from "../tests/fakes/stash-library";

const API_KEY = "benchBENCHbenchBENCHbenchBENCH00";

async function main(): Promise<void> {
  const [scenes = 100_000] = process.argv.slice(2).map(Number);
  const stash = await startFakeStash({ apiKey: API_KEY, library: { scenes: generateStashScenes(scenes) } });
  // The benchmark doesn't need a request log.
  setInterval(() => void (stash.requests.length = 0), 1_000).unref();
  process.stdout.write(`${JSON.stringify({ url: stash.url, apiKey: API_KEY })}\n`);
  const stop = () => void stash.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
