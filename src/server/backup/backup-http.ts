import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { createTRPCContext } from "~/server/api/trpc";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { BackupError, type BackupErrorKind } from "./backup-errors";
import { backupFilePath } from "./backup-service";
import { databaseFilePath, pendingRestoreManifestPath, pendingRestorePath } from "./backup-files";
import { refuseUnlessFreshInstall, restoreOnFreshInstall } from "./first-run-restore";
import { knownMigrations } from "./known-migrations";
import { multipartBoundaryOf, readMultipartUpload } from "./multipart-upload";
import { databaseHoldsData, stageRestore } from "./restore";

/**
 * The two backup routes that move files rather than JSON: download (GET /api/backups/<name>) and
 * restore upload (POST /api/backups/restore). Authenticated exactly like tRPC — an `X-Api-Key`
 * header decides alone, else the signed-in session — by building the same context.
 */
const log = createLogger("backup.http");

const ARCHIVE_CONTENT_TYPES: ReadonlySet<string> = new Set(["application/zip", "application/x-zip-compressed", "application/octet-stream"]);

/** Largest archive a restore upload accepts. */
export const MAX_RESTORE_UPLOAD_BYTES = 2 * 1024 ** 3;

const STATUS_OF_KIND = {
  not_found: 404,
  invalid_archive: 400,
  too_large: 413,
  not_optimizarr: 422,
  newer_version: 422,
  confirmation_required: 409,
  unsupported_database: 501,
  already_set_up: 409,
  wrong_secret_key: 422,
} as const satisfies Record<BackupErrorKind, number>;

function errorResponse(error: BackupError): Response {
  return Response.json({ error: { kind: error.kind, message: error.message } }, { status: STATUS_OF_KIND[error.kind] });
}

async function isAuthorized(request: Request): Promise<boolean> {
  // Neither a key nor any cookie: there is no session to look up, so refuse straight away.
  if (!request.headers.has("x-api-key") && !request.headers.has("cookie")) return false;
  return (await createTRPCContext({ headers: request.headers })).caller !== null;
}

const UNAUTHORIZED = () => Response.json({ error: { kind: "unauthorized", message: "Sign in or send a valid X-Api-Key header" } }, { status: 401 });

/** Streams one listed backup as a download; any other name is 404 (no path is ever built from it). */
export async function downloadBackup(request: Request, name: string): Promise<Response> {
  if (!(await isAuthorized(request))) return UNAUTHORIZED();
  let filePath: string;
  try {
    filePath = backupFilePath(name);
  } catch (error) {
    if (error instanceof BackupError) return errorResponse(error);
    throw error;
  }
  const { size } = fs.statSync(filePath);
  // node:stream/web's ReadableStream is the same object as the global one; only the type names differ.
  const body = Readable.toWeb(fs.createReadStream(filePath)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "application/zip",
      "content-length": String(size),
      "content-disposition": `attachment; filename="${path.basename(filePath)}"`,
      "cache-control": "no-store",
    },
  });
}

/**
 * Stages an uploaded archive for the next start. The body is the .zip itself; replacing a database
 * that holds an admin account needs `?confirm=replace` (the UI asks first).
 */
export async function uploadRestore(request: Request): Promise<Response> {
  if (!(await isAuthorized(request))) return UNAUTHORIZED();
  // Not a type an HTML form or a "simple" cross-site fetch can send: another site can't make a
  // signed-in browser stage its archive.
  if (!ARCHIVE_CONTENT_TYPES.has(request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "")) {
    return Response.json({ error: { kind: "unsupported_media_type", message: "Send the archive itself as application/zip" } }, { status: 415 });
  }
  const databasePath = databaseFilePath();
  try {
    if (!databasePath) throw new BackupError("unsupported_database", "Restore covers the built-in SQLite database only; DATABASE_URL points elsewhere");
    const confirmed = new URL(request.url).searchParams.get("confirm") === "replace";
    if (!confirmed && databaseHoldsData(databasePath)) {
      throw new BackupError("confirmation_required", "Restoring replaces every setting, connection and queue item: confirm to go on");
    }
    const pendingDatabase = pendingRestorePath();
    const uploadPath = path.join(path.dirname(pendingDatabase), `.upload-${crypto.randomBytes(6).toString("hex")}.zip`);
    try {
      await saveUpload(request, uploadPath);
      const manifest = await stageRestore(uploadPath, { pendingDatabase, pendingManifest: pendingRestoreManifestPath() }, knownMigrations());
      log.info({ createdAt: manifest.createdAt, appVersion: manifest.appVersion, migration: manifest.migration }, "restore staged; applied at the next start");
      return Response.json({ staged: true, backup: { createdAt: manifest.createdAt, appVersion: manifest.appVersion, kind: manifest.kind } });
    } finally {
      fs.rmSync(uploadPath, { force: true });
    }
  } catch (error) {
    if (error instanceof BackupError) {
      log.warn({ kind: error.kind }, "restore upload refused");
      return errorResponse(error);
    }
    throw error;
  }
}

/** The form fields of the first-run restore (src/app/setup/restore-form.tsx posts them). */
export const FIRST_RUN_RESTORE_FIELDS = { archive: "archive", secretKey: "secretKey" } as const;

/**
 * `POST /api/setup/restore`: the first-run page's "Restore from a backup", a multipart form with
 * the archive and, optionally, the old install's secret key. No sign-in (nobody can yet), so it is
 * open only while no admin exists — checked before a byte of the body is read — and the archive is
 * streamed to disk under the same cap as System → Backup's upload. The caller applies the CSRF
 * check: a form post from another site must not restore its archive here.
 */
export async function restoreFromFirstRun(db: Database, request: Request): Promise<Response> {
  const databasePath = databaseFilePath();
  try {
    await refuseUnlessFreshInstall(db);
    if (!databasePath) throw new BackupError("unsupported_database", "Restore covers the built-in SQLite database only; DATABASE_URL points elsewhere");
    const boundary = multipartBoundaryOf(request.headers.get("content-type"));
    if (!boundary) return Response.json({ error: { kind: "unsupported_media_type", message: "Send the archive as a multipart/form-data upload" } }, { status: 415 });
    const declared = Number(request.headers.get("content-length") ?? Number.NaN);
    // The form's other fields and boundaries add a few hundred bytes to the archive.
    if (Number.isFinite(declared) && declared > MAX_RESTORE_UPLOAD_BYTES + 64 * 1024) {
      throw new BackupError("too_large", `The archive is larger than ${MAX_RESTORE_UPLOAD_BYTES / 1024 ** 3} GB`);
    }
    if (!request.body) throw new BackupError("invalid_archive", "The upload is empty");
    const uploadPath = path.join(path.dirname(databasePath), `.setup-upload-${crypto.randomBytes(6).toString("hex")}.zip`);
    try {
      const upload = await readMultipartUpload(request.body, boundary, {
        fileField: FIRST_RUN_RESTORE_FIELDS.archive,
        fileOut: uploadPath,
        maxFileBytes: MAX_RESTORE_UPLOAD_BYTES,
        textFields: [FIRST_RUN_RESTORE_FIELDS.secretKey],
        maxFieldBytes: 4096,
      });
      if (upload.fileBytes === 0) throw new BackupError("invalid_archive", "Choose a backup archive (.zip) to restore");
      const outcome = await restoreOnFreshInstall(db, uploadPath, { secretKey: upload.fields.get(FIRST_RUN_RESTORE_FIELDS.secretKey) });
      return Response.json({ restored: true, ...outcome }, { headers: { "cache-control": "no-store" } });
    } finally {
      fs.rmSync(uploadPath, { force: true });
    }
  } catch (error) {
    if (error instanceof BackupError) {
      log.warn({ kind: error.kind }, "first-run restore refused");
      return errorResponse(error);
    }
    throw error;
  }
}

/** Writes the body to `filePath` (0600), counting bytes: Content-Length may be absent or lie. */
async function saveUpload(request: Request, filePath: string): Promise<void> {
  const tooLarge = () => new BackupError("too_large", `The archive is larger than ${MAX_RESTORE_UPLOAD_BYTES / 1024 ** 3} GB`);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_RESTORE_UPLOAD_BYTES) throw tooLarge();
  if (!request.body) throw new BackupError("invalid_archive", "The upload is empty");
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const fd = fs.openSync(filePath, "wx", 0o600);
  let total = 0;
  try {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_RESTORE_UPLOAD_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      fs.writeSync(fd, value);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (total === 0) throw new BackupError("invalid_archive", "The upload is empty");
}
