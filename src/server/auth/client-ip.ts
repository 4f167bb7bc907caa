/** Best-effort client address: the first X-Forwarded-For hop (set by Next's server or a proxy). */
export function clientIpOf(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || "unknown";
}
