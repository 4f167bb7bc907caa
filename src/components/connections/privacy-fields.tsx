"use client";

import type { UseFormReturn } from "react-hook-form";
import { EyeOffIcon, TriangleAlertIcon } from "lucide-react";
import { Field, Input } from "~/components/ui/input";
import { Switch } from "~/components/ui/switch";
import type { ConnectionFormInput, ConnectionFormOutput } from "./connection-form-schema";

/** The Stash warning, verbatim from the privacy model: shown before a private-by-default app is added. */
export function privateAppWarning(appLabel: string): string {
  return `Files from this source will appear in your encoding queue. Ensure no one else has access to this Optimizarr instance before connecting ${appLabel}.`;
}

/**
 * Private switch, display alias and — when adding a private-by-default app — the warning the user
 * must tick before the switch unlocks (and before Save does anything).
 */
export function PrivacyFields({
  form,
  appLabel,
  isPrivate,
  needsAcknowledgement,
  acknowledged,
  acknowledgementError,
  aliasError,
}: {
  form: UseFormReturn<ConnectionFormInput, unknown, ConnectionFormOutput>;
  appLabel: string;
  isPrivate: boolean;
  needsAcknowledgement: boolean;
  acknowledged: boolean;
  acknowledgementError?: string;
  aliasError?: string;
}) {
  const { register, setValue } = form;
  const locked = needsAcknowledgement && !acknowledged;
  return (
    <fieldset className="flex flex-col gap-3 rounded-md border border-border p-4">
      <legend className="px-1 text-sm font-medium">Privacy</legend>
      {needsAcknowledgement ? (
        <div className="flex flex-col gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
          <p className="flex items-start gap-2">
            <TriangleAlertIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
            <span>{privateAppWarning(appLabel)}</span>
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-[var(--color-primary)]"
              aria-invalid={!!acknowledgementError}
              {...register("acknowledged")}
            />
            I have read this
          </label>
          {acknowledgementError ? (
            <p role="alert" className="text-xs text-danger">
              {acknowledgementError}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-col gap-1.5">
        <label className="flex items-center gap-2 text-sm font-medium">
          <Switch
            checked={isPrivate}
            disabled={locked}
            aria-label="Private"
            onCheckedChange={(checked) => setValue("private", checked, { shouldDirty: true })}
          />
          <EyeOffIcon className="size-4 text-muted" aria-hidden />
          Private
        </label>
        <p className="text-xs text-muted">
          {locked
            ? "On until you confirm the warning above."
            : `Paths, file names and titles from ${appLabel} are hidden everywhere: queue, logs, errors and statistics.`}
        </p>
      </div>
      {isPrivate ? (
        <Field label="Show as" htmlFor="connection-display-alias" error={aliasError} hint="What private items are called instead of their path. Empty shows [Private].">
          <Input id="connection-display-alias" placeholder="[Private]" maxLength={100} autoComplete="off" {...register("displayAlias")} />
        </Field>
      ) : null}
    </fieldset>
  );
}
