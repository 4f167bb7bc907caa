import "server-only";
import { z } from "zod";
import { badResponseError, fail, ok, type ErrorContext, type Result } from "./errors";

/**
 * What every Stash GraphQL call shares: the endpoint, the answer's envelope, Stash's id and
 * Int64 spellings, the queue's spelling of Stash's file and scene ids, and turning an answer into
 * data or a failure. Used by the library listings (stash-library.ts) and the hand-back
 * (stash-hand-back.ts).
 */
export const STASH_GRAPHQL_PATH = "/graphql";

/** Every GraphQL answer: `data`, or `errors` (a 200 that carries a failure). */
export function graphqlResponseSchema<T extends z.ZodType>(data: T) {
  return z.object({ data: data.nullish(), errors: z.array(z.unknown()).nullish() });
}

/** IDs are GraphQL `ID`s: strings in JSON, though only ever integers in Stash. */
export const idSchema = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

/** A file's id in the queue: `sceneFile:<file id>`, stable while Stash moves files between scenes. */
export function stashExternalId(fileId: string): string {
  return `sceneFile:${fileId}`;
}

/** A scene as QueueItem.externalParentId and the sync's snapshots spell it: `scene:<scene id>`. */
export function stashParentId(sceneId: string): string {
  return `scene:${sceneId}`;
}

/** Int64 is a JSON number in Stash; accept a digit string too, as GraphQL servers may send 64-bit values that way. */
export const int64Schema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform((value) => BigInt(value));

/** A GraphQL answer's data, or a failure: `errors` on a 200 is Stash refusing the query. */
export function dataOf<T>(result: Result<{ data?: T | null; errors?: unknown[] | null }>, context: ErrorContext, what: string): Result<T> {
  if (!result.ok) return result;
  const { data, errors } = result.data;
  // The errors' text stays out of the message: it is upstream text, and may quote our query's values.
  if (errors && errors.length > 0) return fail({ category: "bad_response", message: `${context.app} answered the query for ${what} with an error: check ${context.app}'s log (Settings → Logs)` });
  if (data === undefined || data === null) return fail(badResponseError(context, `no data for ${what}`));
  return ok(data);
}
