import { redirect } from "next/navigation";
import { auth } from "~/server/auth";
import { needsSetup } from "~/server/auth/admin-account";
import { db } from "~/server/db";
import { AppShell } from "~/components/app-shell";

export const dynamic = "force-dynamic";

/** The authoritative page guard: first run → /setup, signed out → /login. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  if (await needsSetup(db)) redirect("/setup");
  const session = await auth();
  if (!session?.user) redirect("/login");
  return <AppShell username={session.user.name}>{children}</AppShell>;
}
