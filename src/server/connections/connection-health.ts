import "server-only";
import type { Database } from "~/server/db";
import type { ConnectionError } from "./errors";

/**
 * A connection is "failing" from its first failed test or sync until its next success; the card
 * and System → Status show the latest reason and since when. `lastErrorAt` is the start of the
 * current failing streak, so "failing since" stays true while the message follows the latest try.
 */
export async function recordConnectionFailure(db: Database, connectionId: number, error: ConnectionError): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.externalConnection.updateMany({ where: { id: connectionId, lastErrorAt: null }, data: { lastErrorAt: now } }),
    db.externalConnection.updateMany({ where: { id: connectionId }, data: { lastErrorCategory: error.category, lastErrorMessage: error.message } }),
  ]);
}

export function clearedConnectionFailure() {
  return { lastErrorCategory: null, lastErrorMessage: null, lastErrorAt: null };
}

export interface ConnectionHealth {
  failing: boolean;
  category: string | null;
  message: string | null;
  since: Date | null;
}

export function healthOf(row: { lastErrorCategory: string | null; lastErrorMessage: string | null; lastErrorAt: Date | null }): ConnectionHealth {
  return { failing: row.lastErrorCategory !== null, category: row.lastErrorCategory, message: row.lastErrorMessage, since: row.lastErrorAt };
}
