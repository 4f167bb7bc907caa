/**
 * Back-off for wrong passwords, per client IP and per username: after a few free attempts each
 * further failure doubles the wait (1 s, 2 s, 4 s … capped at 15 min). A success clears the user's
 * counter. In memory: Optimizarr is one process, and a restart forgetting it is acceptable.
 */
const FREE_ATTEMPTS = 3;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailureAt: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds the caller must still wait before another attempt for these keys; 0 if none. */
  retryAfterMs(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (now - entry.lastFailureAt > FORGET_AFTER_MS) {
        this.entries.delete(key);
        continue;
      }
      wait = Math.max(wait, entry.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key) ?? { failures: 0, blockedUntil: 0, lastFailureAt: now };
      entry.failures += 1;
      entry.lastFailureAt = now;
      const over = entry.failures - FREE_ATTEMPTS;
      entry.blockedUntil = over > 0 ? now + Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (over - 1)) : 0;
      this.entries.set(key, entry);
    }
    if (this.entries.size > 10_000) this.forgetOldest();
  }

  recordSuccess(keys: readonly string[]): void {
    for (const key of keys) this.entries.delete(key);
  }

  private forgetOldest(): void {
    const cutoff = this.now() - FORGET_AFTER_MS;
    for (const [key, entry] of this.entries) if (entry.lastFailureAt < cutoff) this.entries.delete(key);
  }
}

export function throttleKeys(ip: string, username: string): string[] {
  return [`ip:${ip}`, `user:${username.toLowerCase()}`];
}

const globalForThrottle = globalThis as unknown as { loginThrottle?: LoginThrottle };
export const loginThrottle: LoginThrottle = (globalForThrottle.loginThrottle ??= new LoginThrottle());
