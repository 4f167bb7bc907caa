import "server-only";
import { isSealedWith, lastFourOf, maskSecret, openSecret, sealSecret, SecretDecryptError } from "~/server/crypto/secret-box";
import { registerSecret } from "~/server/logger";
import { getSecretKey } from "~/server/secrets";
import type { ConnectionError } from "./errors";

/**
 * Connection API keys at rest: sealed on write, opened only right before a client is built, and
 * registered with the logger whenever they exist in memory so no log line can carry one. A key
 * that no longer opens (SECRET_KEY changed) is a state the UI shows ("re-enter the API key"),
 * never a crash; replacing it never needs the old value.
 */
export function sealApiKey(apiKey: string): { apiKeyEncrypted: string; apiKeyLast4: string } {
  registerSecret(apiKey);
  return { apiKeyEncrypted: sealSecret(apiKey, getSecretKey()), apiKeyLast4: lastFourOf(apiKey) };
}

export function maskedApiKey(apiKeyLast4: string): string {
  return maskSecret(apiKeyLast4);
}

/** Cheap check for lists: sealed under another SECRET_KEY (or not an envelope at all). */
export function needsApiKey(apiKeyEncrypted: string): boolean {
  return !isSealedWith(apiKeyEncrypted, getSecretKey());
}

export type OpenedApiKey = { ok: true; apiKey: string } | { ok: false; error: ConnectionError & { needsApiKey: true } };

export function openApiKey(connection: { apiKeyEncrypted: string }): OpenedApiKey {
  try {
    const apiKey = openSecret(connection.apiKeyEncrypted, getSecretKey());
    registerSecret(apiKey);
    return { ok: true, apiKey };
  } catch (error) {
    const wrongKey = error instanceof SecretDecryptError && error.reason === "wrong_key";
    return {
      ok: false,
      error: {
        category: "unauthorized",
        needsApiKey: true,
        message: wrongKey
          ? "The stored API key can't be read: SECRET_KEY changed since it was saved. Re-enter the API key for this connection"
          : "The stored API key is damaged. Re-enter the API key for this connection",
      },
    };
  }
}
