import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import { env } from "~/env";
import type { Database } from "~/server/db";
import { openSecret, sealSecret } from "~/server/crypto/secret-box";
import { registerSecret } from "~/server/logger";
import { getSecretKey } from "~/server/secrets";
import { parseStoredPathMappings } from "~/server/connections/path-mapping";
import { encoderSettingsSchema, type EncoderSettings, type EncoderSettingsUpdate } from "./encoder-settings";
import { generalSettingsSchema, type GeneralSettings, type GeneralSettingsUpdate } from "./general-settings";

const GENERAL_KEY = "general";
const ENCODER_KEY = "encoder";
const INSTANCE_API_KEY = "instanceApiKey";

const settingRows = z.array(z.object({ value: z.unknown() }));

/** A stored JSON setting through its schema; a value written by an older version that no longer validates falls back to defaults. */
async function readSetting<T>(db: Database, key: string, schema: z.ZodType<T>): Promise<T> {
  // Raw SQL: every webhook delivery reads the general settings, and Prisma compiles each ORM query
  // anew (≈ 10× the statement's own cost; bench/RESULTS.md, "Webhooks").
  const [row] = settingRows.parse(await db.$queryRaw`SELECT "value" FROM "Setting" WHERE "key" = ${key}`);
  const parsed = schema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : schema.parse({});
}

async function writeSetting<T extends Prisma.InputJsonValue>(db: Database, key: string, value: T): Promise<T> {
  await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  return value;
}

export function getGeneralSettings(db: Database): Promise<GeneralSettings> {
  return readSetting(db, GENERAL_KEY, generalSettingsSchema);
}

export async function updateGeneralSettings(db: Database, patch: GeneralSettingsUpdate): Promise<GeneralSettings> {
  const current = await getGeneralSettings(db);
  return writeSetting(db, GENERAL_KEY, generalSettingsSchema.parse({ ...current, ...stripUndefined(patch) }));
}

export function getEncoderSettings(db: Database): Promise<EncoderSettings> {
  return readSetting(db, ENCODER_KEY, encoderSettingsSchema);
}

/** A setting that validates alone but not against the rest of the install; `field` names it for the form. */
export class SettingsConflictError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "SettingsConflictError";
  }
}

export async function updateEncoderSettings(db: Database, patch: EncoderSettingsUpdate): Promise<EncoderSettings> {
  if (patch.recycleFolder) await refuseRecycleFolderInLibrary(db, patch.recycleFolder);
  const current = await getEncoderSettings(db);
  const { profiles, ...rest } = patch;
  const next = encoderSettingsSchema.parse({ ...current, ...stripUndefined(rest), profiles: { ...current.profiles, ...stripUndefined(profiles ?? {}) } });
  return writeSetting(db, ENCODER_KEY, next);
}

/**
 * Originals kept inside a library would be found again: a scan would queue them, an app would
 * import them beside the new file. The folder must lie outside every scan root and every local
 * folder a connection's paths map to.
 */
async function refuseRecycleFolderInLibrary(db: Database, recycleFolder: string): Promise<void> {
  const folder = recycleFolder.replace(/\/+$/, "") || "/";
  const roots = await db.scanRoot.findMany({ select: { path: true } });
  const connections = await db.externalConnection.findMany({ select: { pathMappings: true } });
  const libraries = [...roots.map((root) => root.path), ...connections.flatMap((connection) => parseStoredPathMappings(connection.pathMappings).map((mapping) => mapping.local))];
  const overlapping = libraries.map((library) => library.replace(/\/+$/, "") || "/").find((library) => overlaps(folder, library));
  if (overlapping !== undefined) {
    throw new SettingsConflictError("recycleFolder", "The recycle folder must be outside your libraries (scan roots and connections' local folders), or its files would be queued and imported again");
  }
}

function overlaps(a: string, b: string): boolean {
  const inside = (inner: string, outer: string) => outer === "/" || inner === outer || inner.startsWith(`${outer}/`);
  return inside(a, b) || inside(b, a);
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
