import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseWebhookEvent } from "~/server/webhooks/webhook-event";

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/webhooks", `${name}.json`), "utf8")) as Record<string, unknown>;

describe("parseWebhookEvent", () => {
  it("reads every example body into the event Optimizarr acts on", () => {
    expect(parseWebhookEvent("sonarr", fixture("sonarr-test"))).toEqual({ ok: true, eventType: "Test", event: { kind: "test" } });
    expect(parseWebhookEvent("radarr", fixture("radarr-test"))).toEqual({ ok: true, eventType: "Test", event: { kind: "test" } });

    const single = parseWebhookEvent("sonarr", fixture("sonarr-download"));
    expect(single.ok && single.event.kind === "import" && single.event.files.map((file) => [file.id, file.mediaInfo?.videoCodec])).toEqual([[9876, "h264"]]);

    const pack = parseWebhookEvent("sonarr", fixture("sonarr-download-importcomplete"));
    expect(pack.ok && pack.event.kind === "import" && pack.event.files.map((file) => file.id)).toEqual([9875, 9876]);

    const upgrade = parseWebhookEvent("radarr", fixture("radarr-download"));
    expect(upgrade.ok && upgrade.event.kind === "import" && upgrade.event.replaced).toEqual([
      { id: 1874, path: "/movies/Example Movie (2021)/Example Movie (2021) WEBDL-1080p.mkv" },
    ]);

    const rename = parseWebhookEvent("radarr", fixture("radarr-rename"));
    expect(rename.ok && rename.event.kind === "rename" && rename.event.files[0]!.previousPath).toBe("/movies/Example Movie (2021)/Example Movie (2021) Bluray-2160p.mkv");

    expect(parseWebhookEvent("sonarr", fixture("sonarr-episodefiledelete"))).toMatchObject({ ok: true, event: { kind: "fileDelete", file: { id: 9876 }, reason: "manual" } });
    expect(parseWebhookEvent("sonarr", fixture("sonarr-seriesdelete"))).toMatchObject({ ok: true, event: { kind: "mediaDelete", folderPath: "/tv/The Example Files", filesDeleted: true } });
    expect(parseWebhookEvent("radarr", fixture("radarr-moviedelete"))).toMatchObject({ ok: true, event: { kind: "mediaDelete", folderPath: "/movies/Example Movie (2021)" } });
    expect(parseWebhookEvent("sonarr", fixture("sonarr-grab"))).toEqual({ ok: true, eventType: "Grab", event: { kind: "unsupported" } });
    expect(parseWebhookEvent("radarr", fixture("radarr-health"))).toEqual({ ok: true, eventType: "Health", event: { kind: "unsupported" } });
  });

  it("treats an event of the other app as unsupported rather than guessing its shape", () => {
    expect(parseWebhookEvent("radarr", fixture("sonarr-episodefiledelete"))).toMatchObject({ ok: true, event: { kind: "unsupported" } });
  });

  it("builds a deleted file's path from the folder when only relativePath is sent", () => {
    const body = fixture("sonarr-episodefiledelete");
    const file = body.episodeFile as Record<string, unknown>;
    delete file.path;

    const parsed = parseWebhookEvent("sonarr", body);

    expect(parsed).toMatchObject({ ok: true, event: { file: { id: 9876, path: "/tv/The Example Files/Season 02/The Example Files - S02E05 - The Fifth Door WEBDL-1080p.mkv" } } });
    const windows = parseWebhookEvent("sonarr", { ...body, series: { id: 1, path: "D:\\TV\\Show" }, episodeFile: { id: 2, relativePath: "Season 1\\a.mkv" } });
    expect(windows).toMatchObject({ ok: true, event: { file: { path: "D:\\TV\\Show\\Season 1\\a.mkv" } } });
  });

  it("reads an older Rename without its files as a re-read of that one series or movie", () => {
    expect(parseWebhookEvent("sonarr", fixture("sonarr-v3-rename-series-only"))).toEqual({
      ok: true, eventType: "Rename", event: { kind: "refresh", mediaId: 12, folderPath: "/tv/The Example Files" },
    });
    expect(parseWebhookEvent("radarr", fixture("radarr-v3-rename-movie-only"))).toEqual({
      ok: true, eventType: "Rename", event: { kind: "refresh", mediaId: 345, folderPath: "/movies/Example Movie (2021)" },
    });
  });

  it("takes an older Download's library path (folder + relativePath) over its download-client path", () => {
    const sonarr = parseWebhookEvent("sonarr", fixture("sonarr-v3-download-client-path"));
    const radarr = parseWebhookEvent("radarr", fixture("radarr-v3-download-client-path-upgrade"));

    expect(sonarr.ok && sonarr.event.kind === "import" && sonarr.event.files.map((file) => file.path)).toEqual(["/tv/Show/Season 1/Show - S01E02 - Title HDTV-720p.mkv"]);
    expect(radarr.ok && radarr.event.kind === "import" && [radarr.event.files.map((file) => file.path), radarr.event.replaced]).toEqual([
      ["/movies/Example Movie (2021)/Example Movie (2021).mkv"],
      [{ id: 1874, path: "/movies/Example Movie (2021)/Example Movie (2021).mkv" }],
    ]);
  });

  it("accepts fields it does not know and versions that send languages as a string", () => {
    const body = fixture("sonarr-download");
    Object.assign(body.episodeFile as object, { languages: "English/French", somethingNew: { nested: true } });

    expect(parseWebhookEvent("sonarr", { ...body, brandNewField: 1 }).ok).toBe(true);
  });

  it("rejects bodies missing what Optimizarr uses, naming the field without echoing values", () => {
    const noFile = fixture("sonarr-download");
    delete noFile.episodeFile;
    const badPath = fixture("radarr-download");
    (badPath.movieFile as Record<string, unknown>).path = 42;
    const noFlag = fixture("radarr-moviedelete");
    delete noFlag.deletedFiles;

    expect(parseWebhookEvent("sonarr", noFile)).toMatchObject({ ok: false, eventType: "Download", reason: expect.stringContaining("episodeFile") });
    expect(parseWebhookEvent("radarr", badPath)).toMatchObject({ ok: false, reason: expect.stringMatching(/^Download: movieFile\.path: /) });
    expect(parseWebhookEvent("radarr", noFlag)).toMatchObject({ ok: false, reason: expect.stringContaining("deletedFiles") });
    expect(parseWebhookEvent("sonarr", { eventType: "" })).toMatchObject({ ok: false, eventType: null });
    expect(parseWebhookEvent("sonarr", { eventType: 7 })).toMatchObject({ ok: false, eventType: null });
  });
});
