import { redirect } from "next/navigation";
import { auth } from "~/server/auth";
import { needsSetup } from "~/server/auth/admin-account";
import { db } from "~/server/db";
import { safeCallbackPath } from "~/lib/safe-callback-path";
import { AuthCard } from "~/components/auth-card";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await needsSetup(db)) redirect("/setup");
  if ((await auth())?.user) redirect("/queue");
  const { callbackUrl } = await searchParams;
  return (
    <AuthCard title="Sign in" description="Sign in to manage your encoding queue.">
      <LoginForm callbackUrl={safeCallbackPath(callbackUrl)} />
    </AuthCard>
  );
}
