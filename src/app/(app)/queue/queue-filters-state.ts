import { z } from "zod";
import { CODECS, QUEUE_SOURCES, QUEUE_STATUSES } from "~/lib/queue-enums";
import { DEFAULT_QUEUE_SORT, QUEUE_SEARCH_MAX_LENGTH, QUEUE_SORTS, RESOLUTION_FILTERS } from "~/lib/queue-list-options";
import type { RouterInputs } from "~/trpc/react";

/**
 * The queue page's filters live in the URL (?status=failed&sort=size-desc&q=…), so a view can be
 * bookmarked, shared and survives a reload. Anything unparseable in the URL is simply ignored.
 */
const filtersSchema = z.object({
  status: z.enum(QUEUE_STATUSES).optional().catch(undefined),
  codec: z.enum(CODECS).optional().catch(undefined),
  source: z.enum(QUEUE_SOURCES).optional().catch(undefined),
  resolution: z.enum(RESOLUTION_FILTERS).optional().catch(undefined),
  sort: z.enum(QUEUE_SORTS).catch(DEFAULT_QUEUE_SORT),
  q: z.string().max(QUEUE_SEARCH_MAX_LENGTH).optional().catch(undefined),
});
export type QueueFilters = z.infer<typeof filtersSchema>;
export type FilterKey = keyof QueueFilters;

export function filtersFromSearchParams(params: URLSearchParams): QueueFilters {
  return filtersSchema.parse({
    status: params.get("status") ?? undefined,
    codec: params.get("codec") ?? undefined,
    source: params.get("source") ?? undefined,
    resolution: params.get("resolution") ?? undefined,
    sort: params.get("sort") ?? undefined,
    q: params.get("q") ?? undefined,
  });
}

export function searchParamsFromFilters(filters: QueueFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value && !(key === "sort" && value === DEFAULT_QUEUE_SORT)) params.set(key, value);
  }
  return params.toString();
}

export function hasActiveFilters(filters: QueueFilters): boolean {
  return Boolean(filters.status || filters.codec || filters.source || filters.resolution || filters.q?.trim());
}

export const PAGE_SIZE = 100;

export function listInputOf(filters: QueueFilters): Omit<RouterInputs["queue"]["list"], "cursor"> {
  return {
    limit: PAGE_SIZE,
    sort: filters.sort,
    status: filters.status,
    codec: filters.codec,
    source: filters.source,
    resolution: filters.resolution,
    search: filters.q?.trim() || undefined,
  };
}
