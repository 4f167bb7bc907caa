"use client";

import { useState } from "react";
import { signOut } from "next-auth/react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { KeyRoundIcon, LogOutIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError } from "~/components/ui/form-error";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { errorMessageOf, fieldErrorsOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";

// Mirrors passwordChangeSchema on the server, which re-validates and checks the current password.
const formSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(256, "At most 256 characters"),
    newPassword: z.string().min(8, "At least 8 characters").max(256, "At most 256 characters"),
    confirmPassword: z.string(),
  })
  .refine((values) => values.newPassword === values.confirmPassword, { message: "The passwords do not match", path: ["confirmPassword"] })
  .refine((values) => values.newPassword !== values.currentPassword, { message: "Choose a password different from the current one", path: ["newPassword"] });
type FormValues = z.infer<typeof formSchema>;
const FIELDS = ["currentPassword", "newPassword", "confirmPassword"] as const;

/**
 * Both actions end every session, this browser's too: the server bumps the account's session
 * version, so this page's cookie is already stale. Clearing it and going to the sign-in page says
 * so at once instead of on the next click.
 */
async function toSignInPage(reason: string) {
  toast.success(reason);
  await signOut({ redirectTo: "/login" });
}

export function AccountCard() {
  const changePassword = api.account.changePassword.useMutation();
  const signOutEverywhere = api.account.signOutEverywhere.useMutation();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<FormValues>({ resolver: zodResolver(formSchema) });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await changePassword.mutateAsync(values);
      await toSignInPage("Password changed. Sign in again with the new password.");
    } catch (error) {
      const fields = fieldErrorsOf(error);
      const serverFields = FIELDS.filter((field) => fields[field]);
      serverFields.forEach((field, index) => setError(field, { type: "server", message: fields[field] }, { shouldFocus: index === 0 }));
      if (serverFields.length === 0) setFormError(errorMessageOf(error));
    }
  });

  async function onSignOutEverywhere() {
    try {
      await signOutEverywhere.mutateAsync();
      await toSignInPage("Signed out everywhere.");
    } catch (error) {
      toast.error("Could not sign out everywhere", { description: errorMessageOf(error) });
    }
  }

  const { errors, isSubmitting } = formState;
  return (
    <Card className="flex flex-col gap-4">
      <div>
        <CardTitle>Account</CardTitle>
        <p className="mt-1 text-sm text-muted">Changing the password signs out every browser, this one included; sign in again with the new one.</p>
      </div>
      <form onSubmit={onSubmit} className="flex max-w-sm flex-col gap-4" noValidate aria-label="Change password">
        <Field label="Current password" htmlFor="currentPassword" error={errors.currentPassword?.message}>
          <Input id="currentPassword" type="password" autoComplete="current-password" aria-invalid={!!errors.currentPassword} {...register("currentPassword")} />
        </Field>
        <Field label="New password" htmlFor="newPassword" error={errors.newPassword?.message} hint="At least 8 characters.">
          <Input id="newPassword" type="password" autoComplete="new-password" aria-invalid={!!errors.newPassword} {...register("newPassword")} />
        </Field>
        <Field label="Confirm new password" htmlFor="confirmPassword" error={errors.confirmPassword?.message}>
          <Input id="confirmPassword" type="password" autoComplete="new-password" aria-invalid={!!errors.confirmPassword} {...register("confirmPassword")} />
        </Field>
        {formError ? <FormError className="text-danger">{formError}</FormError> : null}
        <div>
          <Button type="submit" variant="primary" disabled={isSubmitting}>
            {isSubmitting ? <Spinner /> : <KeyRoundIcon />} Change password
          </Button>
        </div>
      </form>
      <div className="flex flex-col gap-2 border-t border-border pt-4">
        <p className="text-sm text-muted">Signed in on a computer you no longer use, or think someone else is? End every session at once.</p>
        <div>
          <ConfirmDialog
            trigger={
              <Button type="button" variant="secondary" disabled={signOutEverywhere.isPending}>
                {signOutEverywhere.isPending ? <Spinner /> : <LogOutIcon />} Sign out everywhere
              </Button>
            }
            title="Sign out everywhere?"
            description="Every browser signed in to Optimizarr, this one included, is signed out on its next request. Scripts using the API key are not affected."
            confirmLabel="Sign out everywhere"
            onConfirm={onSignOutEverywhere}
          />
        </div>
      </div>
    </Card>
  );
}
