import { z } from "zod";
import { intervalMinutesSchema } from "~/lib/schedule-interval";

/**
 * Input shapes for `scanRoots.*`. Pure zod with no server imports: the Add/Edit form validates with
 * the same rules before the server re-validates.
 */
export const SCAN_ROOT_NAME_MAX = 100;
/** PATH_MAX on Linux. */
export const SCAN_ROOT_PATH_MAX = 4096;

const textError = (field: string) => (issue: { input: unknown }) => (issue.input === undefined ? `${field} is required` : `${field} must be text`);

export const scanRootNameSchema = z
  .string({ error: textError("Name") })
  .trim()
  .min(1, "Enter a name")
  .max(SCAN_ROOT_NAME_MAX, `Name must be at most ${SCAN_ROOT_NAME_MAX} characters`);

export const scanRootPathSchema = z
  .string({ error: textError("Path") })
  .trim()
  .min(1, "Enter the folder's path")
  .max(SCAN_ROOT_PATH_MAX, `Path must be at most ${SCAN_ROOT_PATH_MAX} characters`)
  .refine((value) => !value.includes("\0"), "Path must not contain NUL characters")
  // POSIX only: Optimizarr runs on Linux (or in a container); Windows paths are not supported.
  .refine((value) => value.startsWith("/"), "Path must be an absolute path (starting with /)");

const idSchema = z.number({ error: "Expected a numeric id" }).int("Expected a whole-number id").positive("Expected a positive id");

const scanIntervalMinutesSchema = intervalMinutesSchema("Rescan");

export const scanRootIdInput = z.object({ id: idSchema });

export const scanRootCreateInput = z.object({
  name: scanRootNameSchema,
  path: scanRootPathSchema,
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
  /** Hide this folder's paths and names everywhere; its files leave the statistics unless asked for. */
  private: z.boolean({ error: "private must be true or false" }).default(false),
  /** Count this root's files in the statistics charts. */
  showInStats: z.boolean({ error: "showInStats must be true or false" }).default(true),
  /** Links the root to a Sonarr/Radarr/Stash connection (privacy, path ownership); null to unlink. */
  externalConnectionId: idSchema.nullable().default(null),
  /** Automatic rescan every so many minutes; null = manual only. */
  scanIntervalMinutes: scanIntervalMinutesSchema.default(null),
});
export type ScanRootCreateInput = z.infer<typeof scanRootCreateInput>;

export const scanRootUpdateInput = z.object({
  id: idSchema,
  name: scanRootNameSchema.optional(),
  path: scanRootPathSchema.optional(),
  enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
  private: z.boolean({ error: "private must be true or false" }).optional(),
  showInStats: z.boolean({ error: "showInStats must be true or false" }).optional(),
  externalConnectionId: idSchema.nullable().optional(),
  scanIntervalMinutes: scanIntervalMinutesSchema.optional(),
});
export type ScanRootUpdateInput = z.infer<typeof scanRootUpdateInput>;
