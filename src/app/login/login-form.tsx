"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/form-error";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { safeCallbackPath } from "~/lib/safe-callback-path";

function messageForCode(code: string | undefined): string {
  const throttled = /^throttled_(\d+)$/.exec(code ?? "");
  if (throttled) return `Too many failed sign-ins. Wait ${throttled[1]} seconds before trying again.`;
  return "Wrong username or password. Repeated failures are slowed down.";
}

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", {
        username: String(form.get("username") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (result?.error) {
        setError(messageForCode(result.code));
        return;
      }
      // Checked again here: the prop is the page's, but this line is where the browser leaves.
      window.location.assign(safeCallbackPath(callbackUrl));
    } catch {
      setError("Could not reach Optimizarr. Check that the server is running.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <Field label="Username" htmlFor="username">
        <Input id="username" name="username" autoComplete="username" required maxLength={64} autoFocus />
      </Field>
      <Field label="Password" htmlFor="password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required maxLength={256} />
      </Field>
      {error ? (
        <FormError className="text-danger">{error}</FormError>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? <Spinner /> : null} Sign in
      </Button>
    </form>
  );
}
