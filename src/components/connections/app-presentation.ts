import type { AppType } from "~/lib/queue-enums";

/** How each app type looks and is talked about in the browser; what it can do is the server's app definition's to say. */
export interface AppPresentation {
  label: string;
  /** Plural noun for what a sync imports. */
  itemNoun: string;
  /**
   * What a quick sync skips when unchanged (a series, a scene), and what tells it a change (Sonarr's
   * statistics, Stash's file records): for the sync buttons, the form and the history.
   */
  parent: { one: string; many: string; changeSignal: string };
  urlPlaceholder: string;
  /** Where to find the API key, shown under the field. */
  apiKeyHint: string;
  /** Brand-ish accent for the icon tile (a Tailwind class pair, text on a tinted tile). */
  accentClassName: string;
}

export const APP_PRESENTATION = {
  sonarr: {
    label: "Sonarr",
    itemNoun: "episode files",
    parent: { one: "series", many: "series", changeSignal: "statistics" },
    urlPlaceholder: "http://localhost:8989",
    apiKeyHint: "Sonarr → Settings → General → Security → API Key",
    accentClassName: "bg-sky-500/15 text-sky-400 ring-sky-400/30",
  },
  radarr: {
    label: "Radarr",
    itemNoun: "movies",
    parent: { one: "movie", many: "movies", changeSignal: "files" },
    urlPlaceholder: "http://localhost:7878",
    apiKeyHint: "Radarr → Settings → General → Security → API Key",
    accentClassName: "bg-amber-400/15 text-amber-300 ring-amber-300/30",
  },
  stash: {
    label: "Stash",
    itemNoun: "scenes",
    parent: { one: "scene", many: "scenes", changeSignal: "files" },
    urlPlaceholder: "http://localhost:9999",
    apiKeyHint: "Stash → Settings → Security → API Key",
    accentClassName: "bg-violet-500/15 text-violet-300 ring-violet-300/30",
  },
} as const satisfies Record<AppType, AppPresentation>;

export function appPresentation(appType: AppType): AppPresentation {
  return APP_PRESENTATION[appType];
}
