import { describe, expect, it } from "vitest";
import { LoginThrottle, throttleKeys } from "~/server/auth/login-throttle";

describe("LoginThrottle", () => {
  it("lets three wrong passwords through, then doubles the wait", () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const keys = throttleKeys("10.0.0.1", "Admin");

    for (let attempt = 0; attempt < 3; attempt++) throttle.recordFailure(keys);
    expect(throttle.retryAfterMs(keys)).toBe(0);

    throttle.recordFailure(keys);
    expect(throttle.retryAfterMs(keys)).toBe(1_000);
    throttle.recordFailure(keys);
    expect(throttle.retryAfterMs(keys)).toBe(2_000);
    now += 1_500;
    expect(throttle.retryAfterMs(keys)).toBe(500);
  });

  it("throttles per user across IPs and per IP across users", () => {
    const throttle = new LoginThrottle(() => 0);
    for (let attempt = 0; attempt < 5; attempt++) throttle.recordFailure(throttleKeys(`10.0.0.${attempt}`, "admin"));

    expect(throttle.retryAfterMs(throttleKeys("192.168.1.9", "ADMIN"))).toBeGreaterThan(0);
    expect(throttle.retryAfterMs(throttleKeys("192.168.1.9", "someone-else"))).toBe(0);
  });

  it("caps the wait at 15 minutes and forgets after an hour", () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const keys = throttleKeys("1.2.3.4", "admin");
    for (let attempt = 0; attempt < 40; attempt++) throttle.recordFailure(keys);

    expect(throttle.retryAfterMs(keys)).toBe(15 * 60_000);
    now += 61 * 60_000;
    expect(throttle.retryAfterMs(keys)).toBe(0);
  });

  it("clears the counter on success", () => {
    const throttle = new LoginThrottle(() => 0);
    const keys = throttleKeys("1.2.3.4", "admin");
    for (let attempt = 0; attempt < 6; attempt++) throttle.recordFailure(keys);

    throttle.recordSuccess(keys);

    expect(throttle.retryAfterMs(keys)).toBe(0);
  });
});
