import { z } from "zod";
import { APP_TYPES, type AppType } from "~/lib/queue-enums";
import { intervalMinutesSchema } from "~/lib/schedule-interval";
import { normaliseBaseUrl } from "./base-url";
import { normaliseFingerprint } from "./certificate-fingerprint";
import { pathMappingsSchema } from "./path-mapping";

/**
 * Inputs of the `connections` router (names fixed by ../shared/specs/api-contract.md). Pure zod,
 * no server imports, so the Settings → Connections forms validate with the very same rules.
 */
export const connectionIdSchema = z.number().int().positive();

export const appTypeSchema = z.enum(APP_TYPES);

export const connectionNameSchema = z.string().trim().min(1, "Enter a name").max(100);

/** http(s) only, URL base kept, normalised to no trailing slash. */
export const baseUrlSchema = z
  .url({ protocol: /^https?$/, message: "Enter a full http:// or https:// address, e.g. http://192.168.1.10:8989" })
  .max(2048)
  .transform((value, ctx) => {
    const result = normaliseBaseUrl(value);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.reason });
      return z.NEVER;
    }
    return result.baseUrl;
  });

export const apiKeySchema = z
  .string()
  .trim()
  .min(1, "Enter the API key")
  .max(256)
  .regex(/^[\x21-\x7e]+$/, "An API key is printable characters without spaces");

/**
 * A key, or "" for none: Stash without a login takes no key. Which apps may go without one is the
 * app definition's to say (apiKeyRequired), so the service checks that, not this schema.
 */
const connectionApiKeySchema = z.union([z.literal(""), apiKeySchema]);

/** "AB:CD:…" with or without colons, any case; stored in one form. */
const certificateFingerprintSchema = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const fingerprint = normaliseFingerprint(value);
    if (!fingerprint) {
      ctx.addIssue({ code: "custom", message: "A SHA-256 fingerprint is 64 hexadecimal digits (colons optional)" });
      return z.NEVER;
    }
    return fingerprint;
  });

const syncIntervalMinutesSchema = intervalMinutesSchema("Sync");

/** Apps whose syncs can be quick (skip what didn't change, see ./parent-snapshots.ts); the others always read everything. */
export const QUICK_SYNC_APPS: ReadonlySet<string> = new Set(["sonarr", "stash"] satisfies AppType[]);

/** Hours between full syncs of a Sonarr or Stash connection (the ones between are quick); a week at most, so nothing stale lingers long. */
export const fullSyncEveryHoursSchema = z
  .number({ error: "Full sync interval must be a number of hours" })
  .int("Full sync interval must be whole hours")
  .min(1, "Full sync interval must be at least 1 hour")
  .max(168, "Full sync interval must be at most 168 hours (a week)");

const tagFilterSchema = z.array(z.string().trim().min(1).max(100)).max(50);

const storedTagFilterSchema = z.array(z.string());

/** The tag names a connection syncs (a JSON column); anything unreadable means no filter. */
export function parseStoredTagFilter(stored: unknown): string[] {
  const parsed = storedTagFilterSchema.safeParse(stored);
  return parsed.success ? parsed.data : [];
}

const displayAliasSchema = z
  .string()
  .trim()
  .max(100)
  .nullable()
  .transform((value) => (value ? value : null));

const connectionSettingsFields = {
  enabled: z.boolean().optional(),
  showInStats: z.boolean().optional(),
  private: z.boolean().optional(),
  displayAlias: displayAliasSchema.optional(),
  tagFilter: tagFilterSchema.optional(),
  pathMappings: pathMappingsSchema.optional(),
  syncIntervalMinutes: syncIntervalMinutesSchema.optional(),
  fullSyncEveryHours: fullSyncEveryHoursSchema.optional(),
};

export const createConnectionInputSchema = z.object({
  name: connectionNameSchema,
  appType: appTypeSchema,
  baseUrl: baseUrlSchema,
  apiKey: connectionApiKeySchema,
  trustedCertSha256: certificateFingerprintSchema.nullable().optional(),
  ...connectionSettingsFields,
});
export type CreateConnectionInput = z.infer<typeof createConnectionInputSchema>;

/** Every field optional; the app type of a saved connection never changes (its items and ids belong to that app). */
export const updateConnectionInputSchema = z.object({
  id: connectionIdSchema,
  name: connectionNameSchema.optional(),
  baseUrl: baseUrlSchema.optional(),
  /** A new key replaces the stored one without ever decrypting it. */
  apiKey: connectionApiKeySchema.optional(),
  trustedCertSha256: certificateFingerprintSchema.nullable().optional(),
  ...connectionSettingsFields,
});
export type UpdateConnectionInput = z.infer<typeof updateConnectionInputSchema>;

/**
 * Either a new connection's details, or a saved connection (`id`) optionally with edited values
 * to try before saving them (a new URL tested with the stored key, say).
 */
export const testConnectionInputSchema = z
  .object({
    id: connectionIdSchema.optional(),
    appType: appTypeSchema.optional(),
    baseUrl: baseUrlSchema.optional(),
    apiKey: connectionApiKeySchema.optional(),
    trustedCertSha256: certificateFingerprintSchema.nullable().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.id !== undefined) return;
    for (const field of ["appType", "baseUrl", "apiKey"] as const) {
      if (input[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `Required (or test a saved connection by id)` });
    }
  });
export type TestConnectionInput = z.infer<typeof testConnectionInputSchema>;

export const syncRunsInputSchema = z.object({
  id: connectionIdSchema,
  limit: z.number().int().min(1).max(50).default(20),
});

export const syncRunInputSchema = z.object({ runId: z.number().int().positive() });

/** `full`: re-read every series or scene; left out, a quick sync once a complete run exists (Sonarr, Stash). */
export const syncInputSchema = z.object({ id: connectionIdSchema, full: z.boolean().optional() });
