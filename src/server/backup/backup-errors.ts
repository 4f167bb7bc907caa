/**
 * Why a backup or restore step was refused. The feature owns these; the tRPC router and the
 * route handlers map them to status codes. Messages name no path: they reach the browser.
 */
export type BackupErrorKind =
  /** No backup by that name in the listing. */
  | "not_found"
  /** Not a zip, or a zip without a valid Optimizarr manifest and database. */
  | "invalid_archive"
  /** Larger than the upload or unpacked-size limit. */
  | "too_large"
  /** The database in the archive fails its integrity check or isn't Optimizarr's. */
  | "not_optimizarr"
  /** Made by a newer Optimizarr: it has migrations this version doesn't know. */
  | "newer_version"
  /** Replacing a database that holds data needs an explicit confirmation. */
  | "confirmation_required"
  /** DATABASE_URL isn't a local SQLite file. */
  | "unsupported_database"
  /** Restore from the first-run page once an admin exists. */
  | "already_set_up"
  /** The old install's secret key given with a first-run restore opens none of the backup's keys. */
  | "wrong_secret_key";

export class BackupError extends Error {
  constructor(
    readonly kind: BackupErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "BackupError";
  }
}
