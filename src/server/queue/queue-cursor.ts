import { z } from "zod";

/**
 * Keyset cursors for queue.list: the sort key and id of the last item a page returned, so the next
 * page starts right after it no matter how many rows were added or removed meanwhile (OFFSET would
 * skip or repeat rows, and gets slower with every page).
 *
 * On the wire a cursor is opaque base64url JSON, `[version, sort, id, key?]`. Clients may not build
 * or edit one; anything that does not decode to exactly this shape is refused, never trusted.
 */
export type QueueCursor =
  | { sort: "newest" | "oldest"; id: number }
  | { sort: "size-desc" | "size-asc" | "savings"; id: number; key: bigint }
  | { sort: "priority"; id: number; key: number }
  /**
   * `key` is the last public item's path; null once the page reached the private items, which the
   * path sort lists last by id because their real paths must not leave the server — not even here.
   */
  | { sort: "path"; id: number; key: string | null };

const CURSOR_VERSION = 1;
/** Longest path SQLite/ext4 setups produce is 4096 bytes; base64 of the JSON stays below this. */
export const MAX_CURSOR_LENGTH = 12_000;
const MAX_PATH_LENGTH = 4096;
const INT64_MAX = 2n ** 63n - 1n;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const int64Text = z
  .string()
  .regex(/^-?\d{1,19}$/)
  .transform((text) => BigInt(text))
  .refine((value) => value <= INT64_MAX && value >= -INT64_MAX - 1n);
const version = z.literal(CURSOR_VERSION);

const wireSchema = z.union([
  z.tuple([version, z.enum(["newest", "oldest"]), id]).transform(([, sort, id]): QueueCursor => ({ sort, id })),
  z.tuple([version, z.enum(["size-desc", "size-asc", "savings"]), id, int64Text]).transform(([, sort, id, key]): QueueCursor => ({ sort, id, key })),
  z.tuple([version, z.literal("priority"), id, z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1)]).transform(([, sort, id, key]): QueueCursor => ({ sort, id, key })),
  z.tuple([version, z.literal("path"), id, z.string().min(1).max(MAX_PATH_LENGTH).nullable()]).transform(([, sort, id, key]): QueueCursor => ({ sort, id, key })),
]);

export function encodeCursor(cursor: QueueCursor): string {
  const wire = "key" in cursor ? [CURSOR_VERSION, cursor.sort, cursor.id, typeof cursor.key === "bigint" ? cursor.key.toString() : cursor.key] : [CURSOR_VERSION, cursor.sort, cursor.id];
  return Buffer.from(JSON.stringify(wire), "utf8").toString("base64url");
}

/** The cursor, or null for anything that is not one this server issued (tampered, truncated, other version). */
export function decodeCursor(raw: string): QueueCursor | null {
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const result = wireSchema.safeParse(parsed);
  return result.success ? result.data : null;
}

