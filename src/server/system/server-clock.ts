/** The server's wall clock: rest hours are in this time zone, whatever the browser's is. */
export interface ServerClock {
  /** IANA name (from TZ or the OS), e.g. `Europe/Berlin`; `UTC` in most containers. */
  timeZone: string;
  now: Date;
  /** Minutes east of UTC right now (changes with daylight saving time). */
  utcOffsetMinutes: number;
}

export function serverClock(now: Date = new Date()): ServerClock {
  return {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    now,
    // getTimezoneOffset is minutes *behind* UTC; negate it to get the usual +02:00 sign.
    utcOffsetMinutes: -now.getTimezoneOffset() || 0,
  };
}
