import { redirect } from "next/navigation";
import { needsSetup } from "~/server/auth/admin-account";
import { db } from "~/server/db";
import { AuthCard } from "~/components/auth-card";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Welcome" };

export default async function SetupPage() {
  if (!(await needsSetup(db))) redirect("/login");
  return (
    <AuthCard title="Welcome to Optimizarr" description="Create the admin account. You will use it to sign in from now on.">
      <SetupForm />
    </AuthCard>
  );
}
