import diagnosticsChannel from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { env } from "~/env";
import { resolveClientAddress, trustedProxyList } from "./client-ip";

/**
 * Rewrites `X-Forwarded-For` on every incoming request to the one client address we believe
 * (see client-ip.ts), before Next handles it, and drops `X-Real-IP`, which nothing vouches for.
 *
 * Node publishes `http.server.request.start` with the socket just before the server's "request"
 * event, in the same process as Next's server (instrumentation runs there). It is the only place
 * the socket address is still known: Next's handlers and next-auth's `authorize` get a Web Request.
 *
 * @see https://nodejs.org/docs/latest-v20.x/api/diagnostics_channel.html#http
 */
const CHANNEL = "http.server.request.start";

interface RequestStart {
  request: IncomingMessage;
  socket: Socket;
}

function isRequestStart(message: unknown): message is RequestStart {
  return typeof message === "object" && message !== null && "request" in message && "socket" in message;
}

/** Installs the rewrite; returns the uninstall (tests). Installing twice keeps one subscriber. */
export function guardForwardedFor(trustedProxies: readonly string[] = env.TRUSTED_PROXIES): () => void {
  const trusted = trustedProxyList(trustedProxies);
  const onRequestStart = (message: unknown) => {
    if (!isRequestStart(message)) return;
    const { request, socket } = message;
    const forwardedFor = request.headers["x-forwarded-for"];
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    request.headers["x-forwarded-for"] = resolveClientAddress(socket.remoteAddress, header, trusted);
    delete request.headers["x-real-ip"];
  };
  const globalForGuard = globalThis as unknown as { forwardedForGuard?: (message: unknown) => void };
  if (globalForGuard.forwardedForGuard) diagnosticsChannel.unsubscribe(CHANNEL, globalForGuard.forwardedForGuard);
  globalForGuard.forwardedForGuard = onRequestStart;
  diagnosticsChannel.subscribe(CHANNEL, onRequestStart);
  return () => {
    diagnosticsChannel.unsubscribe(CHANNEL, onRequestStart);
    if (globalForGuard.forwardedForGuard === onRequestStart) delete globalForGuard.forwardedForGuard;
  };
}
