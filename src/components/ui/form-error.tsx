import { cn } from "~/lib/utils";

/**
 * A whole-form error (the server's answer to a submit), announced to screen readers. `label`
 * prefixes it in bold red, e.g. the kind of connection failure, so the cause reads first.
 */
export function FormError({ label, className, children, ...props }: React.ComponentProps<"p"> & { label?: string | null }) {
  return (
    <p role="alert" className={cn("rounded-md border border-danger/40 bg-danger/10 p-3 text-sm", className)} {...props}>
      {label ? <span className="font-medium text-danger">{label}: </span> : null}
      {children}
    </p>
  );
}
