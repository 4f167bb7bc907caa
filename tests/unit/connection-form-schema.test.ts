import { describe, expect, test } from "vitest";
import { addConnectionFormSchema, editConnectionFormSchema, testIdentity } from "~/components/connections/connection-form-schema";
import { intervalSelectValue } from "~/lib/schedule-interval";

const base = { appType: "radarr", name: "Radarr", baseUrl: "http://nas:7878/", pathMappings: [], syncInterval: "off", showInStats: true } as const;

describe("connection form schema", () => {
  test("a new connection needs a key; an edit may leave it empty to keep the stored one", () => {
    const missing = addConnectionFormSchema.safeParse({ ...base, apiKey: "" });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.message).toBe("Enter the API key");

    expect(editConnectionFormSchema.parse({ ...base, apiKey: "" }).apiKey).toBeUndefined();
    expect(editConnectionFormSchema.parse({ ...base, apiKey: "   " }).apiKey).toBeUndefined();
    expect(editConnectionFormSchema.parse({ ...base, apiKey: " abc123 " }).apiKey).toBe("abc123");
  });

  test("an edited key is checked with the server's own rule and message", () => {
    const result = editConnectionFormSchema.safeParse({ ...base, apiKey: "has a space" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("An API key is printable characters without spaces");
  });

  test("the URL is normalised and the interval becomes minutes or null", () => {
    const parsed = addConnectionFormSchema.parse({ ...base, apiKey: "k", syncInterval: "360" });
    expect(parsed.baseUrl).toBe("http://nas:7878");
    expect(parsed.syncInterval).toBe(360);
    expect(addConnectionFormSchema.parse({ ...base, apiKey: "k" }).syncInterval).toBeNull();
    expect(addConnectionFormSchema.safeParse({ ...base, apiKey: "k", syncInterval: "soon" }).success).toBe(false);
    expect(intervalSelectValue(null)).toBe("off");
    expect(intervalSelectValue(1440)).toBe("1440");
  });

  test("path mappings must be absolute on both sides", () => {
    const result = addConnectionFormSchema.safeParse({ ...base, apiKey: "k", pathMappings: [{ remote: "movies", local: "/mnt/movies" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["pathMappings", 0, "remote"]);
  });
});

describe("test identity (what a passing test proves)", () => {
  const tested = { appType: "radarr", baseUrl: "http://nas:7878", apiKey: "abc", trustedCertSha256: null };

  test("spellings of the same address and key are the same test", () => {
    expect(testIdentity({ ...tested, baseUrl: "http://nas:7878/ ", apiKey: " abc" })).toBe(testIdentity(tested));
  });

  test("another app, address, key or certificate needs a new test", () => {
    const identity = testIdentity(tested);
    expect(testIdentity({ ...tested, appType: "sonarr" })).not.toBe(identity);
    expect(testIdentity({ ...tested, baseUrl: "http://nas:7878/radarr" })).not.toBe(identity);
    expect(testIdentity({ ...tested, apiKey: "abd" })).not.toBe(identity);
    expect(testIdentity({ ...tested, trustedCertSha256: "AB:CD" })).not.toBe(identity);
  });
});
