"use client";

import { Controller, useFieldArray, useWatch } from "react-hook-form";
import { MoonIcon, PlusIcon, Trash2Icon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Input, Label } from "~/components/ui/input";
import { EmptyState } from "~/components/ui/states";
import { cn } from "~/lib/utils";
import type { GeneralForm } from "./general-settings-form";

const DAY_LABELS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
// Displayed Monday first (as most of the world's calendars), stored as JS day numbers (0 = Sunday).
const DAY_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
const MAX_WINDOWS = 20;

export function RestWindowsEditor({ form }: { form: GeneralForm }) {
  const { control, register, formState } = form;
  const { fields, append, remove } = useFieldArray({ control, name: "restWindows" });
  const windows = useWatch({ control, name: "restWindows" });
  const errors = formState.errors.restWindows;

  return (
    <div className="flex flex-col gap-3">
      {fields.length === 0 ? (
        <EmptyState title="No rest hours">Encoding may run at any time. Add a window to keep the machine quiet at night or during working hours.</EmptyState>
      ) : (
        <ul className="flex flex-col gap-3">
          {fields.map((field, index) => {
            const rowErrors = errors?.[index];
            const start = windows[index]?.start ?? "";
            const end = windows[index]?.end ?? "";
            const crossesMidnight = /^\d\d:\d\d$/.test(start) && /^\d\d:\d\d$/.test(end) && end < start;
            return (
              <li key={field.id} className="flex flex-col gap-3 rounded-md border border-border bg-background/40 p-3 sm:flex-row sm:flex-wrap sm:items-start">
                <div className="flex items-start gap-2">
                  <div className="flex flex-col gap-1">
                    <Label htmlFor={`restWindows.${index}.start`} className="text-xs text-muted">
                      From
                    </Label>
                    <Input id={`restWindows.${index}.start`} type="time" className="w-32" aria-invalid={!!rowErrors?.start} {...register(`restWindows.${index}.start`)} />
                  </div>
                  <div className="flex flex-col gap-1">
                    <Label htmlFor={`restWindows.${index}.end`} className="text-xs text-muted">
                      Until
                    </Label>
                    <Input id={`restWindows.${index}.end`} type="time" className="w-32" aria-invalid={!!rowErrors?.end} {...register(`restWindows.${index}.end`)} />
                  </div>
                </div>
                <Controller
                  control={control}
                  name={`restWindows.${index}.days`}
                  render={({ field: daysField }) => {
                    const selected = new Set(daysField.value ?? []);
                    return (
                      <fieldset className="flex flex-col gap-1">
                        <legend className="mb-1 text-xs font-medium text-muted">On (none = every day)</legend>
                        <div className="flex flex-wrap gap-1">
                          {DAY_ORDER.map((day) => {
                            const active = selected.has(day);
                            return (
                              <button
                                key={day}
                                type="button"
                                aria-pressed={active}
                                onClick={() => {
                                  const next = new Set(selected);
                                  if (active) next.delete(day);
                                  else next.add(day);
                                  daysField.onChange([...next].sort((a, b) => a - b));
                                }}
                                className={cn(
                                  "h-9 w-11 rounded-md border text-xs font-medium transition-colors",
                                  active ? "border-primary bg-primary/20 text-primary" : "border-border text-muted hover:text-foreground",
                                )}
                              >
                                {DAY_LABELS[day]}
                              </button>
                            );
                          })}
                        </div>
                      </fieldset>
                    );
                  }}
                />
                <div className="flex flex-1 items-center justify-between gap-2 self-stretch sm:justify-end">
                  {crossesMidnight ? (
                    <span className="flex items-center gap-1 text-xs text-muted">
                      <MoonIcon className="size-3.5" /> Ends the next morning
                    </span>
                  ) : null}
                  <Button type="button" variant="ghost" size="icon" aria-label={`Remove window ${index + 1}`} onClick={() => remove(index)}>
                    <Trash2Icon />
                  </Button>
                </div>
                {rowErrors ? (
                  <p role="alert" className="basis-full text-xs text-danger">
                    {[rowErrors.start?.message, rowErrors.end?.message, rowErrors.days?.message, rowErrors.root?.message].filter(Boolean).join(" · ")}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {errors?.message || errors?.root?.message ? (
        <p role="alert" className="text-xs text-danger">
          {errors.message ?? errors.root?.message}
        </p>
      ) : null}
      <div>
        <Button type="button" size="sm" disabled={fields.length >= MAX_WINDOWS} onClick={() => append({ start: "01:00", end: "07:00", days: [] })}>
          <PlusIcon /> Add window
        </Button>
      </div>
    </div>
  );
}
