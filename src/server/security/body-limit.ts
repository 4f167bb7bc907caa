/**
 * A cap on request bodies, enforced while reading: an oversized body is refused after at most
 * `maxBytes` + one chunk, never buffered whole (a 300 MB POST to /api/trpc once took the process to
 * 1 GB before tRPC even parsed it).
 */

export type LimitedBody = { ok: true; request: Request } | { ok: false; response: Response };

export async function limitRequestBody(request: Request, maxBytes: number): Promise<LimitedBody> {
  const body = request.body;
  if (body === null) return { ok: true, request };
  const tooLarge = { ok: false, response: payloadTooLarge(maxBytes) } as const;
  // An honest Content-Length lets us refuse before reading a byte; a lying one is caught below.
  if (Number(request.headers.get("content-length")) > maxBytes) {
    await body.cancel();
    return tooLarge;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      return tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, request: new Request(request.url, { method: request.method, headers: request.headers, body: bytes, signal: request.signal }) };
}

function payloadTooLarge(maxBytes: number): Response {
  const limit = maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MB` : `${maxBytes} bytes`;
  return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: `Request body over the ${limit} limit` } }, { status: 413 });
}
