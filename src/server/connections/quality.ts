/**
 * Sonarr/Radarr quality sources → Optimizarr's `qualitySource` (QueueItem), so the queue can
 * tell a remux (worth encoding, huge) from a web download. The two apps spell sources
 * differently and only Radarr has a modifier (see ../shared/specs/arr-api-facts.md, "Quality").
 */
export const QUALITY_SOURCES = ["remux", "bluray", "brdisk", "webdl", "webrip", "hdtv", "rawhd", "dvd", "cam", "telesync", "telecine", "workprint"] as const;
export type QualitySource = (typeof QUALITY_SOURCES)[number];

const SONARR_SOURCES: Record<string, QualitySource | null> = {
  blurayRaw: "remux",
  bluray: "bluray",
  web: "webdl",
  webRip: "webrip",
  television: "hdtv",
  televisionRaw: "rawhd",
  dvd: "dvd",
  unknown: null,
};

const RADARR_SOURCES: Record<string, QualitySource | null> = {
  bluray: "bluray",
  webdl: "webdl",
  webrip: "webrip",
  tv: "hdtv",
  dvd: "dvd",
  cam: "cam",
  telesync: "telesync",
  telecine: "telecine",
  workprint: "workprint",
  unknown: null,
};

/** Radarr modifiers that say more than the source does; regional and screener don't change what the file is. */
const RADARR_MODIFIERS: Record<string, QualitySource> = {
  remux: "remux",
  brdisk: "brdisk",
  rawhd: "rawhd",
};

export function sonarrQualitySource(source: string | null | undefined): QualitySource | null {
  return source ? (SONARR_SOURCES[source] ?? null) : null;
}

export function radarrQualitySource(source: string | null | undefined, modifier: string | null | undefined): QualitySource | null {
  const fromModifier = modifier ? RADARR_MODIFIERS[modifier] : undefined;
  if (fromModifier) return fromModifier;
  return source ? (RADARR_SOURCES[source] ?? null) : null;
}

/** Radarr's modifier as reported, `none` meaning none. */
export function radarrQualityModifier(modifier: string | null | undefined): string | null {
  return modifier && modifier !== "none" ? modifier : null;
}
