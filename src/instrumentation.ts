/** Runs once when the server starts (Next.js instrumentation hook). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // First: from the first request on, X-Forwarded-For names the real client (see client-ip.ts).
  const { guardForwardedFor } = await import("~/server/auth/forwarded-for-guard");
  guardForwardedFor();
  const { runStartupTasks } = await import("~/server/startup");
  await runStartupTasks();
}
