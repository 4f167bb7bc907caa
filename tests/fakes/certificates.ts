import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Self-signed certificates for the HTTPS fakes, made with the system's openssl at test time (no
 * key material committed). Cached per process and common name: generating one takes ~50 ms.
 */
export interface TestCertificate {
  key: string;
  cert: string;
  /** "AB:CD:…", as Node reports `fingerprint256`. */
  fingerprint256: string;
}

const cache = new Map<string, TestCertificate>();

export function selfSignedCertificate(commonName = "localhost", altNames: string[] = ["DNS:localhost", "IP:127.0.0.1"]): TestCertificate {
  const cacheKey = `${commonName}|${altNames.join(",")}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-cert-"));
  const keyPath = path.join(dir, "key.pem");
  const certPath = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
      "-subj", `/CN=${commonName}`, "-addext", `subjectAltName=${altNames.join(",")}`,
      "-keyout", keyPath, "-out", certPath,
    ],
    { stdio: "ignore" },
  );
  const certificate: TestCertificate = {
    key: fs.readFileSync(keyPath, "utf8"),
    cert: fs.readFileSync(certPath, "utf8"),
    fingerprint256: "",
  };
  certificate.fingerprint256 = new crypto.X509Certificate(certificate.cert).fingerprint256;
  fs.rmSync(dir, { recursive: true, force: true });
  cache.set(cacheKey, certificate);
  return certificate;
}
