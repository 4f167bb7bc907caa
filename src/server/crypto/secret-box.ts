import crypto from "node:crypto";

/**
 * AES-256-GCM envelopes for secrets at rest (connection API keys, the instance API key).
 *
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The version lets the format
 * change later; the key id (a hash of the derived key, not the key) tells which SECRET_KEY sealed
 * a value, so a changed SECRET_KEY is reported as such instead of as "bad decrypt".
 */
const VERSION = "v1";
const IV_BYTES = 12;

/** Shorter (or blank) keys are refused: anything sealed under "" opens for anyone who reads the DB. */
export const MIN_SECRET_KEY_LENGTH = 32;

export function isStrongSecretKey(secretKey: string): boolean {
  return secretKey.trim().length >= MIN_SECRET_KEY_LENGTH;
}

export class SecretDecryptError extends Error {
  constructor(readonly reason: "wrong_key" | "corrupt") {
    super(
      reason === "wrong_key"
        ? "This secret was encrypted with a different SECRET_KEY"
        : "This secret could not be decrypted: the stored value is damaged",
    );
    this.name = "SecretDecryptError";
  }
}

const keyCache = new Map<string, { key: Buffer; id: string }>();

function deriveKey(secretKey: string): { key: Buffer; id: string } {
  let derived = keyCache.get(secretKey);
  if (!derived) {
    // HKDF, not a password KDF: SECRET_KEY is a random machine secret, not something a person chose.
    const key = Buffer.from(crypto.hkdfSync("sha256", secretKey, "optimizarr", "secret-box:v1", 32));
    const id = crypto.createHash("sha256").update(key).digest("base64url").slice(0, 8);
    derived = { key, id };
    keyCache.set(secretKey, derived);
  }
  return derived;
}

export function sealSecret(plaintext: string, secretKey: string): string {
  // Opening stays possible under any key (so a rotation can still read old values); sealing never.
  if (!isStrongSecretKey(secretKey)) throw new Error(`Refusing to encrypt under a SECRET_KEY shorter than ${MIN_SECRET_KEY_LENGTH} characters`);
  const { key, id } = deriveKey(secretKey);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, id, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function openSecret(envelope: string, secretKey: string): string {
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptError("corrupt");
  const [, keyId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
  const { key, id } = deriveKey(secretKey);
  if (keyId !== id) throw new SecretDecryptError("wrong_key");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
    decipher.setAuthTag(Buffer.from(tagText, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptError("corrupt");
  }
}

/** True when the envelope was sealed under this key (cheap: compares key ids, decrypts nothing). */
export function isSealedWith(envelope: string, secretKey: string): boolean {
  return envelope.split(".")[1] === deriveKey(secretKey).id;
}

/** `****` + the last 4 characters: the only form of a key shown after creation. */
export function maskSecret(lastFour: string): string {
  return `****${lastFour}`;
}

export function lastFourOf(secret: string): string {
  return secret.slice(-4);
}
