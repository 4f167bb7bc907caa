import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "~/server/api/root";
import { db } from "~/server/db";
import { upsertQueueItems } from "~/server/queue/queue-writer";
import { getInstanceApiKey } from "~/server/settings/settings-service";
import { signedInCaller } from "../support/callers";
import { changedTables, openFingerprintReader, type DatabaseFingerprint } from "../support/database-fingerprint";
import { anyInput, nearMiss, rawEnvelope } from "../support/fuzz-inputs";
import { getOverHttp, postOverHttp, sendRawOverHttp } from "../support/trpc-calls";
import { createWebhookConnection } from "../support/webhook-delivery";

/**
 * Every procedure of the app router, found at run time (a new one is fuzzed without touching this
 * file), called over the real fetch handler with the instance API key and inputs nobody should
 * send. What must hold: the answer is never 5xx, and a rejected input stores nothing.
 *
 * Reproduce a failure with the seed fast-check prints: FUZZ_SEED=<seed> npx vitest run <this file>.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const RAW_RUNS = Math.ceil(RUNS / 3);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Per property; generous because the two cores are shared with the rest of the suite. */
const PROPERTY_TIMEOUT_MS = 60_000;

interface FuzzedProcedure {
  path: string;
  type: "query" | "mutation";
  inputSchema: unknown;
}

/** tRPC 11 keeps a flat `path → procedure` map beside the nested record. */
function proceduresOf(router: { _def: { procedures: object } }): FuzzedProcedure[] {
  return Object.entries(router._def.procedures).flatMap(([procedurePath, procedure]: [string, unknown]) => {
    // A procedure is a function carrying its definition in `_def`.
    const parsed = procedureDefinition.safeParse(typeof procedure === "function" && "_def" in procedure ? procedure._def : undefined);
    if (!parsed.success) throw new Error(`${procedurePath} is not a procedure shaped as tRPC 11 shapes them`);
    const { type, inputs } = parsed.data;
    if (type === "subscription") return [];
    return [{ path: procedurePath, type, inputSchema: inputs[0] }];
  });
}

const procedureDefinition = z.object({ type: z.enum(["query", "mutation", "subscription"]), inputs: z.array(z.unknown()) });

/** tRPC's error answer, superjson-wrapped; `category` is set when a remote app failed, not our input. */
const errorAnswer = z.object({
  error: z.object({ json: z.object({ data: z.object({ category: z.string().nullable().optional() }).loose() }).loose() }),
});

const procedures = proceduresOf(appRouter);
const reader = openFingerprintReader();
let scanFolder = "";

beforeAll(async () => {
  scanFolder = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-fuzz-scan-"));
  // Something for valid ids to find: a connection at a closed port, an empty scan root, queue items.
  const connection = await createWebhookConnection({ appType: "sonarr" });
  await signedInCaller().scanRoots.create({ name: "Fuzz", path: scanFolder });
  await upsertQueueItems(
    db,
    [1, 2, 3].map((index) => ({
      filePath: `/mnt/media/fuzz/file ${index}.mkv`,
      sizeBytes: 6_000_000_000n,
      codec: "h264",
      codecRaw: "h264",
      width: 1920,
      height: 1080,
      bitrate: 9_000_000,
      durationSeconds: 3600,
      qualitySource: "webdl",
      source: "sonarr",
      connectionId: connection.id,
      externalId: null,
      externalParentId: null,
      fileModifiedAt: null,
    })),
    { targetCodec: "h265" },
  );
});

afterAll(() => {
  reader.close();
  fs.rmSync(scanFolder, { recursive: true, force: true });
});

/** Waits until background work an accepted mutation started (a sync, a scan) stops writing. */
async function settle(): Promise<DatabaseFingerprint> {
  let previous = reader.fingerprint();
  for (let attempt = 0; attempt < 150; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const current = reader.fingerprint();
    if (changedTables(previous, current).length === 0) return current;
    previous = current;
  }
  throw new Error("the database kept changing for 3 s after an accepted call");
}

function isRemoteFailure(body: unknown): boolean {
  const parsed = errorAnswer.safeParse(body);
  return parsed.success && typeof parsed.data.error.json.data.category === "string";
}

/**
 * One call and its promises: never 5xx, no polluted prototype; a query never writes, and a refused
 * mutation leaves no trace (a remote app's failure is recorded on its connection by design).
 */
async function checkCall(
  { path: procedurePath, type }: FuzzedProcedure,
  input: unknown,
  send: (apiKey: string) => Promise<{ status: number; body: unknown }>,
): Promise<void> {
  const apiKey = await getInstanceApiKey(db);
  const before = reader.fingerprint();
  const answer = await send(apiKey);

  expect(answer.status, `${procedurePath} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`).toBeLessThan(500);
  expect("polluted" in {}, `${procedurePath} polluted Object.prototype`).toBe(false);
  const refused = answer.status >= 400 && !isRemoteFailure(answer.body);
  if (type === "query" || refused) {
    const changed = changedTables(before, reader.fingerprint());
    expect(changed, `${type} ${procedurePath} answered ${answer.status} but changed the database; input: ${describeInput(input)}`).toEqual([]);
  } else {
    await settle();
  }
}

function describeInput(input: unknown): string {
  return fc.stringify(input).slice(0, 300);
}

describe.each(procedures)("fuzzing $type $path", (procedure) => {
  const { path: procedurePath, type, inputSchema } = procedure;
  const call = (input: unknown) => (apiKey: string) => (type === "query" ? getOverHttp(procedurePath, input, apiKey) : postOverHttp(procedurePath, input, apiKey));
  // Without an input parser tRPC ignores the input: a few runs prove that, more prove nothing new.
  const runs = inputSchema === undefined ? Math.min(RUNS, 5) : RUNS;

  it("never answers 5xx; a query stores nothing, nor does a refused mutation", async () => {
    const safePaths = ["/nonexistent/optimizarr-fuzz", scanFolder];
    const inputs = fc.oneof(anyInput, nearMiss(inputSchema, safePaths));

    await fc.assert(
      fc.asyncProperty(inputs, (input) => checkCall(procedure, input, call(input))),
      { numRuns: runs, seed: SEED },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("never answers 5xx to a malformed envelope", async () => {
    const method = type === "query" ? "GET" : "POST";
    await fc.assert(
      fc.asyncProperty(rawEnvelope, (raw) => checkCall(procedure, raw, (apiKey) => sendRawOverHttp(procedurePath, method, raw, apiKey))),
      { numRuns: Math.min(runs, RAW_RUNS), seed: SEED },
    );
  }, PROPERTY_TIMEOUT_MS);
});

it("finds every procedure of the app router", () => {
  // Guards the enumeration itself: an empty list would make every fuzz test above pass vacuously.
  expect(procedures.length).toBeGreaterThanOrEqual(38);
  expect(procedures.map(({ path: procedurePath }) => procedurePath)).toEqual(expect.arrayContaining(["queue.list", "connections.create", "settings.updateGeneral", "setup.createAdmin"]));
});
