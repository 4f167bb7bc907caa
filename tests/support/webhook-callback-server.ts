import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { POST } from "~/app/api/webhooks/[appType]/route";

/**
 * Optimizarr's webhook route on a real 127.0.0.1 port, so a fake Sonarr/Radarr can deliver to it
 * over HTTP exactly as the real apps would (registration's live test included).
 */
export interface CallbackServer {
  /** Optimizarr's base URL as the fake app reaches it — what `registerWebhook` takes as callbackUrl. */
  url: string;
  stop(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const server = http.createServer((incoming, outgoing) => {
    void (async () => {
      // Any prefix before /api/webhooks/: Optimizarr behind a reverse proxy under a sub-path.
      const match = /\/api\/webhooks\/([^/?]+)/.exec(incoming.url ?? "");
      if (!match || incoming.method !== "POST") {
        outgoing.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) for (const entry of value) headers.append(name, entry);
      }
      const request = new Request(`http://${incoming.headers.host ?? "127.0.0.1"}${incoming.url ?? "/"}`, {
        method: "POST",
        headers,
        body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>,
        duplex: "half",
      } as RequestInit);
      const response = await POST(request, { params: Promise.resolve({ appType: decodeURIComponent(match[1]!) }) });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    })().catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
