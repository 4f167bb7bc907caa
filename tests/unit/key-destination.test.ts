import { describe, expect, it } from "vitest";
import { storedKeyMayGoTo } from "~/server/connections/key-destination";

describe("storedKeyMayGoTo", () => {
  it.each([
    ["the same address", "http://192.168.1.10:8989", "http://192.168.1.10:8989", true],
    ["a new URL base on the same server", "http://192.168.1.10:8989", "http://192.168.1.10:8989/sonarr", true],
    ["the default port spelled out", "https://tv.example.test", "https://TV.example.test:443/sonarr", true],
    ["another host", "http://192.168.1.10:8989", "http://192.168.1.11:8989", false],
    ["another port", "http://192.168.1.10:8989", "http://192.168.1.10:8990", false],
    ["another scheme", "https://tv.example.test", "http://tv.example.test", false],
    ["a host that only starts alike", "http://tv.example.test", "http://tv.example.test.evil.test", false],
    ["nonsense", "http://tv.example.test", "not a url", false],
  ])("%s", (_label, saved, next, expected) => {
    expect(storedKeyMayGoTo(saved, next)).toBe(expected);
  });
});
