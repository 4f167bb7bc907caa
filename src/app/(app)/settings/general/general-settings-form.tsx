"use client";

import { useEffect } from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { Field, Input, Select } from "~/components/ui/input";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { restWindowSchema, TARGET_CODECS, type GeneralSettings, type TargetCodec } from "~/server/settings/general-settings";
import { api } from "~/trpc/react";
import { RestHoursStatus } from "./rest-hours-status";
import { RestWindowsEditor } from "./rest-windows-editor";

const TARGET_CODEC_LABELS = {
  h265: "H.265 / HEVC — widely supported, good savings",
  av1: "AV1 — smaller files, needs newer players",
} as const satisfies Record<TargetCodec, string>;

// The server re-validates with generalSettingsUpdateSchema; the form only adds "empty URL = none".
const publicUrlSchema = z.url({ protocol: /^https?$/, error: "Enter a full http:// or https:// URL" });
export const generalFormSchema = z.object({
  targetCodec: z.enum(TARGET_CODECS),
  restWindows: z.array(restWindowSchema).max(20, "At most 20 windows"),
  publicUrl: z
    .string()
    .trim()
    .max(2048, "At most 2048 characters")
    .refine((value) => value === "" || publicUrlSchema.safeParse(value).success, "Enter a full http:// or https:// URL, e.g. http://optimizarr:3000")
    .transform((value) => (value === "" ? null : value.replace(/\/+$/, ""))),
});
export type GeneralFormInput = z.input<typeof generalFormSchema>;
type GeneralFormOutput = z.output<typeof generalFormSchema>;
export type GeneralForm = UseFormReturn<GeneralFormInput, unknown, GeneralFormOutput>;

function toFormValues(settings: GeneralSettings): GeneralFormInput {
  return { targetCodec: settings.targetCodec, restWindows: settings.restWindows, publicUrl: settings.publicUrl ?? "" };
}

export function GeneralSettingsForm() {
  const settings = api.settings.general.useQuery();
  if (settings.isPending) return <LoadingState label="Loading settings…" />;
  if (settings.isError) return <ErrorState message={errorMessageOf(settings.error)} onRetry={() => void settings.refetch()} />;
  return <LoadedForm settings={settings.data} />;
}

function LoadedForm({ settings }: { settings: GeneralSettings }) {
  const utils = api.useUtils();
  const update = api.settings.updateGeneral.useMutation();
  const form: GeneralForm = useForm<GeneralFormInput, unknown, GeneralFormOutput>({
    resolver: zodResolver(generalFormSchema),
    defaultValues: toFormValues(settings),
    mode: "onTouched",
  });
  const { register, handleSubmit, reset, formState } = form;
  const { errors, isDirty, isSubmitting } = formState;

  // Someone saved elsewhere (another tab, the API): show it unless the user has edits in progress.
  useEffect(() => {
    if (!form.formState.isDirty) reset(toFormValues(settings));
  }, [settings, reset, form.formState.isDirty]);

  const onSubmit = handleSubmit(async (values) => {
    try {
      const saved = await update.mutateAsync(values);
      utils.settings.general.setData(undefined, saved);
      reset(toFormValues(saved));
      toast.success("Settings saved");
    } catch (error) {
      toast.error("Settings not saved", { description: errorMessageOf(error) });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6">
      <Card className="flex flex-col gap-5">
        <CardTitle>Encoding</CardTitle>
        <Field label="Target codec" htmlFor="targetCodec" error={errors.targetCodec?.message} hint="Files already in this codec are skipped; everything else is a candidate for re-encoding.">
          <Select id="targetCodec" className="max-w-md" aria-invalid={!!errors.targetCodec} {...register("targetCodec")}>
            {TARGET_CODECS.map((codec) => (
              <option key={codec} value={codec}>
                {TARGET_CODEC_LABELS[codec]}
              </option>
            ))}
          </Select>
        </Field>
      </Card>

      <Card className="flex flex-col gap-4">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <CardTitle>Rest hours</CardTitle>
            <p className="mt-1 text-sm text-muted">Windows when encoding may not run, in the server&apos;s time zone. A window may cross midnight (22:00 – 06:00).</p>
          </div>
          <RestHoursStatus form={form} />
        </div>
        <RestWindowsEditor form={form} />
      </Card>

      <Card className="flex flex-col gap-5">
        <CardTitle>Connections</CardTitle>
        <Field
          label="Public URL"
          htmlFor="publicUrl"
          error={errors.publicUrl?.message}
          hint="Optimizarr's address as Sonarr and Radarr reach it (e.g. http://optimizarr:3000 inside Docker). Used to fill in webhook callback URLs."
        >
          <Input id="publicUrl" className="max-w-md" placeholder="http://optimizarr:3000" inputMode="url" autoComplete="off" aria-invalid={!!errors.publicUrl} {...register("publicUrl")} />
        </Field>
      </Card>

      <div className="flex items-center justify-end gap-2">
        {isDirty ? (
          <Button type="button" variant="ghost" onClick={() => reset(toFormValues(settings))} disabled={isSubmitting}>
            Discard changes
          </Button>
        ) : null}
        <Button type="submit" variant="primary" disabled={isSubmitting || !isDirty}>
          {isSubmitting ? <Spinner /> : null} Save
        </Button>
      </div>
    </form>
  );
}
