import { describe, expect, it } from "vitest";
import { privateLabel, redactText, redactValue } from "~/server/privacy/redact";

describe("redaction", () => {
  it("hides a private value behind the alias or [Private]", () => {
    expect(redactValue("/stash/secret.mp4", { private: true })).toBe("[Private]");
    expect(redactValue("/stash/secret.mp4", { private: true, displayAlias: "Vault" })).toBe("Vault");
    expect(redactValue("/tv/show.mkv", { private: false, displayAlias: "Vault" })).toBe("/tv/show.mkv");
    expect(privateLabel("   ")).toBe("[Private]");
  });

  it("removes private values from free text", () => {
    expect(redactText("ENOENT: /stash/a.mp4 and /stash/a.mp4 again", ["/stash/a.mp4"])).toBe("ENOENT: [Private] and [Private] again");
  });
});
