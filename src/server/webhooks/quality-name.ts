import type { QualitySource } from "~/server/connections/quality";

/**
 * Webhooks name the quality ("Bluray-1080p Remux", "Remux-2160p", "WEBDL-1080p", "DVDSCR"), where
 * the REST API gives source and modifier (mapped in ~/server/connections/quality.ts). Same target
 * values, so a webhook item and a synced one describe a file alike.
 */
const NAME_PATTERNS: readonly (readonly [RegExp, QualitySource])[] = [
  [/remux/, "remux"],
  [/brdisk/, "brdisk"],
  [/rawhd/, "rawhd"],
  [/bluray/, "bluray"],
  [/webdl/, "webdl"],
  [/webrip/, "webrip"],
  [/hdtv|sdtv/, "hdtv"],
  [/dvd|regional/, "dvd"],
  [/telesync/, "telesync"],
  [/telecine/, "telecine"],
  [/workprint/, "workprint"],
  [/cam/, "cam"],
];

export function qualitySourceFromName(name: string | null | undefined): QualitySource | null {
  const key = name?.toLowerCase().replace(/[\s_-]/g, "") ?? "";
  if (!key) return null;
  return NAME_PATTERNS.find(([pattern]) => pattern.test(key))?.[1] ?? null;
}
