import { z } from "zod";
import { CODECS, QUEUE_SOURCES, QUEUE_STATUSES } from "~/lib/queue-enums";
import {
  DEFAULT_QUEUE_SORT,
  QUEUE_BULK_MAX_IDS,
  QUEUE_LIST_MAX_LIMIT,
  QUEUE_PRIORITY_MAX,
  QUEUE_PRIORITY_MIN,
  QUEUE_SEARCH_MAX_LENGTH,
  QUEUE_SORTS,
  RESOLUTION_FILTERS,
} from "~/lib/queue-list-options";
import { decodeCursor, MAX_CURSOR_LENGTH } from "./queue-cursor";

/** Input schemas of the queue router (public contract: ../shared/specs/api-contract.md). */
const cursorParam = z
  .string()
  .max(MAX_CURSOR_LENGTH, "Invalid cursor")
  .transform((raw, ctx) => {
    const cursor = decodeCursor(raw);
    if (!cursor) {
      ctx.addIssue({ code: "custom", message: "Invalid cursor: pass back a nextCursor exactly as received" });
      return z.NEVER;
    }
    return cursor;
  });

export const queueListInput = z
  .object({
    limit: z.number().int().min(1).max(QUEUE_LIST_MAX_LIMIT).default(50),
    cursor: cursorParam.nullish(),
    sort: z.enum(QUEUE_SORTS).default(DEFAULT_QUEUE_SORT),
    status: z.enum(QUEUE_STATUSES).optional(),
    codec: z.enum(CODECS).optional(),
    source: z.enum(QUEUE_SOURCES).optional(),
    connectionId: z.number().int().positive().optional(),
    resolution: z.enum(RESOLUTION_FILTERS).optional(),
    search: z.string().trim().max(QUEUE_SEARCH_MAX_LENGTH).optional(),
  })
  .refine((input) => !input.cursor || input.cursor.sort === input.sort, { message: "This cursor belongs to another sort order", path: ["cursor"] });
export type QueueListInput = z.output<typeof queueListInput>;

const ids = z.array(z.number().int().positive()).min(1).max(QUEUE_BULK_MAX_IDS);

export const queueIdsInput = z.object({ ids });

export const queueSetPriorityInput = z.object({ ids, priority: z.number().int().min(QUEUE_PRIORITY_MIN).max(QUEUE_PRIORITY_MAX) });
