import { describe, expect, test } from "vitest";
import { addConnectionFormSchema, editConnectionFormSchema, testIdentity } from "~/components/connections/connection-form-schema";
import { intervalSelectValue } from "~/lib/schedule-interval";

const base = {
  appType: "radarr",
  name: "Radarr",
  baseUrl: "http://nas:7878/",
  pathMappings: [],
  syncInterval: "off",
  showInStats: true,
  private: false,
  displayAlias: "",
  tagFilter: "",
  acknowledged: false,
} as const;

describe("connection form schema", () => {
  test("a new connection may go without a key (the app's rule decides on submit); an edit may leave it empty to keep the stored one", () => {
    expect(addConnectionFormSchema.parse({ ...base, apiKey: "" }).apiKey).toBe("");
    expect(addConnectionFormSchema.safeParse({ ...base, apiKey: "has a space" }).error?.issues[0]?.message).toBe("An API key is printable characters without spaces");

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

  test("tag names are one comma-separated line: trimmed, deduplicated, empty parts dropped", () => {
    expect(addConnectionFormSchema.parse({ ...base, apiKey: "k", tagFilter: " needs-encoding, 4k,,needs-encoding " }).tagFilter).toEqual(["needs-encoding", "4k"]);
    expect(addConnectionFormSchema.parse({ ...base, apiKey: "k" }).tagFilter).toEqual([]);
    expect(addConnectionFormSchema.safeParse({ ...base, apiKey: "k", tagFilter: "x".repeat(101) }).success).toBe(false);
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
