import { z } from "zod";

/** What every Optimizarr backup archive holds, at fixed names: nothing is ever extracted by a name read from the archive. */
export const MANIFEST_ENTRY = "manifest.json";
export const DATABASE_ENTRY = "optimizarr.db";

export const backupManifestSchema = z.object({
  app: z.literal("optimizarr"),
  /** Bumped only if the archive layout changes; restore refuses formats it doesn't know. */
  formatVersion: z.literal(1),
  appVersion: z.string().max(64),
  /** The newest migration applied to the database when it was copied (null: none recorded). */
  migration: z.string().max(200).nullable(),
  createdAt: z.iso.datetime(),
  kind: z.enum(["manual", "scheduled"]),
  database: z.object({
    entry: z.literal(DATABASE_ENTRY),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /**
   * Always false: connection API keys stay sealed inside the database, and the key that opens them
   * (SECRET_KEY or `<DATA_DIR>/secret.key`) is never written into a backup.
   */
  secretKeyIncluded: z.literal(false),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
