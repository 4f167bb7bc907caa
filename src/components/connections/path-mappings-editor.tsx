"use client";

import { useFieldArray, type UseFormReturn } from "react-hook-form";
import { ArrowRightIcon, PlusIcon, XIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Input, Label } from "~/components/ui/input";
import type { ConnectionFormInput, ConnectionFormOutput } from "./connection-form-schema";

/** Rows of "path as the app sees it → path as Optimizarr sees it". */
export function PathMappingsEditor({ form, appLabel }: { form: UseFormReturn<ConnectionFormInput, unknown, ConnectionFormOutput>; appLabel: string }) {
  const { fields, append, remove } = useFieldArray({ control: form.control, name: "pathMappings" });
  const errors = form.formState.errors.pathMappings;
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="text-sm font-medium">Path mappings</legend>
      <p className="text-xs text-muted">
        Only needed when {appLabel} sees files under another path than Optimizarr does, e.g. {appLabel} in Docker sees <code className="font-mono">/movies</code> where Optimizarr sees{" "}
        <code className="font-mono">/mnt/media/movies</code>.
      </p>
      {fields.length > 0 ? (
        <div className="hidden grid-cols-[1fr_auto_1fr_auto] gap-2 text-xs text-muted sm:grid">
          <span>{appLabel}&apos;s path</span>
          <span className="w-4" />
          <span>Optimizarr&apos;s path</span>
          <span className="w-8" />
        </div>
      ) : null}
      {fields.map((field, index) => {
        const rowErrors = errors?.[index];
        return (
          <div key={field.id} className="flex flex-col gap-1">
            <div className="grid grid-cols-[1fr_auto_1fr_auto] items-center gap-2">
              <Label htmlFor={`mapping-${index}-remote`} className="sr-only">
                {`${appLabel} path ${index + 1}`}
              </Label>
              <Input
                id={`mapping-${index}-remote`}
                className="font-mono"
                placeholder="/movies"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={!!rowErrors?.remote}
                {...form.register(`pathMappings.${index}.remote`)}
              />
              <ArrowRightIcon aria-hidden className="size-4 text-muted" />
              <Label htmlFor={`mapping-${index}-local`} className="sr-only">
                {`Optimizarr path ${index + 1}`}
              </Label>
              <Input
                id={`mapping-${index}-local`}
                className="font-mono"
                placeholder="/mnt/media/movies"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={!!rowErrors?.local}
                {...form.register(`pathMappings.${index}.local`)}
              />
              <Button type="button" size="icon" variant="ghost" aria-label={`Remove path mapping ${index + 1}`} onClick={() => remove(index)}>
                <XIcon />
              </Button>
            </div>
            {rowErrors?.remote?.message || rowErrors?.local?.message ? (
              <p role="alert" className="text-xs text-danger">
                {rowErrors.remote?.message ?? rowErrors.local?.message}
              </p>
            ) : null}
          </div>
        );
      })}
      {errors?.root?.message ?? errors?.message ? (
        <p role="alert" className="text-xs text-danger">
          {errors.root?.message ?? errors.message}
        </p>
      ) : null}
      <div>
        <Button type="button" size="sm" variant="ghost" onClick={() => append({ remote: "", local: "" })}>
          <PlusIcon /> Add path mapping
        </Button>
      </div>
    </fieldset>
  );
}
