import { INTERVAL_OPTIONS, intervalLabel, intervalSelectValue } from "~/lib/schedule-interval";
import { Select } from "./input";

/** The interval choices, plus the current value as its own option when the API saved another one. */
export function IntervalSelect({ value, ...props }: Omit<React.ComponentProps<"select">, "value" | "children"> & { value: string }) {
  const custom = value !== "off" && !INTERVAL_OPTIONS.some((option) => String(option.minutes) === value);
  return (
    <Select {...props}>
      {INTERVAL_OPTIONS.map((option) => (
        <option key={option.label} value={intervalSelectValue(option.minutes)}>
          {option.label}
        </option>
      ))}
      {custom ? <option value={value}>{intervalLabel(Number(value))}</option> : null}
    </Select>
  );
}
