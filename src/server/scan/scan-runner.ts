import "server-only";
import os from "node:os";
import pLimit from "p-limit";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import type { MediaFacts } from "~/server/media/media-facts";
import { privateLabel } from "~/server/privacy/redact";
import { findQueueItemsByPath, upsertQueueItems, type ExistingRow, type QueueItemInput } from "~/server/queue/queue-writer";
import { getGeneralSettings } from "~/server/settings/settings-service";
import { detectFfprobe, getFfprobeStatus, probeFile, type ProbeResult } from "./ffprobe";
import { isVideoFileName } from "./scan-filters";
import { recordProblem, type ScanProgress } from "./scan-progress";
import { markVanishedFiles } from "./vanished-files";
import { walkFiles, type WalkedFile, type WalkFileSystem, type WalkIssue } from "./walk-files";

const log = createLogger("scan");

/**
 * One scan of one root: walk → (per batch) look up what the DB already knows → ffprobe what is new
 * or changed → hand the batch to the queue writer → mark queued files gone from disk as removed.
 * Memory stays at one batch however big the tree.
 */
export interface ScanTarget {
  id: number;
  path: string;
  /** A private root, or one linked to a private connection: no path reaches logs or the UI. */
  private: boolean;
  displayAlias: string | null;
}

export interface ScanRunOptions {
  signal: AbortSignal;
  batchSize?: number;
  probeConcurrency?: number;
  probeTimeoutMs?: number;
  /** Overrides FFPROBE_PATH (tests use a missing binary to check the no-ffprobe path). */
  ffprobeCommand?: string;
  fileSystem?: WalkFileSystem;
}

export const DEFAULT_BATCH_SIZE = 500;
/**
 * ffprobe is mostly I/O on network shares, but each one also decodes headers: stay near the core
 * count. Shared by all scans, so scanning several roots at once does not multiply the load.
 */
const sharedProbeLimit = pLimit(Math.min(4, Math.max(2, os.availableParallelism())));
const MAX_LOGGED_PROBLEMS = 20;

const WALK_ISSUE_MESSAGES: Record<WalkIssue["reason"], string> = {
  unreadable: "Could not be read; skipped",
  loop: "Symlink loop (leads back to a folder already being scanned); skipped",
  "duplicate-link": "Symlink to something inside this scan root, which is scanned under its real path; skipped",
  "broken-link": "Broken symlink; skipped",
  vanished: "Disappeared during the scan; skipped",
};

const PRIVATE_PROBE_MESSAGES: Record<Exclude<ProbeResult, { ok: true }>["reason"], string> = {
  timeout: "ffprobe timed out",
  failed: "ffprobe could not read the file",
  no_video: "No video stream found",
  bad_output: "ffprobe gave unexpected output",
  aborted: "Scan cancelled",
};

export async function runScan(db: Database, target: ScanTarget, progress: ScanProgress, options: ScanRunOptions): Promise<void> {
  const { signal } = options;
  const shown = (value: string) => (target.private ? privateLabel(target.displayAlias) : value);
  let loggedProblems = 0;
  const logProblem = (fields: Record<string, unknown>, message: string) => {
    if (loggedProblems++ < MAX_LOGGED_PROBLEMS) log.warn({ rootId: target.id, ...fields }, message);
  };

  const ffprobe = options.ffprobeCommand ? await detectFfprobe(options.ffprobeCommand) : await getFfprobeStatus();
  progress.ffprobeAvailable = ffprobe.available;
  if (!ffprobe.available) log.warn({ rootId: target.id, reason: ffprobe.error }, "ffprobe unavailable: files are queued with codec unknown");
  const { targetCodec } = await getGeneralSettings(db);
  const limit = options.probeConcurrency ? pLimit(options.probeConcurrency) : sharedProbeLimit;

  const onIssue = (issue: WalkIssue) => {
    progress.skippedFolders += 1;
    const message = issue.code ? `${WALK_ISSUE_MESSAGES[issue.reason]} (${issue.code})` : WALK_ISSUE_MESSAGES[issue.reason];
    recordProblem(progress, { path: shown(issue.path), kind: issue.reason, message });
    logProblem({ path: shown(issue.path), reason: issue.reason, code: issue.code }, "scan skipped a folder or link");
  };

  const factsFor = async (file: WalkedFile, known: ExistingRow | undefined): Promise<MediaFacts | null> => {
    const unchanged = known && known.sizeBytes === file.sizeBytes && known.fileModifiedAt?.getTime() === file.modifiedAt.getTime() && known.codec !== "unknown";
    // Unchanged files keep what the last probe learnt: the writer never erases facts with nulls.
    if (unchanged || !ffprobe.available) return null;
    const result = await probeFile(file.path, { signal, timeoutMs: options.probeTimeoutMs, command: ffprobe.command });
    if (result.ok) {
      progress.probed += 1;
      return result.facts;
    }
    if (result.reason !== "aborted") {
      progress.errors += 1;
      // ffprobe's own words can quote container titles or names: a private root gets only the kind of failure.
      const message = target.private ? PRIVATE_PROBE_MESSAGES[result.reason] : result.message;
      recordProblem(progress, { path: shown(file.path), kind: "probe_failed", message });
      logProblem({ path: shown(file.path), reason: result.reason, message }, "ffprobe could not read a file; queued with codec unknown");
    }
    return null;
  };

  const processBatch = async (batch: WalkedFile[]) => {
    progress.phase = "probing";
    const known = await findQueueItemsByPath(db, batch.map((file) => file.path));
    const inputs = await Promise.all(
      batch.map((file) =>
        limit(async () => {
          const facts = signal.aborted ? null : await factsFor(file, known.get(file.path));
          progress.processed += 1;
          return toQueueInput(file, facts);
        }),
      ),
    );
    signal.throwIfAborted();
    progress.phase = "writing";
    const counts = await upsertQueueItems(db, inputs, { targetCodec });
    progress.added += counts.added;
    progress.updated += counts.updated;
    progress.unchanged += counts.unchanged;
    progress.skipped += counts.skipped;
    progress.phase = "walking";
  };

  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let batch: WalkedFile[] = [];
  progress.phase = "walking";
  for await (const file of walkFiles(target.path, { includeFile: isVideoFileName, onIssue, signal, fileSystem: options.fileSystem })) {
    progress.found += 1;
    batch.push(file);
    if (batch.length >= batchSize) {
      await processBatch(batch);
      batch = [];
    }
  }
  progress.walkFinished = true;
  if (batch.length > 0) await processBatch(batch);
  // Like Sonarr's disk scan: an empty root is more likely an unmounted share than a deleted library.
  if (progress.found > 0) {
    progress.phase = "checking";
    await markVanishedFiles(db, target.path, { signal, fileSystem: options.fileSystem, onRemoved: (count) => (progress.removed += count) });
  }
  if (loggedProblems > MAX_LOGGED_PROBLEMS) log.warn({ rootId: target.id, more: loggedProblems - MAX_LOGGED_PROBLEMS }, "further scan problems not logged individually");
}

function toQueueInput(file: WalkedFile, facts: MediaFacts | null): QueueItemInput {
  return {
    filePath: file.path,
    sizeBytes: file.sizeBytes,
    codec: facts?.codec ?? "unknown",
    codecRaw: facts?.codecRaw ?? null,
    width: facts?.width ?? null,
    height: facts?.height ?? null,
    bitrate: facts?.bitrate ?? null,
    durationSeconds: facts?.durationSeconds ?? null,
    qualitySource: null,
    source: "scan",
    // Scans never claim a file for a connection: the connection's own sync owns its ids.
    connectionId: null,
    externalId: null,
    externalParentId: null,
    fileModifiedAt: file.modifiedAt,
  };
}
