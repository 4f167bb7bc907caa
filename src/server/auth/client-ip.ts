import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * Who is on the other end of a request, for the sign-in throttle.
 *
 * Next copies the socket address into `X-Forwarded-For` only when the request has none
 * (`??=` in its base server), and a route handler never sees the socket. So a header a stranger
 * typed would pass for the client, and the throttle would bucket whatever address they invent.
 * `forwarded-for-guard.ts` therefore rewrites the header with `resolveClientAddress` before Next
 * reads it; after that, `clientIpOf` can take it at its word.
 */

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) and `10.0.0.1` are one client, one bucket. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return (mapped?.[1] ?? trimmed).toLowerCase();
}

function familyOf(address: string): "ipv4" | "ipv6" | null {
  if (isIPv4(address)) return "ipv4";
  if (isIPv6(address)) return "ipv6";
  return null;
}

function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = familyOf(address);
    if (!family) continue;
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function isListed(list: BlockList, address: string): boolean {
  const family = familyOf(address);
  return family !== null && list.check(address, family);
}

/** TRUSTED_PROXIES: addresses and CIDRs (validated in src/env.ts) whose forwarded headers we believe. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  return addressList(entries);
}

/**
 * The client behind `socketAddress`. A socket that is not a trusted proxy is the client, whatever
 * headers it sent. From a trusted proxy, walk `X-Forwarded-For` from the right (each proxy appends
 * the address it saw) past further trusted proxies; the first other address is the client. Entries
 * left of it were written by the client itself and prove nothing.
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustedProxies: BlockList): string {
  const socket = normaliseAddress(socketAddress ?? "");
  if (!socket) return "unknown";
  if (!isListed(trustedProxies, socket)) return socket;
  const hops = (forwardedFor ?? "").split(",").map(normaliseAddress).filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index]!;
    if (!familyOf(hop)) return socket; // A proxy would not write this: treat the chain as untrustworthy.
    if (!isListed(trustedProxies, hop)) return hop;
  }
  return hops[0] ?? socket;
}

/** The client address of a request that went through the guard (a single X-Forwarded-For entry). */
export function clientIpOf(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0];
  return forwarded ? normaliseAddress(forwarded) : "unknown";
}

// Loopback, RFC 1918, carrier-grade NAT, link-local and IPv6 unique-local: the owner's own network.
const LOCAL_NETWORKS = addressList([
  "127.0.0.0/8",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
]);

export function isLocalNetworkAddress(address: string): boolean {
  return isListed(LOCAL_NETWORKS, normaliseAddress(address));
}
