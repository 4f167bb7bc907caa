/**
 * Fake Sonarr and Radarr with large generated libraries, in their own process for the sync
 * benchmark. Prints {"sonarr": url, "radarr": url, "apiKey": key} on one line, then serves until killed.
 * Usage: tsx bench/fake-arr-process.ts <series> <episodesPerSeries> <movies> [webhooks]
 *
 * With `webhooks` (the webhook benchmark): Sonarr also takes webhook registrations
 * (/api/v3/notification), and GET /api/v3/episodefile/N answers from a direct route per file
 * instead of the fake's scan of the whole library, so a lookup costs the fake O(1).
 */
import { startFakeArr } from "../tests/fakes/arr-fake-server";
import { generateRadarrLibrary, generateSonarrLibrary } from "../tests/fakes/arr-library";
import { installFakeNotifications } from "../tests/fakes/arr-notifications";

const API_KEY = "benchBENCHbenchBENCHbenchBENCH00";

async function main(): Promise<void> {
  const [series = 2_000, episodes = 50, movies = 20_000] = process.argv.slice(2, 5).map(Number);
  const webhooks = process.argv[5] === "webhooks";
  const library = generateSonarrLibrary(series, episodes);
  const sonarr = await startFakeArr({ app: "sonarr", apiKey: API_KEY, urlBase: "/sonarr", library: { series: library.series, episodeFiles: library.episodeFiles } });
  if (webhooks) {
    installFakeNotifications(sonarr);
    for (let seriesId = 1; seriesId <= series; seriesId += 1) {
      const files = library.episodeFiles(seriesId);
      for (let index = 0; index < files.length; index += 1) {
        const file = files.at(index);
        if (file) sonarr.route("GET", `/api/v3/episodefile/${String(file.id)}`, () => ({ status: 200, body: file }));
      }
    }
  }
  const radarr = await startFakeArr({ app: "radarr", apiKey: API_KEY, library: { movies: generateRadarrLibrary(movies) } });
  // The benchmark doesn't need a request log of 100k entries.
  setInterval(() => {
    sonarr.requests.length = 0;
    radarr.requests.length = 0;
  }, 1_000).unref();
  process.stdout.write(`${JSON.stringify({ sonarr: sonarr.url, radarr: radarr.url, apiKey: API_KEY })}\n`);
  const stop = () => void Promise.all([sonarr.stop(), radarr.stop()]).then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
