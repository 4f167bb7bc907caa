import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A plain HTTP reverse proxy on 127.0.0.1 that passes every request through to `target` and, for
 * the paths `slow` matches, trickles the answer back in small timed chunks. A fake Radarr serves
 * thousands of movies in a blink; through this, a sync takes a few seconds, so the end-to-end test
 * can watch its progress the way a user with a big library does. Requests and answers are
 * forwarded byte for byte (headers, API key, status) — only the pace changes.
 */
export interface ThrottlingProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startThrottlingProxy(options: {
  /** "http://127.0.0.1:PORT" (no path: the request's own path is forwarded). */
  target: string;
  slow: (path: string) => boolean;
  chunkBytes: number;
  intervalMs: number;
}): Promise<ThrottlingProxy> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();

  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
      (answer) => {
        const slow = options.slow(new URL(request.url ?? "/", "http://proxy.local").pathname);
        const headers = { ...answer.headers };
        if (slow) delete headers["content-length"];
        response.writeHead(answer.statusCode ?? 502, headers);
        if (!slow) {
          answer.pipe(response);
          return;
        }
        void trickle(answer, response, options.chunkBytes, options.intervalMs);
      },
    );
    upstream.on("error", () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function trickle(source: http.IncomingMessage, destination: http.ServerResponse, chunkBytes: number, intervalMs: number): Promise<void> {
  for await (const piece of source as AsyncIterable<Buffer>) {
    for (let offset = 0; offset < piece.length; offset += chunkBytes) {
      if (destination.destroyed) return;
      destination.write(piece.subarray(offset, offset + chunkBytes));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  destination.end();
}
