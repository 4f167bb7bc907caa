import { redirect } from "next/navigation";
import { auth } from "~/server/auth";
import { needsSetup } from "~/server/auth/admin-account";
import { db } from "~/server/db";
import { AuthCard } from "~/components/auth-card";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await needsSetup(db)) redirect("/setup");
  if ((await auth())?.user) redirect("/queue");
  const { callbackUrl } = await searchParams;
  // Only same-site paths: an open redirect after sign-in would be a phishing aid.
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/queue";
  return (
    <AuthCard title="Sign in" description="Sign in to manage your encoding queue.">
      <LoginForm callbackUrl={safeCallback} />
    </AuthCard>
  );
}
