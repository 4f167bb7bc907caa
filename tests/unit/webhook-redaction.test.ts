import { describe, expect, it } from "vitest";
import { createPathMapper } from "~/server/connections/path-mapping";
import { qualitySourceFromName } from "~/server/webhooks/quality-name";
import { redactDeliveryText } from "~/server/webhooks/redact-delivery";

describe("redactDeliveryText", () => {
  const target = { mapPath: createPathMapper([{ remote: "/media", local: "/mnt/private" }]) };
  const payload = {
    eventType: "Download",
    movie: { title: "Secret Film", folderPath: "/media/Secret Film (2020)" },
    movieFile: { path: "/media/Secret Film (2020)/secret.mkv", quality: "WEBDL-1080p" },
  };
  const message = "UNIQUE failed: /mnt/private/Secret Film (2020)/secret.mkv for Secret Film, Download event";

  it("removes remote and mapped paths and titles of a private connection, keeping the rest", () => {
    const redacted = redactDeliveryText(message, { private: true, displayAlias: null }, target, payload);

    expect(redacted).toBe("UNIQUE failed: [Private] for [Private], Download event");
  });

  it("uses the display alias, and leaves a public connection's text alone", () => {
    expect(redactDeliveryText(message, { private: true, displayAlias: "Home videos" }, target, payload)).not.toContain("Secret");
    expect(redactDeliveryText(message, { private: false, displayAlias: null }, target, payload)).toBe(message);
  });
});

describe("qualitySourceFromName", () => {
  it.each([
    ["Bluray-1080p Remux", "remux"], ["Remux-2160p", "remux"], ["BR-DISK", "brdisk"], ["Raw-HD", "rawhd"], ["Bluray-720p", "bluray"],
    ["WEBDL-1080p", "webdl"], ["WEBRip-2160p", "webrip"], ["HDTV-720p", "hdtv"], ["SDTV", "hdtv"], ["DVD-R", "dvd"], ["DVDSCR", "dvd"],
    ["TELESYNC", "telesync"], ["CAM", "cam"], ["Unknown", null], [null, null],
  ] as const)("%s → %s", (name, expected) => {
    expect(qualitySourceFromName(name)).toBe(expected);
  });
});
