/**
 * Back-off for wrong passwords. Policy:
 *
 * - Two buckets count failures: one per client address (all usernames) and one per username (all
 *   addresses). After FREE_ATTEMPTS failures in a bucket each further attempt waits twice as long
 *   as the last (1 s, 2 s, 4 s … capped at 15 min); a bucket is forgotten an hour after its last
 *   failure.
 * - An attempt is reserved, i.e. counted as a failure, *before* the password is hashed, and given
 *   back only when it succeeds. So 200 parallel wrong passwords cost FREE_ATTEMPTS hashes, not 200:
 *   the rest are refused while the first ones are still being checked.
 * - The address bucket blocks: whoever fails from an address waits, at most 15 min.
 * - The username bucket stops password spraying from many addresses, but a stranger must not be
 *   able to lock the owner out by typing the owner's username. So it blocks only addresses that
 *   are unfamiliar for that username. A familiar address — one that has signed in as that user
 *   before (while this process runs) or is on a local network (loopback, RFC 1918, ULA) — waits
 *   at most FAMILIAR_MAX_WAIT_MS on its account: slowed, never locked out.
 * - A success clears the address bucket and gives back its own reservation in the username
 *   bucket; strangers' failures there stay counted.
 *
 * Addresses come from client-ip.ts, which believes X-Forwarded-For only from TRUSTED_PROXIES.
 * In memory: Optimizarr is one process, and a restart forgetting it is acceptable.
 */
export const FREE_ATTEMPTS = 3;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
export const FAMILIAR_MAX_WAIT_MS = 2_000;
const REMEMBER_SIGN_IN_MS = 90 * 24 * 60 * 60_000;
const MAX_ENTRIES = 10_000;

interface Bucket {
  failures: number;
  lastFailureAt: number;
}

export interface AttemptOrigin {
  ip: string;
  username: string;
  /** Loopback or private network (isLocalNetworkAddress). */
  isLocalNetwork: boolean;
}

export type Reservation = { granted: true; succeeded: () => void } | { granted: false; retryAfterMs: number };

export class LoginThrottle {
  private readonly buckets = new Map<string, Bucket>();
  /** `username\nip` → when that address last signed in as that user. */
  private readonly familiarAddresses = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Call before checking the password. A granted attempt is already counted as failed; call
   * `succeeded()` if the password was right.
   */
  reserve(origin: AttemptOrigin): Reservation {
    const ipKey = `ip:${origin.ip}`;
    const userKey = `user:${origin.username.toLowerCase()}`;
    const wait = Math.max(this.waitMs(ipKey, MAX_DELAY_MS), this.waitMs(userKey, this.isFamiliar(origin) ? FAMILIAR_MAX_WAIT_MS : MAX_DELAY_MS));
    if (wait > 0) return { granted: false, retryAfterMs: wait };

    this.addFailure(ipKey);
    this.addFailure(userKey);
    return {
      granted: true,
      succeeded: () => {
        this.buckets.delete(ipKey);
        this.removeFailure(userKey);
        this.familiarAddresses.set(familiarKey(origin), this.now());
      },
    };
  }

  private isFamiliar(origin: AttemptOrigin): boolean {
    if (origin.isLocalNetwork) return true;
    const lastSignIn = this.familiarAddresses.get(familiarKey(origin));
    return lastSignIn !== undefined && this.now() - lastSignIn < REMEMBER_SIGN_IN_MS;
  }

  /** How long after the bucket's last failure the next attempt must wait, at most `maxDelayMs`. */
  private waitMs(key: string, maxDelayMs: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const now = this.now();
    if (now - bucket.lastFailureAt > FORGET_AFTER_MS) {
      this.buckets.delete(key);
      return 0;
    }
    if (bucket.failures < FREE_ATTEMPTS) return 0;
    const delay = Math.min(maxDelayMs, BASE_DELAY_MS * 2 ** (bucket.failures - FREE_ATTEMPTS));
    return Math.max(0, bucket.lastFailureAt + delay - now);
  }

  private addFailure(key: string): void {
    const bucket = this.buckets.get(key) ?? { failures: 0, lastFailureAt: 0 };
    bucket.failures += 1;
    bucket.lastFailureAt = this.now();
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_ENTRIES) this.forgetOld();
  }

  private removeFailure(key: string): void {
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    bucket.failures -= 1;
    if (bucket.failures <= 0) this.buckets.delete(key);
  }

  private forgetOld(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) if (now - bucket.lastFailureAt > FORGET_AFTER_MS) this.buckets.delete(key);
    for (const [key, at] of this.familiarAddresses) if (now - at > REMEMBER_SIGN_IN_MS) this.familiarAddresses.delete(key);
  }
}

function familiarKey(origin: AttemptOrigin): string {
  return `${origin.username.toLowerCase()}\n${origin.ip}`;
}

const globalForThrottle = globalThis as unknown as { loginThrottle?: LoginThrottle };
export const loginThrottle: LoginThrottle = (globalForThrottle.loginThrottle ??= new LoginThrottle());
