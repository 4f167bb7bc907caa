import type { Codec } from "~/lib/queue-enums";
import type { MediaFacts } from "~/server/media/media-facts";
import type { ConnectionError, Result } from "./errors";
import type { QualitySource } from "./quality";

/**
 * What every app client offers, whatever protocol it speaks: a test, and its library as a stream
 * of normalised files. Sync, enrichment and the benchmark only ever see this interface.
 */
export interface LibraryFile extends MediaFacts {
  /** Stable id within the connection: "movieFile:12", "episodeFile:345". */
  externalId: string;
  /** The series, movie or scene holding it ("series:7", "movie:12", "scene:42"): what a hand-back rescans. */
  externalParentId: string | null;
  /** Absolute path as the app sees it (before path mapping). */
  remotePath: string;
  sizeBytes: bigint;
  qualitySource: QualitySource | null;
  qualityModifier: string | null;
  dateAdded: Date | null;
}

export type LibraryEvent =
  /** How many files to expect, when the app says so up front (Sonarr's statistics). */
  | { type: "total"; total: number }
  /**
   * Files that validated, plus how many items in the same stretch did not. `parents`: series or scenes whose
   * listing is complete with this event (all their files yielded and valid), or skipped as unchanged.
   */
  | { type: "files"; files: LibraryFile[]; invalid: number; parents?: readonly ParentListing[] }
  /** A request failed after retries: the listing is incomplete and must not count as a success. */
  | { type: "failed"; error: ConnectionError };

/** A series (Sonarr) or scene (Stash) as a listing saw it: its fingerprint, and whether it was skipped as unchanged. */
export interface ParentListing {
  /** "series:7", "scene:42", as LibraryFile.externalParentId spells it. */
  parentId: string;
  fingerprint: string;
  skipped: boolean;
}

/** A quick listing: parents whose fingerprint still matches are not re-read (apps that can't tell ignore it). */
export interface LibraryOptions {
  knownParents?: ReadonlyMap<string, string>;
}

/**
 * One series' (Sonarr) or movie's (Radarr) folder and files, as the app lists them now: what a
 * webhook that names the series or movie but not its files (an older Rename) is checked against.
 */
export interface MediaFiles {
  /** The series/movie folder as the app sees it (before path mapping). */
  folderPath: string;
  files: LibraryFile[];
  /** Listed files that did not validate. */
  invalid: number;
}

export interface AppIdentity {
  appName: string;
  version: string;
  instanceName: string | null;
  urlBase: string | null;
}

/** A file as the queue knows it in its app: "episodeFile:12" in "series:7", "sceneFile:42" in "scene:9". */
export interface AppFileRef {
  externalId: string;
  externalParentId: string | null;
}

/** What the app says about one file now. */
export interface AppFileState {
  /** The file's id in the app now, spelled like LibraryFile.externalId (a rescan may give a new one). */
  externalId: string;
  /** As the app sees it (before path mapping). */
  remotePath: string;
  sizeBytes: bigint;
  codec: Codec;
}

/** How long to follow the app's own job (a rescan command, a Stash scan) and when to give up. */
export interface AppJobWait {
  signal?: AbortSignal;
  /** First wait between polls; grows to 5 s. */
  pollIntervalMs: number;
  timeoutMs: number;
}

/** "The file was replaced": the app is asked to rescan and then to say what it sees. */
export interface HandBackRequest extends AppJobWait {
  file: AppFileRef;
  /** Both as the app sees them; they differ when the extension changed. */
  previousRemotePath: string;
  newRemotePath: string;
}

/** Something the client did or left undone beside the rescan, for the item's message: our words, never a path or title. */
export interface HandBackNote {
  text: string;
  /** Left something for the user to check: the hand-back is then a warning, even if the file matches. */
  warning: boolean;
}

export interface HandBackReport {
  /** The replaced file as the app lists it after its rescan; null when it lists no such file. */
  file: AppFileState | null;
  notes: HandBackNote[];
}

export interface ConnectionClient {
  /** One request: who answers at this address, and is the key right? Never retried (a person is waiting). */
  testConnection(): Promise<Result<AppIdentity>>;
  /** The whole library, streamed; ends with a `failed` event if it could not be read completely. */
  library(options?: LibraryOptions): AsyncGenerator<LibraryEvent>;
  /** The file with this id as the app knows it now; null when the app no longer has it. */
  currentFile(file: AppFileRef): Promise<Result<AppFileState | null>>;
  /** Makes the app rescan a replaced file, waits for the rescan, and reads the file back. */
  handBack(request: HandBackRequest): Promise<Result<HandBackReport>>;
  close(): Promise<void>;
}

export interface ConnectionClientOptions {
  baseUrl: string;
  /** Empty for an app running without authentication (allowed only where its definition says so). */
  apiKey: string;
  trustedCertSha256?: string | null;
  signal?: AbortSignal;
  /** Only items carrying one of these tags (names as the app shows them); empty or absent: everything. Apps without tags ignore it. */
  tagFilter?: readonly string[];
}

/** What `createConnectionClient` adds from the app's definition (apps.ts) before calling a client's factory. */
export interface AppClientOptions extends ConnectionClientOptions {
  apiKeyHeader: string;
  apiKeyHint: string;
}
