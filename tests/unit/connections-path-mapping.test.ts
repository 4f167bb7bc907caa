import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPathMapper, createRemotePathMapper, mapPath, pathMappingsSchema } from "~/server/connections/path-mapping";

describe("path mapping", () => {
  const mappings = [
    { remote: "/tv", local: "/mnt/media/tv" },
    { remote: "/tv/anime", local: "/mnt/anime" },
    { remote: "/movies/", local: "/mnt/media/movies/" },
  ];

  it("maps by the longest matching prefix", () => {
    expect(mapPath("/tv/Show/S01E01.mkv", mappings)).toBe("/mnt/media/tv/Show/S01E01.mkv");
    expect(mapPath("/tv/anime/Show/S01E01.mkv", mappings)).toBe("/mnt/anime/Show/S01E01.mkv");
    expect(mapPath("/movies/Film (2020)/film.mkv", mappings)).toBe("/mnt/media/movies/Film (2020)/film.mkv");
  });

  it("matches whole segments only", () => {
    expect(mapPath("/tvshows/Show/a.mkv", mappings)).toBe("/tvshows/Show/a.mkv");
    expect(mapPath("/tv/animeX/a.mkv", mappings)).toBe("/mnt/media/tv/animeX/a.mkv");
    expect(mapPath("/tv", mappings)).toBe("/mnt/media/tv");
  });

  it("leaves unmatched paths alone and maps nothing without mappings", () => {
    expect(mapPath("/data/a.mkv", mappings)).toBe("/data/a.mkv");
    expect(mapPath("/tv/a.mkv", [])).toBe("/tv/a.mkv");
  });

  it("maps a root remote prefix", () => {
    expect(mapPath("/Show/a.mkv", [{ remote: "/", local: "/mnt/nas" }])).toBe("/mnt/nas/Show/a.mkv");
    expect(mapPath("/tv/a.mkv", [{ remote: "/tv", local: "/" }])).toBe("/a.mkv");
  });

  it("maps Windows-style remote paths regardless of case and slash direction", () => {
    const windows = [
      { remote: "D:\\TV", local: "/mnt/tv" },
      { remote: "\\\\nas\\movies", local: "/mnt/movies" },
    ];
    expect(mapPath("D:\\TV\\Show\\Season 1\\a.mkv", windows)).toBe("/mnt/tv/Show/Season 1/a.mkv");
    expect(mapPath("d:/tv/Show/a.mkv", windows)).toBe("/mnt/tv/Show/a.mkv");
    expect(mapPath("D:\\TVShows\\a.mkv", windows)).toBe("D:\\TVShows\\a.mkv");
    expect(mapPath("\\\\nas\\movies\\Film\\film.mkv", windows)).toBe("/mnt/movies/Film/film.mkv");
    expect(mapPath("/mnt/x/a.mkv", [{ remote: "/data", local: "E:\\Media" }])).toBe("/mnt/x/a.mkv");
    expect(mapPath("/data/Film/a.mkv", [{ remote: "/data", local: "E:\\Media" }])).toBe("E:\\Media\\Film\\a.mkv");
  });

  it("validates mappings: absolute paths only, at most 50", () => {
    expect(pathMappingsSchema.safeParse([{ remote: "/tv", local: "/mnt/tv" }]).success).toBe(true);
    expect(pathMappingsSchema.safeParse([{ remote: "tv", local: "/mnt/tv" }]).success).toBe(false);
    expect(pathMappingsSchema.safeParse([{ remote: "/tv", local: "" }]).success).toBe(false);
    const many = Array.from({ length: 51 }, (_, index) => ({ remote: `/r${index}`, local: `/l${index}` }));
    expect(pathMappingsSchema.safeParse(many).success).toBe(false);
  });

  const segment = fc.stringMatching(/^[A-Za-z0-9 ._-]{1,12}$/).filter((value) => value !== "." && value !== "..");
  const posixPath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join("/")}`);

  it("property: a mapped path is the local prefix plus exactly the rest of the remote path", () => {
    fc.assert(
      fc.property(posixPath, posixPath, fc.array(segment, { maxLength: 4 }), (remote, local, rest) => {
        const file = [remote, ...rest].join("/");
        const mapped = mapPath(file, [{ remote, local }]);
        expect(mapped).toBe([local, ...rest].join("/"));
      }),
    );
  });

  it("property: a path that only shares a string prefix (not a segment) is never mapped", () => {
    fc.assert(
      fc.property(posixPath, segment, (remote, suffix) => {
        const sibling = `${remote}${suffix}/file.mkv`;
        expect(mapPath(sibling, [{ remote, local: "/mapped" }])).toBe(sibling);
      }),
    );
  });

  it("property: the most specific of two nested mappings wins whatever their order", () => {
    fc.assert(
      fc.property(posixPath, segment, segment, fc.boolean(), (outer, inner, name, reversed) => {
        const list = [
          { remote: outer, local: "/outer" },
          { remote: `${outer}/${inner}`, local: "/inner" },
        ];
        const mapper = createPathMapper(reversed ? list.reverse() : list);
        expect(mapper(`${outer}/${inner}/${name}`)).toBe(`/inner/${name}`);
      }),
    );
  });
});

describe("local → remote path mapping", () => {
  const mappings = [
    { remote: "/tv", local: "/mnt/media/tv" },
    { remote: "/tv/anime", local: "/mnt/anime" },
    { remote: "D:\\Movies", local: "/mnt/movies" },
  ];
  const toRemote = createRemotePathMapper(mappings);

  it("undoes the remote → local mapping", () => {
    expect(toRemote("/mnt/media/tv/Show/S01E01.mkv")).toBe("/tv/Show/S01E01.mkv");
    expect(toRemote("/mnt/anime/Show/S01E01.mkv")).toBe("/tv/anime/Show/S01E01.mkv");
  });

  it("writes a Windows remote with its own separators", () => {
    expect(toRemote("/mnt/movies/Film (2020)/film.mkv")).toBe("D:\\Movies\\Film (2020)\\film.mkv");
  });

  it("matches whole local segments only and leaves other paths alone", () => {
    expect(toRemote("/mnt/media/tvshows/a.mkv")).toBe("/mnt/media/tvshows/a.mkv");
    expect(toRemote("/elsewhere/a.mkv")).toBe("/elsewhere/a.mkv");
  });

  it("round-trips every mapped remote path", () => {
    const toLocal = createPathMapper(mappings);
    fc.assert(
      fc.property(fc.constantFrom("/tv", "/tv/anime"), fc.array(fc.stringMatching(/^[A-Za-z0-9 ._-]{1,12}$/), { minLength: 1, maxLength: 4 }), (root, segments) => {
        const remote = `${root}/${segments.join("/")}`;
        expect(toRemote(toLocal(remote))).toBe(remote);
      }),
    );
  });
});
