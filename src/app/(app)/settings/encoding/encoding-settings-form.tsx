"use client";

import { useEffect } from "react";
import Link from "next/link";
import { Controller, useForm, useWatch, type UseFormReturn } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { AlertTriangleIcon } from "lucide-react";
import { toast } from "sonner";
import { z } from "zod";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { Field, Input, Select } from "~/components/ui/input";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { SwitchField } from "~/components/ui/switch-field";
import { errorMessageOf, fieldErrorsOf } from "~/lib/trpc-error";
import { cn } from "~/lib/utils";
import { REST_HOURS_BEHAVIOURS, type EncoderSettings, type RestHoursBehaviour } from "~/server/settings/encoder-settings";
import type { TargetCodec } from "~/server/settings/general-settings";
import { api, type RouterOutputs } from "~/trpc/react";

type EncoderOption = RouterOutputs["encoder"]["encoders"]["encoders"][number];

const CODEC_NAMES = { h265: "H.265 / HEVC", av1: "AV1" } as const satisfies Record<TargetCodec, string>;
const X265_PRESETS = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"] as const;
const SVT_AV1_PRESETS = Array.from({ length: 14 }, (_, index) => String(index));

const REST_HOURS_LABELS = {
  pause: "Pause it until rest hours end",
  finish: "Let it finish (no new encode starts)",
} as const satisfies Record<RestHoursBehaviour, string>;

// Every message names its field: the form shows them beside the field, scripts see them from the server too.
const wholeNumber = (field: string, min: number, max: number) =>
  z.number({ error: `${field}: enter a whole number from ${min} to ${max}` }).int(`${field}: a whole number, no decimals`).min(min, `${field}: at least ${min}`).max(max, `${field}: at most ${max}`);
const profileSchema = (codec: string, maxQuality: number) =>
  z.object({
    quality: wholeNumber(`${codec} quality`, 0, maxQuality),
    preset: z.string().trim().min(1, `${codec} preset: choose one`).regex(/^[a-z0-9]+$/, `${codec} preset: a preset name such as medium, or a number`),
  });

export const encodingFormSchema = z.object({
  encoder: z.string().regex(/^(auto|[a-z0-9_]+)$/, "Encoder: choose one from the list"),
  profiles: z.object({ h265: profileSchema("H.265", 51), av1: profileSchema("AV1", 63) }),
  concurrency: wholeNumber("Encodes at once", 1, 8),
  minSavingsPercent: wholeNumber("Minimum saving", 0, 90),
  minQualitySsim: z
    .number({ error: "Minimum quality: enter a number from 0.5 to 1, e.g. 0.95" })
    .min(0.5, "Minimum quality: at least 0.5")
    .max(1, "Minimum quality: at most 1 (identical)"),
  restHoursBehaviour: z.enum(REST_HOURS_BEHAVIOURS),
  skipDolbyVision: z.boolean(),
  recycleFolder: z
    .string()
    .trim()
    .max(4096, "Recycle folder: at most 4096 characters")
    .refine((value) => value === "" || value.startsWith("/"), "Recycle folder: an absolute path starting with /, e.g. /data/optimizarr-recycle")
    .transform((value) => (value === "" ? null : value)),
  recycleDays: wholeNumber("Days to keep originals", 1, 365),
  handBack: z.boolean(),
});
const formFieldName = encodingFormSchema.keyof();
type EncodingFormInput = z.input<typeof encodingFormSchema>;
type EncodingFormOutput = z.output<typeof encodingFormSchema>;
type EncodingForm = UseFormReturn<EncodingFormInput, unknown, EncodingFormOutput>;

/** Everything but `paused`: that is the queue page's switch, and saving this form must not flip it. */
function toFormValues(settings: EncoderSettings): EncodingFormInput {
  return {
    encoder: settings.encoder,
    profiles: { h265: { ...settings.profiles.h265 }, av1: { ...settings.profiles.av1 } },
    concurrency: settings.concurrency,
    minSavingsPercent: settings.minSavingsPercent,
    minQualitySsim: settings.minQualitySsim,
    restHoursBehaviour: settings.restHoursBehaviour,
    skipDolbyVision: settings.skipDolbyVision,
    recycleFolder: settings.recycleFolder ?? "",
    recycleDays: settings.recycleDays,
    handBack: settings.handBack,
  };
}

export function EncodingSettingsForm() {
  const settings = api.settings.encoder.useQuery();
  const general = api.settings.general.useQuery();
  if (settings.isPending || general.isPending) return <LoadingState label="Loading settings…" />;
  if (settings.isError) return <ErrorState message={errorMessageOf(settings.error)} onRetry={() => void settings.refetch()} />;
  if (general.isError) return <ErrorState message={errorMessageOf(general.error)} onRetry={() => void general.refetch()} />;
  return <LoadedForm settings={settings.data} targetCodec={general.data.targetCodec} />;
}

function LoadedForm({ settings, targetCodec }: { settings: EncoderSettings; targetCodec: TargetCodec }) {
  const utils = api.useUtils();
  const update = api.settings.updateEncoder.useMutation();
  const detection = api.encoder.encoders.useQuery(undefined, { staleTime: 60_000 });
  const form: EncodingForm = useForm<EncodingFormInput, unknown, EncodingFormOutput>({
    resolver: zodResolver(encodingFormSchema),
    defaultValues: toFormValues(settings),
    mode: "onTouched",
  });
  const { register, handleSubmit, reset, control, setError, formState } = form;
  const { errors, isDirty, isSubmitting } = formState;

  useEffect(() => {
    if (!form.formState.isDirty) reset(toFormValues(settings));
  }, [settings, reset, form.formState.isDirty]);

  const onSubmit = handleSubmit(async (values) => {
    try {
      const saved = await update.mutateAsync(values);
      utils.settings.encoder.setData(undefined, saved);
      reset(toFormValues(saved));
      toast.success("Encoding settings saved");
      await utils.encoder.status.invalidate();
    } catch (error) {
      for (const [field, message] of Object.entries(fieldErrorsOf(error))) {
        const name = formFieldName.safeParse(field);
        if (name.success) setError(name.data, { message });
      }
      toast.error("Encoding settings not saved", { description: errorMessageOf(error) });
    }
  });

  const recycleFolder = useWatch({ control, name: "recycleFolder" });
  const forTarget = (detection.data?.encoders ?? []).filter((encoder) => encoder.codec === targetCodec);
  const num = { valueAsNumber: true } as const;

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6" aria-label="Encoding settings">
      <Card className="flex flex-col gap-5">
        <div>
          <CardTitle>Encoder</CardTitle>
          <p className="mt-1 text-sm text-muted">
            Target codec: <strong className="text-foreground">{CODEC_NAMES[targetCodec]}</strong> ·{" "}
            <Link href="/settings/general" className="text-primary underline-offset-2 hover:underline">
              change it in General
            </Link>
          </p>
        </div>
        <Field label="Encoder" htmlFor="encoder" error={errors.encoder?.message} hint={`Only encoders that passed a test encode for ${CODEC_NAMES[targetCodec]} are listed.`}>
          <EncoderSelect form={form} options={forTarget} loading={detection.isPending} />
        </Field>
        <Field
          label="Encodes at once"
          htmlFor="concurrency"
          error={errors.concurrency?.message}
          hint="A software encode already uses every core: raise this only for a hardware encoder (GPU), which can run several."
        >
          <Input id="concurrency" type="number" min={1} max={8} step={1} className="max-w-28" aria-invalid={!!errors.concurrency} {...register("concurrency", num)} />
        </Field>
      </Card>

      <Card className="flex flex-col gap-5">
        <div>
          <CardTitle>Quality and speed</CardTitle>
          <p className="mt-1 text-sm text-muted">Quality is the CRF (software) or CQ (hardware): lower means better quality and bigger files. A slower preset makes smaller files at the same quality.</p>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <ProfileFields
            form={form}
            codec="h265"
            active={targetCodec === "h265"}
            presets={X265_PRESETS}
            qualityMax={51}
            qualityHint="20–24 looks like the original for most film and TV; default 24."
            presetHint="x265 presets; medium is a good balance."
          />
          <ProfileFields
            form={form}
            codec="av1"
            active={targetCodec === "av1"}
            presets={SVT_AV1_PRESETS}
            qualityMax={63}
            qualityHint="28–35 is typical; default 32."
            presetHint="SVT-AV1: 0 is slowest and smallest, 13 fastest; 8 is a good balance."
          />
        </div>
      </Card>

      <Card className="flex flex-col gap-5">
        <CardTitle>Which results are kept</CardTitle>
        <Field
          label="Minimum saving (%)"
          htmlFor="minSavingsPercent"
          error={errors.minSavingsPercent?.message}
          hint="The new file is kept only when it is at least this much smaller; otherwise the original stays and the item is skipped with the reason."
        >
          <Input id="minSavingsPercent" type="number" min={0} max={90} step={1} className="max-w-28" aria-invalid={!!errors.minSavingsPercent} {...register("minSavingsPercent", num)} />
        </Field>
        <Field
          label="Minimum quality (SSIM)"
          htmlFor="minQualitySsim"
          error={errors.minQualitySsim?.message}
          hint="Sampled parts of the new file are compared with the original: 1 is identical, 0.95 is visually transparent for most people, 0.98 is strict."
        >
          <Input id="minQualitySsim" type="number" min={0.5} max={1} step={0.01} className="max-w-28" aria-invalid={!!errors.minQualitySsim} {...register("minQualitySsim", num)} />
        </Field>
        <Controller
          control={control}
          name="skipDolbyVision"
          render={({ field }) => (
            <SwitchField
              label="Skip Dolby Vision files"
              hint="Dolby Vision's dynamic metadata cannot survive a re-encode: such files would lose it and play as plain HDR10 or worse. Recommended on."
              checked={field.value}
              onCheckedChange={field.onChange}
            />
          )}
        />
      </Card>

      <Card className="flex flex-col gap-5">
        <CardTitle>Originals</CardTitle>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-[1fr_auto]">
          <Field
            label="Recycle folder"
            htmlFor="recycleFolder"
            error={errors.recycleFolder?.message}
            hint="Originals are moved here after a successful replacement and deleted after the days below. Leave empty to replace originals directly."
          >
            <Input id="recycleFolder" placeholder="/data/optimizarr-recycle" autoComplete="off" spellCheck={false} className="font-mono" aria-invalid={!!errors.recycleFolder} {...register("recycleFolder")} />
          </Field>
          <Field label="Days to keep originals" htmlFor="recycleDays" error={errors.recycleDays?.message} hint="1 to 365.">
            <Input id="recycleDays" type="number" min={1} max={365} step={1} className="max-w-28" disabled={recycleFolder.trim() === ""} aria-invalid={!!errors.recycleDays} {...register("recycleDays", num)} />
          </Field>
        </div>
        {recycleFolder.trim() === "" ? (
          <p className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm text-warning">
            <AlertTriangleIcon className="mt-0.5 size-4 shrink-0" />
            No recycle folder: once a new file passes every check, it replaces the original directly and the original is gone for good.
          </p>
        ) : null}
        <Controller
          control={control}
          name="handBack"
          render={({ field }) => (
            <SwitchField
              label="Tell Sonarr, Radarr and Stash after replacing"
              hint="They rescan the file, so they show the new size and codec and do not download it again."
              checked={field.value}
              onCheckedChange={field.onChange}
            />
          )}
        />
      </Card>

      <Card className="flex flex-col gap-5">
        <CardTitle>Rest hours</CardTitle>
        <Field
          label="When rest hours begin, a running encode should"
          htmlFor="restHoursBehaviour"
          error={errors.restHoursBehaviour?.message}
          hint={
            <>
              No new encode starts during rest hours either way. The hours themselves are set in{" "}
              <Link href="/settings/general" className="text-primary underline-offset-2 hover:underline">
                General
              </Link>
              .
            </>
          }
        >
          <Select id="restHoursBehaviour" className="max-w-md" {...register("restHoursBehaviour")}>
            {REST_HOURS_BEHAVIOURS.map((behaviour) => (
              <option key={behaviour} value={behaviour}>
                {REST_HOURS_LABELS[behaviour]}
              </option>
            ))}
          </Select>
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

/** "Automatic" plus each working encoder of the target codec; a saved choice that no longer works stays visible as such. */
function EncoderSelect({ form, options, loading }: { form: EncodingForm; options: EncoderOption[]; loading: boolean }) {
  const current = useWatch({ control: form.control, name: "encoder" });
  const missing = current !== "auto" && !loading && !options.some((option) => option.name === current);
  return (
    <Select id="encoder" className="max-w-md" aria-invalid={!!form.formState.errors.encoder} {...form.register("encoder")}>
      <option value="auto">Automatic (hardware when it works, else software)</option>
      {options.map((option) => (
        <option key={option.name} value={option.name}>
          {option.label}
        </option>
      ))}
      {missing ? <option value={current}>{current} (not working here: automatic is used)</option> : null}
    </Select>
  );
}

function ProfileFields({
  form,
  codec,
  active,
  presets,
  qualityMax,
  qualityHint,
  presetHint,
}: {
  form: EncodingForm;
  codec: TargetCodec;
  active: boolean;
  presets: readonly string[];
  qualityMax: number;
  qualityHint: string;
  presetHint: string;
}) {
  const { register, formState } = form;
  const errors = formState.errors.profiles?.[codec];
  const preset = useWatch({ control: form.control, name: `profiles.${codec}.preset` });
  return (
    <fieldset className={cn("flex flex-col gap-4 rounded-md border p-4", active ? "border-primary/50 bg-primary/5" : "border-border opacity-80")}>
      <legend className="flex items-center gap-2 px-1 text-sm font-semibold">
        {CODEC_NAMES[codec]} {active ? <Badge tone="primary">in use</Badge> : <Badge>not the target codec</Badge>}
      </legend>
      <Field label={`${codec === "h265" ? "H.265" : "AV1"} quality`} htmlFor={`${codec}-quality`} error={errors?.quality?.message} hint={qualityHint}>
        <Input id={`${codec}-quality`} type="number" min={0} max={qualityMax} step={1} className="max-w-28" aria-invalid={!!errors?.quality} {...register(`profiles.${codec}.quality`, { valueAsNumber: true })} />
      </Field>
      <Field label={`${codec === "h265" ? "H.265" : "AV1"} preset`} htmlFor={`${codec}-preset`} error={errors?.preset?.message} hint={presetHint}>
        <Select id={`${codec}-preset`} className="max-w-48" {...register(`profiles.${codec}.preset`)}>
          {presets.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {preset && !presets.includes(preset) ? <option value={preset}>{preset}</option> : null}
        </Select>
      </Field>
    </fieldset>
  );
}
