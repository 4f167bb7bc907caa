"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/form-error";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { api } from "~/trpc/react";
import { errorMessageOf } from "~/lib/trpc-error";

// Mirrors adminAccountSchema on the server, which re-validates; plus the confirmation field.
const formSchema = z
  .object({
    username: z.string().trim().min(1, "Enter a username").max(64, "At most 64 characters").regex(/^[\w.@-]+$/, "Letters, digits and . _ @ - only"),
    password: z.string().min(8, "At least 8 characters").max(256, "At most 256 characters"),
    confirm: z.string(),
  })
  .refine((values) => values.password === values.confirm, { message: "The passwords do not match", path: ["confirm"] });
type FormValues = z.infer<typeof formSchema>;

export function SetupForm() {
  const [serverError, setServerError] = useState<string | null>(null);
  const createAdmin = api.setup.createAdmin.useMutation();
  const { register, handleSubmit, formState } = useForm<FormValues>({ resolver: zodResolver(formSchema) });

  const onSubmit = handleSubmit(async ({ username, password }) => {
    setServerError(null);
    try {
      await createAdmin.mutateAsync({ username, password });
      const result = await signIn("credentials", { username, password, redirect: false });
      window.location.assign(result?.error ? "/login" : "/queue");
    } catch (error) {
      setServerError(errorMessageOf(error));
    }
  });

  const { errors, isSubmitting } = formState;
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <Field label="Username" htmlFor="username" error={errors.username?.message}>
        <Input id="username" autoComplete="username" aria-invalid={!!errors.username} autoFocus {...register("username")} />
      </Field>
      <Field label="Password" htmlFor="password" error={errors.password?.message} hint="At least 8 characters.">
        <Input id="password" type="password" autoComplete="new-password" aria-invalid={!!errors.password} {...register("password")} />
      </Field>
      <Field label="Confirm password" htmlFor="confirm" error={errors.confirm?.message}>
        <Input id="confirm" type="password" autoComplete="new-password" aria-invalid={!!errors.confirm} {...register("confirm")} />
      </Field>
      {serverError ? (
        <FormError className="text-danger">{serverError}</FormError>
      ) : null}
      <Button type="submit" variant="primary" disabled={isSubmitting}>
        {isSubmitting ? <Spinner /> : null} Create account
      </Button>
    </form>
  );
}
