/**
 * Reads a webhook body with a hard size cap. Content-Length is checked first, but it can be absent
 * (chunked) or lie, so bytes are also counted while streaming and reading stops at the cap.
 */
const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; json: unknown; text: string } | { ok: false; status: 400 | 413; reason: string };

export async function readJsonBody(request: Request, maxBytes = MAX_WEBHOOK_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  if (!request.body) return { ok: false, status: 400, reason: "Empty body" };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (total === 0) return { ok: false, status: 400, reason: "Empty body" };

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks, total));
  } catch {
    return { ok: false, status: 400, reason: "Body is not valid UTF-8" };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: "Body is not valid JSON" };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { ok: false, status: 400, reason: "Body must be a JSON object" };
  return { ok: true, json, text };
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, status: 413, reason: `Body larger than ${Math.round(maxBytes / 1024)} KB` };
}
