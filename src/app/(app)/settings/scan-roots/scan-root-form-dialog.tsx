"use client";

import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { FormError } from "~/components/ui/form-error";
import { Field, Input } from "~/components/ui/input";
import { IntervalSelect } from "~/components/ui/interval-select";
import { Spinner } from "~/components/ui/states";
import { SwitchField } from "~/components/ui/switch-field";
import { intervalSelectField, intervalSelectValue } from "~/lib/schedule-interval";
import { errorMessageOf, fieldErrorsOf } from "~/lib/trpc-error";
import { scanRootNameSchema, scanRootPathSchema, SCAN_ROOT_NAME_MAX, SCAN_ROOT_PATH_MAX } from "~/server/scan/scan-root-input";
import { api, type RouterOutputs } from "~/trpc/react";

type ScanRoot = RouterOutputs["scanRoots"]["list"][number];
export type ScanRootFormMode = { kind: "add" } | { kind: "edit"; root: ScanRoot };

// Same rules as the server's input schema; the server re-validates and also checks the folder itself.
const formSchema = z.object({ name: scanRootNameSchema, path: scanRootPathSchema, scanInterval: intervalSelectField, private: z.boolean(), showInStats: z.boolean() });
// A private root (or a private connection's) has its path hidden: the path cannot be edited while it is.
const hiddenPathFormSchema = formSchema.extend({ path: z.string() });
type FormInput = z.input<typeof formSchema>;
type FormOutput = z.output<typeof formSchema>;

function defaultsFor(mode: ScanRootFormMode): FormInput {
  if (mode.kind === "add") return { name: "", path: "", scanInterval: "off", private: false, showInStats: true };
  const { root } = mode;
  return {
    name: root.name,
    path: root.pathHidden ? "" : root.path,
    scanInterval: intervalSelectValue(root.scanIntervalMinutes),
    private: root.private,
    showInStats: root.showInStats,
  };
}

export function ScanRootFormDialog({ mode, open, onOpenChange }: { mode: ScanRootFormMode; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={mode.kind === "add" ? "Add scan root" : `Edit ${mode.root.name}`}
        description={mode.kind === "add" ? "A folder Optimizarr scans for video files, including all its subfolders." : undefined}
      >
        {/* Mounted only while open, so every opening starts from fresh values. */}
        <ScanRootForm mode={mode} onDone={() => onOpenChange(false)} />
      </DialogContent>
    </Dialog>
  );
}

function ScanRootForm({ mode, onDone }: { mode: ScanRootFormMode; onDone: () => void }) {
  const pathHidden = mode.kind === "edit" && mode.root.pathHidden;
  const utils = api.useUtils();
  const create = api.scanRoots.create.useMutation();
  const update = api.scanRoots.update.useMutation();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, setValue, formState, control } = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(pathHidden ? hiddenPathFormSchema : formSchema),
    defaultValues: defaultsFor(mode),
  });

  // Runs from a toast after this form has closed, so it goes through the client rather than a hook.
  const startScan = async (id: number) => {
    try {
      const started = await utils.client.scanRoots.scan.mutate({ id });
      utils.scanRoots.scanStatus.setData({ id }, started.progress);
      await utils.scanRoots.list.invalidate();
    } catch (error) {
      toast.error(errorMessageOf(error));
    }
  };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      if (mode.kind === "add") {
        const created = await create.mutateAsync({
          name: values.name,
          path: values.path,
          scanIntervalMinutes: values.scanInterval,
          private: values.private,
          showInStats: values.showInStats,
        });
        toast.success(`Added scan root "${created.name}"`, { action: { label: "Scan now", onClick: () => void startScan(created.id) } });
      } else {
        await update.mutateAsync({
          id: mode.root.id,
          name: values.name,
          scanIntervalMinutes: values.scanInterval,
          private: values.private,
          showInStats: values.showInStats,
          ...(pathHidden ? {} : { path: values.path }),
        });
        toast.success(`Saved scan root "${values.name}"`);
      }
      await utils.scanRoots.list.invalidate();
      onDone();
    } catch (error) {
      // Field problems (folder missing, duplicate path, too long…) go beside the field; the rest above the buttons.
      const fields = fieldErrorsOf(error);
      let placed = false;
      for (const [field, serverField] of [["name", "name"], ["path", "path"], ["scanInterval", "scanIntervalMinutes"]] as const) {
        if (fields[serverField]) {
          setError(field, { type: "server", message: fields[serverField] }, { shouldFocus: !placed });
          placed = true;
        }
      }
      if (!placed) setFormError(errorMessageOf(error));
    }
  });

  const { errors, isSubmitting } = formState;
  const [scanInterval, isPrivate, showInStats] = useWatch({ control, name: ["scanInterval", "private", "showInStats"] });
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <Field label="Name" htmlFor="scan-root-name" error={errors.name?.message}>
        <Input
          id="scan-root-name"
          placeholder="Movies"
          maxLength={SCAN_ROOT_NAME_MAX}
          autoComplete="off"
          aria-invalid={!!errors.name}
          aria-describedby={errors.name ? "scan-root-name-error" : undefined}
          autoFocus
          {...register("name")}
        />
      </Field>
      <Field
        label="Path"
        htmlFor="scan-root-path"
        error={errors.path?.message}
        hint={
          pathHidden
            ? "Hidden because this folder is private; make it public to change it."
            : "Absolute path as Optimizarr sees it, e.g. /media/movies (inside Docker, the container's path)."
        }
      >
        <Input
          id="scan-root-path"
          className="font-mono"
          placeholder={pathHidden ? mode.root.path : "/media/movies"}
          maxLength={SCAN_ROOT_PATH_MAX}
          autoComplete="off"
          spellCheck={false}
          disabled={pathHidden}
          aria-invalid={!!errors.path}
          aria-describedby={errors.path ? "scan-root-path-error" : undefined}
          {...register("path")}
        />
      </Field>
      <Field label="Automatic rescan" htmlFor="scan-root-interval" error={errors.scanInterval?.message} hint="A rescan adds new and changed files and marks files deleted from disk as removed.">
        <IntervalSelect id="scan-root-interval" value={scanInterval} {...register("scanInterval")} />
      </Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <SwitchField
          label="Private"
          hint="Hide this folder's paths and file names everywhere."
          checked={isPrivate}
          onCheckedChange={(checked) => setValue("private", checked, { shouldDirty: true })}
        />
        <SwitchField
          label="Show in stats"
          hint="Count these files on the Statistics page."
          checked={showInStats}
          onCheckedChange={(checked) => setValue("showInStats", checked, { shouldDirty: true })}
        />
      </div>
      {formError ? (
        <FormError className="text-danger">{formError}</FormError>
      ) : null}
      <div className="mt-2 flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onDone} disabled={isSubmitting}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={isSubmitting}>
          {isSubmitting ? <Spinner /> : null} {mode.kind === "add" ? "Add" : "Save"}
        </Button>
      </div>
    </form>
  );
}
