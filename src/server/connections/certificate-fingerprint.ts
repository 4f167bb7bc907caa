const FINGERPRINT_HEX = /^[0-9a-f]{64}$/;

/** "ab:cd…", "ABCD…", with or without colons → "AB:CD:…"; anything else → null. */
export function normaliseFingerprint(raw: string | null | undefined): string | null {
  const hex = raw?.replace(/[\s:]/g, "").toLowerCase() ?? "";
  if (!FINGERPRINT_HEX.test(hex)) return null;
  return hex.toUpperCase().match(/.{2}/g)!.join(":");
}
