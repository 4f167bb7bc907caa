import { isSealedWith, openSecret, sealSecret, SecretDecryptError } from "~/server/crypto/secret-box";
import type { Database } from "~/server/db";

/**
 * Re-encrypts every secret stored at rest — connection API keys and the instance API key — from
 * one SECRET_KEY to another, in one transaction. A value that doesn't open under the old key is
 * reported and left exactly as it was (never overwritten), and a value already sealed under the
 * new key is skipped, so a rotation can be re-run safely. Used by `npm run rotate-secret`
 * (scripts/rotate-secret.ts); no server-only imports, so the CLI can load it outside Next.
 */
export const INSTANCE_API_KEY_SETTING = "instanceApiKey";

export type UnreadableReason = SecretDecryptError["reason"];

export interface RotationReport {
  connections: {
    rotated: number;
    alreadyCurrent: number;
    unreadable: { id: number; name: string; reason: UnreadableReason }[];
  };
  instanceApiKey: "rotated" | "already_current" | "absent" | UnreadableReason;
}

function reseal(envelope: string, oldKey: string, newKey: string): { envelope: string } | { skipped: "already_current" } | { unreadable: UnreadableReason } {
  if (isSealedWith(envelope, newKey)) return { skipped: "already_current" };
  try {
    return { envelope: sealSecret(openSecret(envelope, oldKey), newKey) };
  } catch (error) {
    return { unreadable: error instanceof SecretDecryptError ? error.reason : "corrupt" };
  }
}

export async function rotateSecrets(db: Database, oldKey: string, newKey: string, options: { dryRun?: boolean } = {}): Promise<RotationReport> {
  if (oldKey === newKey) throw new Error("The old and new SECRET_KEY are the same");
  return db.$transaction(
    async (tx) => {
      const report: RotationReport = { connections: { rotated: 0, alreadyCurrent: 0, unreadable: [] }, instanceApiKey: "absent" };
      const connections = await tx.externalConnection.findMany({ select: { id: true, name: true, apiKeyEncrypted: true }, orderBy: { id: "asc" } });
      for (const connection of connections) {
        const result = reseal(connection.apiKeyEncrypted, oldKey, newKey);
        if ("skipped" in result) report.connections.alreadyCurrent += 1;
        else if ("unreadable" in result) report.connections.unreadable.push({ id: connection.id, name: connection.name, reason: result.unreadable });
        else {
          report.connections.rotated += 1;
          if (!options.dryRun) await tx.externalConnection.update({ where: { id: connection.id }, data: { apiKeyEncrypted: result.envelope } });
        }
      }

      const setting = await tx.setting.findUnique({ where: { key: INSTANCE_API_KEY_SETTING } });
      if (typeof setting?.value === "string") {
        const result = reseal(setting.value, oldKey, newKey);
        if ("skipped" in result) report.instanceApiKey = "already_current";
        else if ("unreadable" in result) report.instanceApiKey = result.unreadable;
        else {
          report.instanceApiKey = "rotated";
          if (!options.dryRun) await tx.setting.update({ where: { key: INSTANCE_API_KEY_SETTING }, data: { value: result.envelope } });
        }
      }
      return report;
    },
    { timeout: 120_000 },
  );
}
