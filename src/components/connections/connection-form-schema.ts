import { z } from "zod";
import { intervalSelectField } from "~/lib/schedule-interval";
import { apiKeySchema, appTypeSchema, baseUrlSchema, connectionNameSchema, fullSyncEveryHoursSchema } from "~/server/connections/connection-schemas";
import { pathMappingsSchema } from "~/server/connections/path-mapping";

/**
 * The Add/Edit connection form, built from the server's own input schemas so the browser and the
 * server agree on every rule. Only the shapes differ: the interval is a <select> value and, when
 * editing, an empty key means "keep the stored one".
 */
const optionalApiKey = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (value === "") return;
    const parsed = apiKeySchema.safeParse(value);
    if (!parsed.success) ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "Invalid API key" });
  })
  .transform((value) => (value === "" ? undefined : value));

/** "needs-encoding, 4k" → ["needs-encoding", "4k"]: tag names typed as one comma-separated line. */
const tagFilterField = z
  .string()
  .transform((value) => [...new Set(value.split(",").map((tag) => tag.trim()).filter((tag) => tag !== ""))])
  .pipe(z.array(z.string().max(100, "A tag name is at most 100 characters")).max(50, "At most 50 tags"));

const common = {
  appType: appTypeSchema,
  name: connectionNameSchema,
  baseUrl: baseUrlSchema,
  pathMappings: pathMappingsSchema,
  syncInterval: intervalSelectField,
  /** Sonarr only (quick syncs between full ones); a number input, so an empty box is NaN and refused. Left out: unchanged. */
  fullSyncEveryHours: fullSyncEveryHoursSchema.optional(),
  showInStats: z.boolean(),
  private: z.boolean(),
  displayAlias: z.string().trim().max(100, "At most 100 characters"),
  tagFilter: tagFilterField,
  /** Ticked the privacy warning (required to add an app that is private by default). */
  acknowledged: z.boolean(),
};

/** Empty is allowed here: whether this app needs a key is the app's rule, checked on submit and by the server. */
export const addConnectionFormSchema = z.object({ ...common, apiKey: z.union([z.literal(""), apiKeySchema]) });
export const editConnectionFormSchema = z.object({ ...common, apiKey: optionalApiKey });

export type ConnectionFormInput = z.input<typeof editConnectionFormSchema>;
export type ConnectionFormOutput = z.output<typeof editConnectionFormSchema>;

/**
 * What a test proves: it passed for exactly these values. Any change to them (app, address, key,
 * trusted certificate) means Save needs a new test. Spaces around are ignored, as the schemas trim.
 */
export function testIdentity(values: { appType: string; baseUrl: string; apiKey: string; trustedCertSha256: string | null }): string {
  const baseUrl = baseUrlSchema.safeParse(values.baseUrl);
  return JSON.stringify([values.appType, baseUrl.success ? baseUrl.data : values.baseUrl.trim(), values.apiKey.trim(), values.trustedCertSha256]);
}
