import { describe, expect, it } from "vitest";
import { FAMILIAR_MAX_WAIT_MS, LoginThrottle, type AttemptOrigin } from "~/server/auth/login-throttle";

const stranger = (ip: string, username = "admin"): AttemptOrigin => ({ ip, username, isLocalNetwork: false });

/** A failed attempt: reserved and never given back. */
function fail(throttle: LoginThrottle, origin: AttemptOrigin): boolean {
  return throttle.reserve(origin).granted;
}

function waitOf(throttle: LoginThrottle, origin: AttemptOrigin): number {
  const reservation = throttle.reserve(origin);
  if (!reservation.granted) return reservation.retryAfterMs;
  reservation.succeeded(); // Only looking: give the reservation back.
  return 0;
}

describe("LoginThrottle", () => {
  it("grants three attempts, then doubles the wait after each further failure", () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const origin = stranger("203.0.113.1");

    for (let attempt = 0; attempt < 3; attempt++) expect(fail(throttle, origin)).toBe(true);
    expect(throttle.reserve(origin)).toEqual({ granted: false, retryAfterMs: 1_000 });

    now += 1_000;
    expect(fail(throttle, origin)).toBe(true);
    expect(throttle.reserve(origin)).toEqual({ granted: false, retryAfterMs: 2_000 });
    now += 1_500;
    expect(throttle.reserve(origin)).toEqual({ granted: false, retryAfterMs: 500 });
  });

  it("counts an attempt from the moment it is reserved, so parallel attempts cannot all pass", () => {
    const throttle = new LoginThrottle(() => 0);
    const reservations = Array.from({ length: 200 }, () => throttle.reserve(stranger("203.0.113.1")));

    expect(reservations.filter((reservation) => reservation.granted)).toHaveLength(3);
  });

  it("blocks a stranger's other addresses for the username they failed on, but not other usernames", () => {
    const throttle = new LoginThrottle(() => 0);
    for (let attempt = 0; attempt < 5; attempt++) fail(throttle, stranger(`203.0.113.${attempt}`));

    expect(waitOf(throttle, stranger("198.51.100.9", "ADMIN"))).toBeGreaterThan(0);
    expect(waitOf(throttle, stranger("198.51.100.9", "someone-else"))).toBe(0);
  });

  it("only slows the owner's familiar and local addresses when strangers fail on their username", () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const owner = stranger("198.51.100.7");
    const signIn = throttle.reserve(owner);
    if (signIn.granted) signIn.succeeded();
    for (let attempt = 0; attempt < 30; attempt++) {
      fail(throttle, stranger(`203.0.113.${attempt}`));
      now += 15 * 60_000;
    }

    expect(waitOf(throttle, owner)).toBeLessThanOrEqual(FAMILIAR_MAX_WAIT_MS);
    expect(waitOf(throttle, { ip: "192.168.1.20", username: "admin", isLocalNetwork: true })).toBeLessThanOrEqual(FAMILIAR_MAX_WAIT_MS);
    expect(waitOf(throttle, stranger("198.51.100.8"))).toBeGreaterThan(FAMILIAR_MAX_WAIT_MS);
  });

  it("caps the wait at 15 minutes and forgets after an hour", () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const origin = stranger("203.0.113.1");
    for (let attempt = 0; attempt < 40; attempt++) {
      fail(throttle, origin);
      now += 15 * 60_000;
    }
    now -= 15 * 60_000;

    expect(throttle.reserve(origin)).toEqual({ granted: false, retryAfterMs: 15 * 60_000 });
    now += 61 * 60_000;
    expect(waitOf(throttle, origin)).toBe(0);
  });

  it("clears the address's failures on success", () => {
    const throttle = new LoginThrottle(() => 0);
    fail(throttle, stranger("203.0.113.1", "typo"));
    fail(throttle, stranger("203.0.113.1", "other-typo"));

    const reservation = throttle.reserve(stranger("203.0.113.1", "owner"));
    if (reservation.granted) reservation.succeeded();

    for (let attempt = 0; attempt < 3; attempt++) expect(fail(throttle, stranger("203.0.113.1", "third"))).toBe(true);
  });
});
