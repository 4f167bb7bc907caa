import fs from "node:fs";
import { BackupError } from "./backup-errors";

/**
 * A streaming reader for the one multipart/form-data upload Optimizarr takes (a backup archive and a
 * few short text fields, from the first-run page). `request.formData()` would hold the whole archive
 * in memory — on a route anyone can reach before an admin exists — so the file part goes straight to
 * disk while the byte counts are checked.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7578 (multipart/form-data)
 */
export interface MultipartLimits {
  /** The form field holding the file; written to `fileOut` (0600, must not exist yet). */
  fileField: string;
  fileOut: string;
  /** Largest file part. */
  maxFileBytes: number;
  /** Text fields accepted, each at most `maxFieldBytes`; any other field is refused. */
  textFields: readonly string[];
  maxFieldBytes: number;
}

export interface MultipartUpload {
  fields: Map<string, string>;
  /** Bytes of the file part; 0 when the form had no file in it. */
  fileBytes: number;
}

const MAX_HEADER_BYTES = 8 * 1024;
const MAX_PARTS = 10;
const HEADER_END = Buffer.from("\r\n\r\n");

/** The boundary of a `multipart/form-data` content type, or null for anything else. */
export function multipartBoundaryOf(contentType: string | null): string | null {
  if (!contentType) return null;
  const [type, ...parameters] = contentType.split(";").map((part) => part.trim());
  if (type?.toLowerCase() !== "multipart/form-data") return null;
  for (const parameter of parameters) {
    const match = /^boundary="?([^";]{1,70})"?$/i.exec(parameter);
    if (match) return match[1]!;
  }
  return null;
}

function malformed(): BackupError {
  return new BackupError("invalid_archive", "The upload is not a well-formed form: send the archive as multipart/form-data");
}

/** `name` and whether the part is a file (has a filename), from its Content-Disposition. */
function partNameOf(headerText: string): { name: string; isFile: boolean } {
  const disposition = headerText.split("\r\n").find((line) => /^content-disposition:/i.test(line));
  const name = disposition && /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (!disposition || name === undefined || name === null) throw malformed();
  return { name, isFile: /;\s*filename="/i.test(disposition) };
}

export async function readMultipartUpload(body: ReadableStream<Uint8Array>, boundary: string, limits: MultipartLimits): Promise<MultipartUpload> {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields = new Map<string, string>();
  let fd: number | null = null;
  let fileBytes = 0;
  let parts = 0;
  let state: "preamble" | "headers" | "body" | "done" = "preamble";
  let current: { name: string; isFile: boolean; chunks: Buffer[]; bytes: number } | null = null;
  let pending = Buffer.alloc(0);

  const emit = (data: Buffer) => {
    if (!current || data.length === 0) return;
    current.bytes += data.length;
    if (current.isFile) {
      if (current.bytes > limits.maxFileBytes) throw new BackupError("too_large", `The archive is larger than ${Math.round(limits.maxFileBytes / 1024 ** 2)} MB`);
      if (fd === null) throw malformed();
      fs.writeSync(fd, data);
    } else {
      if (current.bytes > limits.maxFieldBytes) throw new BackupError("invalid_archive", `The form field "${current.name}" is too long`);
      current.chunks.push(data);
    }
  };

  const endPart = () => {
    if (!current) return;
    if (current.isFile) fileBytes = current.bytes;
    else fields.set(current.name, Buffer.concat(current.chunks).toString("utf8"));
    current = null;
  };

  const startPart = (headerText: string) => {
    parts += 1;
    if (parts > MAX_PARTS) throw malformed();
    const { name, isFile } = partNameOf(headerText);
    if (isFile ? name !== limits.fileField || fd !== null : !limits.textFields.includes(name) || fields.has(name)) {
      throw new BackupError("invalid_archive", `Unexpected form field "${name.slice(0, 40)}"`);
    }
    if (isFile) fd = fs.openSync(limits.fileOut, "wx", 0o600);
    current = { name, isFile, chunks: [], bytes: 0 };
  };

  /** Consumes what `pending` holds; returns when it needs more bytes. */
  const advance = () => {
    for (;;) {
      if (state === "preamble") {
        const at = pending.indexOf(opening);
        if (at === -1 || pending.length < at + opening.length + 2) {
          if (pending.length > MAX_HEADER_BYTES) throw malformed();
          return;
        }
        const after = pending.subarray(at + opening.length, at + opening.length + 2).toString("latin1");
        pending = pending.subarray(at + opening.length + 2);
        // `--boundary--` straight away: a form with no fields at all.
        if (after === "--") state = "done";
        else if (after === "\r\n") state = "headers";
        else throw malformed();
      } else if (state === "headers") {
        const at = pending.indexOf(HEADER_END);
        if (at === -1) {
          if (pending.length > MAX_HEADER_BYTES) throw malformed();
          return;
        }
        startPart(pending.subarray(0, at).toString("latin1"));
        pending = pending.subarray(at + HEADER_END.length);
        state = "body";
      } else if (state === "body") {
        const at = pending.indexOf(delimiter);
        if (at === -1) {
          // Keep a tail that may be the start of a delimiter split across chunks.
          const safe = Math.max(0, pending.length - delimiter.length - 1);
          emit(pending.subarray(0, safe));
          pending = pending.subarray(safe);
          return;
        }
        if (pending.length < at + delimiter.length + 2) {
          emit(pending.subarray(0, at));
          pending = pending.subarray(at);
          return;
        }
        emit(pending.subarray(0, at));
        endPart();
        const after = pending.subarray(at + delimiter.length, at + delimiter.length + 2).toString("latin1");
        pending = pending.subarray(at + delimiter.length + 2);
        if (after === "--") state = "done";
        else if (after === "\r\n") state = "headers";
        else throw malformed();
      } else {
        // The epilogue after the closing delimiter is ignored, but not without bound.
        if (pending.length > MAX_HEADER_BYTES) throw malformed();
        return;
      }
    }
  };

  // A function, not an inline comparison: `advance` changes `state` where the compiler can't see it.
  const ended = () => state === "done";
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending = pending.length === 0 ? Buffer.from(value) : Buffer.concat([pending, value]);
      advance();
    }
    if (!ended()) throw malformed();
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  return { fields, fileBytes };
}
