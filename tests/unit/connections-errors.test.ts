import { describe, expect, it } from "vitest";
import { CertificatePinMismatchError, classifyError, htmlResponseError, httpStatusError, redirectError } from "~/server/connections/errors";

const context = { app: "Sonarr", baseUrl: "http://sonarr.local:8989" };

/** undici's shape: `TypeError: fetch failed` whose cause carries the code. */
function fetchFailed(code: string, name = "Error"): TypeError {
  const cause = Object.assign(new Error(`${code} happened`), { code, name });
  return new TypeError("fetch failed", { cause });
}

describe("classifyError", () => {
  it.each([
    ["ECONNREFUSED", "unreachable", "Nothing answered at http://sonarr.local:8989: is Sonarr running and the port right?"],
    ["ENOTFOUND", "unreachable", 'The host name "sonarr.local:8989" could not be found'],
    ["EAI_AGAIN", "unreachable", "could not be found"],
    ["EHOSTUNREACH", "unreachable", "can't be reached"],
    ["UND_ERR_CONNECT_TIMEOUT", "timeout", "Connecting to http://sonarr.local:8989 timed out"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout", "didn't answer in time"],
    ["UND_ERR_BODY_TIMEOUT", "timeout", "stopped sending data"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls", "self-signed certificate"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls", "trust it in the connection settings"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls", "self-signed certificate"],
    ["CERT_HAS_EXPIRED", "tls", "has expired"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls", "different host name"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls", "doesn't speak HTTPS"],
    ["ECONNRESET", "unreachable", "closed the connection"],
  ])("%s → %s", (code, category, fragment) => {
    const error = classifyError(fetchFailed(code), context);
    expect(error.category).toBe(category);
    expect(error.message).toContain(fragment);
  });

  it("marks certificate problems as trustable, and a wrong protocol as not", () => {
    expect(classifyError(fetchFailed("DEPTH_ZERO_SELF_SIGNED_CERT"), context).untrustedCertificate).toBe(true);
    expect(classifyError(fetchFailed("ERR_SSL_WRONG_VERSION_NUMBER"), context).untrustedCertificate).toBeUndefined();
    expect(classifyError(new TypeError("fetch failed", { cause: new CertificatePinMismatchError() }), context)).toMatchObject({
      category: "tls",
      untrustedCertificate: true,
    });
  });

  it("reads timeouts and aborts from the error name (AbortSignal)", () => {
    expect(classifyError(new DOMException("The operation was aborted due to timeout", "TimeoutError"), context).category).toBe("timeout");
    expect(classifyError(new DOMException("aborted", "AbortError"), context).category).toBe("timeout");
  });

  it("finds the code deep in the chain and inside AggregateErrors", () => {
    const nested = new TypeError("fetch failed", { cause: new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]) });
    expect(classifyError(nested, context).category).toBe("unreachable");
  });

  it("says which transient failures are worth a retry", () => {
    expect(classifyError(fetchFailed("ECONNREFUSED"), context).transient).toBe(true);
    expect(classifyError(fetchFailed("ENOTFOUND"), context).transient).toBe(false);
    expect(classifyError(fetchFailed("DEPTH_ZERO_SELF_SIGNED_CERT"), context).transient).toBeUndefined();
  });

  it("falls back to unreachable with the code, never the raw message", () => {
    const error = classifyError(fetchFailed("ESOMETHINGNEW"), context);
    expect(error).toMatchObject({ category: "unreachable" });
    expect(error.message).toContain("ESOMETHINGNEW");
    expect(error.message).not.toContain("happened");
    expect(classifyError("a string", context).category).toBe("unreachable");
  });
});

describe("HTTP answers", () => {
  it.each([
    [401, "unauthorized", "Sonarr answered 401: check the API key in Sonarr → Settings → General"],
    [403, "unauthorized", "403"],
    [404, "not_found", "check the URL base (e.g. /sonarr)"],
    [500, "bad_response", "check Sonarr's logs"],
    [502, "unreachable", "isn't answering"],
    [503, "unreachable", "isn't answering"],
    [504, "timeout", "took too long"],
    [400, "bad_response", "400"],
  ])("%i → %s", (status, category, fragment) => {
    const error = httpStatusError(status, context);
    expect(error).toMatchObject({ category, status });
    expect(error.message).toContain(fragment);
    expect(error.transient ?? false).toBe(status >= 500);
  });

  it("turns the app's redirect into its URL base into a suggested address", () => {
    const error = redirectError(307, "/sonarr/api/v3/system/status", "http://sonarr.local:8989/api/v3/system/status", context);
    expect(error.category).toBe("not_found");
    expect(error.message).toBe("Sonarr runs under the URL base /sonarr: use http://sonarr.local:8989/sonarr as the address");
  });

  it("recognises a login proxy's redirect and an https upgrade", () => {
    expect(redirectError(302, "https://auth.example.test/login", "http://sonarr.local:8989/api/v3/system/status", context).message).toContain("login proxy");
    expect(redirectError(301, "https://sonarr.local:8989/api/v3/system/status", "http://sonarr.local:8989/api/v3/system/status", context).message).toContain(
      "redirects to HTTPS",
    );
    expect(redirectError(302, null, "http://sonarr.local:8989/api/v3/system/status", context).category).toBe("not_found");
  });

  it("hints at a login proxy for HTML", () => {
    expect(htmlResponseError(context)).toMatchObject({ category: "bad_response" });
    expect(htmlResponseError(context).message).toMatch(/^Got an HTML page instead of Sonarr's API — is a login proxy \(Authelia, Organizr…\) in front of it\?/);
  });
});
