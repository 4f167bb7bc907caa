import { describe, expect, it } from "vitest";
import { isSealedWith, lastFourOf, maskSecret, openSecret, sealSecret, SecretDecryptError } from "~/server/crypto/secret-box";

const KEY = "a".repeat(32) + "-current-secret-key";
const OTHER = "b".repeat(32) + "-another-secret-key";
const API_KEY = "0123456789abcdef0123456789abcdef";

function decryptError(run: () => unknown): SecretDecryptError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretDecryptError) return error;
    throw error;
  }
  throw new Error("expected a SecretDecryptError");
}

describe("secret box", () => {
  it("round-trips, and the envelope does not contain the plaintext", () => {
    const sealed = sealSecret(API_KEY, KEY);
    expect(openSecret(sealed, KEY)).toBe(API_KEY);
    expect(sealed).not.toContain(API_KEY);
    expect(sealed.startsWith("v1.")).toBe(true);
  });

  it("uses a fresh IV every time", () => {
    const first = sealSecret(API_KEY, KEY);
    const second = sealSecret(API_KEY, KEY);
    expect(first).not.toBe(second);
    expect(first.split(".")[2]).not.toBe(second.split(".")[2]);
  });

  it("reports another SECRET_KEY as wrong_key, before trying to decrypt", () => {
    const sealed = sealSecret(API_KEY, KEY);
    expect(decryptError(() => openSecret(sealed, OTHER)).reason).toBe("wrong_key");
    expect(isSealedWith(sealed, KEY)).toBe(true);
    expect(isSealedWith(sealed, OTHER)).toBe(false);
  });

  it("reports a tampered or malformed envelope as corrupt", () => {
    const sealed = sealSecret(API_KEY, KEY);
    const parts = sealed.split(".");
    const ciphertext = Buffer.from(parts[4]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 0xff;
    const tampered = [...parts.slice(0, 4), ciphertext.toString("base64url")].join(".");
    expect(decryptError(() => openSecret(tampered, KEY)).reason).toBe("corrupt");
    expect(decryptError(() => openSecret("plaintext-api-key", KEY)).reason).toBe("corrupt");
    expect(decryptError(() => openSecret(`v2.${parts.slice(1).join(".")}`, KEY)).reason).toBe("corrupt");
  });

  it("masks to **** and the last four characters", () => {
    expect(maskSecret(lastFourOf(API_KEY))).toBe("****cdef");
  });
});
