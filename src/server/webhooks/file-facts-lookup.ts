import "server-only";
import pLimit from "p-limit";
import { z } from "zod";
import { arrFileFields, toLibraryFile } from "~/server/connections/arr-common";
import type { FileFacts, FileFactsLookup } from "./apply-webhook-event";
import { createGroupCommitter } from "./group-commit";
import { openLookupHttp, type LookupConnection } from "./lookup-http";

/**
 * When a webhook arrives before the app scanned the file (no mediaInfo), ask its REST API by file
 * id. The app is waiting for our answer, so: no retries, short timeouts, a few requests at a time,
 * and a bound on the whole delivery — at most MAX_LOOKUPS files asked about, all within one
 * deadline — because a season pack (or a crafted body) can name thousands of files. A failure is
 * not fatal: the item is queued with an unknown codec (a sync or "Fill from connection" finds it).
 */
const CONCURRENCY = 4;
const MAX_LOOKUPS = 100;
const DEADLINE_MS = 30_000;

export interface FileFactsLookupBounds {
  maxLookups: number;
  deadlineMs: number;
}

const arrFileSchema = z.object(arrFileFields);

type LookupAnswer = Awaited<ReturnType<FileFactsLookup>>;

interface LookupRequest {
  fileIds: readonly number[];
  /** Date.now() plus the delivery's deadline: its lookup ends by then, however long its group waited. */
  deadlineAt: number;
}

/**
 * Deliveries of one connection arriving together share one HTTP client (one keep-alive connection,
 * one opened API key) and one pass over their files, a few requests at a time (group-commit.ts).
 * Keyed by everything the client is built from, so an edited connection gets a group of its own.
 */
const lookupGroups = new Map<string, (request: LookupRequest) => Promise<LookupAnswer>>();
const MAX_GROUP = 64;

export function createFileFactsLookup(
  connection: LookupConnection,
  { maxLookups, deadlineMs }: FileFactsLookupBounds = { maxLookups: MAX_LOOKUPS, deadlineMs: DEADLINE_MS },
): FileFactsLookup {
  const key = JSON.stringify([connection.appType, connection.baseUrl, connection.apiKeyEncrypted, connection.trustedCertSha256]);
  let together = lookupGroups.get(key);
  if (!together) {
    together = createGroupCommitter((requests: readonly LookupRequest[]) => lookUpGroup(connection, requests), MAX_GROUP);
    lookupGroups.set(key, together);
  }
  const join = together;
  return (fileIds) => join({ fileIds: fileIds.slice(0, maxLookups), deadlineAt: Date.now() + deadlineMs });
}

/**
 * The group's deadline is its earliest delivery's: the group before it ended by then too (its
 * deliveries came earlier), so no delivery's lookups outlast its own deadline.
 */
async function lookUpGroup(connection: LookupConnection, requests: readonly LookupRequest[]): Promise<LookupAnswer[]> {
  const deadline = AbortSignal.timeout(Math.max(0, Math.min(...requests.map((request) => request.deadlineAt)) - Date.now()));
  const opened = openLookupHttp(connection, deadline);
  if (!opened.ok) return requests.map(() => ({ ok: false, message: opened.error.message }));
  const { http } = opened;
  const sonarr = connection.appType === "sonarr";
  const limit = pLimit(CONCURRENCY);
  const answers = new Map<number, { ok: true; facts: FileFacts } | { ok: false; message: string }>();
  try {
    const lookUp = async (id: number) => {
      const result = await http.getJson(`/api/v3/${sonarr ? "episodefile" : "moviefile"}/${id}`, arrFileSchema, { retry: false });
      // Filed under the id the app answered with, as the facts are looked up by it.
      if (result.ok) answers.set(result.data.id, { ok: true, facts: factsOf(result.data, connection) });
      else answers.set(id, { ok: false, message: result.error.message });
    };
    // Past the deadline the requests still waiting are not sent (the client is cancelled anyway).
    const distinct = [...new Set(requests.flatMap((request) => request.fileIds))];
    await Promise.all(distinct.map((id) => limit(async () => (deadline.aborted ? undefined : lookUp(id)))));
  } finally {
    await http.close();
  }
  return requests.map(({ fileIds }) => {
    const facts = new Map<number, FileFacts>();
    let firstError: string | null = null;
    for (const id of fileIds) {
      const answer = answers.get(id);
      if (answer?.ok) facts.set(id, answer.facts);
      else if (answer) firstError ??= answer.message;
    }
    // Partial answers still help; report failure only when nothing came back.
    if (facts.size === 0 && firstError !== null) return { ok: false, message: firstError };
    return { ok: true, facts };
  });
}

function factsOf(file: z.infer<typeof arrFileSchema>, connection: LookupConnection): FileFacts {
  const library = toLibraryFile(file, connection.appType);
  return {
    codecRaw: library.codecRaw,
    width: library.width,
    height: library.height,
    bitrate: library.bitrate,
    durationSeconds: library.durationSeconds,
    qualitySource: library.qualitySource,
  };
}
