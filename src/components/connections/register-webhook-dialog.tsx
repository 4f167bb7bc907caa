"use client";

import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { z } from "zod";
import { TriangleAlertIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { FormError } from "~/components/ui/form-error";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { errorMessageOf, fieldErrorsOf } from "~/lib/trpc-error";
import { callbackUrlSchema } from "~/server/webhooks/webhook-schemas";
import { api, type RouterOutputs } from "~/trpc/react";
import { failureCategoryLabel } from "./connection-labels";
import { categoryOf } from "./trpc-category";

type Connection = RouterOutputs["connections"]["list"][number];

const formSchema = z.object({ callbackUrl: callbackUrlSchema });
type FormInput = z.input<typeof formSchema>;
type FormOutput = z.output<typeof formSchema>;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]);

function isLoopback(value: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(value).hostname);
  } catch {
    return false;
  }
}

export function RegisterWebhookDialog({
  connection,
  publicUrl,
  open,
  onOpenChange,
}: {
  connection: Connection;
  publicUrl: string | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={connection.webhookRegistered ? "Update webhook" : "Register webhook"}
        description={`${connection.appLabel} will tell Optimizarr about every import, upgrade, rename and delete, so new files reach the queue within seconds.`}
      >
        <RegisterWebhookForm connection={connection} publicUrl={publicUrl} onDone={() => onOpenChange(false)} />
      </DialogContent>
    </Dialog>
  );
}

function RegisterWebhookForm({ connection, publicUrl, onDone }: { connection: Connection; publicUrl: string | null; onDone: () => void }) {
  const utils = api.useUtils();
  const register = api.connections.registerWebhook.useMutation();
  const [formError, setFormError] = useState<{ message: string; category: string | null } | null>(null);
  const form = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(formSchema),
    // Mounted only while the dialog is open, so window exists.
    defaultValues: { callbackUrl: publicUrl ?? window.location.origin },
    mode: "onTouched",
  });
  const { errors, isSubmitting } = form.formState;
  const callbackUrl = useWatch({ control: form.control, name: "callbackUrl" });

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await register.mutateAsync({ id: connection.id, callbackUrl: values.callbackUrl });
      toast.success(`Webhook registered in ${connection.name}`, { description: `${connection.appLabel} confirmed it can reach ${values.callbackUrl}.` });
      await utils.connections.list.invalidate();
      onDone();
    } catch (error) {
      const field = fieldErrorsOf(error).callbackUrl;
      if (field) form.setError("callbackUrl", { type: "server", message: field }, { shouldFocus: true });
      else setFormError({ message: errorMessageOf(error), category: categoryOf(error) });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <Field
        label="Callback URL"
        htmlFor={`webhook-${connection.id}-callback`}
        error={errors.callbackUrl?.message}
        hint={
          <>
            The URL {connection.appLabel} uses to reach Optimizarr — not <code className="font-mono">localhost</code> if {connection.appLabel} runs in another container (use
            the container name, e.g. <code className="font-mono">http://optimizarr:3000</code>). Optimizarr adds the path and its secret itself.
          </>
        }
      >
        <Input
          id={`webhook-${connection.id}-callback`}
          className="font-mono"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          aria-invalid={!!errors.callbackUrl}
          aria-describedby={errors.callbackUrl ? `webhook-${connection.id}-callback-error` : undefined}
          {...form.register("callbackUrl")}
        />
      </Field>
      {isLoopback(callbackUrl) ? (
        <p className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-xs">
          <TriangleAlertIcon className="mt-0.5 size-4 shrink-0 text-warning" />
          This address only works if {connection.appLabel} runs on the same machine as Optimizarr, outside Docker. Set the public URL in Settings → General to prefill the right one.
        </p>
      ) : null}
      {formError ? (
        // The server's message quotes what the app said and the usual cause (a localhost URL seen from another container).
        <FormError label={formError.category ? failureCategoryLabel(formError.category) : null}>{formError.message}</FormError>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button type="button" variant="ghost" onClick={onDone} disabled={isSubmitting}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={isSubmitting}>
          {isSubmitting ? <Spinner /> : null} {connection.webhookRegistered ? "Update webhook" : "Register webhook"}
        </Button>
      </div>
    </form>
  );
}
