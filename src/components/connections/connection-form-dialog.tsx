"use client";

import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { EyeIcon, EyeOffIcon, FlaskConicalIcon, ShieldCheckIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { FormError } from "~/components/ui/form-error";
import { Field, Input, Select } from "~/components/ui/input";
import { IntervalSelect } from "~/components/ui/interval-select";
import { Spinner } from "~/components/ui/states";
import { SwitchField } from "~/components/ui/switch-field";
import type { AppType } from "~/lib/queue-enums";
import { intervalSelectValue } from "~/lib/schedule-interval";
import { errorMessageOf, fieldErrorsOf } from "~/lib/trpc-error";
import type { ConnectionAppOption } from "~/server/connections/apps";
import { baseUrlSchema, QUICK_SYNC_APPS } from "~/server/connections/connection-schemas";
import { RETYPE_KEY_MESSAGE, storedKeyMayGoTo } from "~/server/connections/key-destination";
import { api, type RouterOutputs } from "~/trpc/react";
import { appPresentation } from "./app-presentation";
import {
  addConnectionFormSchema,
  editConnectionFormSchema,
  testIdentity,
  type ConnectionFormInput,
  type ConnectionFormOutput,
} from "./connection-form-schema";
import { failureCategoryLabel } from "./connection-labels";
import { OneTimeKey } from "./one-time-key";
import { PathMappingsEditor } from "./path-mappings-editor";
import { PrivacyFields } from "./privacy-fields";
import { TestResultPanel, type TestResult } from "./test-result-panel";
import { categoryOf } from "./trpc-category";

type Connection = RouterOutputs["connections"]["list"][number];
export type ConnectionFormMode = { kind: "add" } | { kind: "edit"; connection: Connection };

interface Created {
  name: string;
  apiKey: string;
}

export function ConnectionFormDialog({
  mode,
  open,
  onOpenChange,
  apps,
}: {
  mode: ConnectionFormMode;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  apps: readonly ConnectionAppOption[];
}) {
  // The one-time key lives here only while the dialog is open; closing forgets it.
  const [created, setCreated] = useState<Created | null>(null);
  const change = (next: boolean) => {
    if (!next) setCreated(null);
    onOpenChange(next);
  };
  const title = created ? "Connection added" : mode.kind === "add" ? "Add connection" : `Edit ${mode.connection.name}`;
  const description = created
    ? undefined
    : mode.kind === "add"
      ? "Optimizarr reads the library of a Sonarr, Radarr or Stash to queue its files without probing them."
      : `${mode.connection.appLabel} at ${mode.connection.baseUrl}`;
  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogContent title={title} description={description} className="max-w-2xl">
        {created ? (
          <OneTimeKey name={created.name} apiKey={created.apiKey} onDone={() => change(false)} />
        ) : (
          // Mounted only while open, so every opening starts from fresh values and no stale test.
          <ConnectionForm mode={mode} apps={apps} onCreated={setCreated} onDone={() => change(false)} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function optionOf(apps: readonly ConnectionAppOption[], appType: AppType): ConnectionAppOption {
  return apps.find((app) => app.appType === appType) ?? { appType, apiKeyRequired: true, privateByDefault: false, capabilities: { webhooks: false, tagFilter: false } };
}

/** A new connection's privacy defaults: a private-by-default app (Stash) starts private and out of the charts. */
function privacyDefaults(option: ConnectionAppOption) {
  return { private: option.privateByDefault, showInStats: !option.privateByDefault, acknowledged: false };
}

function defaultsFor(mode: ConnectionFormMode, apps: readonly ConnectionAppOption[]): ConnectionFormInput {
  if (mode.kind === "edit") {
    const { connection } = mode;
    return {
      appType: connection.appType,
      name: connection.name,
      baseUrl: connection.baseUrl,
      apiKey: "",
      pathMappings: connection.pathMappings,
      syncInterval: intervalSelectValue(connection.syncIntervalMinutes),
      fullSyncEveryHours: connection.fullSyncEveryHours,
      showInStats: connection.showInStats,
      private: connection.private,
      displayAlias: connection.displayAlias ?? "",
      tagFilter: connection.tagFilter.join(", "),
      acknowledged: true,
    };
  }
  const first = apps[0] ?? optionOf(apps, "sonarr");
  return {
    appType: first.appType,
    name: appPresentation(first.appType).label,
    baseUrl: "",
    apiKey: "",
    pathMappings: [],
    syncInterval: "off",
    fullSyncEveryHours: 24,
    displayAlias: "",
    tagFilter: "",
    ...privacyDefaults(first),
  };
}

function ConnectionForm({
  mode,
  apps,
  onCreated,
  onDone,
}: {
  mode: ConnectionFormMode;
  apps: readonly ConnectionAppOption[];
  onCreated: (created: Created) => void;
  onDone: () => void;
}) {
  const editing = mode.kind === "edit" ? mode.connection : null;
  const utils = api.useUtils();
  // Calls that carry an API key go through the plain client, not useMutation: the mutation cache
  // would keep the key (as input, and create's answer) in memory for minutes after the dialog closed.
  const { client } = utils;
  const [testing, setTesting] = useState(false);
  const [trustedCert, setTrustedCert] = useState<string | null>(editing?.trustedCertSha256 ?? null);
  const [tested, setTested] = useState<{ identity: string; result: TestResult } | null>(null);
  const [formError, setFormError] = useState<{ message: string; category: string | null } | null>(null);
  const [showKey, setShowKey] = useState(false);

  const form = useForm<ConnectionFormInput, unknown, ConnectionFormOutput>({
    resolver: zodResolver(editing ? editConnectionFormSchema : addConnectionFormSchema),
    defaultValues: defaultsFor(mode, apps),
    mode: "onTouched",
  });
  const { register, handleSubmit, setError, setValue, getValues, formState } = form;
  const { errors, isSubmitting } = formState;
  const [appType, baseUrl, apiKey] = useWatch({ control: form.control, name: ["appType", "baseUrl", "apiKey"] });
  const app = appPresentation(appType);
  const option = optionOf(apps, appType);
  // Adding a private-by-default app needs the warning read first; until then privacy stays locked on.
  const needsAcknowledgement = !editing && option.privateByDefault;

  const identity = testIdentity({ appType, baseUrl, apiKey, trustedCertSha256: trustedCert });
  const normalisedUrl = baseUrlSchema.safeParse(baseUrl);
  // Editing the name, mappings or schedule needs no test; a new address, key or certificate does.
  const needsTest =
    !editing ||
    apiKey.trim() !== "" ||
    trustedCert !== editing.trustedCertSha256 ||
    (normalisedUrl.success ? normalisedUrl.data : baseUrl.trim()) !== editing.baseUrl;
  // The server sends a saved key only to its saved server; a new one needs the key typed here.
  const keyMustBeRetyped = (url: string, key: string) =>
    !!editing?.hasApiKey && key.trim() === "" && !storedKeyMayGoTo(editing.baseUrl, baseUrlSchema.safeParse(url).data ?? url.trim());
  const retypeKey = keyMustBeRetyped(baseUrl, apiKey);
  const currentResult = tested?.identity === identity ? tested.result : null;
  const testPassed = currentResult?.ok === true;
  const canSave = !needsTest || testPassed;

  const runTest = async (certificate: string | null) => {
    setFormError(null);
    const valid = await form.trigger(editing ? ["baseUrl", "apiKey"] : ["appType", "baseUrl", "apiKey"]);
    if (!valid) return;
    const values = getValues();
    const url = baseUrlSchema.safeParse(values.baseUrl);
    if (!url.success) return;
    const key = values.apiKey.trim();
    if (keyMustBeRetyped(url.data, key)) {
      setError("apiKey", { type: "retype", message: RETYPE_KEY_MESSAGE }, { shouldFocus: true });
      return;
    }
    const testedIdentity = testIdentity({ appType: values.appType, baseUrl: values.baseUrl, apiKey: values.apiKey, trustedCertSha256: certificate });
    setTesting(true);
    try {
      const result = await client.connections.test.mutate(
        editing
          ? { id: editing.id, baseUrl: url.data, trustedCertSha256: certificate, ...(key ? { apiKey: key } : {}) }
          : { appType: values.appType, baseUrl: url.data, apiKey: key, trustedCertSha256: certificate },
      );
      setTested({ identity: testedIdentity, result });
      // Testing a saved connection's own settings updates its health and "last tested".
      if (editing) void utils.connections.list.invalidate();
    } catch (error) {
      setTested(null);
      const keyError = fieldErrorsOf(error).apiKey;
      if (keyError) setError("apiKey", { type: "server", message: keyError }, { shouldFocus: true });
      else setFormError({ message: errorMessageOf(error), category: categoryOf(error) });
    } finally {
      setTesting(false);
    }
  };

  const trustCertificate = (sha256: string) => {
    setTrustedCert(sha256);
    void runTest(sha256);
  };

  const changeApp = (next: AppType) => {
    // Follow the app in the name while it is still the default one.
    const name = getValues("name").trim();
    if (name === "" || name === appPresentation(appType).label) setValue("name", appPresentation(next).label, { shouldValidate: true });
    const defaults = privacyDefaults(optionOf(apps, next));
    for (const field of ["private", "showInStats", "acknowledged"] as const) setValue(field, defaults[field]);
  };

  const onSubmit = handleSubmit(async (values) => {
    if (!canSave) return;
    setFormError(null);
    if (needsAcknowledgement && !values.acknowledged) {
      setError("acknowledged", { type: "required", message: `Confirm you have read this before connecting ${app.label}` }, { shouldFocus: true });
      return;
    }
    const settings = {
      name: values.name,
      baseUrl: values.baseUrl,
      pathMappings: values.pathMappings,
      syncIntervalMinutes: values.syncInterval,
      ...(QUICK_SYNC_APPS.has(values.appType) ? { fullSyncEveryHours: values.fullSyncEveryHours } : {}),
      showInStats: values.showInStats,
      private: values.private,
      displayAlias: values.displayAlias === "" ? null : values.displayAlias,
      ...(option.capabilities.tagFilter ? { tagFilter: values.tagFilter } : {}),
      trustedCertSha256: trustedCert,
    };
    try {
      if (editing) {
        await client.connections.update.mutate({ id: editing.id, ...settings, ...(values.apiKey ? { apiKey: values.apiKey } : {}) });
        await utils.connections.list.invalidate();
        toast.success(`Saved ${values.name}`);
        onDone();
      } else {
        if (!values.apiKey && option.apiKeyRequired) {
          setError("apiKey", { type: "required", message: "Enter the API key" }, { shouldFocus: true });
          return;
        }
        const result = await client.connections.create.mutate({ ...settings, appType: values.appType, apiKey: values.apiKey ?? "" });
        await utils.connections.list.invalidate();
        if (result.apiKey) {
          onCreated({ name: result.connection.name, apiKey: result.apiKey });
        } else {
          // No key (a Stash without a login): nothing to show once.
          toast.success(`Added ${result.connection.name}`);
          onDone();
        }
      }
    } catch (error) {
      const fields = fieldErrorsOf(error);
      let placed = false;
      for (const field of ["name", "baseUrl", "apiKey", "appType", "displayAlias", "tagFilter"] as const) {
        if (fields[field]) {
          setError(field, { type: "server", message: fields[field] }, { shouldFocus: !placed });
          placed = true;
        }
      }
      if (!placed) setFormError({ message: errorMessageOf(error), category: categoryOf(error) });
    }
  });

  const [intervalValue, showInStats, isPrivate, acknowledged] = useWatch({ control: form.control, name: ["syncInterval", "showInStats", "private", "acknowledged"] });

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-5" noValidate>
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <Field label="App" htmlFor="connection-app" error={errors.appType?.message}>
          <Select id="connection-app" disabled={!!editing} {...register("appType", { onChange: (event: React.ChangeEvent<HTMLSelectElement>) => changeApp(event.target.value as AppType) })}>
            {apps.map(({ appType: type }) => (
              <option key={type} value={type}>
                {appPresentation(type).label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Name" htmlFor="connection-name" error={errors.name?.message}>
          <Input
            id="connection-name"
            placeholder={`${app.label} 4K`}
            maxLength={100}
            autoComplete="off"
            aria-invalid={!!errors.name}
            aria-describedby={errors.name ? "connection-name-error" : undefined}
            {...register("name")}
          />
        </Field>
      </div>

      <Field label="URL" htmlFor="connection-url" error={errors.baseUrl?.message} hint={`Include the URL base if ${app.label} has one, e.g. ${app.urlPlaceholder}/${appType}`}>
        <Input
          id="connection-url"
          className="font-mono"
          placeholder={app.urlPlaceholder}
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          autoFocus={!editing}
          aria-invalid={!!errors.baseUrl}
          aria-describedby={errors.baseUrl ? "connection-url-error" : undefined}
          {...register("baseUrl")}
        />
      </Field>

      <Field
        label="API key"
        htmlFor="connection-api-key"
        // The "type it again" error goes away with its cause (the address back on the saved server).
        error={errors.apiKey?.type === "retype" && !retypeKey ? undefined : errors.apiKey?.message}
        hint={
          retypeKey
            ? `${RETYPE_KEY_MESSAGE}. Find it in ${app.apiKeyHint}.`
            : editing
              ? `Leave empty to keep the current key (${editing.apiKeyMasked}). Find it in ${app.apiKeyHint}.`
              : option.apiKeyRequired
                ? `Find it in ${app.apiKeyHint}`
                : `Leave empty if ${app.label} has no login; otherwise find it in ${app.apiKeyHint}`
        }
      >
        <div className="relative">
          <Input
            id="connection-api-key"
            type={showKey ? "text" : "password"}
            className="pr-10 font-mono"
            placeholder={editing ? editing.apiKeyMasked : option.apiKeyRequired ? "32 characters" : "Optional"}
            autoComplete="off"
            spellCheck={false}
            autoFocus={!!editing?.needsApiKey}
            aria-invalid={!!errors.apiKey}
            aria-describedby={errors.apiKey ? "connection-api-key-error" : undefined}
            {...register("apiKey")}
          />
          <button
            type="button"
            className="absolute inset-y-0 right-0 flex w-9 items-center justify-center rounded-r-md text-muted hover:text-foreground"
            aria-label={showKey ? "Hide API key" : "Show API key"}
            aria-pressed={showKey}
            onClick={() => setShowKey((shown) => !shown)}
          >
            {showKey ? <EyeOffIcon className="size-4" /> : <EyeIcon className="size-4" />}
          </button>
        </div>
      </Field>

      {trustedCert ? (
        <div className="flex items-start gap-2 rounded-md border border-border bg-surface-raised p-3 text-xs">
          <ShieldCheckIcon className="mt-0.5 size-4 shrink-0 text-success" />
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <span>Trusted certificate (SHA-256)</span>
            <code className="break-all font-mono text-muted">{trustedCert}</code>
          </div>
          <Button type="button" size="sm" variant="ghost" onClick={() => setTrustedCert(null)}>
            Forget
          </Button>
        </div>
      ) : null}

      {currentResult ? (
        <TestResultPanel result={currentResult} onTrustCertificate={trustCertificate} trusting={testing} />
      ) : tested && needsTest ? (
        <p className="text-xs text-muted">The address, key or certificate changed since the last test: test again before saving.</p>
      ) : null}

      <PathMappingsEditor form={form} appLabel={app.label} />

      {option.capabilities.tagFilter ? (
        <Field
          label="Only scenes tagged"
          htmlFor="connection-tag-filter"
          error={errors.tagFilter?.message}
          hint={`Tag names in ${app.label}, separated by commas. Empty syncs every scene.`}
        >
          <Input id="connection-tag-filter" placeholder="needs-encoding" autoComplete="off" spellCheck={false} {...register("tagFilter")} />
        </Field>
      ) : null}

      <PrivacyFields
        form={form}
        appLabel={app.label}
        isPrivate={isPrivate}
        needsAcknowledgement={needsAcknowledgement}
        acknowledged={acknowledged}
        acknowledgementError={errors.acknowledged?.message}
        aliasError={errors.displayAlias?.message}
      />

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Automatic sync" htmlFor="connection-sync-interval" hint="A scheduled sync adds new files and updates changed ones.">
          <IntervalSelect id="connection-sync-interval" value={intervalValue} {...register("syncInterval")} />
        </Field>
        {QUICK_SYNC_APPS.has(appType) ? (
          <Field
            label="Full sync every (hours)"
            htmlFor="connection-full-sync-hours"
            error={errors.fullSyncEveryHours?.message}
            hint={`Syncs in between skip ${app.parent.many} whose ${app.parent.changeSignal} haven't changed; a full one re-reads every file.`}
          >
            <Input id="connection-full-sync-hours" type="number" min={1} max={168} step={1} {...register("fullSyncEveryHours", { valueAsNumber: true })} />
          </Field>
        ) : null}
        <SwitchField
          className="pt-7"
          label="Show in stats"
          hint="Count this library on the Statistics page."
          checked={showInStats}
          onCheckedChange={(checked) => setValue("showInStats", checked, { shouldDirty: true })}
        />
      </div>

      {formError ? (
        <FormError label={formError.category ? failureCategoryLabel(formError.category) : null}>{formError.message}</FormError>
      ) : null}

      {/* Stays in view while the form scrolls, so Test and Save are always at hand. */}
      <div className="sticky -bottom-6 -mx-6 -mb-6 flex flex-wrap items-center justify-between gap-3 border-t border-border bg-surface px-6 py-4">
        <Button type="button" onClick={() => void runTest(trustedCert)} disabled={testing || isSubmitting}>
          {testing ? <Spinner /> : <FlaskConicalIcon />} Test
        </Button>
        <div className="flex items-center gap-3">
          {!canSave ? <span className="text-xs text-muted">Test the connection to enable Save</span> : null}
          <Button type="button" variant="ghost" onClick={onDone} disabled={isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={!canSave || isSubmitting || testing} title={canSave ? undefined : "Test the connection first"}>
            {isSubmitting ? <Spinner /> : null} Save
          </Button>
        </div>
      </div>
    </form>
  );
}
