/** Dates in the exact text form Prisma's SQLite adapter writes, so raw and ORM writes sort alike. */
export function sqlDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
