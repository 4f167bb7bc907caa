import { redirect } from "next/navigation";
import { needsSetup } from "~/server/auth/admin-account";
import { db } from "~/server/db";
import { AuthCard } from "~/components/auth-card";
import { RestoreForm } from "./restore-form";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Welcome" };

export default async function SetupPage() {
  if (!(await needsSetup(db))) redirect("/login");
  return (
    <AuthCard title="Welcome to Optimizarr" description="Create the admin account, or restore a backup of an earlier install. You will use that account to sign in from now on.">
      <SetupForm />
      <div className="mt-6 border-t border-border pt-4">
        <RestoreForm />
      </div>
    </AuthCard>
  );
}
