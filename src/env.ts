import { z } from "zod";

/**
 * Every environment variable Optimizarr reads, checked once at startup. Documented in README.md
 * ("Configuration"); add new variables in both places.
 */
const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("data")),
    DATABASE_URL: optionalString,
    SECRET_KEY: z.preprocess(
      emptyAsUndefined,
      z.string().min(32, "SECRET_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional(),
    ),
    /** Previous SECRET_KEY, only for `npm run rotate-secret`. */
    OLD_SECRET_KEY: optionalString,
    AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional()),
    ADMIN_USERNAME: z.preprocess(emptyAsUndefined, z.string().min(1).max(64).optional()),
    ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(8, "ADMIN_PASSWORD must be at least 8 characters").max(256).optional()),
    OPTIMIZARR_API_KEY: z.preprocess(
      emptyAsUndefined,
      z.string().min(16, "OPTIMIZARR_API_KEY must be at least 16 characters").max(256).optional(),
    ),
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
    LOG_TO_FILE: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default("true")),
    FFPROBE_PATH: z.preprocess(emptyAsUndefined, z.string().default("ffprobe")),
    /** The ffmpeg the encoder runs (Debian's by default, from PATH). */
    FFMPEG_PATH: z.preprocess(emptyAsUndefined, z.string().default("ffmpeg")),
    /** Optimizarr's URL as other apps reach it; prefills webhook callback URLs. */
    PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    /**
     * Reverse proxies whose X-Forwarded-For we believe (IPs or CIDRs, comma-separated). Default none:
     * a request's own socket address is the client, whatever headers it sends.
     */
    TRUSTED_PROXIES: z.preprocess(
      (value) => (typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value),
      z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], { error: "not an IP address or CIDR (e.g. 172.18.0.2 or 172.18.0.0/16)" })).default([]),
    ),
  })
  .refine((env) => (env.ADMIN_USERNAME === undefined) === (env.ADMIN_PASSWORD === undefined), {
    message: "ADMIN_USERNAME and ADMIN_PASSWORD must be set together",
    path: ["ADMIN_PASSWORD"],
  });

export type Env = z.infer<typeof envSchema>;

function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "environment"}: ${issue.message}`);
  throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
}

export const env: Env = parseEnv(process.env);
