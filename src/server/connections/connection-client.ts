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
  /** Files that validated, plus how many items in the same stretch did not. */
  | { type: "files"; files: LibraryFile[]; invalid: number }
  /** A request failed after retries: the listing is incomplete and must not count as a success. */
  | { type: "failed"; error: ConnectionError };

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

export interface ConnectionClient {
  /** One request: who answers at this address, and is the key right? Never retried (a person is waiting). */
  testConnection(): Promise<Result<AppIdentity>>;
  /** The whole library, streamed; ends with a `failed` event if it could not be read completely. */
  library(): AsyncGenerator<LibraryEvent>;
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
