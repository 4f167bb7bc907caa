import { describe, expect, it } from "vitest";
import { filtersFromSearchParams, hasActiveFilters, listInputOf, searchParamsFromFilters } from "~/app/(app)/queue/queue-filters-state";

const parse = (query: string) => filtersFromSearchParams(new URLSearchParams(query));

describe("queue page filters in the URL", () => {
  it("reads every filter and round-trips it", () => {
    const filters = parse("status=failed&codec=h264&source=sonarr&resolution=1080p&sort=size-desc&q=Show+Name");
    expect(filters).toEqual({ status: "failed", codec: "h264", source: "sonarr", resolution: "1080p", sort: "size-desc", q: "Show Name" });
    expect(parse(searchParamsFromFilters(filters))).toEqual(filters);
  });

  it("ignores values a hand-edited or old URL may carry, instead of breaking the page", () => {
    expect(parse("status=exploded&codec=h266&sort=random&resolution=8k&source=plex")).toEqual({ sort: "newest" });
    expect(parse(`q=${"x".repeat(501)}`).q).toBeUndefined();
  });

  it("keeps the URL short: the default sort and empty values are left out", () => {
    expect(searchParamsFromFilters({ sort: "newest" })).toBe("");
    expect(searchParamsFromFilters({ sort: "path", q: "" })).toBe("sort=path");
  });

  it("treats a blank search as no filter and trims what it sends", () => {
    expect(hasActiveFilters(parse("q=+++"))).toBe(false);
    expect(hasActiveFilters(parse("sort=path"))).toBe(false);
    expect(hasActiveFilters(parse("codec=vc1"))).toBe(true);
    expect(listInputOf(parse("q=++Show++")).search).toBe("Show");
    expect(listInputOf(parse("q=+++")).search).toBeUndefined();
  });
});
