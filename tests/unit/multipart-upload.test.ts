import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackupError } from "~/server/backup/backup-errors";
import { multipartBoundaryOf, readMultipartUpload, type MultipartLimits } from "~/server/backup/multipart-upload";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-multipart-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A form exactly as fetch would send it: the bytes and the boundary from its content type. */
async function encoded(form: FormData): Promise<{ bytes: Uint8Array; boundary: string }> {
  const response = new Response(form);
  const boundary = multipartBoundaryOf(response.headers.get("content-type"));
  if (!boundary) throw new Error("no boundary");
  return { bytes: new Uint8Array(await response.arrayBuffer()), boundary };
}

function inChunks(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const limits = (overrides: Partial<MultipartLimits> = {}): MultipartLimits => ({
  fileField: "archive",
  fileOut: path.join(scratch, `${crypto.randomUUID()}.zip`),
  maxFileBytes: 1024 * 1024,
  textFields: ["secretKey"],
  maxFieldBytes: 100,
  ...overrides,
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackupError) return error.kind;
    throw error;
  }
  return "accepted";
}

describe("readMultipartUpload", () => {
  // Bytes that look like pieces of a delimiter, so a split across chunks is exercised.
  const file = Buffer.concat([crypto.randomBytes(5000), Buffer.from("\r\n--\r\n--x"), crypto.randomBytes(3000)]);

  it.each([1, 7, 64, 70, 4096, 1 << 20])("writes the file and reads the fields whatever the chunk size (%i bytes)", async (chunkSize) => {
    const form = new FormData();
    form.set("secretKey", "the old key");
    form.set("archive", new Blob([new Uint8Array(file)]), "backup.zip");
    const { bytes, boundary } = await encoded(form);
    const options = limits();

    const upload = await readMultipartUpload(inChunks(bytes, chunkSize), boundary, options);

    expect(upload.fileBytes).toBe(file.length);
    expect(upload.fields.get("secretKey")).toBe("the old key");
    expect(fs.readFileSync(options.fileOut).equals(file)).toBe(true);
  });

  it("reads an empty form as no file and no fields", async () => {
    const { bytes, boundary } = await encoded(new FormData());
    expect(await readMultipartUpload(inChunks(bytes, 3), boundary, limits())).toEqual({ fields: new Map(), fileBytes: 0 });
  });

  it("stops at the file cap, refuses unknown or repeated fields, long fields and truncated bodies", async () => {
    const big = new FormData();
    big.set("archive", new Blob([new Uint8Array(file)]), "backup.zip");
    const encodedBig = await encoded(big);
    expect(await refusal(readMultipartUpload(inChunks(encodedBig.bytes, 512), encodedBig.boundary, limits({ maxFileBytes: 4000 })))).toBe("too_large");

    const unknown = new FormData();
    unknown.set("password", "x");
    const encodedUnknown = await encoded(unknown);
    expect(await refusal(readMultipartUpload(inChunks(encodedUnknown.bytes, 512), encodedUnknown.boundary, limits()))).toBe("invalid_archive");

    const twoFiles = new FormData();
    twoFiles.append("archive", new Blob(["a"]), "a.zip");
    twoFiles.append("archive", new Blob(["b"]), "b.zip");
    const encodedTwo = await encoded(twoFiles);
    expect(await refusal(readMultipartUpload(inChunks(encodedTwo.bytes, 512), encodedTwo.boundary, limits()))).toBe("invalid_archive");

    const long = new FormData();
    long.set("secretKey", "k".repeat(101));
    const encodedLong = await encoded(long);
    expect(await refusal(readMultipartUpload(inChunks(encodedLong.bytes, 512), encodedLong.boundary, limits()))).toBe("invalid_archive");

    const cut = encodedBig.bytes.slice(0, encodedBig.bytes.length - 10);
    expect(await refusal(readMultipartUpload(inChunks(cut, 512), encodedBig.boundary, limits()))).toBe("invalid_archive");
  });

  it("takes only multipart/form-data with a boundary", () => {
    expect(multipartBoundaryOf("multipart/form-data; boundary=----abc")).toBe("----abc");
    expect(multipartBoundaryOf('multipart/form-data; boundary="quoted"')).toBe("quoted");
    expect(multipartBoundaryOf("application/zip")).toBeNull();
    expect(multipartBoundaryOf("multipart/form-data")).toBeNull();
  });
});
