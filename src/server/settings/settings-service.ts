import "server-only";
import crypto from "node:crypto";
import { env } from "~/env";
import type { Database } from "~/server/db";
import { openSecret, sealSecret } from "~/server/crypto/secret-box";
import { registerSecret } from "~/server/logger";
import { getSecretKey } from "~/server/secrets";
import { generalSettingsSchema, type GeneralSettings, type GeneralSettingsUpdate } from "./general-settings";

const GENERAL_KEY = "general";
const INSTANCE_API_KEY = "instanceApiKey";

export async function getGeneralSettings(db: Database): Promise<GeneralSettings> {
  const row = await db.setting.findUnique({ where: { key: GENERAL_KEY } });
  const parsed = generalSettingsSchema.safeParse(row?.value ?? {});
  // A value written by an older version that no longer validates falls back to defaults.
  return parsed.success ? parsed.data : generalSettingsSchema.parse({});
}

export async function updateGeneralSettings(db: Database, patch: GeneralSettingsUpdate): Promise<GeneralSettings> {
  const current = await getGeneralSettings(db);
  const next = generalSettingsSchema.parse({ ...current, ...stripUndefined(patch) });
  await db.setting.upsert({ where: { key: GENERAL_KEY }, create: { key: GENERAL_KEY, value: next }, update: { value: next } });
  return next;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

let cachedApiKey: string | undefined;

function generateApiKey(): string {
  // 32 hex characters, like Sonarr's own keys.
  return crypto.randomBytes(16).toString("hex");
}

/** The instance API key for `X-Api-Key` automation: OPTIMIZARR_API_KEY, else generated and stored sealed. */
export async function getInstanceApiKey(db: Database): Promise<string> {
  if (env.OPTIMIZARR_API_KEY) return remember(env.OPTIMIZARR_API_KEY);
  if (cachedApiKey) return cachedApiKey;
  const row = await db.setting.findUnique({ where: { key: INSTANCE_API_KEY } });
  if (typeof row?.value === "string") {
    try {
      return remember(openSecret(row.value, getSecretKey()));
    } catch {
      // SECRET_KEY changed: the old key is unrecoverable, so issue a new one (shown in Settings).
    }
  }
  return regenerateInstanceApiKey(db);
}

export async function regenerateInstanceApiKey(db: Database): Promise<string> {
  if (env.OPTIMIZARR_API_KEY) throw new Error("The API key is set by OPTIMIZARR_API_KEY and cannot be regenerated here");
  const apiKey = generateApiKey();
  const sealed = sealSecret(apiKey, getSecretKey());
  await db.setting.upsert({ where: { key: INSTANCE_API_KEY }, create: { key: INSTANCE_API_KEY, value: sealed }, update: { value: sealed } });
  return remember(apiKey);
}

export function isApiKeyFromEnvironment(): boolean {
  return env.OPTIMIZARR_API_KEY !== undefined;
}

function remember(apiKey: string): string {
  registerSecret(apiKey);
  cachedApiKey = apiKey;
  return apiKey;
}

/** Constant-time comparison of a presented key with the instance key. */
export async function isValidInstanceApiKey(db: Database, presented: string): Promise<boolean> {
  const expected = Buffer.from(await getInstanceApiKey(db));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
