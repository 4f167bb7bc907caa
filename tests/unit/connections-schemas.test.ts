import { describe, expect, it } from "vitest";
import { normaliseBaseUrl } from "~/server/connections/base-url";
import { normaliseFingerprint } from "~/server/connections/certificate";
import { createConnectionInputSchema, testConnectionInputSchema, updateConnectionInputSchema } from "~/server/connections/connection-schemas";

const valid = { name: "Sonarr", appType: "sonarr", baseUrl: "http://192.168.1.10:8989/sonarr/", apiKey: "0123456789abcdef0123456789abcdef" };

describe("base URL", () => {
  it("keeps the URL base and drops trailing slashes", () => {
    expect(normaliseBaseUrl("http://host:8989/sonarr/")).toEqual({ ok: true, baseUrl: "http://host:8989/sonarr" });
    expect(normaliseBaseUrl("https://host/")).toEqual({ ok: true, baseUrl: "https://host" });
    expect(normaliseBaseUrl(" http://HOST:8989//radarr// ")).toEqual({ ok: true, baseUrl: "http://host:8989//radarr" });
  });

  it("refuses other schemes, credentials, query and fragment", () => {
    expect(normaliseBaseUrl("ftp://host").ok).toBe(false);
    expect(normaliseBaseUrl("http://user:pass@host").ok).toBe(false);
    expect(normaliseBaseUrl("http://host/?apikey=x").ok).toBe(false);
    expect(normaliseBaseUrl("http://host/#x").ok).toBe(false);
    expect(normaliseBaseUrl("host:8989").ok).toBe(false);
  });
});

describe("connection inputs", () => {
  it("accepts a valid connection and normalises its address", () => {
    const parsed = createConnectionInputSchema.parse(valid);
    expect(parsed.baseUrl).toBe("http://192.168.1.10:8989/sonarr");
  });

  it.each([
    [{ baseUrl: "ftp://host" }, "baseUrl"],
    [{ baseUrl: "http://u:p@host" }, "baseUrl"],
    [{ appType: "lidarr" }, "appType"],
    [{ name: "" }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ apiKey: " " }, "apiKey"],
    [{ apiKey: "has space" }, "apiKey"],
    [{ apiKey: "k".repeat(257) }, "apiKey"],
    [{ pathMappings: [{ remote: "tv", local: "/mnt/tv" }] }, "pathMappings"],
    [{ syncIntervalMinutes: 5 }, "syncIntervalMinutes"],
    [{ syncIntervalMinutes: 10_081 }, "syncIntervalMinutes"],
    [{ trustedCertSha256: "abc" }, "trustedCertSha256"],
  ])("rejects %j naming %s", (patch, field) => {
    const result = createConnectionInputSchema.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });

  it("test takes an id, or all of appType, baseUrl and apiKey", () => {
    expect(testConnectionInputSchema.safeParse({ id: 1 }).success).toBe(true);
    expect(testConnectionInputSchema.safeParse({ id: 1, baseUrl: "http://new:8989" }).success).toBe(true);
    expect(testConnectionInputSchema.safeParse({ appType: "radarr", baseUrl: "http://h:7878", apiKey: "k" }).success).toBe(true);
    const missing = testConnectionInputSchema.safeParse({ appType: "radarr", baseUrl: "http://h:7878" });
    expect(missing.error?.issues.map((issue) => issue.path[0])).toEqual(["apiKey"]);
  });

  it("update needs only the id; null clears the interval and the trusted certificate", () => {
    expect(updateConnectionInputSchema.parse({ id: 3 })).toEqual({ id: 3 });
    expect(updateConnectionInputSchema.parse({ id: 3, syncIntervalMinutes: null, trustedCertSha256: null, displayAlias: "  " })).toEqual({
      id: 3,
      syncIntervalMinutes: null,
      trustedCertSha256: null,
      displayAlias: null,
    });
  });

  it("stores fingerprints in one form", () => {
    const hex = "ab".repeat(32);
    const expected = Array.from({ length: 32 }, () => "AB").join(":");
    expect(normaliseFingerprint(hex)).toBe(expected);
    expect(normaliseFingerprint(expected.toLowerCase())).toBe(expected);
    expect(normaliseFingerprint("zz".repeat(32))).toBeNull();
  });
});
