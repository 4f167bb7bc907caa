import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A plain HTTP reverse proxy on 127.0.0.1 that passes every request through to `target` byte for
 * byte (headers, API key, status), except that the answer to a `hold` path stops after
 * `holdAfterBytes` until `release()`. A fake Radarr serves thousands of movies in a blink; held
 * halfway, a sync sits visibly in progress — the end-to-end test sees "Importing 2,000 movies…"
 * without racing a timer, then lets the rest through.
 */
export interface GatedProxy {
  url: string;
  /** Lets held answers continue, now and from then on. */
  release(): void;
  stop(): Promise<void>;
}

export async function startGatedProxy(options: { target: string; hold: (path: string) => boolean; holdAfterBytes: number }): Promise<GatedProxy> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));

  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!options.hold(new URL(request.url ?? "/", "http://proxy.local").pathname)) {
          answer.pipe(response);
          return;
        }
        void forwardWithGate(answer, response, options.holdAfterBytes, released);
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
    release: () => release(),
    async stop() {
      release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function forwardWithGate(source: http.IncomingMessage, destination: http.ServerResponse, holdAfterBytes: number, released: Promise<void>): Promise<void> {
  let sent = 0;
  let held = false;
  for await (const piece of source as AsyncIterable<Buffer>) {
    if (destination.destroyed) return;
    if (!held && sent + piece.length >= holdAfterBytes) {
      destination.write(piece.subarray(0, holdAfterBytes - sent));
      held = true;
      await released;
      destination.write(piece.subarray(holdAfterBytes - sent));
    } else {
      destination.write(piece);
    }
    sent += piece.length;
  }
  destination.end();
}
