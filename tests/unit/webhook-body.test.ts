import { describe, expect, it } from "vitest";
import { readJsonBody } from "~/server/webhooks/read-body";

const post = (body: BodyInit | null, headers: Record<string, string> = {}) => new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

function chunked(total: number, chunk = 1000): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
}

describe("readJsonBody", () => {
  it("parses a JSON object", async () => {
    expect(await readJsonBody(post('{"eventType":"Test"}'))).toMatchObject({ ok: true, json: { eventType: "Test" } });
  });

  it("refuses over-limit bodies by Content-Length before reading, and by counting when it is absent", async () => {
    expect(await readJsonBody(post("{}", { "Content-Length": "2000" }), 1000)).toMatchObject({ ok: false, status: 413 });
    expect(await readJsonBody(post(chunked(5000)), 1000)).toMatchObject({ ok: false, status: 413 });
    expect(await readJsonBody(post(chunked(900)), 1000)).toMatchObject({ ok: false, status: 400, reason: "Body is not valid JSON" });
  });

  it("answers 400 for empty, non-UTF-8, non-JSON and non-object bodies", async () => {
    expect(await readJsonBody(post(null))).toMatchObject({ ok: false, status: 400, reason: "Empty body" });
    expect(await readJsonBody(post(""))).toMatchObject({ ok: false, status: 400 });
    expect(await readJsonBody(post(new Uint8Array([0x7b, 0xff, 0x7d])))).toMatchObject({ ok: false, reason: "Body is not valid UTF-8" });
    expect(await readJsonBody(post("nope"))).toMatchObject({ ok: false, reason: "Body is not valid JSON" });
    expect(await readJsonBody(post("null"))).toMatchObject({ ok: false, reason: "Body must be a JSON object" });
    expect(await readJsonBody(post("[]"))).toMatchObject({ ok: false, reason: "Body must be a JSON object" });
  });
});
