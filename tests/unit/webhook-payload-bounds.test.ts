import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWebhookEvent } from "~/server/webhooks/webhook-event";

type Json = Record<string, unknown>;
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/webhooks", `${name}.json`), "utf8")) as Json;

/** Radarr's Download example with one field of its movieFile replaced. */
function radarrDownloadWith(change: (movieFile: Json) => void): Json {
  const body = fixture("radarr-download");
  change(body.movieFile as Json);
  return body;
}

function sonarrDownloadWith(change: (episodeFile: Json) => void): Json {
  const body = fixture("sonarr-download");
  change(body.episodeFile as Json);
  return body;
}

describe("Download bodies: numbers and paths are bounded", () => {
  it("accepts the real examples", () => {
    expect(parseWebhookEvent("radarr", fixture("radarr-download")).ok).toBe(true);
    expect(parseWebhookEvent("sonarr", fixture("sonarr-download")).ok).toBe(true);
  });

  it.each([
    ["a fractional size", (file: Json) => (file.size = 0.5)],
    ["a negative size", (file: Json) => (file.size = -1)],
    ["a size beyond 1 PiB", (file: Json) => (file.size = 2 ** 53)],
    ["a width of 2^31", (file: Json) => (file.mediaInfo = { ...(file.mediaInfo as Json), width: 2 ** 31 })],
    ["a fractional height", (file: Json) => (file.mediaInfo = { ...(file.mediaInfo as Json), height: 1080.5 })],
    ["a NUL byte in the path", (file: Json) => (file.path = "/movies/a\u0000b.mkv")],
    ["a NUL byte in the relative path", (file: Json) => (file.relativePath = "a\u0000.mkv")],
  ])("refuses %s, for both apps, naming the field but not the value", (_name, change) => {
    for (const result of [parseWebhookEvent("radarr", radarrDownloadWith(change)), parseWebhookEvent("sonarr", sonarrDownloadWith(change))]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toContain("\u0000");
    }
  });

  it("refuses a NUL byte in the folder of the series or movie", () => {
    const body = fixture("radarr-download");
    body.movie = { ...(body.movie as Json), folderPath: "/movies/x\u0000" };
    expect(parseWebhookEvent("radarr", body).ok).toBe(false);
  });

  it("refuses a NUL byte in a renamed file's previous path", () => {
    const body = fixture("radarr-rename");
    const files = body.renamedMovieFiles as Json[];
    files[0] = { ...files[0], previousPath: "/movies/old\u0000.mkv" };
    expect(parseWebhookEvent("radarr", body).ok).toBe(false);
  });

  it("fuzz: any accepted import carries whole, bounded sizes and dimensions and NUL-free paths", () => {
    const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0.5, 2 ** 31, 2 ** 53, -0, Number.MAX_SAFE_INTEGER));
    const anyPath = fc.oneof(fc.string(), fc.string().map((text) => `/movies/${text}\u0000.mkv`));
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, anyPath, (size, width, height, filePath) => {
        const result = parseWebhookEvent(
          "radarr",
          radarrDownloadWith((file) => {
            file.size = size;
            file.path = filePath;
            file.mediaInfo = { ...(file.mediaInfo as Json), width, height };
          }),
        );
        if (!result.ok || result.event.kind !== "import") return;
        for (const file of result.event.files) {
          expect(file.path).not.toContain("\u0000");
          if (file.size != null) expect(Number.isInteger(file.size) && file.size >= 0 && file.size <= 2 ** 50).toBe(true);
          for (const dimension of [file.mediaInfo?.width, file.mediaInfo?.height]) {
            if (dimension != null) expect(Number.isInteger(dimension) && dimension <= 32_768).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
