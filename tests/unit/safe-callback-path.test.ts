import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { safeCallbackPath } from "~/lib/safe-callback-path";

const SITE = "http://optimizarr.local:3000";

/** What a browser on our site does with the returned value as a Location. */
function landsOnOurSite(path: string): boolean {
  return new URL(path, SITE).origin === SITE && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
}

describe("safeCallbackPath", () => {
  it.each([
    "/\\evil.example",
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/.//evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "HTTPS://evil.example/queue",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,hi",
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/queue");
  });

  it("keeps same-site paths with their query and fragment", () => {
    expect(safeCallbackPath("/queue?status=failed#top")).toBe("/queue?status=failed#top");
    expect(safeCallbackPath("/%5Cevil")).toBe("/%5Cevil");
    expect(safeCallbackPath("/settings/../stats")).toBe("/stats");
    expect(safeCallbackPath(undefined)).toBe("/queue");
  });

  it("turns our own absolute URL into its path and refuses another origin's", () => {
    expect(safeCallbackPath(`${SITE}/stats`, { origin: SITE })).toBe("/stats");
    expect(safeCallbackPath("http://optimizarr.local:3001/stats", { origin: SITE })).toBe("/queue");
  });

  it("always answers a path that stays on this site, whatever it is given", () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom("http://", "https://", "//", "/\\", "\\\\", ""), fc.domain()).map(([prefix, host]) => prefix + host),
      fc
        .array(fc.constantFrom("/", "\\", ".", "%5C", "%2F", "\t", "\n", " ", ":", "@", "evil.example", "javascript:", "https:", "?", "#"), { maxLength: 8 })
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(hostile, (raw) => landsOnOurSite(safeCallbackPath(raw)) && landsOnOurSite(safeCallbackPath(raw, { origin: SITE }))),
      { numRuns: 500 },
    );
  });
});
