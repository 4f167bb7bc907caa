/**
 * Sonarr/Radarr v3 resources shaped like the real ones (field names and types from
 * ../shared/specs/{sonarr,radarr}-openapi.json; nulls left out, as the apps do), for the fake
 * servers. Builders take overrides; generators make large libraries lazily, item by item, so a
 * 100k-file fake costs no memory until served.
 */

/** An array, or anything that hands out items by index (a generated library). */
export interface ListLike<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
export type JsonObject = { [key: string]: Json | undefined };

export interface MediaInfoOptions {
  videoCodec?: string;
  resolution?: string;
  videoBitrate?: number;
  runTime?: string;
}

export function fakeMediaInfo(options: MediaInfoOptions = {}): JsonObject {
  return {
    audioBitrate: 640_000,
    audioChannels: 5.1,
    audioCodec: "EAC3",
    audioLanguages: "eng",
    audioStreamCount: 1,
    videoBitDepth: 8,
    videoBitrate: options.videoBitrate ?? 8_000_000,
    videoCodec: options.videoCodec ?? "x264",
    videoFps: 23.976,
    videoDynamicRange: "",
    videoDynamicRangeType: "",
    resolution: options.resolution ?? "1920x1080",
    runTime: options.runTime ?? "1:52:03",
    scanType: "Progressive",
    subtitles: "eng/fre",
  };
}

const qualities = {
  radarr: {
    "WEBDL-1080p": { id: 3, name: "WEBDL-1080p", source: "webdl", resolution: 1080, modifier: "none" },
    "Bluray-1080p": { id: 7, name: "Bluray-1080p", source: "bluray", resolution: 1080, modifier: "none" },
    "Remux-2160p": { id: 31, name: "Remux-2160p", source: "bluray", resolution: 2160, modifier: "remux" },
    "HDTV-720p": { id: 4, name: "HDTV-720p", source: "tv", resolution: 720, modifier: "none" },
  },
  sonarr: {
    "WEBDL-1080p": { id: 3, name: "WEBDL-1080p", source: "web", resolution: 1080 },
    "WEBRip-1080p": { id: 15, name: "WEBRip-1080p", source: "webRip", resolution: 1080 },
    "HDTV-720p": { id: 4, name: "HDTV-720p", source: "television", resolution: 720 },
    "Bluray-1080p Remux": { id: 20, name: "Bluray-1080p Remux", source: "blurayRaw", resolution: 1080 },
    "Raw-HD": { id: 10, name: "Raw-HD", source: "televisionRaw", resolution: 1080 },
  },
} as const;

export type RadarrQualityName = keyof typeof qualities.radarr;
export type SonarrQualityName = keyof typeof qualities.sonarr;

function qualityModel(quality: JsonObject): JsonObject {
  return { quality, revision: { version: 1, real: 0, isRepack: false } };
}

export interface FileOptions {
  id: number;
  path: string;
  size?: number;
  quality?: string;
  /** null: the file was never scanned (no mediaInfo). */
  mediaInfo?: MediaInfoOptions | null;
  dateAdded?: string;
}

export function fakeMovieFile(movieId: number, options: FileOptions): JsonObject {
  const quality = qualities.radarr[(options.quality ?? "WEBDL-1080p") as RadarrQualityName] ?? qualities.radarr["WEBDL-1080p"];
  const file: JsonObject = {
    id: options.id,
    movieId,
    relativePath: options.path.split("/").pop() ?? options.path,
    path: options.path,
    size: options.size ?? 8_000_000_000,
    dateAdded: options.dateAdded ?? "2025-03-01T12:00:00Z",
    sceneName: "Some.Movie.2020.1080p.WEB-DL.x264-GRP",
    releaseGroup: "GRP",
    edition: "",
    languages: [{ id: 1, name: "English" }],
    quality: qualityModel({ ...quality }),
    customFormats: [],
    customFormatScore: 0,
    indexerFlags: 0,
    originalFilePath: "Some.Movie.2020.1080p.WEB-DL.x264-GRP.mkv",
    qualityCutoffNotMet: false,
  };
  if (options.mediaInfo !== null) file.mediaInfo = fakeMediaInfo(options.mediaInfo);
  return file;
}

/** A Radarr MovieResource; `file: null` makes a movie without a file (no `movieFile` key at all). */
export function fakeMovie(id: number, file: Omit<FileOptions, "id"> & { id?: number } | null, overrides: JsonObject = {}): JsonObject {
  const movieFile = file ? fakeMovieFile(id, { id: file.id ?? id, ...file }) : undefined;
  const movie: JsonObject = {
    id,
    title: `Movie ${id}`,
    originalTitle: `Movie ${id}`,
    originalLanguage: { id: 1, name: "English" },
    alternateTitles: [],
    secondaryYearSourceId: 0,
    sortTitle: `movie ${id}`,
    sizeOnDisk: movieFile ? (movieFile.size as number) : 0,
    status: "released",
    overview: "A film.",
    images: [{ coverType: "poster", url: `/MediaCover/${id}/poster.jpg`, remoteUrl: "https://image.tmdb.org/t/p/original/x.jpg" }],
    website: "",
    year: 2020,
    youTubeTrailerId: "",
    studio: "Studio",
    path: `/movies/Movie ${id} (2020)`,
    qualityProfileId: 1,
    hasFile: movieFile !== undefined,
    movieFileId: movieFile ? (movieFile.id as number) : 0,
    monitored: true,
    minimumAvailability: "released",
    isAvailable: true,
    folderName: `/movies/Movie ${id} (2020)`,
    runtime: 112,
    cleanTitle: `movie${id}`,
    imdbId: `tt${String(1_000_000 + id)}`,
    tmdbId: 100_000 + id,
    titleSlug: `${100_000 + id}`,
    rootFolderPath: "/movies",
    certification: "PG-13",
    genres: ["Drama"],
    keywords: [],
    tags: [],
    added: "2025-03-01T12:00:00Z",
    ratings: { imdb: { votes: 100, value: 7.1, type: "user" } },
    popularity: 12.5,
    statistics: { movieFileCount: movieFile ? 1 : 0, sizeOnDisk: movieFile ? (movieFile.size as number) : 0, releaseGroups: movieFile ? ["GRP"] : [] },
    ...(movieFile ? { movieFile } : {}),
    ...overrides,
  };
  return movie;
}

/**
 * A Sonarr SeriesResource with statistics (episodeFileCount sizes the sync; with sizeOnDisk and the
 * per-season figures they tell a quick sync whether the series changed). `sizeOnDisk`: the sum of its
 * files' sizes, as Sonarr computes it; `sonarrLibrary` passes the real sum.
 */
export function fakeSeries(id: number, episodeFileCount: number, overrides: JsonObject = {}, sizeOnDisk = episodeFileCount * 1_500_000_000): JsonObject {
  return {
    id,
    title: `Series ${id}`,
    alternateTitles: [],
    sortTitle: `series ${id}`,
    status: "continuing",
    ended: false,
    overview: "A show.",
    network: "Network",
    airTime: "21:00",
    images: [{ coverType: "poster", url: `/MediaCover/${id}/poster.jpg`, remoteUrl: "https://artworks.thetvdb.com/x.jpg" }],
    originalLanguage: { id: 1, name: "English" },
    seasons: [{ seasonNumber: 1, monitored: true, statistics: { episodeFileCount, episodeCount: episodeFileCount, totalEpisodeCount: episodeFileCount, sizeOnDisk, releaseGroups: episodeFileCount > 0 ? ["GRP"] : [], percentOfEpisodes: 100 } }],
    year: 2019,
    path: `/tv/Series ${id}`,
    qualityProfileId: 1,
    seasonFolder: true,
    monitored: true,
    monitorNewItems: "all",
    useSceneNumbering: false,
    runtime: 45,
    tvdbId: 300_000 + id,
    tvRageId: 0,
    tvMazeId: 0,
    tmdbId: 0,
    seriesType: "standard",
    cleanTitle: `series${id}`,
    imdbId: `tt${String(2_000_000 + id)}`,
    titleSlug: `series-${id}`,
    rootFolderPath: "/tv",
    certification: "TV-14",
    genres: ["Drama"],
    tags: [],
    added: "2024-01-01T00:00:00Z",
    ratings: { votes: 100, value: 8.1 },
    statistics: {
      seasonCount: 1,
      episodeFileCount,
      episodeCount: episodeFileCount,
      totalEpisodeCount: episodeFileCount,
      sizeOnDisk,
      releaseGroups: episodeFileCount > 0 ? ["GRP"] : [],
      percentOfEpisodes: 100,
    },
    languageProfileId: 1,
    ...overrides,
  };
}

export function fakeEpisodeFile(seriesId: number, options: FileOptions & { seasonNumber?: number }): JsonObject {
  const quality = qualities.sonarr[(options.quality ?? "WEBDL-1080p") as SonarrQualityName] ?? qualities.sonarr["WEBDL-1080p"];
  const file: JsonObject = {
    id: options.id,
    seriesId,
    seasonNumber: options.seasonNumber ?? 1,
    relativePath: `Season 01/${options.path.split("/").pop() ?? options.path}`,
    path: options.path,
    size: options.size ?? 1_500_000_000,
    dateAdded: options.dateAdded ?? "2025-02-01T20:00:00Z",
    sceneName: "Series.S01E01.1080p.WEB-DL.x264-GRP",
    releaseGroup: "GRP",
    languages: [{ id: 1, name: "English" }],
    quality: qualityModel({ ...quality }),
    customFormats: [],
    customFormatScore: 0,
    indexerFlags: 0,
    releaseType: "singleEpisode",
    qualityCutoffNotMet: false,
  };
  if (options.mediaInfo !== null) file.mediaInfo = fakeMediaInfo({ runTime: "44:10", ...options.mediaInfo });
  return file;
}

const CODEC_ROTATION = ["x264", "h264", "AVC", "x265", "HEVC", "AV1", "XviD", "MPEG2", "VC1", ""];

/** `length` items made on demand. */
export function generatedList<T>(length: number, make: (index: number) => T): ListLike<T> {
  return { length, at: (index) => (index >= 0 && index < length ? make(index) : undefined) };
}

/** N movies with files; codecs rotate through the facts file's values. */
export function generateRadarrLibrary(count: number): ListLike<JsonObject> {
  return generatedList(count, (index) => {
    const id = index + 1;
    return fakeMovie(id, {
      path: `/movies/Movie ${id} (2020)/Movie ${id} (2020) WEBDL-1080p.mkv`,
      size: 4_000_000_000 + id,
      mediaInfo: { videoCodec: CODEC_ROTATION[index % CODEC_ROTATION.length] },
    });
  });
}

/**
 * `seriesCount` series × `filesPerSeries` episode files, ids stable and unique. Each file's size is
 * 1,000,000,000 + its id, and each series' sizeOnDisk their sum, as Sonarr's statistics would say.
 */
export function generateSonarrLibrary(seriesCount: number, filesPerSeries: number): { series: ListLike<JsonObject>; episodeFiles: (seriesId: number) => ListLike<JsonObject> } {
  const sizeOnDisk = (seriesId: number) => {
    const firstId = (seriesId - 1) * filesPerSeries + 1;
    const lastId = firstId + filesPerSeries - 1;
    return filesPerSeries * 1_000_000_000 + ((firstId + lastId) * filesPerSeries) / 2;
  };
  return {
    series: generatedList(seriesCount, (index) => fakeSeries(index + 1, filesPerSeries, {}, sizeOnDisk(index + 1))),
    episodeFiles: (seriesId) =>
      seriesId < 1 || seriesId > seriesCount
        ? generatedList(0, () => ({}))
        : generatedList(filesPerSeries, (index) => {
            const id = (seriesId - 1) * filesPerSeries + index + 1;
            return fakeEpisodeFile(seriesId, {
              id,
              path: `/tv/Series ${seriesId}/Season 01/Series ${seriesId} - S01E${String(index + 1).padStart(3, "0")}.mkv`,
              size: 1_000_000_000 + id,
              mediaInfo: { videoCodec: CODEC_ROTATION[id % CODEC_ROTATION.length] },
            });
          }),
  };
}
