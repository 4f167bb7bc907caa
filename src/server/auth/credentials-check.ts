import "server-only";
import type { Database } from "~/server/db";
import { isLocalNetworkAddress } from "./client-ip";
import type { LoginThrottle } from "./login-throttle";
import { hashPassword, verifyPassword } from "./password";

/** The sign-in check behind next-auth's `authorize`, without next-auth, so it runs in tests as is. */
export type CredentialsCheck =
  | { ok: true; user: { id: number; username: string; sessionVersion: number } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

// Unknown usernames are checked against a real hash too, so they cost the same time as wrong passwords.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashPassword(crypto.randomUUID()));

export async function checkCredentials(
  db: Database,
  throttle: LoginThrottle,
  attempt: { username: string; password: string; clientIp: string },
  // Tests wrap the real check to count how many passwords were hashed.
  verify: typeof verifyPassword = verifyPassword,
): Promise<CredentialsCheck> {
  const { username, password, clientIp } = attempt;
  // Reserved before any await: parallel attempts see each other's reservations, not a stale count.
  const reservation = throttle.reserve({ ip: clientIp, username, isLocalNetwork: isLocalNetworkAddress(clientIp) });
  if (!reservation.granted) return { ok: false, reason: "throttled", retryAfterMs: reservation.retryAfterMs };

  const user = await db.user.findUnique({ where: { username }, select: { id: true, username: true, passwordHash: true, sessionVersion: true } });
  const valid = await verify(user?.passwordHash ?? (await getDummyHash()), password);
  if (!user || !valid) return { ok: false, reason: "invalid" };
  reservation.succeeded();
  return { ok: true, user: { id: user.id, username: user.username, sessionVersion: user.sessionVersion } };
}
