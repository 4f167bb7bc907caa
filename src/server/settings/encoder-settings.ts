import { z } from "zod";

/**
 * Settings → Encoding. Stored as one JSON value beside the general settings; defaults fill gaps, so
 * a value written by an older version keeps working. The target codec and rest hours stay in the
 * general settings (the public contract sets rest hours there).
 */
export const REST_HOURS_BEHAVIOURS = ["pause", "finish"] as const;
export type RestHoursBehaviour = (typeof REST_HOURS_BEHAVIOURS)[number];

/** ffmpeg encoder names, or "auto" (a working hardware encoder first, else software). */
const encoderChoice = z.string().trim().max(40).regex(/^(auto|[a-z0-9_]+)$/, "An encoder name such as libx265, or auto");

const profileSchema = z.object({
  /** CRF for software encoders, CQ / global_quality for hardware ones: lower is better and bigger. */
  quality: z.number().int().min(0).max(63),
  /** x265: ultrafast … veryslow; SVT-AV1: 0 (slowest) … 13; hardware encoders map it to their own. */
  preset: z.string().trim().min(1).max(20).regex(/^[a-z0-9]+$/, "A preset name such as medium, or a number"),
});
export type EncodeProfileSetting = z.infer<typeof profileSchema>;

/** What x265 and SVT-AV1 users settle on for film and TV: visually transparent, roughly half the size of H.264. */
export const DEFAULT_PROFILES = {
  h265: { quality: 24, preset: "medium" },
  av1: { quality: 32, preset: "8" },
} as const satisfies Record<string, EncodeProfileSetting>;

const absolutePath = z.string().trim().min(1).max(4096).startsWith("/", "An absolute path, e.g. /data/optimizarr-recycle");

/** Each setting's rule, without its default: the stored value fills defaults, an update leaves absent ones alone. */
const fields = {
  /** The whole worker paused (Queue → Pause encoding); kept across restarts. */
  paused: z.boolean(),
  /** Encodes at once. Each software encode already uses every core; more only helps with hardware encoders. */
  concurrency: z.number().int().min(1).max(8),
  encoder: encoderChoice,
  /** A result is kept only when it is at least this much smaller than the original. */
  minSavingsPercent: z.number().int().min(0).max(90),
  /** Mean SSIM of sampled segments the result must reach (1 = identical). */
  minQualitySsim: z.number().min(0.5).max(1),
  /** What an encode running when rest hours begin does: pause until they end, or finish (no new one starts either way). */
  restHoursBehaviour: z.enum(REST_HOURS_BEHAVIOURS),
  /** Dolby Vision's dynamic metadata cannot survive a re-encode: such files are skipped unless this is off. */
  skipDolbyVision: z.boolean(),
  /** Originals are moved here (kept `recycleDays` days) instead of being replaced outright; null = no recycle folder. */
  recycleFolder: absolutePath.nullable(),
  recycleDays: z.number().int().min(1).max(365),
  /** Tell Sonarr, Radarr and Stash about the new file (rescan) after a replacement. */
  handBack: z.boolean(),
};

export const encoderSettingsSchema = z.object({
  paused: fields.paused.default(false),
  concurrency: fields.concurrency.default(1),
  encoder: fields.encoder.default("auto"),
  profiles: z
    .object({ h265: profileSchema.default(DEFAULT_PROFILES.h265), av1: profileSchema.default(DEFAULT_PROFILES.av1) })
    .default({ h265: DEFAULT_PROFILES.h265, av1: DEFAULT_PROFILES.av1 }),
  minSavingsPercent: fields.minSavingsPercent.default(10),
  minQualitySsim: fields.minQualitySsim.default(0.95),
  restHoursBehaviour: fields.restHoursBehaviour.default("pause"),
  skipDolbyVision: fields.skipDolbyVision.default(true),
  recycleFolder: fields.recycleFolder.default(null),
  recycleDays: fields.recycleDays.default(7),
  handBack: fields.handBack.default(true),
});
export type EncoderSettings = z.infer<typeof encoderSettingsSchema>;

export const encoderSettingsUpdateSchema = z.object({
  ...z.object(fields).partial().shape,
  profiles: z.object({ h265: profileSchema.optional(), av1: profileSchema.optional() }).optional(),
});
export type EncoderSettingsUpdate = z.infer<typeof encoderSettingsUpdateSchema>;
