import "server-only";
import type { Database } from "~/server/db";

/**
 * Every session token carries the user's `sessionVersion` from when it was issued. Bumping the
 * version in the database (password change, "sign out everywhere") makes every older token stale:
 * next-auth's jwt callback asks `isSessionCurrent` on each request and drops a stale token, so each
 * browser is signed out on its next request. One indexed lookup per request (auth() is cached).
 */
export interface SessionClaims {
  sub?: string;
  sessionVersion?: unknown;
}

export async function isSessionCurrent(db: Database, claims: SessionClaims): Promise<boolean> {
  const userId = Number(claims.sub);
  if (!Number.isSafeInteger(userId)) return false;
  const user = await db.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  // Tokens from before versions existed carry none; they match the starting version 0.
  const tokenVersion = claims.sessionVersion ?? 0;
  return user !== null && tokenVersion === user.sessionVersion;
}

/** Signs the user out of every browser, this one included. */
export async function signOutEverywhere(db: Database, userId: number): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
