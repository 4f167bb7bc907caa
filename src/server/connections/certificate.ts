import tls from "node:tls";
import net from "node:net";
import { normaliseFingerprint } from "./certificate-fingerprint";

/**
 * Self-signed certificates: what the server presents (so the UI can offer "trust this
 * certificate") and the fingerprint format we store. Trust is per connection and by SHA-256
 * fingerprint only; nothing here turns verification off for anything else.
 */
export interface PresentedCertificate {
  /** SHA-256 fingerprint, "AB:CD:…" (Node's `fingerprint256` form). */
  sha256: string;
  subject: string | null;
  issuer: string | null;
  validFrom: string | null;
  validTo: string | null;
  selfSigned: boolean;
}

// Pure, in its own file so the input schemas (also used by the browser's forms) don't pull in node:tls.
export { normaliseFingerprint };

function nameOf(entity: tls.PeerCertificate["subject"] | undefined): string | null {
  if (!entity) return null;
  const common = entity.CN;
  if (common) return Array.isArray(common) ? common.join(", ") : common;
  const organisation = entity.O;
  if (organisation) return Array.isArray(organisation) ? organisation.join(", ") : organisation;
  return null;
}

/**
 * Connects without verifying, reads the certificate, disconnects — never sends a request (so no
 * API key leaves). Only called after a verified connection failed with a certificate error.
 */
export function probeCertificate(baseUrl: string, timeoutMs = 10_000): Promise<PresentedCertificate | null> {
  const url = new URL(baseUrl);
  if (url.protocol !== "https:") return Promise.resolve(null);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const finish = (result: PresentedCertificate | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerCertificate(true);
      const sha256 = normaliseFingerprint(certificate.fingerprint256);
      if (!sha256) return finish(null);
      finish({
        sha256,
        subject: nameOf(certificate.subject),
        issuer: nameOf(certificate.issuer),
        validFrom: certificate.valid_from ?? null,
        validTo: certificate.valid_to ?? null,
        // A self-signed certificate is its own issuer.
        selfSigned: certificate.issuerCertificate?.fingerprint256 === certificate.fingerprint256,
      });
    });
    socket.once("timeout", () => finish(null));
    socket.once("error", () => finish(null));
  });
}
