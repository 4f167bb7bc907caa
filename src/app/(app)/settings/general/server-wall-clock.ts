/**
 * The server's wall-clock time, computed in the browser from the server's time zone, as a Date whose
 * *local* fields (getHours, getDay…) read like the server's. isWithinRestHours reads local fields,
 * so it then answers for the server even when the browser sits in another zone.
 */
export function serverWallClock(instant: Date, timeZone: string, utcOffsetMinutes: number): Date {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
        .formatToParts(instant)
        .map((part) => [part.type, Number(part.value)]),
    );
    if ([parts.year, parts.month, parts.day, parts.hour, parts.minute].every((value) => Number.isFinite(value))) {
      return new Date(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
    }
  } catch {
    // The browser does not know this zone name: fall back to the offset the server reported.
  }
  const shifted = new Date(instant.getTime() + utcOffsetMinutes * 60_000);
  return new Date(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate(), shifted.getUTCHours(), shifted.getUTCMinutes());
}

export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? "−" : "+";
  const absolute = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}:${String(absolute % 60).padStart(2, "0")}`;
}
