import { RESOLUTION_BUCKETS, type ResolutionBucket } from "./queue-enums";

/** What queue.list accepts besides the enums (client-safe: the queue page and the server share it). */
export const QUEUE_SORTS = ["newest", "oldest", "size-desc", "size-asc", "priority", "path", "savings"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export const DEFAULT_QUEUE_SORT: QueueSort = "newest";

export const QUEUE_SORT_LABELS = {
  newest: "Newest first",
  oldest: "Oldest first",
  "size-desc": "Largest first",
  "size-asc": "Smallest first",
  priority: "Priority (encoding order)",
  path: "Path (A–Z)",
  savings: "Largest savings first",
} as const satisfies Record<QueueSort, string>;

export const QUEUE_LIST_MAX_LIMIT = 500;
export const QUEUE_SEARCH_MAX_LENGTH = 500;
export const QUEUE_BULK_MAX_IDS = 1000;
export const QUEUE_PRIORITY_MIN = -100;
export const QUEUE_PRIORITY_MAX = 100;

/** Resolution filter values: the height buckets, plus files whose height is not known. */
export const RESOLUTION_FILTERS = [...RESOLUTION_BUCKETS.map((bucket) => bucket.key), "unknown"] as const satisfies readonly ResolutionBucket[];
